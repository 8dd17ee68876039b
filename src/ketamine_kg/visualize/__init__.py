"""Interactive HTML views of the projected network (networkx + pyvis; knows nothing of RDF).

>>> import networkx as nx
>>> page = render_html(nx.MultiDiGraph(), title="empty")
>>> page.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

from ketamine_kg.visualize.render import NetworkView, render_html, summary_line, view, write_html
from ketamine_kg.visualize.views import describe_paths, filter_categories, find_node, focus, select_paths

__all__ = [
    "NetworkView",
    "describe_paths",
    "filter_categories",
    "find_node",
    "focus",
    "render_html",
    "select_paths",
    "summary_line",
    "view",
    "write_html",
]
