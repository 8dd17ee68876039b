"""OWL in RDF/XML: the build's writer (owlready2), so ``export --format xml`` equals ``out/ketamine-kg.owl``.

owlready2 writes the ``owl:Ontology`` header, ``xml:base`` and typed OWL elements that pronto, the OWL
API and py-horned-owl expect. Text XML 1.0 cannot carry is refused before anything is written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.statements import RdfInput, as_dataset, check_xml_text, sorted_triples
from ketamine_kg.ontology.build import build_ontology
from ketamine_kg.ontology.build import to_rdfxml as owl_rdfxml
from ketamine_kg.terms import identifier_prefix_map

__all__ = ["declare_prefixes", "link_nested_axioms", "rdfxml_of_sorted", "to_rdfxml", "write_rdfxml"]


def _describe(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    return f"<{term.value}>" if isinstance(term, ox.NamedNode) else f"blank node {term}"


def to_rdfxml(graph: RdfInput) -> bytes:
    """The ontology in RDF/XML as owlready2 writes it (byte-identical for the same statements)."""
    return rdfxml_of_sorted(sorted_triples(as_dataset(graph)))


def rdfxml_of_sorted(triples: list[ox.Triple]) -> bytes:
    """``to_rdfxml`` of triples already in N-Triples order (the build sorts once for Turtle and OWL)."""
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            check_xml_text(getattr(term, "value", str(term)), f"{_describe(t.subject)} {t.predicate.value}")
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return declare_prefixes(link_nested_axioms(owl_rdfxml(build_ontology(ntriples))))


_TOP_AXIOM = re.compile(rb"^<owl:Axiom>(?P<body>.*?)^</owl:Axiom>", re.S | re.M)
_NESTED_AXIOM = re.compile(
    rb"<(?P<prop>[\w.-]+:[\w.-]+)>\s*<owl:Axiom>(?P<body>.*?)</owl:Axiom>\s*</(?P=prop)>", re.S
)


def _axiom_key(body: bytes) -> tuple[bytes, ...]:
    return tuple(line.strip() for line in body.strip().splitlines())


def link_nested_axioms(rdfxml: bytes) -> bytes:
    """Point a property whose value is an axiom (a quantity's ``qualifiesAssertion``) at that axiom.

    owlready2 writes such a value as a nested copy of the ``owl:Axiom`` element, once per quantity; read
    back, each copy is a new blank node, so each quantity would qualify its own duplicate of the
    assertion. The axiom gets an ``rdf:nodeID`` (where it first appears) and the others refer to it.
    """
    top = {_axiom_key(m.group("body")) for m in _TOP_AXIOM.finditer(rdfxml)}
    ids: dict[tuple[bytes, ...], bytes] = {}

    def refer(match: re.Match[bytes]) -> bytes:
        key = _axiom_key(match.group("body"))
        prop = match.group("prop")
        if key in ids or key in top:
            node = ids.setdefault(key, b"axiom%d" % (len(ids) + 1))
            return b"<" + prop + b' rdf:nodeID="' + node + b'"/>'
        node = ids.setdefault(key, b"axiom%d" % (len(ids) + 1))  # the first copy stays, named
        return match.group(0).replace(b"<owl:Axiom>", b'<owl:Axiom rdf:nodeID="' + node + b'">', 1)

    linked = _NESTED_AXIOM.sub(refer, rdfxml)

    def name(match: re.Match[bytes]) -> bytes:
        node = ids.get(_axiom_key(match.group("body")))
        if node is None:
            return match.group(0)
        return b'<owl:Axiom rdf:nodeID="' + node + b'">' + match.group("body") + b"</owl:Axiom>"

    return _TOP_AXIOM.sub(name, linked)


def declare_prefixes(rdfxml: bytes) -> bytes:
    """Add the shipped prefix map as ``xmlns:`` declarations on ``rdf:RDF`` (those not declared yet).

    owlready2 names the namespaces it needs itself (``term:``, ``sche:``); tools that read prefixes from
    the file (oaklib, Protégé) then also know ``kg:``, ``kkg:``, ``CHEBI:`` and the rest.
    """
    start = rdfxml.find(b"<rdf:RDF")
    end = rdfxml.find(b">", start)
    if start < 0 or end < 0:
        return rdfxml
    header = rdfxml[start:end]
    extra = b"".join(
        f'\n         xmlns:{prefix}="{base}"'.encode()
        for prefix, base in identifier_prefix_map().items()
        if f"xmlns:{prefix}=".encode() not in header
    )
    return rdfxml[:end] + extra + rdfxml[end:]


def write_rdfxml(graph: RdfInput, path: Path) -> None:
    """Write ``to_rdfxml(graph)`` atomically."""
    write_bytes_atomic(path, to_rdfxml(graph))
