"""The read-only Store facade: to_network over pyoxigraph equals to_network over rdflib, whole or focused."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.graph_build.rdf_files import load_rdf_files, load_store
from ketamine_kg.graph_build.store_graph import StoreGraph, load_for_view
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.visualize import focus

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "projection-sample.ttl"
KG = "https://w3id.org/ketamine-kg/id/"


def canonical(network: nx.MultiDiGraph) -> str:
    """The network as text, decimals in canonical form: the store keeps a decimal's value, so "0.30"
    comes back as "0.3" (a known difference of the store path, see benchmarks/RESULTS.md)."""
    text = json.dumps(
        [sorted(network.nodes(data=True)), sorted(network.edges(keys=True, data=True)), network.graph],
        sort_keys=True,
        default=str,
    )
    return re.sub(r'"(-?\d+\.\d*?)0+"', r'"\1"', text).replace('."', '.0"')


def same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert a.number_of_nodes() == b.number_of_nodes() and a.number_of_edges() == b.number_of_edges()
    assert canonical(a) == canonical(b)


def test_facade_answers_like_rdflib() -> None:
    graph = load_rdf_files([SAMPLE])
    facade = StoreGraph(load_store([SAMPLE]))
    assert len(facade) == len(graph)

    def ground(triples: Iterable[tuple[Node, Node, Node]]) -> set[tuple[Any, ...]]:
        return {
            tuple(x.toPython() if isinstance(x, Literal) else x for x in t)
            for t in triples
            if not any(isinstance(x, BNode) for x in t)
        }

    assert ground(facade) == ground(graph)
    esk = URIRef(KG + "esketamine")
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert sorted(facade.objects(esk, label), key=str) == sorted(graph.objects(esk, label), key=str)
    assert sorted(facade.predicate_objects(esk)) == sorted(graph.predicate_objects(esk))
    assert sorted(facade.subject_objects(label), key=str) == sorted(graph.subject_objects(label), key=str)
    assert list(facade.subjects(label, Literal("esketamine"))) == [esk]
    assert facade.value(esk, label) == Literal("esketamine")
    assert facade.value(URIRef(KG + "nothing"), label, default=Literal("d")) == Literal("d")
    assert (esk, label, Literal("esketamine")) in facade
    assert (esk, label, Literal("ketamine")) not in facade
    assert list(facade.triples((Literal("x"), None, None))) == []


def test_named_graphs_are_merged_without_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "g.nq"
    path.write_text(
        "<http://e/a> <http://e/p> <http://e/b> <http://e/g1> .\n"
        "<http://e/a> <http://e/p> <http://e/b> <http://e/g2> .\n",
        encoding="utf-8",
    )
    facade = StoreGraph(load_store([path]))
    assert len(facade) == 1 and len(list(facade)) == 1


def test_projection_from_the_store_equals_the_rdflib_one() -> None:
    same(to_network(load_for_view([SAMPLE], None, 1)), to_network(load_rdf_files([SAMPLE])))


@pytest.mark.parametrize(
    ("query", "depth"), [("CHEBI:60799", 1), ("Spravato", 2), ("esketamine", 0), ("MDD", 1)]
)
def test_focus_extracted_in_the_store_equals_focus_on_the_whole_graph(query: str, depth: int) -> None:
    whole = focus(to_network(load_rdf_files([SAMPLE])), query, depth)
    extracted = focus(to_network(load_for_view([SAMPLE], query, depth)), query, depth)
    same(extracted, whole)


def test_extraction_copies_only_the_neighbourhood(real_build_ttl: Path) -> None:
    store = load_store([real_build_ttl])
    small = load_for_view([real_build_ttl], "CHEBI:60799", 1)
    assert isinstance(small, StoreGraph)
    assert 0 < len(small.store) < len(store)
    whole = focus(to_network(StoreGraph(store)), "CHEBI:60799", 1)
    same(focus(to_network(small), "CHEBI:60799", 1), whole)


@pytest.fixture(scope="module")
def real_build_ttl(tmp_path_factory: pytest.TempPathFactory, real_build: BuildResult) -> Path:
    path = tmp_path_factory.mktemp("store") / "kg.nt"
    real_build.graph.serialize(path, format="nt", encoding="utf-8")
    return path


def test_check_data_without_reasoner_or_shacl_stays_in_the_store(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from ketamine_kg.cli.check_cmd import _load_data
    from ketamine_kg.queries.quality import check_quality

    broken = tmp_path / "broken.ttl"
    broken.write_text(
        SAMPLE.read_text(encoding="utf-8")
        + '\nkg:q_new a kkg:Quantity ; kkg:quantityKind "ki" ; kkg:value 1.0 .\n',  # no unit
        encoding="utf-8",
    )
    store, _ = _load_data([broken], reason=False, timeout=10, max_inferred=20_000, shacl=False)
    graph, _ = _load_data([broken], reason=False, timeout=10, max_inferred=20_000, shacl=True)
    assert isinstance(store, ox.Store) and not isinstance(graph, ox.Store)
    from_store = {r.check.name: len(r.rows) for r in check_quality(store).checks}
    from_graph = {r.check.name: len(r.rows) for r in check_quality(graph).checks}
    assert from_store == from_graph and from_store["quantity_without_unit"] >= 1


def test_an_exact_name_wins_over_case_variants() -> None:
    """The focus lookup: an exact literal is an index lookup and wins (like the CLI's entity lookup);
    without one, every name equal ignoring case and spacing is a candidate."""
    import pyoxigraph as ox

    from ketamine_kg.graph_build.store_graph import curie_prefixes, find_seeds

    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    a, b, c = (ox.NamedNode(f"http://example.org/{n}") for n in "abc")
    store = ox.Store()
    store.extend(
        [
            ox.Quad(a, label, ox.Literal("Drug A")),
            ox.Quad(b, label, ox.Literal("drug a")),
            ox.Quad(c, label, ox.Literal("drug c", language="en")),
        ]
    )
    assert find_seeds(store, "Drug A", curie_prefixes()) == {a}
    assert find_seeds(store, "DRUG A", curie_prefixes()) == {a, b}
    assert find_seeds(store, "drug c", curie_prefixes()) == {c}
