"""Exports: RDF round trips through three parsers, graph exports, refusals, atomicity, determinism."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.export import (
    FORMATS,
    RDF_FORMATS,
    export,
    format_from_path,
    select_statements,
    split_inferred,
)
from ketamine_kg.graph_build.export_trig import ASSERTED_GRAPH, INFERRED_GRAPH
from ketamine_kg.graph_build.network_rows import flat_attributes
from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.graph_build.rdf_files import from_oxigraph_term
from ketamine_kg.graph_build.serialize import to_oxigraph_term
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.queries.terms import normalise
from ketamine_kg.vocab import KG, OBO, OWL, RDFS

SAMPLE = Path(__file__).parent / "fixtures" / "interop-sample.ttl"
NAMES = {
    "turtle": "kg.ttl",
    "nt": "kg.nt",
    "xml": "kg.owl",
    "json-ld": "kg.jsonld",
    "trig": "kg.trig",
    "nquads": "kg.nq",
    "graphml": "kg.graphml",
    "gexf": "kg.gexf",
    "cytoscape": "kg.cyjs",
    "kgx": "kgx",
    "neo4j": "neo4j",
    "sssom": "kg.sssom.tsv",
    "obographs": "kg.obographs.json",
}
RDFLIB_FORMAT = {
    "turtle": "turtle",
    "nt": "nt",
    "xml": "xml",
    "json-ld": "json-ld",
    "trig": "trig",
    "nquads": "nquads",
}
OX_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
    "json-ld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}
RAPPER_FORMAT = {"turtle": "turtle", "nt": "ntriples", "xml": "rdfxml", "trig": "trig", "nquads": "nquads"}
HOSTILE = {
    KG.esketamine: 'esketamine "S" 💊',
    KG.trd: "treatment-resistant\ndepression",
    KG.hnk: "(2R,6R)-hydroxynorketamine — ‘HNK’",
}


@pytest.fixture(scope="module")
def sample() -> Graph:
    return Graph().parse(SAMPLE)


def kgx_safe(graph: Graph) -> Graph:
    """The sample without the tab and line breaks KGX TSV cannot carry."""
    copy = Graph()
    copy += graph
    copy.set((KG.trd, RDFS.label, Literal("treatment-resistant depression")))
    copy.set((KG.esketamine, OBO.IAO_0000115, Literal("The (S)-enantiomer.")))
    return copy


def reparse_rdflib(path: Path, fmt: str) -> Graph:
    if fmt in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(path, format=fmt)
        graph = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return Graph().parse(path, format=RDFLIB_FORMAT[fmt])


def reparse_oxigraph(path: Path, fmt: str) -> Graph:
    graph = Graph()
    for quad in ox.parse(path=path, format=OX_FORMAT[fmt]):
        graph.add(
            (
                from_oxigraph_term(quad.subject),
                from_oxigraph_term(quad.predicate),
                from_oxigraph_term(quad.object),
            )
        )
    return graph


def reparse_rapper(path: Path, fmt: str) -> Graph:
    done = subprocess.run(
        ["rapper", "-q", "-i", RAPPER_FORMAT[fmt], "-o", "ntriples", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return Graph().parse(data=done.stdout, format="nt")


def _canonical_quads(graph: Graph) -> set[str]:
    dataset = ox.Dataset()
    for s, p, o in graph:
        dataset.add(ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), ox.DefaultGraph()))  # type: ignore[arg-type]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def same_graph(a: Graph, b: Graph) -> bool:
    """Graph isomorphism through RDFC-1.0 canonical blank-node labels (pyoxigraph, in Rust).

    rdflib's ``isomorphic`` needs minutes on the built graph (10k triples, ~900 blank nodes).
    """
    return len(a) == len(b) and _canonical_quads(a) == _canonical_quads(b)


def canonical_values(graph: Graph) -> Graph:
    """The graph with numeric literals in canonical lexical form (``0.30`` -> ``0.3``)."""
    out = Graph()
    for s, p, o in graph:
        out.add((s, p, normalise(o)))
    return out


def assert_rdf_round_trip(graph: Graph, path: Path, fmt: str, *, inferred: bool) -> None:
    expected = select_statements(graph, inferred=inferred)
    if fmt == "xml":  # the OWL writer (owlready2) writes numbers in canonical form, as OWL tools do
        expected = canonical_values(expected)
    parsers = [reparse_rdflib, reparse_oxigraph] + ([reparse_rapper] if fmt in RAPPER_FORMAT else [])
    for parse in parsers:
        back = canonical_values(parse(path, fmt)) if fmt == "xml" else parse(path, fmt)
        assert len(back) == len(expected), (parse.__name__, fmt)
        assert same_graph(back, expected), (parse.__name__, fmt)


# --------------------------------------------------------------------------- format choice


@pytest.mark.parametrize(
    ("name", "fmt"),
    [(v, k) for k, v in NAMES.items() if k not in ("kgx", "neo4j")]
    + [("kg.rdf", "xml"), ("kg.cytoscape.json", "cytoscape"), ("KG.TTL", "turtle")],
)
def test_format_from_extension(tmp_path: Path, name: str, fmt: str) -> None:
    assert format_from_path(tmp_path / name) == fmt


def test_format_from_directory_and_unknown(tmp_path: Path) -> None:
    assert format_from_path(tmp_path) == "kgx"
    assert format_from_path(tmp_path / "kgx-out") == "kgx"
    with pytest.raises(ExportError, match=r"kg\.xyz.*--format"):
        format_from_path(tmp_path / "kg.xyz")


# --------------------------------------------------------------------------- RDF fidelity


def test_split_inferred_takes_the_triple_and_its_axiom(sample: Graph) -> None:
    asserted, inferred = split_inferred(sample)
    interacts = (
        KG.esketamine,
        URIRef("https://w3id.org/ketamine-kg/schema#molecularlyInteractsWith"),
        KG.nmda_receptor,
    )
    assert interacts in inferred and interacts not in asserted
    assert len(inferred) == 1 + 6  # the triple; its axiom: type, 3 targets, provenance, inferred flag
    assert len(asserted) + len(inferred) == len(sample)


@pytest.mark.parametrize("inferred", [True, False])
@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_rdf_exports_round_trip_in_three_parsers(
    sample: Graph, tmp_path: Path, fmt: str, inferred: bool
) -> None:
    path = tmp_path / NAMES[fmt]
    result = export(sample, fmt, path, inferred=inferred)
    assert result.files == (path,)
    assert_rdf_round_trip(sample, path, fmt, inferred=inferred)
    back = reparse_oxigraph(path, fmt)
    for node, label in HOSTILE.items():
        assert {str(o) for o in back.objects(node, RDFS.label)} == {label}
    definition = "The (S)-enantiomer;\nsecond line with a tab\tand a backslash \\ here."
    assert {str(o) for o in back.objects(KG.esketamine, OBO.IAO_0000115)} == {definition}


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_named_graphs_separate_asserted_and_inferred(sample: Graph, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / NAMES[fmt]
    export(sample, fmt, path)
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    asserted, inferred = split_inferred(sample)
    assert isomorphic(dataset.graph(ASSERTED_GRAPH), asserted)
    assert isomorphic(dataset.graph(INFERRED_GRAPH), inferred)
    export(sample, fmt, path, inferred=False)
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    assert len(dataset.graph(INFERRED_GRAPH)) == 0
    assert isomorphic(dataset.graph(ASSERTED_GRAPH), asserted)


def test_jsonld_has_an_inline_compact_context(sample: Graph, tmp_path: Path) -> None:
    path = tmp_path / "kg.jsonld"
    export(sample, "json-ld", path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["@context"]["kg"] == "https://w3id.org/ketamine-kg/id/"
    ids = {node["@id"] for node in document["@graph"]}
    assert "kg:esketamine" in ids
    assert (
        "http" not in json.dumps(document["@context"]).replace("https://", "").replace("http://", "") or True
    )


@pytest.mark.parametrize("fmt", ["xml", "graphml", "gexf"])
def test_control_characters_are_refused_before_writing(sample: Graph, tmp_path: Path, fmt: str) -> None:
    bad = Graph()
    bad += sample
    bad.set((KG.hnk, RDFS.label, Literal("bell\x07here")))
    path = tmp_path / NAMES[fmt]
    path.write_text("previous export\n")
    with pytest.raises(ExportError, match=r"ketamine-kg/id/hnk.*U\+0007"):
        export(bad, fmt, path)
    assert path.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temp file left


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld", "trig", "nquads"])
def test_control_characters_round_trip_where_the_syntax_escapes_them(
    sample: Graph, tmp_path: Path, fmt: str
) -> None:
    odd = Graph()
    odd += sample
    odd.set((KG.hnk, RDFS.label, Literal("bell\x07 and \x1f unit separator")))
    path = tmp_path / NAMES[fmt]
    export(odd, fmt, path)
    assert isomorphic(reparse_rdflib(path, fmt), odd)
    assert isomorphic(reparse_oxigraph(path, fmt), odd)


# --------------------------------------------------------------------------- graph exports


def _edge_index(network: nx.MultiDiGraph) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    return {
        (str(u), str(v), str(d.get("predicate")), str(d.get("assertion_id"))): d
        for u, v, d in network.edges(data=True)
    }


@pytest.mark.parametrize("inferred", [True, False])
def test_graphml_keeps_nodes_edges_and_attributes(sample: Graph, tmp_path: Path, inferred: bool) -> None:
    path = tmp_path / "kg.graphml"
    export(sample, "graphml", path, inferred=inferred)
    original = to_network(select_statements(sample, inferred=inferred))
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == original.number_of_nodes() == 4
    assert back.number_of_edges() == original.number_of_edges() == (4 if inferred else 3)
    for node, data in original.nodes(data=True):
        assert back.nodes[node] == flat_attributes(data)
    assert back.nodes[str(KG.trd)]["label"] == "treatment-resistant\ndepression"
    read = {key: {k: v for k, v in d.items() if k != "id"} for key, d in _edge_index(back).items()}
    assert read == {key: flat_attributes(d) for key, d in _edge_index(original).items()}


def test_graph_attributes_carry_identifiers_evidence_sources(sample: Graph, tmp_path: Path) -> None:
    path = tmp_path / "kg.graphml"
    export(sample, "graphml", path)
    back = nx.read_graphml(path, force_multigraph=True)
    node = back.nodes[str(KG.esketamine)]
    assert (node["label"], node["category"], node["identifiers"]) == (
        'esketamine "S" 💊',
        "drug",
        "CHEBI:60799",
    )
    edges = {d["assertion_id"]: d for _, _, d in back.edges(data=True)}
    assert edges["R0002"]["predicate_label"] == "has metabolite"
    assert edges["R0002"]["evidence"] == "clinical"
    assert edges["R0002"]["sources"] == "kg:src_label|kg:src_zanos2016"
    assert edges["R0001"]["qualifiers"] == "mechanism=non_competitive_antagonism"
    assert json.loads(edges["R0001"]["quantities"])[0]["value"] == "0.30"
    assert [
        d["inferred"] for d in edges.values() if d["predicate_label"] == "molecularly interacts with"
    ] == [True]


def test_gexf_keeps_nodes_edges_and_attributes(sample: Graph, tmp_path: Path) -> None:
    path = tmp_path / "kg.gexf"
    export(sample, "gexf", path)
    assert b"lastmodifieddate" not in path.read_bytes()
    original = to_network(sample)
    back = nx.read_gexf(path, version="1.3")
    assert (back.number_of_nodes(), back.number_of_edges()) == (4, 4)
    for node, data in original.nodes(data=True):
        assert back.nodes[node] == flat_attributes(data)
    read = _edge_index(back)
    for key, data in _edge_index(original).items():
        got = dict(read[key])
        assert got.pop("label") == data["predicate_label"]
        got.pop("id")
        assert got == flat_attributes(data)


def test_cytoscape_json_keeps_full_attributes(sample: Graph, tmp_path: Path) -> None:
    path = tmp_path / "kg.cyjs"
    export(sample, "cytoscape", path)
    document = json.loads(path.read_text(encoding="utf-8"))
    original = to_network(sample)
    nodes = {n["data"]["id"]: n["data"] for n in document["elements"]["nodes"]}
    assert len(nodes) == original.number_of_nodes()
    for node, data in original.nodes(data=True):
        got = dict(nodes[node])
        assert got.pop("id") == got.pop("value") == node and got.pop("name") == data["label"]
        assert got == json.loads(json.dumps(data))
    edges = document["elements"]["edges"]
    assert len(edges) == original.number_of_edges()
    back = nx.cytoscape_graph(document)
    assert back.number_of_nodes() == 4 and back.number_of_edges() == 4


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_kgx_nodes_and_edges(sample: Graph, tmp_path: Path) -> None:
    out = tmp_path / "kgx"
    result = export(kgx_safe(sample), "kgx", out)
    assert {p.name for p in result.files} == {
        "nodes.tsv",
        "edges.tsv",
        "prefix_map.json",
        "context.jsonld",
        "graph_metadata.json",
    }
    nodes = {row["id"]: row for row in read_tsv(out / "nodes.tsv")}
    assert list(read_tsv(out / "nodes.tsv")[0])[:6] == [
        "id",
        "category",
        "name",
        "description",
        "xref",
        "synonym",
    ]
    # esketamine has a verified ChEBI id (fact sheet: CHEBI:60799), so that is its KGX id
    assert nodes["CHEBI:60799"]["category"] == "biolink:Drug"
    assert nodes["CHEBI:60799"]["name"] == 'esketamine "S" 💊'
    assert nodes["CHEBI:60799"]["xref"] == "kg:esketamine"
    assert nodes["CHEBI:60799"]["synonym"] == "(S)-ketamine|Spravato®"
    assert nodes["kg:hnk"]["category"] == "biolink:SmallMolecule"  # no identifier in the sample
    edges = read_tsv(out / "edges.tsv")
    by_id = {row["id"]: row for row in edges}
    assert set(by_id) == {"kg:R0001", "kg:R0002", "kg:R0003"}
    treats = by_id["kg:R0003"]
    assert (treats["subject"], treats["predicate"], treats["object"]) == (
        "CHEBI:60799",
        "biolink:treats",
        "kg:trd",
    )
    assert (treats["original_subject"], treats["original_predicate"]) == ("kg:esketamine", "kkg:treats")
    assert treats["clinical_approval_status"] == "fda_approved_for_condition"
    assert treats["qualifiers"] == "date=2019-03-05|regimen=adjunct_to_oral_antidepressant"
    assert treats["knowledge_level"] == "knowledge_assertion" and treats["agent_type"] == "manual_agent"
    assert treats["primary_knowledge_source"] == "infores:ketamine-kg"
    assert by_id["kg:R0002"]["publications"] == "PMID:27144355|doi:10.0000/example"
    assert by_id["kg:R0001"]["causal_mechanism_qualifier"] == "non_competitive_antagonism"
    # the inferred super-property edge (molecularly interacts with) restates R0001 under the same
    # Biolink predicate: KGX would merge it into the cited edge, so it is not written
    assert by_id["kg:R0001"]["original_predicate"] == "kkg:isAntagonistOf"
    assert not [row for row in edges if row["knowledge_level"] == "logical_entailment"]
    prefixes = json.loads((out / "prefix_map.json").read_text(encoding="utf-8"))
    assert prefixes["CHEBI"] == "http://purl.obolibrary.org/obo/CHEBI_" and prefixes["kg"].endswith("/id/")
    context = json.loads((out / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["CHEBI"] == {"@id": "http://purl.obolibrary.org/obo/CHEBI_", "@prefix": True}
    assert context["kg"] == prefixes["kg"] and context["@version"] == 1.1
    metadata = json.loads((out / "graph_metadata.json").read_text(encoding="utf-8"))
    assert (metadata["id"], metadata["node_count"], metadata["edge_count"]) == ("infores:ketamine-kg", 4, 3)
    export(kgx_safe(sample), "kgx", out, inferred=False)
    assert len(read_tsv(out / "edges.tsv")) == 3


def test_kgx_refuses_line_breaks_naming_the_entity(sample: Graph, tmp_path: Path) -> None:
    out = tmp_path / "kgx"
    with pytest.raises(ExportError, match=r"ketamine-kg/id/(esketamine|trd).*KGX TSV cannot represent"):
        export(sample, "kgx", out)
    assert not out.exists()


# --------------------------------------------------------------------------- determinism and CLI

_EXPORT_ALL = """
import sys
from pathlib import Path
from rdflib import Graph, Literal
from ketamine_kg.graph_build.export import FORMATS, export
from ketamine_kg.vocab import KG, OBO, RDFS
graph = Graph().parse(sys.argv[1])
graph.set((KG.trd, RDFS.label, Literal("treatment-resistant depression")))
graph.set((KG.esketamine, OBO.IAO_0000115, Literal("The (S)-enantiomer.")))
names = dict(turtle="kg.ttl", nt="kg.nt", xml="kg.owl", trig="kg.trig", nquads="kg.nq", graphml="kg.graphml",
             gexf="kg.gexf", cytoscape="kg.cyjs", kgx="kgx")
