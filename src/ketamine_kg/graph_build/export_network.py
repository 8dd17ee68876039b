"""Deterministic network exports (GraphML, GEXF 1.3, Cytoscape.js JSON, KGX) from the networkx projection.

GraphML and GEXF hold only scalar attributes: a list of plain values is joined with ``|`` and anything
richer (quantities) is written as sorted JSON; :func:`flat_attributes` is that rule, reused by the tests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.export_rdf import check_xml_text

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

__all__ = [
    "Scalar",
    "flat_attributes",
    "flat_value",
    "render",
    "sorted_edges",
    "sorted_nodes",
    "to_cytoscape",
    "to_gexf",
    "to_graphml",
    "without_inferred",
]

Scalar = str | bool | int | float
EdgeRow = tuple[str, str, str, dict[str, Any]]

_LIST_SEPARATOR = "|"


def without_inferred(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``network`` without the edges flagged ``inferred``."""
    copy = network.copy()
    copy.remove_edges_from(
        [(u, v, k) for u, v, k, d in network.edges(keys=True, data=True) if d.get("inferred")]
    )
    return copy


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


def _xml_type(values: list[Scalar]) -> str:
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "long"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "double"
    return "string"


def _xml_value(value: Scalar, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(value)


def _escape(text: str) -> str:
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


def _attribute_types(rows: list[dict[str, Scalar]]) -> dict[str, str]:
    names = sorted({name for row in rows for name in row})
    return {name: _xml_type([row[name] for row in rows if name in row]) for name in names}


def _check_xml(
    nodes: list[tuple[str, dict[str, Scalar]]], edges: list[tuple[str, str, str, dict[str, Scalar]]]
) -> None:
    for node, attrs in nodes:
        check_xml_text(node, f"node {node}")
        for name, value in attrs.items():
            check_xml_text(str(value), f"node {node} (attribute {name!r})")
    for source, target, key, attrs in edges:
        for name, value in attrs.items():
            check_xml_text(str(value), f"edge {source} -> {target} [{key}] (attribute {name!r})")


def _flat_rows(
    network: nx.MultiDiGraph,
) -> tuple[list[tuple[str, dict[str, Scalar]]], list[tuple[str, str, str, dict[str, Scalar]]]]:
    nodes = [(n, flat_attributes(d)) for n, d in sorted_nodes(network)]
    edges = [(u, v, k, flat_attributes(d)) for u, v, k, d in sorted_edges(network)]
    return nodes, edges


def to_graphml(network: nx.MultiDiGraph) -> bytes:
    """GraphML (yEd, Cytoscape, Gephi): typed ``<key>`` declarations, one ``<data>`` per attribute."""
    nodes, edges = _flat_rows(network)
    _check_xml(nodes, edges)
    node_types = _attribute_types([a for _, a in nodes])
    edge_types = _attribute_types([a for *_, a in edges])
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
        ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    node_ids = {name: f"n_{index}" for index, name in enumerate(node_types)}
    edge_ids = {name: f"e_{index}" for index, name in enumerate(edge_types)}
    for scope, types, ids in (("node", node_types, node_ids), ("edge", edge_types, edge_ids)):
        for name, kind in types.items():
            out.append(
                f'  <key id="{ids[name]}" for="{scope}" attr.name="{_escape(name)}" attr.type="{kind}"/>'
            )
    out.append('  <graph id="ketamine-kg" edgedefault="directed">')
    for node, attrs in nodes:
        out.append(f'    <node id="{_escape(node)}">')
        for name, value in attrs.items():
            out.append(
                f'      <data key="{node_ids[name]}">{_escape(_xml_value(value, node_types[name]))}</data>'
            )
        out.append("    </node>")
    for index, (source, target, _key, attrs) in enumerate(edges):
        out.append(f'    <edge id="e{index}" source="{_escape(source)}" target="{_escape(target)}">')
        for name, value in attrs.items():
            out.append(
                f'      <data key="{edge_ids[name]}">{_escape(_xml_value(value, edge_types[name]))}</data>'
            )
        out.append("    </edge>")
    out.extend(["  </graph>", "</graphml>"])
    return ("\n".join(out) + "\n").encode("utf-8")


def _gexf_attributes(scope: str, types: dict[str, str], ids: dict[str, str]) -> list[str]:
    if not types:
        return []
    lines = [f'    <attributes class="{scope}" mode="static">']
    lines += [f'      <attribute id="{ids[n]}" title="{_escape(n)}" type="{k}"/>' for n, k in types.items()]
    lines.append("    </attributes>")
    return lines


def _gexf_values(
    attrs: dict[str, Scalar], types: dict[str, str], ids: dict[str, str], indent: str
) -> list[str]:
    if not attrs:
        return []
    lines = [f"{indent}<attvalues>"]
    for name, value in attrs.items():
        lines.append(
            f'{indent}  <attvalue for="{ids[name]}" value="{_escape(_xml_value(value, types[name]))}"/>'
        )
    lines.append(f"{indent}</attvalues>")
    return lines


def to_gexf(network: nx.MultiDiGraph) -> bytes:
    """GEXF 1.3 (Gephi): node and edge labels native, other attributes declared and typed; no timestamp."""
    nodes, edges = _flat_rows(network)
    _check_xml(nodes, edges)
    node_label = {n: str(a.pop("label")) for n, a in nodes if "label" in a}
    edge_label = {
        i: str(row[3]["predicate_label"]) for i, row in enumerate(edges) if "predicate_label" in row[3]
    }
    node_types = _attribute_types([a for _, a in nodes])
    edge_types = _attribute_types([a for *_, a in edges])
    node_ids = {name: f"n{index}" for index, name in enumerate(node_types)}
    edge_ids = {name: f"e{index}" for index, name in enumerate(edge_types)}
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">',
        "  <meta>",
        "    <creator>ketamine-kg</creator>",
        "    <description>ketamine and esketamine in depression: entities and cited relations</description>",
        "  </meta>",
        '  <graph defaultedgetype="directed" mode="static">',
    ]
    out += _gexf_attributes("node", node_types, node_ids)
    out += _gexf_attributes("edge", edge_types, edge_ids)
    out.append("    <nodes>")
    for node, attrs in nodes:
        label = f' label="{_escape(node_label[node])}"' if node in node_label else ""
        out.append(f'      <node id="{_escape(node)}"{label}>')
        out += _gexf_values(attrs, node_types, node_ids, "        ")
        out.append("      </node>")
    out += ["    </nodes>", "    <edges>"]
    for index, (source, target, _key, attrs) in enumerate(edges):
        label = (
            f' label="{_escape(edge_label[index])}" kind="{_escape(edge_label[index])}"'
            if index in edge_label
            else ""
        )
        out.append(f'      <edge id="e{index}" source="{_escape(source)}" target="{_escape(target)}"{label}>')
        out += _gexf_values(attrs, edge_types, edge_ids, "        ")
        out.append("      </edge>")
    out += ["    </edges>", "  </graph>", "</gexf>"]
    return ("\n".join(out) + "\n").encode("utf-8")


