"""Turtle export: the curated prefixes, statements sorted; the same bytes as the build's ``.ttl``."""

from __future__ import annotations

from pathlib import Path

from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.serialize import to_turtle_triples
from ketamine_kg.graph_build.statements import RdfInput, as_dataset, sorted_triples

__all__ = ["to_turtle", "write_turtle"]


def to_turtle(graph: RdfInput) -> bytes:
    """Turtle of ``graph`` (all named graphs merged)."""
    return to_turtle_triples(sorted_triples(as_dataset(graph)))


def write_turtle(graph: RdfInput, path: Path) -> None:
    """Write ``to_turtle(graph)`` atomically."""
    write_bytes_atomic(path, to_turtle(graph))
