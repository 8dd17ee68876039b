"""The RDF -> networkx projection: entities as nodes, assertions as edges, OWL plumbing folded away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph

from ketamine_kg.graph_build.projection import to_network

FIXTURES = Path(__file__).parent / "fixtures"
KG = "https://w3id.org/ketamine-kg/id/"
KKG = "https://w3id.org/ketamine-kg/schema#"


@pytest.fixture(scope="module")
def sample_graph() -> Graph:
    return Graph().parse(FIXTURES / "projection-sample.ttl", format="turtle")


@pytest.fixture(scope="module")
def sample(sample_graph: Graph) -> nx.MultiDiGraph:
    return to_network(sample_graph)


def _edge(network: nx.MultiDiGraph, key: str) -> tuple[str, str, dict[str, Any]]:
    found = [(u, v, d) for u, v, k, d in network.edges(keys=True, data=True) if k == key]
    assert len(found) == 1, key
    return found[0]


def test_entities_become_nodes_and_plumbing_is_folded(sample: nx.MultiDiGraph) -> None:
    expected = {
        "ketamine": "drug",
        "esketamine": "drug",
        "norketamine": "metabolite",
        "nmda_receptor": "receptor",
        "cyp2b6": "enzyme",
        "glutamatergic_transmission": "pathway",
        "mdd": "condition",
        "dissociation": "adverse_effect",
        "src_trial_ivk": "clinical_trial",
    }
    assert {n: d["category"] for n, d in sample.nodes(data=True)} == {KG + k: v for k, v in expected.items()}
    # no blank node, class, property, claim, quantity or non-trial source was drawn
    assert all(n.startswith(KG) for n in sample.nodes)
    assert KG + "claim_e1" not in sample and KG + "q_ki_esketamine" not in sample
    assert KG + "src_li2010" not in sample and KG + "src_article" not in sample


def test_node_attributes(sample: nx.MultiDiGraph) -> None:
    ketamine = sample.nodes[KG + "ketamine"]
    assert ketamine["label"] == "ketamine"
    assert ketamine["category_label"] == "drug"  # most specific of Drug and ChemicalEntity
    assert ketamine["curie"] == "kg:ketamine"
    assert ketamine["synonyms"] == ["(RS)-ketamine", "Ketalar"]
    assert ketamine["definition"].startswith("A racemic arylcyclohexylamine")
    ids = {i["curie"]: i for i in ketamine["identifiers"]}
    assert set(ids) == {"CHEBI:6121", "MESH:D007649"}
    assert ids["CHEBI:6121"] == {
        "curie": "CHEBI:6121",
        "iri": "http://purl.obolibrary.org/obo/CHEBI_6121",
        "match": "exact",
    }
    assert [s["label"] for s in ketamine["definition_sources"]] == ["Li 2010"]
    claims = sample.nodes[KG + "esketamine"]["claims"]
    assert [(c["id"], c["status"], c["error_code"]) for c in claims] == [("kg:claim_e1", "refuted", "E1")]
    assert claims[0]["decided_by"][0]["label"] == "Spravato prescribing information"
    dose = sample.nodes[KG + "esketamine"]["quantities"]
    assert [(q["kind"], q["min"], q["max"], q["unit"]) for q in dose] == [("dose", "56", "84", "mg")]
    trial = sample.nodes[KG + "src_trial_ivk"]
    assert trial["definition"] == "Intravenous ketamine dose-finding trial."
    assert [i["curie"] for i in trial["identifiers"]] == ["NCT01920555"]


def test_relation_edges_carry_provenance(sample: nx.MultiDiGraph) -> None:
    u, v, r1 = _edge(sample, "R0001")
    assert (u, v) == (KG + "esketamine", KG + "nmda_receptor")
    assert r1["predicate"] == KKG + "isAntagonistOf" and r1["predicate_label"] == "is antagonist of"
    assert r1["evidence"] == "clinical" and r1["inferred"] is False and r1["assertion_id"] == "R0001"
    assert [(s["id"], s["label"]) for s in r1["sources"]] == [
        ("kg:src_li2010", "Li 2010"),
        ("kg:src_spravato_label", "Spravato prescribing information"),
    ]
    assert r1["sources"][0]["identifiers"] == ["PMID:20724638"]
    assert r1["qualifiers"] == {"mechanism": "non_competitive_antagonism"}
    assert [(q["kind"], q["value"], q["unit"]) for q in r1["quantities"]] == [("ki", "0.30", "uM")]
    _, _, r7 = _edge(sample, "R0007")
    assert r7["approval_status"] == "fda_approved_for_condition" and r7["date"] == "2019-03-05"
    assert r7["qualifiers"] == {"regimen": "adjunct_to_oral_antidepressant", "route": "intranasal"}
    _, _, r3 = _edge(sample, "R0003")
    assert r3["note"] == "Main route in the liver."
    assert {d["evidence"] for *_, d in sample.edges(data=True)} == {
        "clinical", "preclinical", "hypothesis", "article_claim", "reference", "inferred",
    }  # fmt: skip
    # trial properties are drawn from the trial node
    u, v, _ = _edge(sample, "R0009")
    assert (u, v) == (KG + "src_trial_ivk", KG + "ketamine")


def test_inferred_edges_are_marked_and_selectable(sample_graph: Graph, sample: nx.MultiDiGraph) -> None:
    u, v, data = _edge(sample, f"inferred:{KKG}isEnantiomerOf")
    assert (u, v) == (KG + "esketamine", KG + "ketamine")
    assert data["inferred"] is True and data["evidence"] == "inferred" and data["sources"] == []
    assert sum(1 for *_, d in sample.edges(data=True) if d["inferred"]) == 1
    assert sample.number_of_edges() == 11
    # ketamine hasPart esketamine is asserted, so the inferred enantiomer edge adds no new pair
    assert to_network(sample_graph, inferred="new").number_of_edges() == 10
    assert to_network(sample_graph, inferred="none").number_of_edges() == 10


def test_projection_is_deterministic_and_leaves_the_graph_alone(sample_graph: Graph) -> None:
    before = len(sample_graph)
    first, second = to_network(sample_graph), to_network(Graph().parse(FIXTURES / "projection-sample.ttl"))
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(keys=True, data=True)) == list(second.edges(keys=True, data=True))
    assert len(sample_graph) == before


def test_generic_rdf_falls_back_to_iris_labels_and_types() -> None:
    graph = Graph().parse(
        data="""
        @prefix ex: <http://example.org/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        ex:Person a owl:Class ; rdfs:label "person" .
        ex:knows a owl:ObjectProperty ; rdfs:label "knows" .
        ex:alice a ex:Person ; rdfs:label "Alice" ; ex:knows ex:bob ; ex:age 30 .
        ex:bob skos:prefLabel "Bob" ; ex:knows [ rdfs:label "anonymous" ] .
        ex:carol a ex:Person .
        """,
        format="turtle",
    )
    network = to_network(graph)
    assert network.graph["schema"] == "generic"
    assert sorted(network.nodes) == [
        "http://example.org/alice",
        "http://example.org/bob",
        "http://example.org/carol",
    ]
    alice = network.nodes["http://example.org/alice"]
    assert (alice["label"], alice["category"], alice["category_label"]) == (
        "Alice",
        "http://example.org/Person",
        "person",
    )
    assert network.nodes["http://example.org/bob"]["label"] == "Bob"
    assert network.nodes["http://example.org/carol"]["label"] == "http://example.org/carol"
    assert network.nodes["http://example.org/bob"]["category"] == "untyped"
    edges = list(network.edges(data=True))
    assert [(u, v, d["predicate_label"]) for u, v, d in edges] == [
        ("http://example.org/alice", "http://example.org/bob", "knows")
    ]
