"""Namespaces and the closed set of schema terms the code refers to by name."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = [
    "BIOLINK",
    "DCTERMS",
    "KG",
    "KKG",
    "OBO",
    "OBOINOWL",
    "ONTOLOGY_IRI",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
]

ONTOLOGY_IRI = "https://w3id.org/ketamine-kg/ketamine-kg.owl"
SCHEMA_NS = "https://w3id.org/ketamine-kg/schema#"
ID_NS = "https://w3id.org/ketamine-kg/id/"

KG = Namespace(ID_NS)
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")


class KKG(DefinedNamespace):
    """Project schema terms used in code; a typo raises AttributeError instead of minting an IRI."""

    _NS = Namespace(SCHEMA_NS)
    _fail = True

    # annotation properties for provenance and context
    assertionId: URIRef
    evidenceLevel: URIRef
    approvalStatus: URIRef
    definitionSource: URIRef
    verificationStatus: URIRef
    inferred: URIRef
    hermitReasoning: URIRef
    metaboliteClosure: URIRef
    # qualifiers (kkg:<key>)
    mechanism: URIRef
    regimen: URIRef
    route: URIRef
    region: URIRef
    directness: URIRef
    population: URIRef
    interaction: URIRef
    site: URIRef
    # quantities
    Quantity: URIRef
    quantityOf: URIRef
    assertionRef: URIRef
    quantityKind: URIRef
    value: URIRef
    minValue: URIRef
    maxValue: URIRef
    unit: URIRef
    context: URIRef
    qualifiesAssertion: URIRef
    comparator: URIRef
    comparatorValue: URIRef
    comparatorMinValue: URIRef
    comparatorMaxValue: URIRef
    mirrorsAssertion: URIRef
    # claims
    Claim: URIRef
    statement: URIRef
    claimStatus: URIRef
    articleSection: URIRef
    isAbout: URIRef
    decidedBy: URIRef
    correction: URIRef
    errorCode: URIRef
    claimSubject: URIRef
    claimPredicate: URIRef
    claimObject: URIRef
    # sources
    Source: URIRef
    ClinicalTrial: URIRef
    SourceArticle: URIRef
    pmid: URIRef
    doi: URIRef
    pmcid: URIRef
    nct: URIRef


IAO_DEFINITION = OBO["IAO_0000115"]

#: Curated prefixes bound in every serialisation (order fixed for deterministic output).
PREFIXES: dict[str, str] = {
    "kg": ID_NS,
    "kkg": SCHEMA_NS,
    "obo": str(OBO),
    "oboInOwl": str(OBOINOWL),
    "biolink": str(BIOLINK),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "skos": str(SKOS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "efo": "http://www.ebi.ac.uk/efo/",
    "idorg": "https://identifiers.org/",
}
