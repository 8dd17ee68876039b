"""N-Triples export: every statement once, lines sorted (byte order), written by pyoxigraph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.statements import RdfInput, as_dataset, sorted_triples

__all__ = ["to_ntriples", "write_ntriples"]


def to_ntriples(graph: RdfInput) -> bytes:
    """Sorted N-Triples of ``graph``; blank-node labels as given."""
    data = ox.serialize(sorted_triples(as_dataset(graph)), format=ox.RdfFormat.N_TRIPLES)
    return data or b""


def write_ntriples(graph: RdfInput, path: Path) -> None:
    """Write ``to_ntriples(graph)`` atomically."""
    write_bytes_atomic(path, to_ntriples(graph))
