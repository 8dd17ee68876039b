"""Quality checks: each one proven by a fixture that violates it exactly once, SHACL catching the same.

Every case copies the fixture build's graph, injects one violation and asserts the exact row count of
every check (all others stay at zero unless listed) and the SHACL results, counted per mirrored check as
distinct (focus, value) pairs. SHACL mapping (shape -> check; see ontology/shapes.ttl):

- MissingLabel -> missing_label (NamedIndividuals only)
- MissingDefinition -> missing_definition (entities only, not schema terms)
- EntityWithoutCategory -> entity_without_category (typed kg: nodes)
- DuplicateLabel -> duplicate_label (one result per member, so 2 per duplicated pair)
- RelationProvenance, MappingProvenance, QuantityProvenance, RelationAnnotated -> assertion_without_provenance
- MalformedIdentifier -> malformed_identifier (CURIE and IRI patterns; not the CURIE/IRI correspondence)
- DanglingReference -> dangling_reference
- EnantiomerAndMetabolite -> enantiomer_and_metabolite
- RefutedClaimAsserted -> refuted_claim_asserted
- AdverseEffectTreated -> adverse_effect_treated
- QuantityWithoutUnit -> quantity_without_unit; QuantityWithoutValue -> quantity_without_value
- InferredWithAssertionId -> inferred_with_assertion_id (the inferred axiom side)
- Vocabulary_* -> value_outside_vocabulary
- InferredLessQualified -> inferred_less_qualified (focus: the inferred axiom, value: the mirrored assertion)
- QuantityNotLinked -> quantity_not_linked
- FrequencyWithoutComparator -> frequency_without_comparator
- DatabaseSourceForClinical -> database_source_for_clinical (focus: axiom or quantity, value: the resource)
- ExactMatchMismatch -> exact_match_mismatch (focus: the property, value: the mapped relation)
- NonUcumUnit -> non_ucum_unit (a unit outside the vocabulary is also value_outside_vocabulary)
- undeclared_term has no shape (SPARQL only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from ketamine_kg.ontology.triples import annotate, bnode_for
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.queries.quality import (
    ShaclReport,
    check_quality,
    format_report,
    load_checks,
    run_checks,
    run_shacl,
)
from ketamine_kg.vocab import DCTERMS, IAO_DEFINITION, KG, KKG, OBOINOWL, OWL, RDF, RDFS, SKOS

SHAPES = Path(str(resources.files("ketamine_kg.ontology") / "shapes.ttl"))
SCHEMA_NS = "https://w3id.org/ketamine-kg/schema#"

Mutation = Callable[[Graph], None]


def k(local: str) -> URIRef:
    """A schema term by local name (works for names the KKG namespace does not list)."""
    return URIRef(SCHEMA_NS + local)


def add_relation(graph: Graph, s: str, p: str, o: str, rid: str = "R9001") -> None:
    """Add a fully annotated relation assertion, as the build would."""
    triple = (KG[s], k(p), KG[o])
    graph.add(triple)
    notes = [
        (URIRef(KKG.assertionId), Literal(rid)),
        (URIRef(KKG.evidenceLevel), Literal("clinical")),
        (DCTERMS.source, KG["src_label"]),
    ]
    for t in annotate(*triple, bnode_for("assertion", rid), notes):
        graph.add(t)


def inferred_axiom(graph: Graph) -> BNode:
    node = min(graph.subjects(URIRef(KKG.inferred), Literal(True)), key=str)
    assert isinstance(node, BNode)
    return node


def _remove_label(g: Graph) -> None:
    g.remove((KG.norketamine, RDFS.label, None))


def _remove_definition(g: Graph) -> None:
    g.remove((KG.mdd, IAO_DEFINITION, None))


def _remove_axiom_source(g: Graph) -> None:
    g.remove((bnode_for("assertion", "R0010"), DCTERMS.source, None))


def _bare_relation(g: Graph) -> None:
    g.add((KG.ketamine, k("treats"), KG.mdd))


def _quantity_without_source(g: Graph) -> None:
    g.remove((KG.q_half_life_ketamine, DCTERMS.source, None))


def _uncategorised(g: Graph) -> None:
    g.add((KG.new_thing, RDF.type, OWL.NamedIndividual))
    g.add((KG.new_thing, RDFS.label, Literal("new thing")))


def _duplicate_label(g: Graph) -> None:
    g.add((KG.ketamine_again, RDF.type, OWL.NamedIndividual))
    g.add((KG.ketamine_again, RDF.type, k("Drug")))
    g.add((KG.ketamine_again, RDFS.label, Literal("Ketamine")))
    g.add((KG.ketamine_again, IAO_DEFINITION, Literal("A second record of the same drug.")))


def _bad_curie(g: Graph) -> None:
    g.add((KG.arketamine, OBOINOWL.hasDbXref, Literal("CHEBX:123")))


def _bad_mapping_iri(g: Graph) -> None:
    g.add((KG.arketamine, SKOS.exactMatch, URIRef("http://example.org/arketamine")))


def _dangling(g: Graph) -> None:
    g.add((KG.claim_esketamine_metabolite, URIRef(KKG.isAbout), KG.no_such_entity))


def _enantiomer_metabolite(g: Graph) -> None:
    add_relation(g, "esketamine", "hasMetabolite", "arketamine")


def _refuted_asserted(g: Graph) -> None:
    add_relation(g, "ketamine", "hasMetabolite", "esketamine")


def _adverse_effect_treated(g: Graph) -> None:
    add_relation(g, "esketamine", "treats", "dissociation")


def _no_unit(g: Graph) -> None:
    g.remove((KG.q_half_life_ketamine, URIRef(KKG.unit), None))


def _no_value(g: Graph) -> None:
    g.remove((KG.q_ki_esketamine_nmdar, URIRef(KKG.value), None))


def _inferred_with_id(g: Graph) -> None:
    g.add((inferred_axiom(g), URIRef(KKG.assertionId), Literal("R9999")))


def _bad_evidence(g: Graph) -> None:
    node = bnode_for("assertion", "R0006")
    g.remove((node, URIRef(KKG.evidenceLevel), None))
    g.add((node, URIRef(KKG.evidenceLevel), Literal("anecdotal")))


def _undeclared(g: Graph) -> None:
    g.add((KG.ketamine, k("treat"), KG.mdd))


@dataclass(frozen=True)
class Case:
    mutate: Mutation
    rows: dict[str, int]
    shacl: dict[str, int]


def _inferred_without_regimen(g: Graph) -> None:
    mirrored = [ax for ax in g.subjects(URIRef(KKG.mirrorsAssertion), Literal("R0011"))]
    assert len(mirrored) == 1
    g.remove((mirrored[0], URIRef(KKG.regimen), None))


def _quantity_of_assertion_subject(g: Graph) -> None:
    g.add((KG.q_freq_dissociation, URIRef(KKG.quantityOf), KG.esketamine))


def _comparator_value_without_arm(g: Graph) -> None:
    g.add((KG.q_freq_dissociation, URIRef(KKG.comparatorValue), Literal(Decimal("5.8"))))


def _database_for_clinical(g: Graph) -> None:
    g.add((bnode_for("assertion", "R0006"), DCTERMS.source, KG.src_chebi))


def _exact_match_to_transitive(g: Graph) -> None:
    g.add((k("hasPart"), SKOS.exactMatch, URIRef("http://purl.obolibrary.org/obo/BFO_0000051")))


def _micromolar_as_mega(g: Graph) -> None:
    g.remove((KG.q_ki_esketamine_nmdar, URIRef(KKG.unit), None))
    g.add((KG.q_ki_esketamine_nmdar, URIRef(KKG.unit), Literal("uM")))


CASES: dict[str, Case] = {
    "missing_label": Case(_remove_label, {"missing_label": 1}, {"missing_label": 1}),
    "missing_definition": Case(_remove_definition, {"missing_definition": 1}, {"missing_definition": 1}),
    "assertion_without_provenance": Case(
        _remove_axiom_source, {"assertion_without_provenance": 1}, {"assertion_without_provenance": 1}
    ),
    "assertion_without_provenance/bare": Case(
        _bare_relation, {"assertion_without_provenance": 1}, {"assertion_without_provenance": 1}
    ),
    "assertion_without_provenance/quantity": Case(
        _quantity_without_source, {"assertion_without_provenance": 1}, {"assertion_without_provenance": 1}
    ),
    "entity_without_category": Case(
        _uncategorised, {"entity_without_category": 1}, {"entity_without_category": 1}
    ),
    "duplicate_label": Case(_duplicate_label, {"duplicate_label": 1}, {"duplicate_label": 2}),
    "malformed_identifier": Case(_bad_curie, {"malformed_identifier": 1}, {"malformed_identifier": 1}),
    "malformed_identifier/iri": Case(
        _bad_mapping_iri,
        {"malformed_identifier": 1, "assertion_without_provenance": 1},
        {"malformed_identifier": 1},
    ),
    "dangling_reference": Case(_dangling, {"dangling_reference": 1}, {"dangling_reference": 1}),
    "enantiomer_and_metabolite": Case(
        _enantiomer_metabolite, {"enantiomer_and_metabolite": 1}, {"enantiomer_and_metabolite": 1}
    ),
    "refuted_claim_asserted": Case(
        _refuted_asserted, {"refuted_claim_asserted": 1}, {"refuted_claim_asserted": 1}
    ),
    "adverse_effect_treated": Case(
        _adverse_effect_treated, {"adverse_effect_treated": 1}, {"adverse_effect_treated": 1}
    ),
    "quantity_without_unit": Case(_no_unit, {"quantity_without_unit": 1}, {"quantity_without_unit": 1}),
    "quantity_without_value": Case(_no_value, {"quantity_without_value": 1}, {"quantity_without_value": 1}),
    "inferred_with_assertion_id": Case(
        # SHACL also flags the inferred axiom as an assertion (it has an id) without source and evidence
        _inferred_with_id,
        {"inferred_with_assertion_id": 1},
        {"inferred_with_assertion_id": 1, "assertion_without_provenance": 1},
    ),
    "value_outside_vocabulary": Case(
        _bad_evidence, {"value_outside_vocabulary": 1}, {"value_outside_vocabulary": 1}
    ),
    "undeclared_term": Case(_undeclared, {"undeclared_term": 1}, {}),
    "inferred_less_qualified": Case(
        _inferred_without_regimen, {"inferred_less_qualified": 1}, {"inferred_less_qualified": 1}
    ),
    "quantity_not_linked": Case(
        _quantity_of_assertion_subject, {"quantity_not_linked": 1}, {"quantity_not_linked": 1}
    ),
    "frequency_without_comparator": Case(
        _comparator_value_without_arm,
        {"frequency_without_comparator": 1},
        {"frequency_without_comparator": 1},
    ),
    "database_source_for_clinical": Case(
        _database_for_clinical, {"database_source_for_clinical": 1}, {"database_source_for_clinical": 1}
    ),
    "exact_match_mismatch": Case(
        _exact_match_to_transitive, {"exact_match_mismatch": 1}, {"exact_match_mismatch": 1}
    ),
    "non_ucum_unit": Case(
        _micromolar_as_mega,
        {"non_ucum_unit": 1, "value_outside_vocabulary": 1},
        {"non_ucum_unit": 1, "value_outside_vocabulary": 1},
    ),
}


def copy_graph(graph: Graph) -> Graph:
    copy = Graph()
    for t in graph:
        copy.add(t)
    return copy


def row_counts(graph: Graph) -> dict[str, int]:
    return {r.check.name: len(r.rows) for r in run_checks(graph) if r.rows}


def shacl_counts(report: ShaclReport) -> dict[str, int]:
    return dict(Counter(check for check, _f, _v in {(r.check, r.focus, r.value) for r in report.results}))


def test_every_check_has_a_violating_fixture() -> None:
    covered = {name.split("/")[0] for name in CASES}
    assert covered == set(load_checks())


def test_every_check_has_the_header() -> None:
    for check in load_checks().values():
        assert check.title and check.problem and check.fix and check.columns, check.name
        assert check.text.lstrip().startswith("# title:"), check.name


def test_fixture_graph_passes_every_check_and_shape(fixture_build: BuildResult) -> None:
    assert row_counts(fixture_build.graph) == {}
    shacl = run_shacl(fixture_build.graph, SHAPES)
    assert shacl.conforms, shacl.results


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_catches_exactly_its_violation(case: str, fixture_build: BuildResult) -> None:
    graph = copy_graph(fixture_build.graph)
    CASES[case].mutate(graph)
    assert row_counts(graph) == CASES[case].rows
    shacl = run_shacl(graph, SHAPES)
    assert shacl_counts(shacl) == CASES[case].shacl
    assert shacl.conforms is (not CASES[case].shacl)
    assert all(r.message for r in shacl.results)


def test_violation_rows_name_the_offender(fixture_build: BuildResult) -> None:
    graph = copy_graph(fixture_build.graph)
    _refuted_asserted(graph)
    _bad_curie(graph)
    results = {r.check.name: r for r in run_checks(graph)}
    assert results["refuted_claim_asserted"].as_dicts() == [
        {
            "claim": "kg:claim_esketamine_metabolite",
            "subject": "kg:ketamine",
            "predicate": "kkg:hasMetabolite",
            "object": "kg:esketamine",
        }
    ]
    assert results["malformed_identifier"].as_dicts() == [
        {"entity": "kg:arketamine", "identifier": "CHEBX:123", "problem": "unknown prefix 'CHEBX'"}
    ]


def test_the_inverse_of_a_refuted_triple_counts_as_asserting_it(fixture_build: BuildResult) -> None:
    graph = copy_graph(fixture_build.graph)
    add_relation(graph, "esketamine", "isMetaboliteOf", "ketamine")
    assert row_counts(graph)["refuted_claim_asserted"] == 1


def test_report_table_and_json(fixture_build: BuildResult) -> None:
    import json

    graph = copy_graph(fixture_build.graph)
    _no_unit(graph)
    report = check_quality(graph, shapes=SHAPES)
    assert not report.passed and report.violations == 1
    table = format_report(report, "table")
    check = load_checks()["quantity_without_unit"]
    assert check.problem in table and check.fix in table
    assert "kg:q_half_life_ketamine" in table and "FAILED" in table
    data = json.loads(format_report(report, "json"))
    failing = [c for c in data["checks"] if not c["passed"]]
    assert [c["name"] for c in failing] == ["quantity_without_unit"]
    assert failing[0]["violations"] == [
        {"quantity": "kg:q_half_life_ketamine", "kind": "half_life", "about": "kg:ketamine"}
    ]
    assert data["shacl"]["conforms"] is False
    assert format_report(report, "json") == format_report(check_quality(graph, shapes=SHAPES), "json")


def test_real_data_passes_every_check_and_shape(real_build: BuildResult) -> None:
    assert real_build.reasoning.status in {"consistent", "unavailable"}
    failing = {r.check.name: r.rows for r in run_checks(real_build.graph) if r.rows}
    assert failing == {}
    shacl = run_shacl(real_build.graph, SHAPES)
    assert shacl.conforms, shacl.results[:20]
