"""Load the asserted triples into a fresh owlready2 World: the OWL ontology Protégé opens."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ketamine_kg.vocab import ONTOLOGY_IRI

__all__ = ["OwlOntology", "build_ontology", "to_rdfxml"]


@dataclass(frozen=True)
class OwlOntology:
    """An owlready2 ontology in its own World (never ``default_world``)."""

    world: Any
    onto: Any


def build_ontology(ntriples: bytes) -> OwlOntology:
    """A fresh World holding the ontology given as N-Triples (sorted lines give a stable load order)."""
    import owlready2

    world = owlready2.World()
    lines = sorted(line for line in ntriples.splitlines() if line.strip())
    data = b"\n".join(lines) + b"\n"
    onto = world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(data), format="ntriples")
    return OwlOntology(world, onto)


def to_rdfxml(owl: OwlOntology) -> bytes:
    """The ontology as RDF/XML written by owlready2."""
    buffer = io.BytesIO()
    owl.onto.save(file=buffer, format="rdfxml")
    return buffer.getvalue()
