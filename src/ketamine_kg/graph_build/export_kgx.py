"""KGX TSV export (nodes.tsv, edges.tsv) with Biolink categories, predicates and provenance columns.

Biolink terms come from the ``skos:*Match`` annotations the built graph carries on its schema terms, else
from the schema tables (``classes.tsv``, ``properties.tsv``) they are generated from. Qualifiers, approval
status and publications come from the edge attributes of the network projection.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.export_network import sorted_edges, sorted_nodes
from ketamine_kg.graph_build.export_rdf import compact_iri
from ketamine_kg.ontology.schema import load_schema
from ketamine_kg.vocab import BIOLINK, KKG, OWL, RDF, SKOS

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
_PUBLICATION_PREFIXES = ("PMID:", "doi:", "PMCID:", "PMC")
_AXIOM_STRUCTURE = {RDF.type, OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget}
_NOT_QUALIFIERS = {str(KKG.assertionId), str(KKG.evidenceLevel), str(KKG.inferred), str(KKG.approvalStatus)}


def _knowledge_levels() -> dict[str, str]:
    """Evidence level -> Biolink knowledge level (the ``maps_to`` column of ``vocabularies.tsv``)."""
    path = resources.files("ketamine_kg.ontology").joinpath("schema").joinpath("vocabularies.tsv")
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t")
    return {r["value"]: r["maps_to"] for r in rows if r["vocabulary"] == "evidence_level" and r["maps_to"]}


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
    schema = load_schema()
    categories: dict[str, str] = {}
    for cls in schema.classes.values():
        iri = SCHEMA_NS + cls.id
        biolink = _biolink_in_graph(graph, iri) or f"biolink:{cls.biolink or 'NamedThing'}"
        for key in (cls.id, cls.label, cls.category, iri):
            if key:
                categories.setdefault(key, biolink)
    predicates: dict[str, str] = {}
    predicate_iris: dict[str, str] = {}
    for prop in schema.properties.values():
        iri = SCHEMA_NS + prop.id
        biolink = _biolink_in_graph(graph, iri) or f"biolink:{prop.biolink or 'related_to'}"
        for key in (prop.id, prop.label, iri):
            predicates[key] = biolink
            predicate_iris[key] = iri
    for predicate in set(graph.objects(None, OWL.annotatedProperty)) - {
        URIRef(i) for i in predicate_iris.values()
    }:
        biolink_match = _biolink_in_graph(graph, str(predicate))
        if biolink_match:
            predicates[str(predicate)] = biolink_match
    return _Mappings(categories, predicates, predicate_iris, _knowledge_levels())


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
            raise ExportError(
                f"{where}: column {column!r} has a list item containing '|', the KGX list separator"
            )
    return "|".join(values)


def _table(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    lines = ["\t".join(columns)] + ["\t".join(row.get(c, "") for c in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _records(value: Any, key: str) -> list[str]:
    """Identifiers of a list of records (``curie`` of identifiers, ``id`` of sources) or plain strings."""
    out: list[str] = []
    for item in value or []:
        text = item.get(key, "") if isinstance(item, Mapping) else str(item)
        if text:
            out.append(str(text))
    return out


def _node_row(node: str, attrs: Mapping[str, Any], maps: _Mappings) -> dict[str, str]:
    where = f"node {node} ({attrs.get('label', '')!r})"
    category = str(attrs.get("category", ""))
    biolink = maps.categories.get(category) or maps.categories.get(str(attrs.get("category_label", "")))
    return {
        "id": _cell([compact_iri(node)], where, "id"),
        "category": biolink or "biolink:NamedThing",
        "name": _cell(_texts(attrs.get("label")), where, "name"),
        "description": _cell(_texts(attrs.get("definition")), where, "description"),
        "xref": _cell(sorted(set(_records(attrs.get("identifiers"), "curie"))), where, "xref"),
        "synonym": _cell(sorted(set(_texts(attrs.get("synonyms")))), where, "synonym"),
        "iri": _cell([str(attrs.get("iri") or node)], where, "iri"),
    }


def _publications(sources: Any) -> list[str]:
    """PMID, DOI and PMCID CURIEs of an edge's source records."""
    found = {
        identifier
        for source in sources or []
        if isinstance(source, Mapping)
        for identifier in source.get("identifiers", [])
        if str(identifier).startswith(_PUBLICATION_PREFIXES)
    }
    return sorted(found)


def _edge_row(row: tuple[str, str, str, dict[str, Any]], maps: _Mappings) -> dict[str, str]:
    source, target, key, attrs = row
    predicate = str(attrs.get("predicate", ""))
    where = f"edge {source} -> {target} ({attrs.get('predicate_label') or predicate}, {key})"
    inferred = bool(attrs.get("inferred"))
    if inferred:
        level, agent = "logical_entailment", "automated_agent"
    else:
        level = maps.knowledge_levels.get(str(attrs.get("evidence", "")), "not_provided")
        agent = "manual_agent"
    qualifiers = dict(attrs.get("qualifiers") or {})
    mechanism = qualifiers.pop("mechanism", "")
    assertion = str(attrs.get("assertion_id", ""))
    digest = hashlib.sha256(f"{source}\t{predicate}\t{target}\t{key}".encode()).hexdigest()[:20]
    return {
        "subject": _cell([compact_iri(source)], where, "subject"),
        "predicate": maps.predicates.get(predicate, "biolink:related_to"),
        "object": _cell([compact_iri(target)], where, "object"),
        "id": _cell([f"kg:{assertion}" if assertion else f"kg:edge_{digest}"], where, "id"),
        "original_predicate": _cell(
            [compact_iri(predicate)] if predicate else [], where, "original_predicate"
        ),
        "knowledge_level": level,
        "agent_type": agent,
        "primary_knowledge_source": INFORES,
        "publications": _cell(_publications(attrs.get("sources")), where, "publications"),
        "clinical_approval_status": _cell(
            _texts(attrs.get("approval_status")), where, "clinical_approval_status"
        ),
        "causal_mechanism_qualifier": _cell(_texts(mechanism), where, "causal_mechanism_qualifier"),
        "qualifiers": _cell(sorted(f"{k}={v}" for k, v in qualifiers.items()), where, "qualifiers"),
    }


def to_kgx(network: nx.MultiDiGraph, graph: Graph) -> dict[str, bytes]:
    """``{"nodes.tsv": ..., "edges.tsv": ...}`` for ``network``, enriched from ``graph``; nothing on error."""
    maps = _mappings(graph)
    nodes = [_node_row(n, a, maps) for n, a in sorted_nodes(network)]
    edges = [_edge_row(row, maps) for row in sorted_edges(network)]
    return {"nodes.tsv": _table(NODE_COLUMNS, nodes), "edges.tsv": _table(EDGE_COLUMNS, edges)}
