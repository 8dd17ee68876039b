"""N-Quads export: the statements of the TriG export's two named graphs, one per line, lines sorted."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.export_trig import quads
from ketamine_kg.graph_build.statements import RdfInput

__all__ = ["to_nquads", "write_nquads"]


def to_nquads(graph: RdfInput) -> bytes:
    """Sorted N-Quads (asserted and inferred named graphs)."""
    data = ox.serialize(quads(graph), format=ox.RdfFormat.N_QUADS) or b""
    return b"".join(sorted(data.splitlines(keepends=True)))


def write_nquads(graph: RdfInput, path: Path) -> None:
    """Write ``to_nquads(graph)`` atomically."""
    write_bytes_atomic(path, to_nquads(graph))
