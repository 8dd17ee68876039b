"""KGX TSV export (nodes.tsv, edges.tsv, prefix_map.json, graph_metadata.json) for Biolink pipelines.

Biolink terms come from the ``skos:*Match`` annotations the built graph carries on its schema terms, else
from the schema tables (``classes.tsv``, ``properties.tsv``) they are generated from. Node ids are the
preferred standard CURIE of each entity (``ID_PREFERENCE``). KGX keys edges by subject, predicate and
object, so assertions sharing those three become one edge that carries all of them (``_merge``), and
inferred edges that only restate a cited one are left out. Qualifiers, approval status and publications
come from the edge attributes of the network projection.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rdflib import Graph, URIRef

from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.network_rows import sorted_edges, sorted_nodes
from ketamine_kg.ontology.metadata import DATA_LICENSE
from ketamine_kg.ontology.schema import load_schema
from ketamine_kg.terms import compress, identifier_prefix_map
from ketamine_kg.vocab import BIOLINK, KKG, OWL, SKOS

__all__ = [
    "EDGE_COLUMNS",
    "ID_PREFERENCE",
    "INFORES",
    "NODE_COLUMNS",
    "jsonld_prefix_context",
    "kgx_edges",
    "kgx_prefix_map",
    "node_id",
    "to_kgx",
]

NODE_COLUMNS = ("id", "category", "name", "description", "xref", "synonym", "iri", "provided_by")
EDGE_COLUMNS = (
    "subject",
    "predicate",
    "object",
    "id",
    "original_subject",
    "original_predicate",
    "original_object",
    "qualified_predicate",
    "object_aspect_qualifier",
    "object_direction_qualifier",
    "causal_mechanism_qualifier",
    "clinical_approval_status",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "publications",
    "assertion_ids",
    "qualifiers",
)
INFORES = "infores:ketamine-kg"
#: Preferred identifier prefixes for the KGX node id, in order; the first exact match wins, kg: otherwise.
#: Chemicals by ChEBI, diseases by MONDO, phenotypes by HP, genes by HGNC, proteins by UniProt,
#: processes by GO, cells by CL, then the other vocabularies Biolink lists.
ID_PREFERENCE = (
    "CHEBI",
    "MONDO",
    "HP",
    "HGNC",
    "UNIPROT",
    "GO",
    "CL",
    "REACT",
    "DRUGBANK",
    "PUBCHEM.COMPOUND",
    "CHEMBL.COMPOUND",
    "UNII",
    "DOID",
    "EFO",
    "NCIT",
    "MESH",
    "UMLS",
    "OAE",
    "ECTO",
    "FPLX",
    "RXNORM",
    "KEGG.PATHWAY",
)
#: Direction qualifiers of the signed project predicates (Biolink 4 qualifier model).
_DIRECTION = {
    "causallyUpstreamOfPositiveEffect": ("biolink:causes", "increased"),
    "causallyUpstreamOfNegativeEffect": ("biolink:causes", "decreased"),
    "positivelyRegulates": ("", "increased"),
    "negativelyRegulates": ("", "decreased"),
    "isInhibitorOf": ("biolink:causes", "decreased"),
}
_ACTIVITY_ASPECT = {
    "isInhibitorOf": "activity",
    "positivelyRegulates": "activity_or_abundance",
    "negativelyRegulates": "activity_or_abundance",
}
SCHEMA_NS = str(KKG)
_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch, SKOS.broadMatch, SKOS.relatedMatch)
_KNOWLEDGE_LEVEL_ORDER = ("knowledge_assertion", "prediction", "not_provided")
_PUBLICATION_PREFIXES = ("PMID:", "doi:", "PMCID:")


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


def _standard_curie(identifier: str) -> str:
    """A bare PMC or NCT number as a CURIE (``PMCID:PMC…``, ``clinicaltrials:NCT…``); others unchanged."""
    if identifier.startswith("PMC") and identifier[3:].isdigit():
        return f"PMCID:{identifier}"
    if identifier.startswith("NCT") and identifier[3:].isdigit():
        return f"clinicaltrials:{identifier}"
    return identifier


def _exact_curies(attrs: Mapping[str, Any]) -> list[str]:
    return [
        str(item["curie"])
        for item in attrs.get("identifiers") or []
        if isinstance(item, Mapping) and item.get("match") == "exact" and item.get("curie")
    ]


def node_id(node: str, attrs: Mapping[str, Any]) -> str:
    """The KGX id of a node: its preferred exact-match CURIE (``ID_PREFERENCE``), else its ``kg:`` CURIE."""
    exact = _exact_curies(attrs)
    for prefix in ID_PREFERENCE:
        found = sorted(c for c in exact if c.split(":", 1)[0] == prefix)
        if found:
            return found[0]
    return compress(node)


def _node_row(node: str, kgx_id: str, attrs: Mapping[str, Any], maps: _Mappings) -> dict[str, str]:
    where = f"node {node} ({attrs.get('label', '')!r})"
    category = str(attrs.get("category", ""))
    biolink = maps.categories.get(category) or maps.categories.get(str(attrs.get("category_label", "")))
    xrefs = {_standard_curie(c) for c in _records(attrs.get("identifiers"), "curie")} | {compress(node)}
    return {
        "id": _cell([kgx_id], where, "id"),
        "category": biolink or "biolink:NamedThing",
        "name": _cell(_texts(attrs.get("label")), where, "name"),
        "description": _cell(_texts(attrs.get("definition")), where, "description"),
        "xref": _cell(sorted(xrefs - {kgx_id}), where, "xref"),
        "synonym": _cell(sorted(set(_texts(attrs.get("synonyms")))), where, "synonym"),
        "iri": _cell([str(attrs.get("iri") or node)], where, "iri"),
        "provided_by": INFORES,
    }


def _publications(sources: Any) -> list[str]:
    """PMID, DOI and PMCID CURIEs of an edge's source records (bare PMC numbers as ``PMCID:``)."""
    found = {
        _standard_curie(str(identifier))
        for source in sources or []
        if isinstance(source, Mapping)
        for identifier in source.get("identifiers", [])
    }
    return sorted(i for i in found if i.startswith(_PUBLICATION_PREFIXES))


