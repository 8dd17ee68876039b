"""RDF term helpers of the engines: canonical literals, SPARQL syntax; conversion and CURIEs via ``ketamine_kg.terms``.

Every engine's results are converted to rdflib terms with canonical numeric lexical forms, so that
Oxigraph, rdflib and a remote endpoint give byte-identical answers for the same data.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import curies
import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ketamine_kg.errors import QueryError, UserError
from ketamine_kg.terms import compress, project_converter, rdflib_to_oxigraph

if TYPE_CHECKING:
    from rdflib.term import Node

__all__ = [
    "canonical_lexical",
    "canonical_literal",
    "compact_iri",
    "from_oxigraph",
    "from_sparql_json",
    "is_iri",
    "sparql_safe_iri",
    "term_parts",
    "term_value",
    "to_oxigraph",
    "to_sparql",
]

_INTEGER_TYPES = frozenset(
    str(t)
    for t in (
        XSD.integer,
        XSD.int,
        XSD.long,
        XSD.short,
        XSD.byte,
        XSD.nonNegativeInteger,
        XSD.positiveInteger,
        XSD.nonPositiveInteger,
        XSD.negativeInteger,
        XSD.unsignedInt,
        XSD.unsignedLong,
        XSD.unsignedShort,
        XSD.unsignedByte,
    )
)
_FLOAT_TYPES = frozenset({str(XSD.double), str(XSD.float)})
_XSD_STRING = str(XSD.string)
_XSD_DECIMAL = str(XSD.decimal)
_XSD_BOOLEAN = str(XSD.boolean)
#: Datatypes whose lexical form is rewritten to a canonical one; every other literal keeps its text.
_CANONICAL_TYPES = _INTEGER_TYPES | _FLOAT_TYPES | {_XSD_DECIMAL, _XSD_BOOLEAN}
# IRIREF characters SPARQL forbids between < and > (SPARQL 1.1 grammar, production 139).
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f]')
_STRING_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def _canonical_decimal(lexical: str) -> str:
    """XSD canonical form of a decimal: no exponent, no trailing zeros, at least one fraction digit."""
    value = Decimal(lexical.strip())
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    return "0.0" if text in {"-0.0", "-0"} else text


def _canonical_double(lexical: str) -> str:
    """A stable form for xsd:double/float (Python's shortest round-trip repr, with E notation)."""
    value = float(lexical.strip())
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    shortest = repr(value)
    if "e" in shortest:
        mantissa, _, exponent = shortest.partition("e")
    else:
        mantissa, exponent = shortest, "0"
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}E{int(exponent)}"


def canonical_lexical(lexical: str, datatype: str) -> str:
    """The canonical lexical form for numeric and boolean datatypes; any other literal's text unchanged."""
    if datatype not in _CANONICAL_TYPES:
        return lexical
    try:
        if datatype in _INTEGER_TYPES:
            return str(int(lexical.strip()))
        if datatype == _XSD_DECIMAL:
            return _canonical_decimal(lexical)
        if datatype in _FLOAT_TYPES:
            return _canonical_double(lexical)
        return "true" if lexical.strip() in {"true", "1"} else "false"
    except (ValueError, InvalidOperation):
        return lexical  # an ill-typed literal keeps its lexical form


def canonical_literal(lexical: str, datatype: str | None, language: str | None) -> Literal:
    """An rdflib Literal whose numeric lexical form is canonical, so engines compare equal."""
    if language:
        return Literal(lexical, lang=language.lower())
    if datatype is None or datatype == _XSD_STRING:
        return Literal(lexical)
    return Literal(canonical_lexical(lexical, datatype), datatype=URIRef(datatype), normalize=False)


