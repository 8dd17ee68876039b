"""Neo4j import CSVs, SSSOM TSV and OBO Graphs JSON on the interop sample: shape, ids, counts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph

from ketamine_kg.graph_build.export import export, format_from_path
from ketamine_kg.graph_build.export_neo4j import NODE_HEADER, RELATIONSHIP_HEADER, relationship_type
from ketamine_kg.graph_build.projection import to_network

SAMPLE = Path(__file__).parent / "fixtures" / "interop-sample.ttl"
KG = "https://w3id.org/ketamine-kg/id/"


@pytest.fixture(scope="module")
def sample() -> Graph:
    return Graph().parse(SAMPLE)


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_neo4j_csvs_have_import_headers_and_every_endpoint(sample: Graph, tmp_path: Path) -> None:
    result = export(sample, "neo4j", tmp_path / "neo4j")
    assert {p.name for p in result.files} == {"nodes.csv", "relationships.csv"}
    nodes, edges = rows(tmp_path / "neo4j" / "nodes.csv"), rows(tmp_path / "neo4j" / "relationships.csv")
    assert tuple(nodes[0]) == NODE_HEADER and tuple(edges[0]) == RELATIONSHIP_HEADER
    network = to_network(sample)
    assert (len(nodes), len(edges)) == (network.number_of_nodes(), network.number_of_edges())
    ids = {n["id:ID"] for n in nodes}
    assert all(e[":START_ID"] in ids and e[":END_ID"] in ids for e in edges)
    by_id = {n["id:ID"]: n for n in nodes}
    assert by_id[KG + "esketamine"][":LABEL"] == "Drug|Entity"
    assert by_id[KG + "esketamine"]["synonyms:string[]"] == "(S)-ketamine|Spravato®"
    antagonism = [e for e in edges if e["assertion_id"] == "R0001"]
    assert [(e[":END_ID"], e[":TYPE"], e["inferred:boolean"]) for e in antagonism] == [
        (KG + "nmda_receptor", "IS_ANTAGONIST_OF", "false")
    ]
    assert {e["inferred:boolean"] for e in edges} == {"true", "false"}


def test_relationship_types_are_upper_snake_case() -> None:
    assert relationship_type("https://w3id.org/ketamine-kg/schema#causallyUpstreamOfPositiveEffect") == (
        "CAUSALLY_UPSTREAM_OF_POSITIVE_EFFECT"
    )
    assert relationship_type("http://purl.obolibrary.org/obo/RO_0002606") == "RO_0002606"


def test_sssom_lists_each_identifier_mapping_with_its_predicate(sample: Graph, tmp_path: Path) -> None:
    path = tmp_path / "kg.sssom.tsv"
    assert format_from_path(path) == "sssom"
    export(sample, "sssom", path)
    lines = path.read_text(encoding="utf-8").splitlines()
    meta = [line for line in lines if line.startswith("#")]
    assert '#   CHEBI: "http://purl.obolibrary.org/obo/CHEBI_"' in meta
    assert any(line.startswith("# license: https://creativecommons.org/licenses/by/4.0/") for line in meta)
    table = list(csv.DictReader([line for line in lines if not line.startswith("#")], delimiter="\t"))
    assert [(r["subject_id"], r["predicate_id"], r["object_id"]) for r in table] == [
        ("kg:esketamine", "skos:exactMatch", "CHEBI:60799")
    ]
    assert table[0]["mapping_justification"] == "semapv:ManualMappingCuration"


def test_obographs_has_individuals_classes_and_relation_edges(sample: Graph, tmp_path: Path) -> None:
    path = tmp_path / "kg.obographs.json"
    assert format_from_path(path) == "obographs"
    result = export(sample, "obographs", path)
    graph = json.loads(path.read_text(encoding="utf-8"))["graphs"][0]
    network = to_network(sample)
    assert (result.nodes, result.edges) == (network.number_of_nodes(), network.number_of_edges())
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert nodes[KG + "esketamine"]["type"] == "INDIVIDUAL"
    assert nodes[KG + "esketamine"]["meta"]["xrefs"] == [{"val": "CHEBI:60799"}]
    assert {"sub": KG + "esketamine", "pred": "type", "obj": "https://w3id.org/ketamine-kg/schema#Drug"} in (
        graph["edges"]
    )
    assert nodes["https://w3id.org/ketamine-kg/schema#Drug"] == {
        "id": "https://w3id.org/ketamine-kg/schema#Drug",
        "lbl": "drug",
        "type": "CLASS",
    }
