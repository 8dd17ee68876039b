"""Sorted, flattened node and edge rows of the network projection, shared by the network exports.

GraphML and GEXF hold only scalar attributes: a list of plain values is joined with ``|`` and anything
richer (quantities) is written as sorted JSON; :func:`flat_attributes` is that rule, reused by the tests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ketamine_kg.graph_build.statements import check_xml_text

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EdgeRow",
    "Scalar",
    "attribute_types",
    "check_xml",
    "escape",
    "flat_attributes",
    "flat_rows",
    "flat_value",
    "sorted_edges",
    "sorted_nodes",
    "xml_value",
]

Scalar = str | bool | int | float
EdgeRow = tuple[str, str, str, dict[str, Any]]
FlatNode = tuple[str, dict[str, Scalar]]
FlatEdge = tuple[str, str, str, dict[str, Scalar]]

_LIST_SEPARATOR = "|"


def _plain(value: Any) -> bool:
    return isinstance(value, str | bool | int | float)


def _summary(item: Any) -> Any:
    """A record in a list shown by its identifier: identifiers by CURIE, sources and claims by id."""
    if isinstance(item, Mapping):
        for key in ("curie", "id"):
            if _plain(item.get(key)):
                return item[key]
    return item


def flat_value(value: Any, name: str = "") -> Scalar | None:
    """One attribute as a GraphML/GEXF scalar.

    Plain lists (and lists of identifier, source or claim records, by their CURIE or id) are joined
    with ``|``; a flat mapping (qualifiers) becomes ``key=value|...``; quantities and anything else
    richer become sorted JSON.
    """
    if value is None:
        return None
    if _plain(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, set | frozenset):
        value = sorted(value, key=str)
    if isinstance(value, list | tuple) and name != "quantities":
        items = [_summary(v) for v in value]
        if all(_plain(v) for v in items):
            return _LIST_SEPARATOR.join(str(v) for v in items)
    if isinstance(value, Mapping) and all(_plain(v) for v in value.values()):
        return _LIST_SEPARATOR.join(f"{k}={v}" for k, v in sorted(value.items()))
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def flat_attributes(data: Mapping[str, Any]) -> dict[str, Scalar]:
    """All attributes of a node or edge as scalars, sorted by name, ``None`` left out."""
    flat = {str(k): flat_value(v, str(k)) for k, v in data.items()}
    return {k: v for k, v in sorted(flat.items()) if v is not None}


def sorted_nodes(network: nx.MultiDiGraph) -> list[tuple[str, dict[str, Any]]]:
    """Nodes as (id text, attributes), sorted by id."""
    return sorted(((str(n), dict(d)) for n, d in network.nodes(data=True)), key=lambda item: item[0])


def sorted_edges(network: nx.MultiDiGraph) -> list[EdgeRow]:
    """Edges as (source, target, key text, attributes), sorted."""
    rows = [(str(u), str(v), str(k), dict(d)) for u, v, k, d in network.edges(keys=True, data=True)]
    return sorted(
        rows, key=lambda row: (row[0], row[1], row[2], json.dumps(row[3], sort_keys=True, default=str))
    )


def attribute_kind(values: list[Scalar]) -> str:
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "long"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "double"
    return "string"


def xml_value(value: Scalar, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def escape(text: str) -> str:
    """Escape for XML text and attribute values alike (whitespace kept exactly through normalisation)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#9;")
    )


def attribute_types(rows: list[dict[str, Scalar]]) -> dict[str, str]:
    """Attribute name -> XML type (boolean, long, double, string), names sorted."""
    names = sorted({name for row in rows for name in row})
    return {name: attribute_kind([row[name] for row in rows if name in row]) for name in names}


def check_xml(nodes: list[FlatNode], edges: list[FlatEdge]) -> None:
    """Refuse node ids and attribute values that XML cannot carry, naming the node or edge."""
    for node, attrs in nodes:
        check_xml_text(node, f"node {node}")
        for name, value in attrs.items():
            check_xml_text(str(value), f"node {node} (attribute {name!r})")
    for source, target, key, attrs in edges:
        for name, value in attrs.items():
            check_xml_text(str(value), f"edge {source} -> {target} [{key}] (attribute {name!r})")


def flat_rows(network: nx.MultiDiGraph) -> tuple[list[FlatNode], list[FlatEdge]]:
    """Nodes and edges, sorted, with flattened attributes."""
    nodes = [(n, flat_attributes(d)) for n, d in sorted_nodes(network)]
    edges = [(u, v, k, flat_attributes(d)) for u, v, k, d in sorted_edges(network)]
    return nodes, edges