def from_oxigraph(term: object) -> Node:
    """Convert a pyoxigraph term to the equivalent rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return canonical_literal(term.value, term.datatype.value, term.language)
    raise QueryError(f"unsupported RDF term in a result: {term!r}")


def is_iri(term: object) -> bool:
    """True for an rdflib URIRef or a pyoxigraph NamedNode."""
    return isinstance(term, URIRef | ox.NamedNode)


def term_value(term: object) -> str:
    """The IRI, canonical lexical form or blank node id of an rdflib or pyoxigraph term (no rdflib object made)."""
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term.value
    if isinstance(term, ox.Literal):
        if term.language:
            return term.value
        return canonical_lexical(term.value, term.datatype.value)
    if isinstance(term, URIRef | BNode | Literal):
        return str(term)
    raise QueryError(f"unsupported RDF term in a result: {term!r}")


def term_parts(term: object) -> tuple[str, str, str | None, str | None]:
    """``(kind, value, datatype, language)`` of an rdflib or pyoxigraph term, as SPARQL JSON results name them.

    ``kind`` is ``uri``, ``bnode`` or ``literal``; literals have canonical lexical forms, lower-case language
    tags, and no datatype for plain strings, exactly like the rdflib terms of :func:`from_oxigraph`.
    """
    if isinstance(term, ox.NamedNode | URIRef):
        return ("uri", term.value if isinstance(term, ox.NamedNode) else str(term), None, None)
    if isinstance(term, ox.Literal):
        language = term.language
        if language:
            return ("literal", term.value, None, language.lower())
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return ("literal", term.value, None, None)
        return ("literal", canonical_lexical(term.value, datatype), datatype, None)
    if isinstance(term, Literal):
        return ("literal", str(term), None if term.datatype is None else str(term.datatype), term.language)
    if isinstance(term, ox.BlankNode | BNode):
        return ("bnode", term.value if isinstance(term, ox.BlankNode) else str(term), None, None)
    raise QueryError(f"unsupported RDF term in a result: {term!r}")


def normalise(term: Node) -> Node:
    """Give an rdflib term the same canonical form as converted Oxigraph terms."""
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return canonical_literal(str(term), datatype, term.language)
    return term


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib IRI, blank node or literal to pyoxigraph (to bind it in a query)."""
    try:
        return rdflib_to_oxigraph(term)
    except UserError:
        raise QueryError(f"cannot bind {term!r}: only IRIs, blank nodes and literals can be bound") from None


def from_sparql_json(binding: dict[str, str]) -> Node:
    """Convert one SPARQL 1.1 JSON results term (``{"type": ..., "value": ...}``) to rdflib."""
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in {"literal", "typed-literal"}:
        return canonical_literal(value, binding.get("datatype"), binding.get("xml:lang"))
    raise QueryError(f"unsupported term type {kind!r} in the endpoint's JSON results")


def sparql_safe_iri(iri: str) -> bool:
    """True if ``iri`` can be written as ``<iri>`` in a query (a valid absolute IRI, per Oxigraph's parser)."""
    if _BAD_IRI_CHARS.search(iri) is not None:
        return False
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _escape_string(text: str) -> str:
    return "".join(_STRING_ESCAPES.get(ch, ch) for ch in text)


def to_sparql(term: Node) -> str:
    """Serialise an IRI or literal in SPARQL syntax, escaped so it can never change the query's shape."""
    if isinstance(term, URIRef):
        iri = str(term)
        if not sparql_safe_iri(iri):
            raise QueryError(f"cannot send the IRI {iri!r}: it contains characters not allowed in an IRI")
        return f"<{iri}>"
    if isinstance(term, Literal):
        body = f'"{_escape_string(str(term))}"'
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise QueryError(f"invalid language tag {term.language!r}")
            return f"{body}@{term.language}"
        if term.datatype is not None and str(term.datatype) != str(XSD.string):
            return f"{body}^^{to_sparql(URIRef(str(term.datatype)))}"
        return body
    raise QueryError(f"cannot send {term!r} to an endpoint: only IRIs and literals can be bound")


def compact_iri(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """Compact ``iri`` to a CURIE with the project prefixes (longest namespace wins); else return it."""
    converter = curies.Converter.from_prefix_map(prefixes) if prefixes else project_converter()
    return compress(iri, converter)
