"""Project an RDF graph onto a networkx network of named entities and relation assertions.

OWL plumbing (axiom and restriction blank nodes, class memberships, schema terms, sources, claims and
quantities) is folded into node and edge attributes instead of being drawn. Graphs without the
ketamine-kg schema fall back to a generic projection: IRIs become nodes, object triples become edges.

Node attributes: ``label``, ``category``, ``category_label``, ``iri``, ``curie``, ``definition``,
``synonyms``, ``identifiers`` (``{"curie", "iri", "match"}``), ``definition_sources``, ``quantities``,
``claims``, ``short_label`` (``skos:notation``, else empty). Edge attributes (key = assertion id, or
``inferred:``/``triple:`` + predicate IRI): ``predicate``, ``predicate_label``, ``evidence``,
``inferred``, ``assertion_id``, ``sources``, ``quantities``, ``approval_status``, ``date``,
``qualifiers``, ``note``, ``kind`` (the relation kind, see :data:`RELATION_KINDS`), ``mirror_of``
(for an inferred edge that only restates another edge, as its inverse or super-property: that edge's
``[from, to, key]``, else empty) and ``rule`` (for inferred edges: the axiom that produced it).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.term import Node

from ketamine_kg.ontology.schema import Schema, load_schema
from ketamine_kg.terms import compress, identifier_converter
from ketamine_kg.vocab import (
    DCTERMS,
    IAO_DEFINITION,
    KKG,
    OBOINOWL,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA_NS,
    SKOS,
)

__all__ = ["MECHANISM_KINDS", "RELATION_KINDS", "InferredMode", "to_network"]

log = logging.getLogger(__name__)

InferredMode = Literal["all", "new", "none"]

#: Non-entity top classes: their individuals are folded into attributes, except clinical trials.
_FOLDED_ROOTS = frozenset({"Source", "Claim", "Quantity"})
_DRAWN_SOURCES = frozenset({"ClinicalTrial"})
_MATCHES = {
    SKOS.exactMatch: "exact",
    SKOS.closeMatch: "close",
    SKOS.broadMatch: "broad",
    SKOS.narrowMatch: "narrow",
    SKOS.relatedMatch: "related",
}
#: Predicates that link entities to folded individuals or carry bookkeeping, never drawn.
_FOLDED_PREDICATES = frozenset(
    {
        URIRef(str(KKG.definitionSource)),
        URIRef(str(KKG.isAbout)),
        URIRef(str(KKG.decidedBy)),
        URIRef(str(KKG.quantityOf)),
        DCTERMS.source,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
    }
)
_PLUMBING_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(PROV))
_SCHEMA_TYPES = frozenset(
    {
        OWL.Class,
        RDFS.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
        OWL.Ontology,
        OWL.Restriction,
        OWL.Axiom,
        OWL.AllDisjointClasses,
        OWL.AllDifferent,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.FunctionalProperty,
    }
)
_UNINFORMATIVE_TYPES = frozenset({OWL.NamedIndividual, OWL.Thing, RDFS.Resource})

#: Relation kind of each top schema property (a property's kind is that of its topmost super-property).
#: Inverse directions (has participant, is treated by, has part, ...) deliberately have no kind of
#: their own: a mechanism is read in the forward direction only.
RELATION_KINDS: dict[str, str] = {
    "molecularlyInteractsWith": "binding",
    "causallyUpstreamOf": "causal",
    "regulates": "causal",
    "participatesIn": "participation",
    "partOf": "part",
    "treats": "clinical",
    "studiedToTreat": "clinical",
    "hasAdverseEvent": "adverse",
    "isAdverseEventOf": "adverse",
    "hasIntervention": "trial",
    "hasComparator": "trial",
    "studiesCondition": "trial",
    "hasDownstreamMetabolite": "metabolism",
    "isDownstreamMetaboliteOf": "metabolism",
    "hasInput": "metabolism",
    "hasOutput": "metabolism",
    "enables": "metabolism",
}
#: Kinds a mechanism path may follow (forward): target binding, causal effect/regulation, participation, part-of.
MECHANISM_KINDS = frozenset({"binding", "causal", "participation", "part"})


def _k(term: Any) -> URIRef:
    """An rdflib URIRef for a KKG DefinedNamespace attribute."""
    return URIRef(str(term))


@dataclass(frozen=True)
class _Ctx:
    """Read-only lookups shared by the projection helpers."""

    graph: Graph
    schema: Schema

    def text(self, subject: Node, predicate: URIRef) -> str:
        """The smallest literal value (deterministic) or empty string."""
        values = sorted(str(o) for o in self.graph.objects(subject, predicate) if isinstance(o, RDFLiteral))
        return values[0] if values else ""

    def texts(self, subject: Node, predicate: URIRef) -> list[str]:
        """All literal values, sorted and unique."""
        return sorted({str(o) for o in self.graph.objects(subject, predicate) if isinstance(o, RDFLiteral)})

    def label(self, term: Node) -> str:
        """Display label: rdfs:label, skos:prefLabel, else the IRI itself."""
        return self.text(term, RDFS.label) or self.text(term, SKOS.prefLabel) or str(term)

    def curie(self, iri: str) -> str:
        """A CURIE for ``iri`` from the identifier and curated prefixes (``terms``), or the IRI unchanged."""
        return compress(iri, identifier_converter(), strict_local=False)


def _context(graph: Graph) -> _Ctx:
    return _Ctx(graph=graph, schema=load_schema())


def to_network(graph: Graph, *, inferred: InferredMode = "all") -> nx.MultiDiGraph:
    """Project ``graph`` onto a network of entities and relation assertions (deterministic order).

    ``inferred``: ``"all"`` keeps every reasoner edge, ``"new"`` only those joining a pair of
    entities no asserted edge joins, ``"none"`` drops them.

    >>> to_network(Graph()).number_of_nodes()
    0
    """
    ctx = _context(graph)
    categories = _entity_categories(ctx)
    if not categories:
        log.info("no ketamine-kg categories found: generic RDF projection")
        return _generic_network(ctx)
    return _schema_network(ctx, categories, inferred)


# --------------------------------------------------------------------------- schema projection


def _category_classes(ctx: _Ctx) -> dict[URIRef, tuple[str, str, int]]:
    """Class IRI -> (category code, label, depth) for classes drawn as node categories."""
    found: dict[URIRef, tuple[str, str, int]] = {}
    for cls in ctx.schema.classes.values():
        chain = ctx.schema.ancestors(cls.id)
        if not cls.category or (chain[-1] in _FOLDED_ROOTS and cls.id not in _DRAWN_SOURCES):
            continue
        found[URIRef(SCHEMA_NS + cls.id)] = (cls.category, cls.label, len(chain))
    return found


def _entity_categories(ctx: _Ctx) -> dict[URIRef, tuple[str, str]]:
    """Entity IRI -> (category code, category label), the most specific category class wins."""
    classes = _category_classes(ctx)
    result: dict[URIRef, tuple[str, str]] = {}
    best: dict[URIRef, tuple[int, str, str]] = {}
    for cls_iri, (code, label, depth) in classes.items():
        for subject in ctx.graph.subjects(RDF.type, cls_iri):
            if not isinstance(subject, URIRef):
                continue
            candidate = (-depth, code, label)
            if subject not in best or candidate < best[subject]:
                best[subject] = candidate
    for subject, (_, code, label) in best.items():
        result[subject] = (code, label)
    return result


def _schema_network(
    ctx: _Ctx, categories: dict[URIRef, tuple[str, str]], inferred: InferredMode
) -> nx.MultiDiGraph:
    graph = ctx.graph
    sources = _SourceIndex(ctx)
    network = nx.MultiDiGraph()
    network.graph["schema"] = "ketamine-kg"
    network.graph["mechanism_kinds"] = sorted(MECHANISM_KINDS)
    network.graph["vocabulary"] = {
        name: dict(ctx.schema.vocabulary(name))
        for name in sorted(ctx.schema.vocabularies)
        if name in {"evidence_level", "approval_status", "quantity_kind", "claim_status", "qualifier_key"}
        or name.startswith("qualifier:")
    }
    node_quantities, edge_quantities = _quantities(ctx, sources)
    claims = _claims(ctx, sources)
    for iri in sorted(categories, key=str):
        code, cat_label = categories[iri]
        is_trial = code == "clinical_trial"
        network.add_node(
            str(iri),
            label=ctx.label(iri),
            category=code,
            category_label=cat_label,
            iri=str(iri),
            curie=ctx.curie(str(iri)),
            definition=ctx.text(iri, IAO_DEFINITION)
            or (ctx.text(iri, DCTERMS.bibliographicCitation) if is_trial else ""),
            synonyms=ctx.texts(iri, OBOINOWL.hasExactSynonym),
            identifiers=_identifiers(ctx, iri),
            definition_sources=[
                sources.get(s) for s in sorted(graph.objects(iri, _k(KKG.definitionSource)), key=str)
            ],
            quantities=node_quantities.get(str(iri), []),
            claims=claims.get(str(iri), []),
            short_label=ctx.text(iri, SKOS.notation),
        )
    axioms = _axiom_index(ctx)
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    for s, p, o in graph:
        if s not in categories or o not in categories or not isinstance(p, URIRef):
            continue
        if p in _FOLDED_PREDICATES or str(p).startswith(_PLUMBING_NAMESPACES):
            continue
        edges.extend(_relation_edges(ctx, sources, str(s), p, str(o), axioms.get((s, p, o), [])))
    asserted_pairs = {frozenset((u, v)) for u, v, _, a in edges if not a["inferred"]}
    _explain_inferred(ctx.schema, edges)
    for u, v, key, attrs in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        if attrs["inferred"] and (
            inferred == "none" or (inferred == "new" and frozenset((u, v)) in asserted_pairs)
        ):
            continue
        attrs["quantities"] = edge_quantities.get(attrs["assertion_id"], []) if attrs["assertion_id"] else []
        network.add_edge(u, v, key=key, **attrs)
    return network


def _local(schema: Schema, predicate: str) -> str:
    """The schema property id of a predicate IRI, or empty for non-schema predicates."""
    local = predicate[len(SCHEMA_NS) :] if predicate.startswith(SCHEMA_NS) else ""
    return local if local in schema.properties else ""


def _property_chain(schema: Schema, prop: str) -> list[str]:
    """The property and its super-properties, nearest first."""
    chain: list[str] = []
    while prop and prop not in chain and prop in schema.properties:
        chain.append(prop)
        prop = schema.properties[prop].super
    return chain


def relation_kind(schema: Schema, prop: str) -> str:
    """The kind of a schema property (``binding``, ``causal``, ...), or ``other``."""
    chain = _property_chain(schema, prop)
    return RELATION_KINDS.get(chain[-1], "other") if chain else "other"


def _inverse_of(schema: Schema, prop: str) -> str:
    """The declared inverse (either side of the declaration); a symmetric property is its own."""
    definition = schema.properties.get(prop)
    if definition is None:
        return ""
    if definition.inverse:
        return definition.inverse
    if "symmetric" in definition.characteristics:
        return prop
    return next((p.id for p in schema.properties.values() if p.inverse == prop), "")


def _explain_inferred(schema: Schema, edges: list[tuple[str, str, str, dict[str, Any]]]) -> None:
    """Set ``kind`` on every edge, and ``mirror_of`` and ``rule`` on the reasoner's edges.

    An inferred edge that restates another edge (its inverse, or a super-property of the same pair)
    points to that edge with ``mirror_of``; an asserted edge wins over an inferred one, and between
    two inferred edges the property listed first in the schema wins.
    """
    order = {pid: i for i, pid in enumerate(schema.properties)}
    by_pair: dict[tuple[str, str], list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for u, v, key, attrs in edges:
        prop = _local(schema, attrs["predicate"])
        attrs["kind"] = relation_kind(schema, prop) if prop else ""
        attrs["mirror_of"] = []
        attrs["rule"] = ""
        by_pair[(u, v)].append((key, prop, attrs))
    for u, v, _key, attrs in edges:
        prop = _local(schema, attrs["predicate"])
        if not attrs["inferred"] or not prop:
            continue
        inverse = _inverse_of(schema, prop)
        rank = (1, order[prop])
        best: tuple[tuple[int, int], list[str], str] | None = None
        for other_key, other, other_attrs in by_pair[(v, u)]:
            if other and inverse and inverse in _property_chain(schema, other):
                candidate = (
                    (1 if other_attrs["inferred"] else -1, order[other]),
                    [v, u, other_key],
                    "inverse",
                )
                best = min(best, candidate, key=lambda c: (c[0], c[1])) if best else candidate
        for other_key, other, other_attrs in by_pair[(u, v)]:
            if other and other != prop and prop in _property_chain(schema, other):
                candidate = ((1 if other_attrs["inferred"] else -1, order[other]), [u, v, other_key], "super")
                best = min(best, candidate, key=lambda c: (c[0], c[1])) if best else candidate
        label = schema.properties[prop].label
        if best is not None and best[0] < rank:
            attrs["mirror_of"] = best[1]
            attrs["rule"] = (
                f"{label} is declared the inverse of {schema.properties[inverse].label}"
                if best[2] == "inverse"
                else f"every more specific relation also implies {label}"
            )
        elif "transitive" in schema.properties[prop].characteristics:
            attrs["rule"] = f"{label} is transitive: it chains asserted steps"
        elif inverse:
            attrs["rule"] = f"{label} is the inverse of {schema.properties[inverse].label}"
        else:
            attrs["rule"] = "entailed by the ontology's axioms (HermiT)"


def _identifiers(ctx: _Ctx, iri: URIRef) -> list[dict[str, str]]:
    """Standard identifiers: SKOS mappings (with match type) and oboInOwl cross-references."""
    found: dict[str, dict[str, str]] = {}
    for predicate, match in _MATCHES.items():
        for target in ctx.graph.objects(iri, predicate):
            if isinstance(target, URIRef):
                curie = ctx.curie(str(target))
                found[curie] = {"curie": curie, "iri": str(target), "match": match}
    for xref in ctx.texts(iri, OBOINOWL.hasDbXref) + ctx.texts(iri, DCTERMS.identifier):
        found.setdefault(xref, {"curie": xref, "iri": "", "match": "xref"})
    return [found[k] for k in sorted(found)]


class _SourceIndex:
    """Source IRI -> display record (label, CURIE, identifiers, URL), computed once per source."""

    def __init__(self, ctx: _Ctx) -> None:
        self._ctx = ctx
        self._cache: dict[Node, dict[str, Any]] = {}

    def get(self, source: Node) -> dict[str, Any]:
        if source not in self._cache:
            ctx = self._ctx
            ids = ctx.texts(source, DCTERMS.identifier)
            for prop, prefix in (
                (KKG.pmid, "PMID"),
                (KKG.doi, "doi"),
                (KKG.pmcid, "PMCID"),
                (KKG.nct, "NCT"),
            ):
                ids.extend(
                    v if v.lower().startswith(prefix.lower()) else f"{prefix}:{v}"
                    for v in ctx.texts(source, _k(prop))
                )
            urls = sorted(str(u) for u in ctx.graph.objects(source, RDFS.seeAlso) if isinstance(u, URIRef))
            self._cache[source] = {
                "id": ctx.curie(str(source)),
                "label": ctx.label(source),
                "citation": ctx.text(source, DCTERMS.bibliographicCitation),
                "identifiers": sorted(set(ids)),
                "url": urls[0] if urls else "",
            }
        return self._cache[source]

    def many(self, sources: Iterable[Node]) -> list[dict[str, Any]]:
        records = [self.get(s) for s in sources]
        return sorted(records, key=lambda r: (r["label"], r["id"]))


def _axiom_index(ctx: _Ctx) -> dict[tuple[Node, Node, Node], list[Node]]:
    """(source, property, target) -> the owl:Axiom nodes annotating that triple."""
    index: dict[tuple[Node, Node, Node], list[Node]] = defaultdict(list)
    for axiom in ctx.graph.subjects(RDF.type, OWL.Axiom):
        s = ctx.graph.value(axiom, OWL.annotatedSource)
        p = ctx.graph.value(axiom, OWL.annotatedProperty)
        o = ctx.graph.value(axiom, OWL.annotatedTarget)
        if s is not None and p is not None and o is not None:
            index[(s, p, o)].append(axiom)
    return index


def _is_inferred(ctx: _Ctx, axiom: Node) -> bool:
    return any(
        isinstance(v, RDFLiteral) and v.toPython() is True for v in ctx.graph.objects(axiom, _k(KKG.inferred))
    )


_QUALIFIER_KEYS = ("mechanism", "regimen", "route", "region", "directness", "population")


def _relation_edges(
    ctx: _Ctx, sources: _SourceIndex, s: str, p: URIRef, o: str, axioms: list[Node]
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """One edge per annotating axiom (asserted ones win over inferred ones), or one bare edge."""
    label = ctx.label(p)
    if label == str(p) and str(p).startswith(SCHEMA_NS):
        prop = ctx.schema.properties.get(str(p)[len(SCHEMA_NS) :])
        label = prop.label if prop else label
    base: dict[str, Any] = {
        "predicate": str(p),
        "predicate_label": label,
        "evidence": "",
        "inferred": False,
        "assertion_id": "",
        "sources": [],
        "approval_status": "",
        "date": "",
        "qualifiers": {},
        "note": "",
    }
    asserted = [a for a in axioms if not _is_inferred(ctx, a)]
    if not axioms:
        return [(s, o, f"triple:{p}", base)]
    if not asserted:
        return [(s, o, f"inferred:{p}", {**base, "inferred": True, "evidence": "inferred"})]
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    for axiom in asserted:
        aid = ctx.text(axiom, _k(KKG.assertionId))
        qualifiers = {k: v for k in _QUALIFIER_KEYS if (v := ctx.text(axiom, URIRef(SCHEMA_NS + k)))}
        attrs = {
            **base,
            "evidence": ctx.text(axiom, _k(KKG.evidenceLevel)),
            "assertion_id": aid,
            "sources": sources.many(ctx.graph.objects(axiom, DCTERMS.source)),
            "approval_status": ctx.text(axiom, _k(KKG.approvalStatus)),
            "date": ctx.text(axiom, DCTERMS.date),
            "qualifiers": qualifiers,
            "note": ctx.text(axiom, RDFS.comment),
        }
        edges.append((s, o, aid or f"axiom:{p}:{len(edges)}", attrs))
    return edges


def _quantities(
    ctx: _Ctx, sources: _SourceIndex
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """Quantities grouped by entity IRI (no assertion ref) and by assertion id."""
    by_node: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_edge: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in sorted(ctx.graph.subjects(RDF.type, _k(KKG.Quantity)), key=str):
        record = {
            "id": ctx.curie(str(q)),
            "kind": ctx.text(q, _k(KKG.quantityKind)),
            "value": ctx.text(q, _k(KKG.value)),
            "min": ctx.text(q, _k(KKG.minValue)),
            "max": ctx.text(q, _k(KKG.maxValue)),
            "unit": ctx.text(q, _k(KKG.unit)),
            "context": ctx.text(q, _k(KKG.context)),
            "evidence": ctx.text(q, _k(KKG.evidenceLevel)),
            "sources": sources.many(ctx.graph.objects(q, DCTERMS.source)),
        }
        ref = ctx.text(q, _k(KKG.assertionRef))
        if ref:
            by_edge[ref].append(record)
        else:
            for about in ctx.graph.objects(q, _k(KKG.quantityOf)):
                by_node[str(about)].append(record)
    return dict(by_node), dict(by_edge)


def _claims(ctx: _Ctx, sources: _SourceIndex) -> dict[str, list[dict[str, Any]]]:
    """The article's claims, grouped by the entities they are about."""
    by_node: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in sorted(ctx.graph.subjects(RDF.type, _k(KKG.Claim)), key=str):
        record = {
            "id": ctx.curie(str(claim)),
            "label": ctx.label(claim),
            "statement": ctx.text(claim, _k(KKG.statement)),
            "status": ctx.text(claim, _k(KKG.claimStatus)),
            "section": ctx.text(claim, _k(KKG.articleSection)),
            "correction": ctx.text(claim, _k(KKG.correction)),
            "error_code": ctx.text(claim, _k(KKG.errorCode)),
            "decided_by": sources.many(ctx.graph.objects(claim, _k(KKG.decidedBy))),
        }
        for about in ctx.graph.objects(claim, _k(KKG.isAbout)):
            by_node[str(about)].append(record)
    return dict(by_node)


