"""Neo4j import CSVs (``neo4j-admin database import full``) of the network projection.

``nodes.csv`` has ``id:ID``, ``:LABEL`` (the category as a PascalCase label, plus ``Entity``) and the
node attributes; ``relationships.csv`` has ``:START_ID``, ``:END_ID``, ``:TYPE`` (the predicate's local
name in UPPER_SNAKE_CASE) and the edge attributes. Lists are ``string[]`` columns joined with ``|`` (names
contain ``;``, neo4j-admin's default), so run the import with ``--array-delimiter='|'``; text is
quoted the CSV way, so add ``--multiline-fields=true``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph

from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.network_rows import sorted_edges, sorted_nodes

__all__ = ["NODE_HEADER", "RELATIONSHIP_HEADER", "relationship_type", "to_neo4j", "write_neo4j"]

NODE_HEADER = (
    "id:ID",
    ":LABEL",
    "name",
    "curie",
    "category",
    "definition",
    "synonyms:string[]",
    "xrefs:string[]",
)
RELATIONSHIP_HEADER = (
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "predicate",
    "assertion_id",
    "evidence",
    "inferred:boolean",
    "sources:string[]",
    "publications:string[]",
    "approval_status",
    "date",
    "qualifiers:string[]",
)
_ARRAY = "|"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def relationship_type(predicate: str) -> str:
    """``https://…/schema#isAntagonistOf`` -> ``IS_ANTAGONIST_OF``."""
    local = re.split(r"[#/]", predicate)[-1] or "RELATED_TO"
    return re.sub(r"[^A-Za-z0-9]+", "_", _CAMEL.sub("_", local)).strip("_").upper()


def _label(category: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", category) if part) or "Thing"


def _array(values: list[str], where: str) -> str:
    bad = [v for v in values if _ARRAY in v]
    if bad:
        raise ExportError(
            f"{where}: the list value {bad[0]!r} contains '|', the array delimiter of this export"
        )
    return _ARRAY.join(values)


def _ids(records: Any, key: str) -> list[str]:
    return sorted({str(r[key]) for r in records or [] if isinstance(r, Mapping) and r.get(key)})


def _csv(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_neo4j(graph: Graph) -> dict[str, bytes]:
    """``{"nodes.csv": …, "relationships.csv": …}`` of the network projection of ``graph``."""
    from ketamine_kg.graph_build.projection import to_network

    network = to_network(graph)
    nodes = []
    for node, attrs in sorted_nodes(network):
        where = f"node {node}"
        category = str(attrs.get("category", ""))
        nodes.append(
            [
                node,
                _array(sorted({_label(category), "Entity"}), where),
                str(attrs.get("label", "")),
                str(attrs.get("curie", "")),
                category,
                str(attrs.get("definition", "")),
                _array(sorted({str(s) for s in attrs.get("synonyms") or []}), where),
                _array(_ids(attrs.get("identifiers"), "curie"), where),
            ]
        )
    edges = []
    for source, target, key, attrs in sorted_edges(network):
        where = f"edge {source} -> {target} ({key})"
        sources = attrs.get("sources") or []
        publications = sorted(
            {str(i) for s in sources if isinstance(s, Mapping) for i in s.get("identifiers", [])}
        )
        qualifiers = sorted(f"{k}={v}" for k, v in (attrs.get("qualifiers") or {}).items())
        edges.append(
            [
                source,
                target,
                relationship_type(str(attrs.get("predicate", ""))),
                str(attrs.get("predicate", "")),
                str(attrs.get("assertion_id", "")),
                str(attrs.get("evidence", "")),
                "true" if attrs.get("inferred") else "false",
                _array(_ids(sources, "id"), where),
                _array(publications, where),
                str(attrs.get("approval_status", "")),
                str(attrs.get("date", "")),
                _array(qualifiers, where),
            ]
        )
    return {"nodes.csv": _csv(NODE_HEADER, nodes), "relationships.csv": _csv(RELATIONSHIP_HEADER, edges)}


def write_neo4j(graph: Graph, directory: Path) -> None:
    """Write ``to_neo4j(graph)`` into ``directory``, each file atomically."""
    for name, data in to_neo4j(graph).items():
        write_bytes_atomic(directory / name, data)
