"""The TBox: category classes with labels, property axioms, disjointness and RO/Biolink mappings."""

from __future__ import annotations

from rdflib import URIRef

from ketamine_kg.ontology.schema import load_schema
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.vocab import BIOLINK, KKG, OBO, OWL, RDF, RDFS, SKOS

CATEGORY_LABELS = {
    "Drug": "drug",
    "Metabolite": "metabolite",
    "Receptor": "receptor",
    "Pathway": "pathway",
    "Condition": "condition",
    "AdverseEffect": "adverse effect",
}
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def k(local: str) -> URIRef:
    return URIRef(str(KKG._NS) + local)


def test_category_classes_are_labelled(fixture_build: BuildResult) -> None:
    g = fixture_build.graph
    for local, label in CATEGORY_LABELS.items():
        assert (k(local), RDF.type, OWL.Class) in g
        assert str(g.value(k(local), RDFS.label)) == label


def test_drug_and_metabolite_are_disjoint(fixture_build: BuildResult) -> None:
    rows = fixture_build.graph.query(
        "SELECT ?x WHERE { ?x a owl:AllDisjointClasses ; owl:members/rdf:rest*/rdf:first kkg:Drug, kkg:Metabolite }",
        initNs={"kkg": str(KKG._NS)},
    )
    assert len(rows) == 1


def test_properties_have_domain_range_and_mappings(fixture_build: BuildResult) -> None:
    g = fixture_build.graph
    schema = load_schema()
    for prop in schema.properties.values():
        iri = k(prop.id)
        assert (iri, RDF.type, OWL.ObjectProperty) in g
        assert g.value(iri, RDFS.domain) is not None, prop.id
        assert g.value(iri, RDFS.range) is not None, prop.id
        targets = [o for m in MATCHES for o in g.objects(iri, m)]
        assert any(str(t).startswith((str(OBO), str(BIOLINK))) for t in targets), prop.id
    assert (k("hasDownstreamMetabolite"), RDF.type, OWL.TransitiveProperty) in g
    assert (k("isEnantiomerOf"), RDF.type, OWL.SymmetricProperty) in g
    assert (k("hasMetabolite"), OWL.inverseOf, k("isMetaboliteOf")) in g
    assert (k("hasPart"), OWL.propertyDisjointWith, k("hasMetabolite")) in g
    assert (k("treats"), SKOS.exactMatch, BIOLINK.treats) in g
    assert (k("isAntagonistOf"), SKOS.exactMatch, OBO.RO_0018029) in g


def test_provenance_annotation_properties_are_declared(fixture_build: BuildResult) -> None:
    g = fixture_build.graph
    for ap in (
        KKG.evidenceLevel,
        KKG.assertionId,
        URIRef("http://purl.org/dc/terms/source"),
        OBO.IAO_0000115,
    ):
        assert (URIRef(ap), RDF.type, OWL.AnnotationProperty) in g