# --------------------------------------------------------------------------- generic projection


def _generic_network(ctx: _Ctx) -> nx.MultiDiGraph:
    """IRIs as nodes (label from rdfs:label/skos:prefLabel, category from rdf:type), object triples as edges."""
    graph = ctx.graph
    schema_terms = {s for t in _SCHEMA_TYPES for s in graph.subjects(RDF.type, t)}
    nodes: set[URIRef] = set()
    triples: list[tuple[URIRef, URIRef, URIRef]] = []
    for s, p, o in graph:
        if not isinstance(s, URIRef) or s in schema_terms or not isinstance(p, URIRef):
            continue
        if p == RDF.type:
            if o not in _SCHEMA_TYPES:
                nodes.add(s)
            continue
        if isinstance(o, URIRef) and o not in schema_terms and not str(p).startswith(_PLUMBING_NAMESPACES):
            nodes.update((s, o))
            triples.append((s, p, o))
    network = nx.MultiDiGraph()
    network.graph["schema"] = "generic"
    for iri in sorted(nodes, key=str):
        types = sorted(
            (
                t
                for t in graph.objects(iri, RDF.type)
                if isinstance(t, URIRef) and t not in _UNINFORMATIVE_TYPES
            ),
            key=str,
        )
        category = str(types[0]) if types else "untyped"
        network.add_node(
            str(iri),
            label=ctx.label(iri),
            category=category,
            category_label=ctx.label(types[0]) if types else "untyped",
            iri=str(iri),
            curie=ctx.curie(str(iri)),
            definition=ctx.text(iri, IAO_DEFINITION)
            or ctx.text(iri, RDFS.comment)
            or ctx.text(iri, SKOS.definition),
            synonyms=sorted(set(ctx.texts(iri, SKOS.altLabel) + ctx.texts(iri, OBOINOWL.hasExactSynonym))),
            identifiers=[],
            definition_sources=[],
            quantities=[],
            claims=[],
            short_label=ctx.text(iri, SKOS.notation),
        )
    for s, p, o in sorted(triples, key=lambda t: (str(t[0]), str(t[2]), str(t[1]))):
        network.add_edge(
            str(s),
            str(o),
            key=f"triple:{p}",
            predicate=str(p),
            predicate_label=ctx.label(p),
            evidence="",
            inferred=False,
            assertion_id="",
            sources=[],
            quantities=[],
            approval_status="",
            date="",
            qualifiers={},
            note="",
            kind="",
            mirror_of=[],
            rule="",
        )
    return network
