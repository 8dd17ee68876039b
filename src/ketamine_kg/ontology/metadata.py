"""Ontology header metadata: version IRI, licence, creators, release date and the article it grades.

Constants, not clocks: the same release gives the same header, so the Turtle and OWL stay
byte-identical from one build to the next.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.term import Node

from ketamine_kg import __version__
from ketamine_kg.vocab import DCTERMS, ID_NS, ONTOLOGY_IRI, OWL, XSD

__all__ = [
    "CREATOR",
    "DATA_LICENSE",
    "RELEASE_DATE",
    "SOURCE_ARTICLE",
    "VERSION_IRI",
    "ontology_metadata",
]

#: Licence of the curated tables and of the graph built from them (the code is MIT; see LICENSE).
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CREATOR = "ketamine-kg contributors"
#: Date of this release of the curated data (changes with the version, never with the build).
RELEASE_DATE = "2026-12-02"
VERSION_IRI = f"https://w3id.org/ketamine-kg/{__version__}/ketamine-kg.owl"
#: The informal source article whose claims the graph grades (sources.tsv, ``src_article``).
SOURCE_ARTICLE = f"{ID_NS}src_article"


def ontology_metadata() -> Iterator[tuple[Node, Node, Node]]:
    """The header triples on the ontology IRI besides its title and description."""
    onto = URIRef(ONTOLOGY_IRI)
    yield onto, OWL.versionInfo, Literal(__version__)
    yield onto, OWL.versionIRI, URIRef(VERSION_IRI)
    yield onto, DCTERMS.license, URIRef(DATA_LICENSE)
    yield onto, DCTERMS.creator, Literal(CREATOR)
    yield onto, DCTERMS.date, Literal(RELEASE_DATE, datatype=XSD.date)
    yield onto, DCTERMS.source, URIRef(SOURCE_ARTICLE)
