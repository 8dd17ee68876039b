"""GEXF 1.3 export (Gephi, graphology/sigma.js, networkx) of the network projection."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.network_rows import (
    Scalar,
    attribute_types,
    check_xml,
    escape,
    flat_rows,
    xml_value,
)

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

__all__ = ["network_to_gexf", "to_gexf", "write_gexf"]


def to_gexf(graph: Graph) -> bytes:
    """GEXF of the network projection of ``graph``."""
    from ketamine_kg.graph_build.projection import to_network

    return network_to_gexf(to_network(graph))


def write_gexf(graph: Graph, path: Path) -> None:
    """Write ``to_gexf(graph)`` atomically."""
    write_bytes_atomic(path, to_gexf(graph))


def _gexf_attributes(scope: str, types: dict[str, str], ids: dict[str, str]) -> list[str]:
    if not types:
        return []
    lines = [f'    <attributes class="{scope}" mode="static">']
    lines += [f'      <attribute id="{ids[n]}" title="{escape(n)}" type="{k}"/>' for n, k in types.items()]
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
            f'{indent}  <attvalue for="{ids[name]}" value="{escape(xml_value(value, types[name]))}"/>'
        )
    lines.append(f"{indent}</attvalues>")
    return lines


def network_to_gexf(network: nx.MultiDiGraph) -> bytes:
    """GEXF 1.3 (Gephi): node and edge labels native, other attributes declared and typed; no timestamp."""
    nodes, edges = flat_rows(network)
    check_xml(nodes, edges)
    node_label = {n: str(a.pop("label")) for n, a in nodes if "label" in a}
    edge_label = {
        i: str(row[3]["predicate_label"]) for i, row in enumerate(edges) if "predicate_label" in row[3]
    }
    node_types = attribute_types([a for _, a in nodes])
    edge_types = attribute_types([a for *_, a in edges])
    # The attribute id is the name itself: graphology uses an attribute's title only when its id is
    # numeric, networkx always uses the title; with id == title both give the name.
    node_ids = {name: escape(name) for name in node_types}
    edge_ids = {name: escape(name) for name in edge_types}
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
        label = f' label="{escape(node_label[node])}"' if node in node_label else ""
        out.append(f'      <node id="{escape(node)}"{label}>')
        out += _gexf_values(attrs, node_types, node_ids, "        ")
        out.append("      </node>")
    out += ["    </nodes>", "    <edges>"]
    for index, (source, target, _key, attrs) in enumerate(edges):
        label = (
            f' label="{escape(edge_label[index])}" kind="{escape(edge_label[index])}"'
            if index in edge_label
            else ""
        )
        out.append(f'      <edge id="e{index}" source="{escape(source)}" target="{escape(target)}"{label}>')
        out += _gexf_values(attrs, edge_types, edge_ids, "        ")
        out.append("      </edge>")
    out += ["    </edges>", "  </graph>", "</gexf>"]
    return ("\n".join(out) + "\n").encode("utf-8")
