"""GraphML export (yEd, Cytoscape, Gephi, networkx) of the network projection."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.network_rows import attribute_types, check_xml, escape, flat_rows, xml_value

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

__all__ = ["network_to_graphml", "to_graphml", "write_graphml"]


def to_graphml(graph: Graph) -> bytes:
    """GraphML of the network projection of ``graph``."""
    from ketamine_kg.graph_build.projection import to_network

    return network_to_graphml(to_network(graph))


def write_graphml(graph: Graph, path: Path) -> None:
    """Write ``to_graphml(graph)`` atomically."""
    write_bytes_atomic(path, to_graphml(graph))


def network_to_graphml(network: nx.MultiDiGraph) -> bytes:
    """GraphML (yEd, Cytoscape, Gephi): typed ``<key>`` declarations, one ``<data>`` per attribute."""
    nodes, edges = flat_rows(network)
    check_xml(nodes, edges)
    node_types = attribute_types([a for _, a in nodes])
    edge_types = attribute_types([a for *_, a in edges])
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
                f'  <key id="{ids[name]}" for="{scope}" attr.name="{escape(name)}" attr.type="{kind}"/>'
            )
    out.append('  <graph id="ketamine-kg" edgedefault="directed">')
    for node, attrs in nodes:
        out.append(f'    <node id="{escape(node)}">')
        for name, value in attrs.items():
            out.append(
                f'      <data key="{node_ids[name]}">{escape(xml_value(value, node_types[name]))}</data>'
            )
        out.append("    </node>")
    for index, (source, target, _key, attrs) in enumerate(edges):
        out.append(f'    <edge id="e{index}" source="{escape(source)}" target="{escape(target)}">')
        for name, value in attrs.items():
            out.append(
                f'      <data key="{edge_ids[name]}">{escape(xml_value(value, edge_types[name]))}</data>'
            )
        out.append("    </edge>")
    out.extend(["  </graph>", "</graphml>"])
    return ("\n".join(out) + "\n").encode("utf-8")
