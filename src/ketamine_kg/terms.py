"""The one place that converts RDF terms (rdflib <-> pyoxigraph) and CURIEs (compression and expansion).

CURIEs are compressed and expanded by the `curies` library with two prefix maps built from the same data:

* :func:`project_converter`: the curated serialisation prefixes (``vocab.PREFIXES``: ``kg:``, ``kkg:``,
  ``obo:``, ...), used to write RDF and to show query results;
* :func:`identifier_converter`: those plus the identifier prefixes of ``ontology/schema/prefixes.tsv``
  (``CHEBI:``, ``MONDO:``, ``HGNC:``, ...), used where standard CURIEs are wanted (KGX, SSSOM, the
  shipped prefix map). The longest matching namespace wins, so ``obo:CHEBI_60799`` becomes ``CHEBI:60799``.

>>> identifier_converter().compress("http://purl.obolibrary.org/obo/CHEBI_60799")
'CHEBI:60799'
>>> project_converter().compress("https://w3id.org/ketamine-kg/id/esketamine")
'kg:esketamine'
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import curies
import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from ketamine_kg.errors import UserError
from ketamine_kg.vocab import PREFIXES

if TYPE_CHECKING:
    from rdflib.term import Node

__all__ = [
    "OxTerm",
    "compress",
    "expand",
    "identifier_converter",
    "identifier_prefix_map",
    "project_converter",
    "rdflib_to_oxigraph",
    "to_rdflib_exact",
]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: A local part that reads back unchanged as a CURIE in Turtle, SPARQL and most CURIE parsers.
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(?<!\.)$")


def rdflib_to_oxigraph(term: Node) -> OxTerm:
    """The pyoxigraph term equal to an rdflib IRI, blank node or literal (lexical form kept)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise UserError(f"unsupported RDF term {term!r}: only IRIs, blank nodes and literals")


def to_rdflib_exact(term: object) -> Node:
    """The rdflib term equal to a pyoxigraph term, lexical form kept (simple literals stay untyped)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise UserError(f"unsupported RDF term {term!r}: RDF-star triple terms are not supported")


def _schema_prefixes() -> dict[str, str]:
    """``prefix -> IRI base`` of the identifier prefixes (``ontology/schema/prefixes.tsv``)."""
    text = (
        resources.files("ketamine_kg.ontology").joinpath("schema").joinpath("prefixes.tsv").read_text("utf-8")
    )
    return {row["prefix"]: row["iri_base"] for row in csv.DictReader(io.StringIO(text), delimiter="\t")}


def identifier_prefix_map() -> dict[str, str]:
    """Identifier prefixes first (in table order), then the project's own; one IRI base per prefix."""
    merged = _schema_prefixes()
    for prefix, base in PREFIXES.items():
        merged.setdefault(prefix, base)
    return merged


@lru_cache(maxsize=1)
def project_converter() -> curies.Converter:
    """A converter over the curated serialisation prefixes only."""
    return curies.Converter.from_prefix_map(dict(PREFIXES))


@lru_cache(maxsize=1)
def identifier_converter() -> curies.Converter:
    """A converter over the identifier prefixes and the curated ones (longest namespace wins)."""
    return curies.Converter.from_prefix_map(identifier_prefix_map())


def compress(iri: str, converter: curies.Converter | None = None, *, strict_local: bool = True) -> str:
    """``iri`` as a CURIE (``project_converter`` by default), or the IRI itself when none fits.

    With ``strict_local`` the local part must be plainly safe (letters, digits, ``_ . -``), so the
    CURIE reads back as the same IRI in Turtle, SPARQL and CURIE parsers.
    """
    pair: str | None = (converter or project_converter()).compress(iri) if iri else None
    if pair is None:
        return iri
    local = pair.split(":", 1)[1]
    if not local or local.startswith("//") or (strict_local and not _SAFE_LOCAL.match(local)):
        return iri
    return pair


def expand(curie: str, converter: curies.Converter | None = None) -> str | None:
    """The IRI of a CURIE with a known prefix and a non-empty local part (``project_converter`` by
    default), else None."""
    _prefix, sep, local = curie.partition(":")
    if not sep or not local or local.startswith("//"):
        return None
    found: str | None = (converter or project_converter()).expand(curie)
    return found
