"""Cytoscape.js JSON export (Cytoscape desktop, Cytoscape.js, networkx) of the network projection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.network_rows import sorted_edges, sorted_nodes

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

__all__ = ["network_to_cytoscape", "to_cytoscape", "write_cytoscape"]


def to_cytoscape(graph: Graph) -> bytes:
    """Cytoscape.js JSON of the network projection of ``graph``."""
    from ketamine_kg.graph_build.projection import to_network

    return network_to_cytoscape(to_network(graph))


def write_cytoscape(graph: Graph, path: Path) -> None:
    """Write ``to_cytoscape(graph)`` atomically."""
    write_bytes_atomic(path, to_cytoscape(graph))


def network_to_cytoscape(network: nx.MultiDiGraph) -> bytes:
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
