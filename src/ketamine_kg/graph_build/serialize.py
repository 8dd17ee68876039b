"""Deterministic serialisations: sorted triples, curated prefixes, stable blank-node ids."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.terms import rdflib_to_oxigraph as to_oxigraph_term
from ketamine_kg.vocab import PREFIXES

__all__ = [
    "fix_prefix_order",
    "sorted_ntriples_lines",
    "sorted_triples",
    "to_oxigraph_term",
    "to_turtle",
    "to_turtle_store",
    "to_turtle_triples",
    "write_turtle",
]


def sorted_triples(triples: Iterable[tuple[Node, Node, Node]]) -> list[ox.Triple]:
    """pyoxigraph triples in N-Triples lexical order (subject, predicate, object)."""
    converted = [
        ox.Triple(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o))  # type: ignore[arg-type]
        for s, p, o in triples
    ]
    converted.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return converted


def to_turtle(graph: Graph) -> bytes:
    """Turtle with the curated prefixes, byte-identical for the same graph."""
    return to_turtle_triples(sorted_triples(graph))


def to_turtle_triples(triples: list[ox.Triple]) -> bytes:
    """Turtle of already sorted pyoxigraph triples, with the curated prefixes in their order."""
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert data is not None  # serialize returns bytes when no output is given
    return fix_prefix_order(data)


def fix_prefix_order(turtle: bytes) -> bytes:
    """pyoxigraph writes @prefix lines in hash-map order; put them in the curated order instead.

    Only the header is split and rebuilt; the body (megabytes at scale) is copied once.
    """
    header: list[bytes] = []
    end = 0
    body: bytes | None = None  # None: the text ends inside the header, without a final newline
    while turtle.startswith(b"@prefix ", end):
        newline = turtle.find(b"\n", end)
        if newline < 0:
            header.append(turtle[end:])
            break
        header.append(turtle[end:newline])
        end = newline + 1
    else:
        body = turtle[end:]
    if not header:
        return turtle
    rank = {name.encode(): i for i, name in enumerate(PREFIXES)}
    header.sort(key=lambda line: rank.get(line[8:].split(b":", 1)[0], len(rank)))
    joined = b"\n".join(header)
    return joined if body is None else joined + b"\n" + body


def sorted_ntriples_lines(
    store: ox.Store, graph_name: ox.NamedNode | ox.DefaultGraph | None = None
) -> list[bytes]:
    """The N-Triples lines of one graph of ``store`` (default graph), sorted as bytes, without newlines.

    Byte order of the lines equals the (subject, predicate, object) order of ``sorted_triples``: terms
    never contain a raw space and a space sorts before every character that can end a term.
    """
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph_name or ox.DefaultGraph())
    assert data is not None
    lines = data.split(b"\n")
    lines.pop()  # the text ends with a newline
    lines.sort()
    return lines


def to_turtle_store(store: ox.Store, graph_name: ox.NamedNode | ox.DefaultGraph | None = None) -> bytes:
    """``to_turtle`` for a pyoxigraph store: the same bytes for the same triples, at store speed.

    The store is dumped as N-Triples in Rust, the lines are sorted as bytes (blank-node labels are kept
    as they are in the store), then streamed through pyoxigraph's Turtle writer. The store's own
    iteration order cannot be used: it changes from one load of the same file to the next.
    """
    lines = sorted_ntriples_lines(store, graph_name)
    if not lines:
        return to_turtle(Graph())
    triples = ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES, lenient=True)  # canonical already
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert data is not None
    return fix_prefix_order(data)


def write_turtle(graph: Graph, path: Path) -> None:
    """Write ``to_turtle(graph)`` atomically."""
    write_bytes_atomic(path, to_turtle(graph))
