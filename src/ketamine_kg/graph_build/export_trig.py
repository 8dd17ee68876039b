"""TriG export: asserted statements in one named graph, the reasoner's in another."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.serialize import fix_prefix_order
from ketamine_kg.graph_build.statements import RdfInput, as_dataset, split_dataset
from ketamine_kg.vocab import PREFIXES

__all__ = ["ASSERTED_GRAPH", "INFERRED_GRAPH", "quads", "to_trig", "write_trig"]

#: Named graphs of the TriG and N-Quads exports.
ASSERTED_GRAPH = "https://w3id.org/ketamine-kg/graph/asserted"
INFERRED_GRAPH = "https://w3id.org/ketamine-kg/graph/inferred"


def quads(graph: RdfInput) -> list[ox.Quad]:
    """Asserted then inferred statements as quads of their named graph, each part sorted."""
    asserted, inferred = split_dataset(as_dataset(graph))
    out = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ASSERTED_GRAPH)) for t in asserted]
    out += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(INFERRED_GRAPH)) for t in inferred]
    return out


def to_trig(graph: RdfInput) -> bytes:
    """TriG with the curated prefixes; one block per named graph."""
    data = ox.serialize(quads(graph), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return fix_prefix_order(data or b"")


def write_trig(graph: RdfInput, path: Path) -> None:
    """Write ``to_trig(graph)`` atomically."""
    write_bytes_atomic(path, to_trig(graph))
