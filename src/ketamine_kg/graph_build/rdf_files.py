"""Read user RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) without any network access.

pyoxigraph parses: it never fetches remote JSON-LD contexts or ``owl:imports`` and reports errors with
line and column. All files are parsed before anything is returned, so a bad file loads nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ketamine_kg.errors import RDFParseError, UserError

if TYPE_CHECKING:  # rdflib is imported lazily: `query --data` on the Oxigraph path never needs it
    from rdflib import Graph
    from rdflib.term import Node

__all__ = ["from_oxigraph_term", "load_rdf_files", "load_store", "parse_file", "rdf_format"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of ``path`` from its extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UserError(
            f"{path}: unknown RDF file extension '{path.suffix}' (use one of {', '.join(FORMATS)})"
        )
    return fmt


def parse_file(path: Path) -> list[ox.Quad]:
    """All quads of one file; blank nodes are prefixed per file so files never share them by accident."""
    fmt = rdf_format(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    tag = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    try:
        quads = list(ox.parse(path=path, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        if message.startswith("Parser error"):
            message = message.split(": ", 1)[-1]
        raise RDFParseError(str(path), exc.lineno, exc.offset, message) from None
    except (OSError, ValueError) as exc:
        raise RDFParseError(str(path), None, None, str(exc)) from None
    return [_retag(q, tag) for q in quads]


def _retag(quad: ox.Quad, tag: str) -> ox.Quad:
    def fix(
        term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple,
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
        return ox.BlankNode(f"f{tag}{term.value}") if isinstance(term, ox.BlankNode) else term

    if not isinstance(quad.subject, ox.BlankNode) and not isinstance(quad.object, ox.BlankNode):
        return quad
    return ox.Quad(fix(quad.subject), quad.predicate, fix(quad.object), quad.graph_name)  # type: ignore[arg-type]


def load_store(paths: Sequence[Path]) -> ox.Store:
    """An in-memory pyoxigraph store with the triples of every file (named graphs kept)."""
    store = ox.Store()
    if len(paths) == 1 and rdf_format(paths[0]) in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE):
        path = paths[0]
        if not path.is_file():
            raise UserError(f"{path}: no such file")
        # The fast path: stream the parser straight into a fresh store. Unlike Store.bulk_load, which gives
        # every blank node a new random id on each load, ox.parse keeps the file's labels, so exports of
        # the store (serialize.to_turtle_store) are byte-identical from one run to the next.
        try:
            store.bulk_extend(ox.parse(path=path, format=rdf_format(path), base_iri=path.resolve().as_uri()))
        except SyntaxError:
            parse_file(path)  # re-parse for the located error message; the partial store is dropped
            raise
        return store
    quads = [q for path in paths for q in parse_file(path)]
    store.extend(quads)
    return store


def from_oxigraph_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """Convert a pyoxigraph term to rdflib."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise UserError(f"RDF-star triple terms are not supported: {term}")


def load_rdf_files(paths: Sequence[Path]) -> Graph:
    """An rdflib graph (named graphs flattened) with the triples of every file."""
    from rdflib import Graph

    from ketamine_kg.vocab import PREFIXES

    quads = [q for path in paths for q in parse_file(path)]
    graph = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for q in quads:
        graph.add(
            (from_oxigraph_term(q.subject), from_oxigraph_term(q.predicate), from_oxigraph_term(q.object))
        )
    return graph