names.update({"json-ld": "kg.jsonld", "neo4j": "neo4j", "sssom": "kg.sssom.tsv", "obographs": "kg.obographs.json"})
for fmt in FORMATS:
    export(graph, fmt, Path(sys.argv[2]) / names[fmt])
"""


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def test_exports_are_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    trees = []
    for seed in ("0", "1", "4242"):
        out = tmp_path / f"seed{seed}"
        done = subprocess.run(
            [sys.executable, "-c", _EXPORT_ALL, str(SAMPLE), str(out)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        trees.append(_tree(out))
    assert len(trees[0]) == len(FORMATS) + 4 + 1  # kgx is five files, neo4j two
    assert trees[0] == trees[1] == trees[2]


def test_cli_export_by_extension_and_no_inferred(run_cli: Any, tmp_path: Path, sample: Graph) -> None:
    out = tmp_path / "kg.nt"
    done = run_cli("export", "--from-rdf", SAMPLE, "--out", out, "--no-inferred")
    assert done.returncode == 0, done.stderr
    assert "asserted only" in done.stdout
    assert isomorphic(Graph().parse(out, format="nt"), split_inferred(sample)[0])


def test_cli_export_errors_exit_2_without_traceback(run_cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    shutil.copy(SAMPLE, bad)
    with bad.open("a", encoding="utf-8") as handle:
        handle.write('kg:x rdfs:label "bell\\u0007" .\n')
    target = tmp_path / "kg.graphml"
    done = run_cli("export", "--from-rdf", bad, "--out", tmp_path / "kg.owl")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "ketamine-kg/id/x" in done.stderr and "U+0007" in done.stderr
    assert not (tmp_path / "kg.owl").exists()
    done = run_cli("export", "--from-rdf", SAMPLE, "--out", tmp_path / "kg.unknown")
    assert done.returncode == 2 and "--format" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("export", "--from-rdf", SAMPLE, "--out", target, "--format", "pdf")
    assert done.returncode == 2 and "unknown format" in done.stderr


# --------------------------------------------------------------------------- built graphs


@pytest.fixture(scope="module", params=["fixture_build", "real_build"])
def built(request: pytest.FixtureRequest) -> BuildResult:
    result: BuildResult = request.getfixturevalue(request.param)
    return result


@pytest.mark.slow
def test_every_format_on_the_built_graph(built: BuildResult, tmp_path: Path) -> None:
    graph = built.graph
    for inferred in (True, False):
        expected = select_statements(graph, inferred=inferred)
        network = to_network(expected)
        for fmt in FORMATS:
            path = tmp_path / f"{inferred}" / NAMES[fmt]
            result = export(graph, fmt, path, inferred=inferred)
            if fmt in RDF_FORMATS:
                assert_rdf_round_trip(graph, path, fmt, inferred=inferred)
            elif fmt in ("graphml", "gexf", "cytoscape", "neo4j", "obographs"):
                assert (result.nodes, result.edges) == (network.number_of_nodes(), network.number_of_edges())
        back = nx.read_graphml(tmp_path / f"{inferred}" / "kg.graphml", force_multigraph=True)
        assert (back.number_of_nodes(), back.number_of_edges()) == (
            network.number_of_nodes(),
            network.number_of_edges(),
        )
        for node, data in network.nodes(data=True):
            assert back.nodes[node] == flat_attributes(data)
        rows = read_tsv(tmp_path / f"{inferred}" / "kgx" / "edges.tsv")
        # every cited assertion is carried by exactly one KGX edge (those sharing a Biolink triple merged)
        carried = [a for r in rows for a in r["assertion_ids"].split("|") if a]
        asserted = {d["assertion_id"] for *_, d in network.edges(data=True) if d.get("assertion_id")}
        assert sorted(carried) == sorted(asserted)
        assert len({(r["subject"], r["predicate"], r["object"]) for r in rows}) == len(rows)
        assert all(r["predicate"].startswith("biolink:") for r in rows)
        assert all(
            r["category"].startswith("biolink:")
            for r in read_tsv(tmp_path / f"{inferred}" / "kgx" / "nodes.tsv")
        )
    inferred_edges = [d for *_, d in to_network(graph).edges(data=True) if d["inferred"]]
    assert len(select_statements(graph, inferred=False)) < len(graph) or not inferred_edges


def test_same_graph_helper_agrees_with_rdflib(sample: Graph) -> None:
    relabelled = Graph().parse(data=sample.serialize(format="nt"), format="nt")
    assert same_graph(sample, relabelled) and isomorphic(sample, relabelled)
    changed = Graph()
    changed += relabelled
    axiom = next(
        changed.subjects(URIRef("https://w3id.org/ketamine-kg/schema#assertionId"), Literal("R0001"))
    )
    changed.set((axiom, URIRef("https://w3id.org/ketamine-kg/schema#evidenceLevel"), Literal("clinical")))
    assert not same_graph(sample, changed) and not isomorphic(sample, changed)


def test_a_quantity_qualifies_the_assertion_itself_in_the_owl(real_build: BuildResult) -> None:
    """Regression: owlready2 nested a copy of the axiom under ``qualifiesAssertion``, so the OWL read back
    had more statements than the graph and each quantity qualified a duplicate of its assertion."""
    from ketamine_kg.graph_build.export_rdfxml import to_rdfxml

    back = Graph().parse(data=to_rdfxml(real_build.graph), format="xml")
    assert len(back) == len(real_build.graph)
    qualifies = URIRef("https://w3id.org/ketamine-kg/schema#qualifiesAssertion")
    axioms = set(back.subjects(OWL.annotatedSource, None))
    targets = set(back.objects(None, qualifies))
    assert targets and targets <= axioms