def to_cytoscape(network: nx.MultiDiGraph) -> bytes:
    """Cytoscape.js JSON (``elements.nodes`` / ``elements.edges`` of ``data``), readable by Cytoscape desktop."""
    nodes = []
    for node, attrs in sorted_nodes(network):
        data = {k: v for k, v in attrs.items() if k not in {"id", "name", "value"}}
        data["id"] = data["value"] = node  # "value": what networkx.cytoscape_graph reads back
        data["name"] = str(attrs.get("label", node))
        nodes.append({"data": data})
    edges = []
    for index, (source, target, key, attrs) in enumerate(sorted_edges(network)):
        data = {k: v for k, v in attrs.items() if k not in {"id", "source", "target", "key"}}
        data.update({"id": f"e{index}", "source": source, "target": target, "key": key})
        data.setdefault("label", str(attrs.get("predicate_label", "")))
        edges.append({"data": data})
    document = {
        "data": {"name": "ketamine-kg"},
        "directed": True,
        "multigraph": True,
        "elements": {"nodes": nodes, "edges": edges},
    }
    try:
        text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ExportError(f"Cytoscape JSON cannot carry an attribute value: {exc}") from exc
    return (text + "\n").encode("utf-8")


def render(network: nx.MultiDiGraph, fmt: str, *, graph: Graph) -> dict[str, bytes]:
    """The files of a network export: ``{"": bytes}`` for one file, ``{name: bytes}`` for KGX."""
    if fmt == "graphml":
        return {"": to_graphml(network)}
    if fmt == "gexf":
        return {"": to_gexf(network)}
    if fmt == "cytoscape":
        return {"": to_cytoscape(network)}
    if fmt == "kgx":
        from ketamine_kg.graph_build.export_kgx import to_kgx

        return to_kgx(network, graph)
    raise ExportError(f"unknown network format {fmt!r}")