def _local(iri: str) -> str:
    return iri[len(SCHEMA_NS) :] if iri.startswith(SCHEMA_NS) else ""


def _edge_row(
    row: tuple[str, str, str, dict[str, Any]], ids: Mapping[str, str], maps: _Mappings
) -> dict[str, str]:
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
    if attrs.get("date"):
        qualifiers["date"] = str(attrs["date"])
    assertion = str(attrs.get("assertion_id", ""))
    digest = hashlib.sha256(f"{source}\t{predicate}\t{target}\t{key}".encode()).hexdigest()[:20]
    local = _local(predicate)
    qualified, direction = _DIRECTION.get(local, ("", ""))
    return {
        "subject": _cell([ids.get(source, compress(source))], where, "subject"),
        "predicate": maps.predicates.get(predicate, "biolink:related_to"),
        "object": _cell([ids.get(target, compress(target))], where, "object"),
        "id": _cell([f"kg:{assertion}" if assertion else f"kg:edge_{digest}"], where, "id"),
        "original_subject": compress(source),
        "original_predicate": _cell([compress(predicate)] if predicate else [], where, "original_predicate"),
        "original_object": compress(target),
        "qualified_predicate": qualified,
        "object_aspect_qualifier": _ACTIVITY_ASPECT.get(local, "activity_or_abundance" if direction else ""),
        "object_direction_qualifier": direction,
        "causal_mechanism_qualifier": _cell(_texts(mechanism), where, "causal_mechanism_qualifier"),
        "clinical_approval_status": _cell(
            _texts(attrs.get("approval_status")), where, "clinical_approval_status"
        ),
        "knowledge_level": level,
        "agent_type": agent,
        "primary_knowledge_source": INFORES,
        "publications": _cell(_publications(attrs.get("sources")), where, "publications"),
        "assertion_ids": _cell([assertion] if assertion else [], where, "assertion_ids"),
        "qualifiers": _cell(sorted(f"{k}={v}" for k, v in qualifiers.items()), where, "qualifiers"),
    }


