"""Load the asserted triples into a fresh owlready2 World: the OWL ontology Protégé opens.

owlready2 loads every ontology that the loaded one ``owl:imports`` (from a file or over HTTP), so the
import statements are held back while it parses and put back as plain triples afterwards: the OWL file
still says what it imports, and nothing is read or fetched.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from typing import Any

from ketamine_kg.vocab import ONTOLOGY_IRI, OWL

__all__ = ["OwlOntology", "build_ontology", "split_imports", "to_rdfxml"]

log = logging.getLogger(__name__)

IMPORTS_TERM = f"<{OWL.imports}>".encode()
IMPORT_LINE = re.compile(rb"^<([^>]*)> " + re.escape(IMPORTS_TERM) + rb" <([^>]*)> \.$")


@dataclass(frozen=True)
class OwlOntology:
    """An owlready2 ontology in its own World (never ``default_world``)."""

    world: Any
    onto: Any


def build_ontology(ntriples: bytes) -> OwlOntology:
    """A fresh World holding the ontology given as N-Triples (sorted lines give a stable load order)."""
    import owlready2

    world = owlready2.World()
    lines, imports = split_imports(ntriples)
    data = b"\n".join(lines) + b"\n"
    onto = world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(data), format="ntriples")
    if imports:
        log.info("owl:imports kept in the OWL file, not loaded: %s", ", ".join(o for _, o in imports))
        imports_id = world._abbreviate(str(OWL.imports))
        for subject, target in imports:  # raw triples: owlready2's imported_ontologies would load them
            onto._add_obj_triple_spo(world._abbreviate(subject), imports_id, world._abbreviate(target))
    return OwlOntology(world, onto)


def split_imports(ntriples: bytes) -> tuple[list[bytes], list[tuple[str, str]]]:
    """The sorted non-empty N-Triples lines without ``owl:imports`` (a stable load order), and the imports.

    An ``owl:imports`` whose subject or object is not an IRI is dropped: it can import nothing.
    """
    lines: list[bytes] = []
    imports: list[tuple[str, str]] = []
    for line in sorted(line for line in ntriples.splitlines() if line.strip()):
        if line.split(b" ", 2)[1:2] != [IMPORTS_TERM]:
            lines.append(line)
        elif found := IMPORT_LINE.match(line):
            imports.append((found.group(1).decode("utf-8"), found.group(2).decode("utf-8")))
    return lines, imports


def to_rdfxml(owl: OwlOntology) -> bytes:
    """The ontology as RDF/XML written by owlready2."""
    buffer = io.BytesIO()
    owl.onto.save(file=buffer, format="rdfxml")
    return buffer.getvalue()
