"""``to_turtle_store``: the store-native deterministic Turtle export agrees with ``to_turtle``."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ketamine_kg.graph_build.rdf_files import from_oxigraph_term, load_store
from ketamine_kg.graph_build.serialize import (
    sorted_ntriples_lines,
    to_oxigraph_term,
    to_turtle,
    to_turtle_store,
)
from ketamine_kg.pipeline import BuildResult

SAMPLE = """@prefix kkg: <https://w3id.org/ketamine-kg/schema#> .
@prefix kg: <https://w3id.org/ketamine-kg/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
kg:b kkg:treats kg:c ; <http://www.w3.org/2000/01/rdf-schema#label> "b \\"quoted\\" é\\n", "b"@en .
kg:a kkg:treats kg:c .
_:ax2 a owl:Axiom ; owl:annotatedSource kg:a ; kkg:assertionId "R2" .
_:ax10 a owl:Axiom ; owl:annotatedSource kg:b ; kkg:assertionId "R10" ; kkg:value 1.5 .
"""


def _quads(graph: Graph) -> list[ox.Quad]:
    return [
        ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), ox.DefaultGraph())  # type: ignore[arg-type]
        for s, p, o in graph
    ]


def _rdflib_copy(store: ox.Store) -> Graph:
    graph = Graph()
    for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        graph.add(
            (from_oxigraph_term(q.subject), from_oxigraph_term(q.predicate), from_oxigraph_term(q.object))
        )
    return graph


def test_same_bytes_as_to_turtle_on_the_built_graph(fixture_build: BuildResult) -> None:
    store = ox.Store()
    store.extend(_quads(fixture_build.graph))
    # the store keeps literals in canonical form (0.30 -> 0.3), so compare with the same triples via rdflib
    assert to_turtle_store(store) == to_turtle(_rdflib_copy(store))
    assert b"owl:Axiom" in to_turtle_store(store)


def test_insertion_order_does_not_matter(fixture_build: BuildResult) -> None:
    quads = _quads(fixture_build.graph)
    forward, backward = ox.Store(), ox.Store()
    forward.extend(quads)
    backward.extend(reversed(quads))
    assert to_turtle_store(forward) == to_turtle_store(backward)


def test_loads_of_the_same_file_export_identical_bytes_with_file_blank_node_labels(tmp_path: Path) -> None:
    path = tmp_path / "sample.ttl"
    path.write_text(SAMPLE, encoding="utf-8")
    first, second = to_turtle_store(load_store([path])), to_turtle_store(load_store([path]))
    assert first == second
    assert b"_:ax10 " in first and b"_:ax2 " in first
    assert first.index(b"_:ax10 ") < first.index(b"_:ax2 ")  # byte order of N-Triples lines
    reparsed = ox.Store()
    reparsed.load(first, format=ox.RdfFormat.TURTLE)
    assert len(reparsed) == len(load_store([path])) == 11


def test_sorted_lines_follow_sorted_triples_order(tmp_path: Path) -> None:
    path = tmp_path / "sample.ttl"
    path.write_text(SAMPLE, encoding="utf-8")
    lines = sorted_ntriples_lines(load_store([path]))
    assert lines == sorted(lines)
    assert lines[0].startswith(b"<https://w3id.org/ketamine-kg/id/a> ") or lines[0].startswith(b"_:")
    assert all(line.endswith(b" .") for line in lines)


def test_only_the_default_graph_is_exported() -> None:
    store = ox.Store()
    s, p = (
        ox.NamedNode("https://w3id.org/ketamine-kg/id/a"),
        ox.NamedNode("https://w3id.org/ketamine-kg/schema#p"),
    )
    store.add(ox.Quad(s, p, ox.Literal("default")))
    store.add(ox.Quad(s, p, ox.Literal("named"), ox.NamedNode("urn:g")))
    assert b'"default"' in to_turtle_store(store) and b'"named"' not in to_turtle_store(store)
    assert b'"named"' in to_turtle_store(store, ox.NamedNode("urn:g"))


def test_empty_store_matches_empty_graph() -> None:
    assert to_turtle_store(ox.Store()) == to_turtle(Graph())