_LIST_COLUMNS = frozenset({"publications", "assertion_ids"})
_KEY_COLUMNS = frozenset({"subject", "predicate", "object", "id", "qualifiers"})


def _merge(rows: list[dict[str, str]]) -> dict[str, str]:
    """One KGX edge for assertions sharing subject, predicate and object (KGX keys edges by those three).

    List slots (publications, assertion ids) are unions. A single-valued slot keeps its value when all
    assertions agree; otherwise it is left empty and every assertion's value is listed in ``qualifiers``
    as ``<assertion id>:<slot>=<value>``, as are the assertions' own qualifiers, so nothing is lost and
    each value stays with its assertion. ``id`` is that of the first assertion; ``knowledge_level`` the
    strongest.
    """
    if len(rows) == 1:
        return rows[0]
    merged = dict(rows[0])
    notes: set[str] = set()
    for row in rows:
        tag = row["assertion_ids"] or row["id"]
        notes.update(f"{tag}:{q}" for q in row["qualifiers"].split("|") if q)
    for column in EDGE_COLUMNS:
        if column in _KEY_COLUMNS:
            continue
        values = {r[column] for r in rows if r.get(column)}
        if column in _LIST_COLUMNS:
            merged[column] = "|".join(sorted({v for value in values for v in value.split("|")}))
        elif column == "knowledge_level":
            merged[column] = min(values, key=_level_rank)
        elif len(values) > 1 or (values and len([r for r in rows if r.get(column)]) < len(rows)):
            merged[column] = ""
            notes.update(
                f"{r['assertion_ids'] or r['id']}:{column}={r[column]}" for r in rows if r.get(column)
            )
        else:
            merged[column] = next(iter(values), "")
    merged["qualifiers"] = "|".join(sorted(notes))
    return merged


def _level_rank(level: str) -> int:
    return (
        _KNOWLEDGE_LEVEL_ORDER.index(level)
        if level in _KNOWLEDGE_LEVEL_ORDER
        else len(_KNOWLEDGE_LEVEL_ORDER)
    )


def _mirrored(rows: list[tuple[str, str, str, dict[str, Any]]], inverses: Mapping[str, str]) -> set[int]:
    """Indexes of inferred edges that only restate another edge backwards through an inverse property.

    Inferred edges that restate an asserted one under the same Biolink predicate (a super-property
    entailment) are left out by ``kgx_edges``: KGX would merge them into the cited edge.
    """
    forward = {(u, str(d.get("predicate", "")), v) for u, v, _k, d in rows}
    return {
        index
        for index, (u, v, _k, d) in enumerate(rows)
        if d.get("inferred") and (v, inverses.get(str(d.get("predicate", "")), ""), u) in forward
    }


def _inverses(graph: Graph) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for s, o in graph.subject_objects(OWL.inverseOf):
        pairs[str(s)], pairs[str(o)] = str(o), str(s)
    for prop in load_schema().properties.values():
        if prop.inverse:
            pairs.setdefault(SCHEMA_NS + prop.id, SCHEMA_NS + prop.inverse)
            pairs.setdefault(SCHEMA_NS + prop.inverse, SCHEMA_NS + prop.id)
    return pairs


