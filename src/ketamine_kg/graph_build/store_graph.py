"""A read-only, rdflib-shaped view of a pyoxigraph Store, and neighbourhood extraction inside the store.

``to_network`` (graph_build.projection) reads a graph through a handful of rdflib ``Graph`` methods.
:class:`StoreGraph` offers exactly those over a pyoxigraph ``Store``, converting terms on the way out, so
large files are parsed by the engine (never by rdflib's parser) and projected unchanged. Named graphs are
read as one merged graph, as ``load_rdf_files`` does.

:func:`extract_neighbourhood` copies into a new store only what the projection of the entities within
``depth`` relation steps of some seeds needs, so ``render --data FILE --focus X`` projects a few thousand
triples instead of the whole file.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x")))
>>> graph = StoreGraph(store)
>>> [str(o) for o in graph.objects()]
['x']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ketamine_kg.graph_build.rdf_files import from_oxigraph_term, load_store
from ketamine_kg.ontology.schema import load_schema
from ketamine_kg.vocab import DCTERMS, KKG, OBOINOWL, OWL, PREFIXES, PROV, RDF, RDFS, SKOS

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["StoreGraph", "curie_prefixes", "extract_neighbourhood", "find_seeds", "load_for_view"]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[Node, Node, Node]


def _to_ox(term: Node | None) -> OxTerm | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), datatype=datatype)
    raise TypeError(f"not an RDF term: {term!r}")


class StoreGraph:
    """The rdflib ``Graph`` reading methods that the projection uses, over a pyoxigraph ``Store``.

    Read-only: there is no ``add`` or ``remove``. Terms come out as rdflib terms (converted once each).
    """

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._terms: dict[Any, Node] = {}
        self._merged = next(iter(store.named_graphs()), None) is not None

    def _rd(self, term: Any) -> Node:
        found = self._terms.get(term)
        if found is None:
            found = self._terms[term] = from_oxigraph_term(term)
        return found

    def _quads(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        try:
            subject, predicate, obj = _to_ox(s), _to_ox(p), _to_ox(o)
        except (TypeError, ValueError):
            return  # a term the store cannot hold (e.g. a literal subject) matches nothing
        if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode | None):
            return
        quads = self.store.quads_for_pattern(subject, predicate, obj, None)
        seen: set[tuple[Any, Any, Any]] = set()
        for quad in quads:
            key = (quad.subject, quad.predicate, quad.object)
            if self._merged:  # the same triple in two named graphs is one triple of the merged graph
                if key in seen:
                    continue
                seen.add(key)
            yield self._rd(key[0]), self._rd(key[1]), self._rd(key[2])

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[Triple]:
        """Triples matching ``(s, p, o)``, ``None`` as a wildcard."""
        return self._quads(*pattern)

    def __iter__(self) -> Iterator[Triple]:
        return self._quads(None, None, None)

    def __len__(self) -> int:
        if self._merged:
            return sum(1 for _ in self)
        return len(self.store)

    def __contains__(self, triple: object) -> bool:
        if not isinstance(triple, tuple) or len(triple) != 3:
            return False
        return next(self._quads(*triple), None) is not None

    def subjects(self, predicate: Node | None = None, object: Node | None = None) -> Iterator[Node]:
        """Subjects of triples matching ``(?, predicate, object)`` (rdflib's argument names)."""
        return (s for s, _p, _o in self._quads(None, predicate, object))

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        """Objects of triples matching ``(subject, predicate, ?)``."""
        return (o for _s, _p, o in self._quads(subject, predicate, None))

    def predicate_objects(self, subject: Node | None = None) -> Iterator[tuple[Node, Node]]:
        return ((p, o) for _s, p, o in self._quads(subject, None, None))

    def subject_objects(self, predicate: Node | None = None) -> Iterator[tuple[Node, Node]]:
        return ((s, o) for s, _p, o in self._quads(None, predicate, None))

    def value(
        self,
        subject: Node | None = None,
        predicate: Node | None = RDF.value,
        object: Node | None = None,
        default: Node | None = None,
        any: bool = True,
    ) -> Node | None:
        """The one missing term of a pattern with exactly two terms given (as ``rdflib.Graph.value``)."""
        if subject is None:
            found = next(self.subjects(predicate, object), None)
        elif object is None:
            found = next(self.objects(subject, predicate), None)
        else:
            found = next((p for p, o in self.predicate_objects(subject) if o == object), None)
        return default if found is None else found


#: Predicates never followed when walking relations: typing and provenance, whose hubs (a class, a
#: source cited a thousand times) would pull the whole graph into any neighbourhood.
_NOT_RELATIONS = frozenset(
    str(p)
    for p in (
        RDF.type, RDFS.subClassOf, RDFS.seeAlso, RDFS.isDefinedBy, OWL.sameAs, DCTERMS.source,
        KKG.definitionSource, KKG.decidedBy, KKG.isAbout, KKG.quantityOf, KKG.qualifiesAssertion,
        KKG.mirrorsAssertion, OBOINOWL.hasDbXref,
        SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch,
        PROV.wasGeneratedBy, PROV.wasDerivedFrom, OWL.annotatedSource, OWL.annotatedTarget,
    )
)  # fmt: skip
#: Subjects typed with one of these are schema, copied whole (small, and the projection needs it).
_SCHEMA_TYPES = tuple(
    ox.NamedNode(str(t))
    for t in (
        OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Ontology,
        RDF.Property, RDFS.Class,
    )
)  # fmt: skip
_LINKS_TO_DESCRIBED = (
    ox.NamedNode(str(OWL.annotatedSource)),
    ox.NamedNode(str(OWL.annotatedTarget)),
    ox.NamedNode(str(KKG.quantityOf)),
    ox.NamedNode(str(KKG.qualifiesAssertion)),  # a quantity about an assertion points at its axiom
    ox.NamedNode(str(KKG.isAbout)),
)


def find_seeds(store: ox.Store, query: str, prefixes: Iterable[tuple[str, str]]) -> set[ox.NamedNode]:
    """Every IRI that ``query`` may name: as an IRI, a CURIE (expanded by ``prefixes``, pairs of prefix and
    IRI base), or a literal (label, synonym, identifier) equal to it, else equal ignoring case and spacing.

    A superset on purpose: ``visualize.find_node`` then decides on the projected neighbourhood, with its
    usual ambiguity and did-you-mean messages.
    """
    wanted = " ".join(query.replace("_", " ").split()).casefold()
    seeds: set[ox.NamedNode] = set()
    candidates = [query.strip()]
    prefix, sep, local = query.strip().partition(":")
    if sep:
        candidates += [base + local for p, base in prefixes if p.casefold() == prefix.casefold()]
    for iri in candidates:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            continue
        if next(iter(store.quads_for_pattern(node, None, None, None)), None) is not None:
            seeds.add(node)
        for quad in store.quads_for_pattern(None, None, node, None):  # e.g. skos:exactMatch CHEBI IRI
            if isinstance(quad.subject, ox.NamedNode):
                seeds.add(quad.subject)
    # an exact label, synonym or identifier is an index lookup; like the command line's entity lookup,
    # it wins over matches that differ in case or spacing (a scan of every literal: 0.46 s at 1M)
    exact = {
        quad.subject
        for literal in (ox.Literal(query.strip()), ox.Literal(query.strip(), language="en"))
        for quad in store.quads_for_pattern(None, None, literal, None)
        if isinstance(quad.subject, ox.NamedNode)
    }
    if exact:
        return seeds | exact
    # the literal is written by the engine's own serialiser (N-Triples escaping), never pasted raw
    text = f"SELECT DISTINCT ?s WHERE {{ VALUES ?q {{ {ox.Literal(wanted)} }} ?s ?p ?l FILTER(isIRI(?s) && isLiteral(?l) && LCASE(STR(?l)) = ?q) }}"
    for row in cast("ox.QuerySolutions", store.query(text)):
        if isinstance(row["s"], ox.NamedNode):
            seeds.add(row["s"])
    return seeds


def extract_neighbourhood(store: ox.Store, seeds: Iterable[ox.NamedNode], depth: int) -> ox.Store:
    """A new store with what projecting the entities within ``depth`` relation steps of ``seeds`` needs.

    Walks IRI-to-IRI triples in both directions (typing and provenance predicates excluded), then copies:
    every triple about those entities, about the axioms, quantities and claims that point at them (and
    at those axioms), one more level of whatever those triples point to (sources, blank nodes), and the
    schema (classes and properties).
    """
    reached = set(seeds)
    frontier = set(reached)
    for _ in range(depth):
        step: set[ox.NamedNode] = set()
        for node in frontier:
            for quad in store.quads_for_pattern(node, None, None, None):
                if isinstance(quad.object, ox.NamedNode) and quad.predicate.value not in _NOT_RELATIONS:
                    step.add(quad.object)
            for quad in store.quads_for_pattern(None, None, node, None):
                if isinstance(quad.subject, ox.NamedNode) and quad.predicate.value not in _NOT_RELATIONS:
                    step.add(quad.subject)
        frontier = step - reached
        reached |= frontier
    described: set[ox.NamedNode | ox.BlankNode] = set(reached)
    pending: list[ox.NamedNode | ox.BlankNode] = list(reached)
    while pending:  # axioms, quantities and claims about described things (and about those axioms)
        item = pending.pop()
        for link in _LINKS_TO_DESCRIBED:
            for quad in store.quads_for_pattern(None, link, item, None):
                subject = quad.subject
                if isinstance(subject, ox.NamedNode | ox.BlankNode) and subject not in described:
                    described.add(subject)
                    pending.append(subject)
    out = ox.Store()
    quads: list[ox.Quad] = []
    referenced: set[ox.NamedNode | ox.BlankNode] = set()
    for item in described:
        for quad in store.quads_for_pattern(item, None, None, None):
            quads.append(quad)
            if isinstance(quad.object, ox.NamedNode | ox.BlankNode) and quad.object not in described:
                referenced.add(quad.object)
    for item in referenced:  # sources, identifiers' blank nodes, the far ends of relations
        quads.extend(store.quads_for_pattern(item, None, None, None))
    for schema_type in _SCHEMA_TYPES:
        for typed in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), schema_type, None):
            quads.extend(store.quads_for_pattern(typed.subject, None, None, None))
    out.extend(quads)
    return out


def curie_prefixes() -> list[tuple[str, str]]:
    """(prefix, IRI base) pairs for CURIEs: the schema's identifier prefixes, then the vocabulary's."""
    pairs = [(p.prefix, p.iri_base) for p in load_schema().prefixes.values()]
    return pairs + sorted(PREFIXES.items())


def load_for_view(paths: Sequence[Path], focus: str | None, depth: int) -> Graph:
    """RDF files parsed into pyoxigraph, as a graph ``to_network`` reads; with ``focus``, only the
    neighbourhood (when ``focus`` names nothing, the whole graph, so the error can suggest names)."""
    store = load_store(paths)
    if focus is not None:
        seeds = find_seeds(store, focus, curie_prefixes())
        if seeds:
            store = extract_neighbourhood(store, seeds, depth)
    # StoreGraph offers the Graph methods the projection calls (duck typing: projection.py is typed for
    # rdflib and is not changed here).
    return cast("Graph", StoreGraph(store))
