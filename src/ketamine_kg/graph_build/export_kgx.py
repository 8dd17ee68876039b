"""KGX TSV export (nodes.tsv, edges.tsv) with Biolink categories, predicates and provenance columns.

Biolink terms come from the schema tables (``classes.tsv``, ``properties.tsv``), and for schema terms not
in them (merged RDF) from their ``skos:*Match`` annotations in the graph. Qualifiers, approval status
and publications are read from the ``owl:Axiom`` annotations of each edge's triple.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.export_network import sorted_edges, sorted_nodes
from ketamine_kg.graph_build.export_rdf import compact_iri, expand_curie
from ketamine_kg.vocab import BIOLINK, DCTERMS, KKG, OBOINOWL, OWL, RDF, SKOS

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["EDGE_COLUMNS", "INFORES", "NODE_COLUMNS", "to_kgx"]

NODE_COLUMNS = ("id", "category", "name", "description", "xref", "synonym", "iri")
EDGE_COLUMNS = (
    "subject",
    "predicate",
    "object",
    "id",
    "original_predicate",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "publications",
    "clinical_approval_status",
    "causal_mechanism_qualifier",
    "qualifiers",
)
INFORES = "infores:ketamine-kg"
SCHEMA_NS = str(KKG)
_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch, SKOS.broadMatch, SKOS.relatedMatch)
_KNOWLEDGE_LEVEL_ORDER = ("knowledge_assertion", "prediction", "not_provided")
_PUBLICATION_PREFIXES = ("PMID:", "doi:", "DOI:", "PMC", "NCT", "isbn:")
_AXIOM_STRUCTURE = {RDF.type, OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget}
_NOT_QUALIFIERS = {str(KKG.assertionId), str(KKG.evidenceLevel), str(KKG.inferred), str(KKG.approvalStatus)}


def _schema_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("ketamine_kg.ontology.schema").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


@dataclass(frozen=True)
class _Mappings:
    """Lookups from a category or predicate (id, label, IRI) to its Biolink CURIE, and evidence to level."""

    categories: dict[str, str]
    predicates: dict[str, str]
    predicate_iris: dict[str, str]
    knowledge_levels: dict[str, str]


def _biolink_in_graph(graph: Graph, term: str) -> str | None:
    for match in _MATCHES:
        found = sorted(str(o) for o in graph.objects(URIRef(term), match) if str(o).startswith(str(BIOLINK)))
        if found:
            return "biolink:" + found[0][len(str(BIOLINK)) :]
    return None


def _mappings(graph: Graph) -> _Mappings:
    categories: dict[str, str] = {}
    for row in _schema_rows("classes.tsv"):
        iri = SCHEMA_NS + row["id"]
        biolink = _biolink_in_graph(graph, iri) or f"biolink:{row['biolink'] or 'NamedThing'}"
        for key in (row["id"], row["label"], row["category"], iri):
            if key:
                categories.setdefault(key, biolink)
    predicates: dict[str, str] = {}
    predicate_iris: dict[str, str] = {}
    for row in _schema_rows("properties.tsv"):
        iri = SCHEMA_NS + row["id"]
        biolink = _biolink_in_graph(graph, iri) or f"biolink:{row['biolink'] or 'related_to'}"
        for key in (row["id"], row["label"], iri):
            predicates[key] = biolink
            predicate_iris[key] = iri
    levels = {row["value"]: row["maps_to"] for row in _schema_rows("vocabularies.tsv") if row["vocabulary"] == "evidence_level"}
    return _Mappings(categories, predicates, predicate_iris, levels)


def _texts(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str | int | float | bool):
        return [str(value)]
    if isinstance(value, Mapping):
        return [str(v) for v in value.values()]
    return [str(v) for v in value]


def _cell(items: Iterable[str], where: str, column: str) -> str:
    """One TSV cell; lists joined by ``|``. Refuses tabs, line breaks and ``|`` inside list items."""
    values = list(items)
    for value in values:
        bad = next((c for c in ("\t", "\n", "\r") if c in value), None)
        if bad is not None:
            raise ExportError(
                f"{where}: column {column!r} contains a {'tab' if bad == chr(9) else 'line break'}, which KGX "
                "TSV cannot represent; fix the text or export another format"
            )
        if len(values) > 1 and "|" in value:
            raise ExportError(f"{where}: column {column!r} has a list item containing '|', the KGX list separator")
    return "|".join(values)


def _table(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    lines = ["\t".join(columns)] + ["\t".join(row.get(c, "") for c in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _axiom_index(graph: Graph) -> dict[tuple[str, str, str], list[Node]]:
    index: dict[tuple[str, str, str], list[Node]] = defaultdict(list)
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        key = (
            str(graph.value(axiom, OWL.annotatedSource)),
            str(graph.value(axiom, OWL.annotatedProperty)),
            str(graph.value(axiom, OWL.annotatedTarget)),
        )
        index[key].append(axiom)
    return index


def _publications(graph: Graph, sources: Iterable[Node]) -> set[str]:
    found: set[str] = set()
    for source in sources:
        for identifier in graph.objects(source, DCTERMS.identifier):
            text = str(identifier)
            if text.startswith(_PUBLICATION_PREFIXES):
                found.add("doi:" + text[4:] if text.startswith("DOI:") else text)
    return found


def _source_nodes(graph: Graph, names: Iterable[str]) -> list[Node]:
    """Source individuals named by IRI, CURIE (``kg:src_x``) or local id (``src_x``) on a network edge."""
    nodes: list[Node] = []
    for name in names:
        for candidate in (name, expand_curie(name), "https://w3id.org/ketamine-kg/id/" + name):
            if candidate and (URIRef(candidate), None, None) in graph:
                nodes.append(URIRef(candidate))
                break
    return nodes


def _node_row(graph: Graph, node: str, attrs: Mapping[str, Any], maps: _Mappings) -> dict[str, str]:
    where = f"node {node}"
    iri = URIRef(node)
    synonyms = sorted(str(o) for o in graph.objects(iri, OBOINOWL.hasExactSynonym))
    xrefs = _texts(attrs.get("identifiers")) or sorted(str(o) for o in graph.objects(iri, OBOINOWL.hasDbXref))
    categories = _texts(attrs.get("category"))
    biolink = sorted({maps.categories.get(c, "biolink:NamedThing") for c in categories}) or ["biolink:NamedThing"]
    return {
        "id": _cell([compact_iri(node)], where, "id"),
        "category": _cell(biolink, where, "category"),
        "name": _cell(_texts(attrs.get("label")), where, "name"),
        "description": _cell(_texts(attrs.get("definition")), where, "description"),
        "xref": _cell(sorted(set(xrefs)), where, "xref"),
        "synonym": _cell(synonyms, where, "synonym"),
        "iri": _cell([node], where, "iri"),
    }


def _predicate_iri(attrs: Mapping[str, Any], maps: _Mappings) -> str:
    for name in ("predicate_iri", "predicate", "label", "predicate_label"):
        for text in _texts(attrs.get(name)):
            if text in maps.predicate_iris:
                return maps.predicate_iris[text]
            if text.startswith(("http://", "https://")):
                return text
    return ""


def _edge_row(
    graph: Graph,
    row: tuple[str, str, str, dict[str, Any]],
    maps: _Mappings,
    axioms: Mapping[tuple[str, str, str], list[Node]],
) -> dict[str, str]:
    source, target, key, attrs = row
    predicate = _predicate_iri(attrs, maps)
    where = f"edge {source} -> {target} ({predicate or attrs.get('label', key)})"
    inferred = bool(attrs.get("inferred"))
    annotations: dict[str, set[str]] = defaultdict(set)
    source_nodes: list[Node] = []
    for axiom in axioms.get((source, predicate, target), []):
        for p, o in graph.predicate_objects(axiom):
            if p in _AXIOM_STRUCTURE:
                continue
            if p == DCTERMS.source:
                source_nodes.append(o)
            elif isinstance(o, Literal) or str(p).startswith(SCHEMA_NS):
                annotations[str(p)].add(str(o))
    source_nodes += _source_nodes(graph, _texts(attrs.get("sources")))
    evidence = set(_texts(attrs.get("evidence"))) | annotations.get(str(KKG.evidenceLevel), set())
    if inferred:
        level, agent = "logical_entailment", "automated_agent"
    else:
        levels = {maps.knowledge_levels.get(e, "not_provided") for e in evidence}
        level = next((lv for lv in _KNOWLEDGE_LEVEL_ORDER if lv in levels), "not_provided")
        agent = "manual_agent"
    qualifiers = sorted(
        f"{compact_iri(p)}={v}"
        for p, values in annotations.items()
        if p.startswith(SCHEMA_NS) and p not in _NOT_QUALIFIERS and p != str(KKG.mechanism)
        for v in values
    )
    digest = hashlib.sha256(f"{source}\t{predicate}\t{target}\t{key}".encode()).hexdigest()[:20]
    return {
        "subject": _cell([compact_iri(source)], where, "subject"),
        "predicate": _cell([maps.predicates.get(predicate, "biolink:related_to")], where, "predicate"),
        "object": _cell([compact_iri(target)], where, "object"),
        "id": f"kg:edge_{digest}",
        "original_predicate": _cell([compact_iri(predicate)] if predicate else [], where, "original_predicate"),
        "knowledge_level": level,
        "agent_type": agent,
        "primary_knowledge_source": INFORES,
        "publications": _cell(sorted(_publications(graph, source_nodes)), where, "publications"),
        "clinical_approval_status": _cell(sorted(annotations.get(str(KKG.approvalStatus), set())), where,
                                          "clinical_approval_status"),
        "causal_mechanism_qualifier": _cell(sorted(annotations.get(str(KKG.mechanism), set())), where,
                                            "causal_mechanism_qualifier"),
        "qualifiers": _cell(qualifiers, where, "qualifiers"),
    }


def to_kgx(network: nx.MultiDiGraph, graph: Graph) -> dict[str, bytes]:
    """``{"nodes.tsv": ..., "edges.tsv": ...}`` for ``network``, enriched from ``graph``; nothing on error."""
    maps = _mappings(graph)
    axioms = _axiom_index(graph)
    nodes = [_node_row(graph, n, a, maps) for n, a in sorted_nodes(network)]
    edges = [_edge_row(graph, row, maps, axioms) for row in sorted_edges(network)]
    return {"nodes.tsv": _table(NODE_COLUMNS, nodes), "edges.tsv": _table(EDGE_COLUMNS, edges)}