def kgx_edges(graph: Graph, network: Any, maps: _Mappings) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Node ids and the KGX edges of a network projection: inverse restatements left out, and one edge
    per (subject, predicate, object)."""
    ids = {node: node_id(node, attrs) for node, attrs in sorted_nodes(network)}
    rows = sorted_edges(network)
    skip = _mirrored(rows, _inverses(graph))
    edges = [_edge_row(row, ids, maps) for index, row in enumerate(rows) if index not in skip]
    asserted = {_key(e) for e in edges if e["agent_type"] == "manual_agent"}
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for edge in edges:
        if edge["agent_type"] == "manual_agent" or _key(edge) not in asserted:
            groups.setdefault(_key(edge), []).append(edge)
    return ids, [_merge(group) for _key_, group in sorted(groups.items())]


def _key(edge: Mapping[str, str]) -> tuple[str, str, str]:
    return edge["subject"], edge["predicate"], edge["object"]


def to_kgx(graph: Graph) -> dict[str, bytes]:
    """``nodes.tsv``, ``edges.tsv``, the prefix map (``prefix_map.json`` and as a JSON-LD context,
    ``context.jsonld``) and ``graph_metadata.json`` of the network projection of ``graph``."""
    from ketamine_kg.graph_build.projection import to_network

    network = to_network(graph)
    maps = _mappings(graph)
    ids, edges = kgx_edges(graph, network, maps)
    nodes = sorted((_node_row(n, ids[n], a, maps) for n, a in sorted_nodes(network)), key=lambda r: r["id"])
    return {
        "nodes.tsv": _table(NODE_COLUMNS, nodes),
        "edges.tsv": _table(EDGE_COLUMNS, edges),
        "prefix_map.json": _json(kgx_prefix_map()),
        "context.jsonld": _json(jsonld_prefix_context(kgx_prefix_map())),
        "graph_metadata.json": _json(_graph_metadata(nodes, edges)),
    }


def kgx_prefix_map() -> dict[str, str]:
    """Every prefix the KGX files use: the identifier prefixes, the project's, and those added here."""
    prefixes = identifier_prefix_map()
    prefixes.update(_EXTRA_PREFIXES)
    return dict(sorted(prefixes.items()))


def jsonld_prefix_context(prefixes: Mapping[str, str]) -> dict[str, Any]:
    """The prefix map as a JSON-LD 1.1 context: a base that does not end in ``/``, ``#`` or ``:``
    (``…/obo/CHEBI_``) is declared with ``"@prefix": true``, since 1.1 uses it as a prefix only then."""
    terms: dict[str, Any] = {"@version": 1.1}
    for prefix, base in prefixes.items():
        terms[prefix] = base if base[-1] in "/#:" else {"@id": base, "@prefix": True}
    return {"@context": terms}


_EXTRA_PREFIXES = {
    "PMID": "http://www.ncbi.nlm.nih.gov/pubmed/",
    "PMCID": "http://www.ncbi.nlm.nih.gov/pmc/",
    "doi": "https://doi.org/",
    "clinicaltrials": "https://clinicaltrials.gov/ct2/show/",
    "infores": "https://w3id.org/information-resource-registry/",
}


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _graph_metadata(nodes: list[dict[str, str]], edges: list[dict[str, str]]) -> dict[str, Any]:
    """The knowledge source (infores) and a content summary: counts by category and by predicate."""
    from ketamine_kg import __version__

    def counts(rows: list[dict[str, str]], column: str) -> dict[str, int]:
        found: dict[str, int] = {}
        for row in rows:
            found[row[column]] = found.get(row[column], 0) + 1
        return dict(sorted(found.items()))

    return {
        "id": INFORES,
        "name": "ketamine-kg",
        "description": "Curated, cited knowledge graph of how ketamine and esketamine act on depression.",
        "version": __version__,
        "license": DATA_LICENSE,
        "knowledge_source": {
            "id": INFORES,
            "knowledge_level": "knowledge_assertion",
            "agent_type": "manual_agent",
        },
        "node_count": len(nodes),
        "edge_count": len(edges),
        "node_categories": counts(nodes, "category"),
        "edge_predicates": counts(edges, "predicate"),
    }
