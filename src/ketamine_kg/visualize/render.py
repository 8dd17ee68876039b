"""Render a projected network as one self-contained, offline, escaped HTML page (vis-network via pyvis).

pyvis holds the node and edge lists (filled directly: its add_node/add_edge are O(n·m)); the page is
the project's own Jinja2 template. vis-network is inlined from the installed pyvis package, so the
page makes no network request. All data-derived text travels as JSON in a
``<script type="application/json">`` block and is put on the page with textContent only.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup
from pyvis.network import Network

from ketamine_kg.graph_build.atomic import write_text_atomic
from ketamine_kg.names import page_rules
from ketamine_kg.visualize.layout import concentric_layout, sector_layout
from ketamine_kg.visualize.paths import PathFinder, path_grade
from ketamine_kg.visualize.style import (
    EVIDENCE_STYLES,
    CategoryStyle,
    category_order,
    category_styles,
    edge_style,
)
from ketamine_kg.visualize.views import filter_categories
from ketamine_kg.visualize.views import focus as focus_view

__all__ = ["PHYSICS_NODE_LIMIT", "NetworkView", "render_html", "view", "write_html"]

#: Whole views larger than this open on an overview (main drugs and their direct neighbours).
OVERVIEW_NODE_LIMIT = 60
_OVERVIEW_KINDS = frozenset({"binding", "clinical", "metabolism", "part"})
#: Mechanism paths listed per drug and condition in a whole or focused view.
_PAGE_PATHS = 5
#: Views up to this many nodes are refined with (bounded) physics in the browser; larger ones are
#: drawn straight from the precomputed layout.
PHYSICS_NODE_LIMIT = 300
_VIS_DIR = "templates/lib/vis-9.1.2"
_NODE_KEYS = (
    "label", "category", "category_label", "iri", "curie", "definition", "synonyms", "identifiers",
    "definition_sources", "quantities", "claims", "short_label",
)  # fmt: skip
_EDGE_KEYS = (
    "predicate", "predicate_label", "evidence", "inferred", "assertion_id", "sources", "quantities",
    "approval_status", "date", "qualifiers", "note", "kind", "rule",
)  # fmt: skip


def _read_resource(package: str, name: str) -> str:
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def _script_safe(code: str) -> str:
    """Inline script text that cannot close its own <script> element."""
    return code.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def json_for_script(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``, U+2028/9."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _page_data(network: nx.MultiDiGraph, title: str, physics: bool | None) -> dict[str, Any]:
    """Everything the page script needs, in deterministic order, with vis drawing attributes."""
    keys = sorted(network.nodes, key=str)
    index = {key: i for i, key in enumerate(keys)}
    codes = {str(network.nodes[k].get("category", "")) for k in keys}
    styles = category_styles(codes)
    groups: dict[str, list[str]] = {code: [] for code in category_order(codes)}
    cat_labels: dict[str, str] = {}
    for key in keys:
        data = network.nodes[key]
        code = str(data.get("category", ""))
        cat_labels.setdefault(code, str(data.get("category_label") or code.replace("_", " ")))
        groups[code].append(key)
    paths = [[index[n] for n in path] for path in network.graph.get("paths", [])]
    large = len(keys) > PHYSICS_NODE_LIMIT
    net = Network(directed=True, height="100%", width="100%")
    focus_node = network.graph.get("focus", {}).get("node")
    if focus_node in network:
        # a focus opens on rings around it (its own layout, so no physics reshuffles it)
        positions = concentric_layout(_rings(network, focus_node, category_order(codes)))
        physics = False if physics is None else physics
    else:
        positions = sector_layout(list(groups.values()), dict(network.degree()))
    _fill_nodes(net, network, keys, styles, positions, paths)
    drawn, folded = _fold_mirrors(network)
    edge_info = _fill_edges(net, drawn, folded, index, paths)
    edge_ids = {(u, v, k): j for j, (u, v, k, _) in enumerate(drawn)}
    vis_nodes, vis_edges, *_ = net.get_network_data()
    evidence_counts = Counter(str(e["ev"]) for e in vis_edges)
    rel_counts = Counter(str(e["rel"]) for e in vis_edges)
    relations = {
        str(d.get("predicate", "")): str(d.get("predicate_label") or d.get("predicate", ""))
        for d in edge_info
    }
    vocabulary = network.graph.get("vocabulary", {})
    evidence_labels = vocabulary.get("evidence_level", {})
    return {
        "title": title,
        "names": page_rules(),  # the search folds names as the CLI does (ketamine_kg.names)
        "nodes": vis_nodes,
        "edges": vis_edges,
        "info": {
            "nodes": [
                {k: network.nodes[key].get(k) for k in _NODE_KEYS if k in network.nodes[key]} for key in keys
            ],
            "edges": edge_info,
        },
        "categories": [
            {
                "key": c,
                "label": cat_labels[c],
                "color": styles[c].color,
                "shape": styles[c].shape,
                "count": len(g),
            }
            for c, g in groups.items()
        ],
        "evidence": [
            {
                "key": k,
                "label": evidence_labels.get(k, s.label),
                "color": s.color,
                "width": s.width,
                "dashes": list(s.dashes),
                "count": evidence_counts[k],
            }
            for k, s in EVIDENCE_STYLES.items()
            if k in evidence_counts
        ],
        "relations": [
            {"key": k, "label": relations[k], "count": rel_counts[k]}
            for k in sorted(relations, key=lambda r: (relations[r].casefold(), r))
        ],
        "evidence_styles": {k: {"color": s.color} for k, s in EVIDENCE_STYLES.items() if k},
        "vocabulary": vocabulary,
        "paths": _path_data(network, index, edge_ids),
        "overview": _overview(network, index),
        "mechanisms": _mechanisms(network, index, edge_ids),
        "focus": index.get(focus_node) if focus_node is not None else None,
        "options": _vis_options(large, (not large) if physics is None else physics),
        "large": large,
    }


def _rings(network: nx.MultiDiGraph, centre: str, order: list[str]) -> list[list[str]]:
    """Nodes by relation steps from ``centre`` (either direction), each ring by category then label."""
    distance = nx.single_source_shortest_path_length(network.to_undirected(as_view=True), centre)
    rank = {code: i for i, code in enumerate(order)}
    rings: list[list[str]] = [[] for _ in range(max(distance.values(), default=0) + 2)]
    for node in network:
        rings[distance.get(node, len(rings) - 1)].append(node)
    return [
        sorted(ring, key=lambda n: (rank.get(str(network.nodes[n].get("category", "")), 0), str(network.nodes[n].get("label", n)), n))
        for ring in rings
    ]  # fmt: skip


def _fill_nodes(
    net: Network,
    network: nx.MultiDiGraph,
    keys: list[str],
    styles: dict[str, CategoryStyle],
    positions: dict[str, tuple[float, float]],
    paths: list[list[int]],
) -> None:
    """Append vis nodes to pyvis's list directly (its add_node is O(n) per call)."""
    degree = dict(network.degree())
    on_path = {n for p in paths for n in p}
    ends = {p[0] for p in paths} | {p[-1] for p in paths}
    focus_node = network.graph.get("focus", {}).get("node")
    for i, key in enumerate(keys):
        data = network.nodes[key]
        style = styles[str(data.get("category", ""))]
        x, y = positions[key]
        weight = 2.0 * math.sqrt(degree[key])
        size = 10.0 + min(14.0, weight)
        node: dict[str, Any] = {
            "id": i, "label": _short(str(data.get("short_label") or data.get("label", key)), 28), "x": x, "y": y,
            "shape": style.shape, "color": style.color, "size": round(size, 1), "cat": str(data.get("category", "")),
            "font": {"size": round(11 + min(9.0, weight))},
        }  # fmt: skip
        if i in on_path or key == focus_node:
            node["borderWidth"] = 4
            node["color"] = {"background": style.color, "border": "#111111"}
            if i in ends or key == focus_node:
                node["size"] = round(size + 8, 1)
        net.nodes.append(node)
        net.node_ids.append(i)
        net.node_map[i] = node


Edge = tuple[str, str, str, dict[str, Any]]


def summary_line(network: nx.MultiDiGraph) -> str:
    """ "N entities, M relations": relations counted as drawn, one per fact (inferred inverses folded in)."""
    facts = len(_fold_mirrors(network)[0])
    readings = network.number_of_edges() - facts
    also = f" ({readings:,} more inferred readings shown in the panels)" if readings else ""
    return f"{network.number_of_nodes():,} entities, {facts:,} relations{also}"


def _fold_mirrors(network: nx.MultiDiGraph) -> tuple[list[Edge], dict[tuple[str, str, str], list[Edge]]]:
    """Edges to draw (sorted), and per drawn edge the inferred edges that only restate it.

    An inferred inverse or super-property edge whose mirror is in the view is not drawn: one fact,
    one edge. Its reading is listed in the mirror's panel ("also read as").
    """
    ordered = sorted(network.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    present = {(u, v, k) for u, v, k, _ in ordered}
    drawn: list[Edge] = []
    folded: dict[tuple[str, str, str], list[Edge]] = {}
    for u, v, key, data in ordered:
        mirror = tuple(data.get("mirror_of") or ())
        if len(mirror) == 3 and mirror in present:
            folded.setdefault((str(mirror[0]), str(mirror[1]), str(mirror[2])), []).append((u, v, key, data))
        else:
            drawn.append((u, v, key, data))
    return drawn, folded


def _fill_edges(
    net: Network,
    drawn: list[Edge],
    folded: dict[tuple[str, str, str], list[Edge]],
    index: dict[str, int],
    paths: list[list[int]],
) -> list[dict[str, Any]]:
    """Append vis edges to pyvis's list directly; return each edge's details for the panel."""
    path_steps = {(p[j], p[j + 1]) for p in paths for j in range(len(p) - 1)}
    edge_info: list[dict[str, Any]] = []
    for j, (u, v, key, data) in enumerate(drawn):
        ev_key, ev_style = edge_style(str(data.get("evidence", "")), bool(data.get("inferred", False)))
        net.edges.append(
            {
                "id": j,
                "from": index[u],
                "to": index[v],
                "color": ev_style.color,
                "width": ev_style.width + (2.0 if (index[u], index[v]) in path_steps else 0.0),
                "dashes": list(ev_style.dashes) or False,
                "ev": ev_key,
                "rel": str(data.get("predicate", "")),
            }
        )
        info = {k: data.get(k) for k in _EDGE_KEYS if k in data}
        also = [
            {"from": index[a], "to": index[b], "label": str(d.get("predicate_label", "")), "rule": str(d.get("rule", ""))}
            for a, b, _k, d in folded.get((u, v, key), [])
        ]  # fmt: skip
        if also:
            info["also_read_as"] = also
        edge_info.append(info)
    return edge_info


def _main_drugs(network: nx.MultiDiGraph) -> list[str]:
    """The drugs the graph is about: degree at least a tenth of the best-connected drug's."""
    drugs = [n for n, d in network.nodes(data=True) if d.get("category") == "drug"]
    if not drugs:
        return []
    degree = dict(network.degree(drugs))
    top = max(degree.values())
    return sorted(d for d in drugs if degree[d] * 10 >= top)


def _overview(network: nx.MultiDiGraph, index: dict[str, int]) -> list[int] | None:
    """Node ids of the opening overview of a large whole view, or None to open on everything.

    The main drugs with their direct targets, conditions, metabolites and parts; for graphs without
    drugs, the 40 best-connected nodes.
    """
    graph = network.graph
    if (
        len(index) <= OVERVIEW_NODE_LIMIT
        or graph.get("focus")
        or graph.get("paths")
        or graph.get("categories")
    ):
        return None
    core = _main_drugs(network)
    if not core:
        degree = dict(network.degree())
        return sorted(index[n] for n in sorted(network, key=lambda n: (-degree[n], str(n)))[:40])
    keep = set(core)
    for _u, v, data in network.out_edges(core, data=True):
        if not data.get("inferred") and data.get("kind") in _OVERVIEW_KINDS:
            keep.add(v)
    return sorted(index[n] for n in keep)


def _path_record(
    steps: list[dict[str, Any]], grade: str, index: dict[str, int], edge_ids: dict[tuple[str, str, str], int]
) -> dict[str, Any]:
    """One path for the page: node ids, and each step with its drawn edge, relation and evidence."""
    return {
        "nodes": [index[steps[0]["from"]], *[index[s["to"]] for s in steps]] if steps else [],
        "grade": grade,
        "steps": [
            {
                "from": index[s["from"]],
                "to": index[s["to"]],
                "edge": edge_ids.get((s["from"], s["to"], s["key"])),
                "relation": s["relation"],
                "evidence": s["evidence"],
                "outcome": s["outcome"],
            }
            for s in steps
        ],
    }


def _path_data(
    network: nx.MultiDiGraph, index: dict[str, int], edge_ids: dict[tuple[str, str, str], int]
) -> list[dict[str, Any]]:
    """The paths of a ``select_paths`` view, for the page."""
    grades = network.graph.get("path_grades") or []
    return [
        _path_record(steps, grades[i] if i < len(grades) else "", index, edge_ids)
        for i, steps in enumerate(network.graph.get("path_steps") or [])
    ]


def _mechanisms(
    network: nx.MultiDiGraph, index: dict[str, int], edge_ids: dict[tuple[str, str, str], int]
) -> list[dict[str, Any]]:
    """For the page's own path list: the best mechanism paths from each main drug to each condition it
    treats or was studied for (the same search as ``render --path``)."""
    if network.graph.get("paths") or not network.graph.get("mechanism_kinds"):
        return []
    out: list[dict[str, Any]] = []
    finder = PathFinder(network)  # steps indexed once: per pair it was O(edges), minutes at 5,000 nodes
    for drug in _main_drugs(network):
        conditions = sorted(
            {v for _u, v, d in network.out_edges(drug, data=True) if d.get("kind") == "clinical" and not d.get("inferred")}
        )  # fmt: skip
        for condition in conditions:
            found = finder.paths(drug, condition, max_paths=_PAGE_PATHS)
            if found:
                records = [
                    _path_record([s.as_dict() for s in p], path_grade(p), index, edge_ids) for p in found
                ]
                out.append({"from": index[drug], "to": index[condition], "paths": records})
    return out


def _vis_options(large: bool, physics: bool) -> dict[str, Any]:
    """vis-network options: bounded physics for small views; none for large ones, whose straight edges
    get arrow heads only when zoomed in (arrows are over half of a 5,000-node frame)."""
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 110, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": 250, "updateInterval": 50, "fit": True},
            "minVelocity": 1.0,
        },
        "interaction": {
            "hover": True,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "tooltipDelay": 120,
            "keyboard": False,
            "multiselect": False,
        },
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 14, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            # labels smaller than this on screen are not drawn: zoomed out, only hubs (larger fonts) keep theirs
            "scaling": {"label": {"enabled": False, "drawThreshold": 7}},
        },
        "edges": {
            "arrows": {"to": {"enabled": not large, "scaleFactor": 0.5}},
            "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "selectionWidth": 2,
            "hoverWidth": 1,
        },
    }


def _counts_line(data: dict[str, Any]) -> str:
    nodes, edges = len(data["nodes"]), len(data["edges"])
    parts = [f"{nodes:,} entities", f"{edges:,} relations", f"{len(data['categories'])} categories"]
    inferred = sum(e["count"] for e in data["evidence"] if e["key"] == "inferred")
    if inferred:
        parts.append(f"{inferred:,} inferred")
    return " · ".join(parts)


def _view_line(network: nx.MultiDiGraph) -> str:
    graph = network.graph
    if graph.get("paths"):
        first = graph["paths"][0]
        start, end = (
            network.nodes[first[0]].get("label", first[0]),
            network.nodes[first[-1]].get("label", first[-1]),
        )
        return f"{len(graph['paths'])} path(s) from {start} to {end}"
    if graph.get("focus"):
        node = graph["focus"]["node"]
        return f"Around {network.nodes[node].get('label', node)}, {graph['focus']['depth']} step(s)"
    if graph.get("categories"):
        return "Categories: " + ", ".join(graph["categories"])
    return ""


def render_html(
    network: nx.MultiDiGraph, *, title: str = "ketamine-kg explorer", physics: bool | None = None
) -> str:
    """The explorer page for ``network`` as one HTML string (deterministic: same input, same bytes).

    ``physics``: None chooses bounded physics for small views and a fixed layout for large ones.

    >>> page = render_html(nx.MultiDiGraph(), title="<empty>")
    >>> "&lt;empty&gt;" in page and "<empty>" not in page
    True
    """
    data = _page_data(network, title, physics)
    vis_js = _script_safe(_read_resource("pyvis", f"{_VIS_DIR}/vis-network.min.js"))
    vis_css = _read_resource("pyvis", f"{_VIS_DIR}/vis-network.css").replace("</style", "<\\/style")
    app_js = _script_safe(_read_resource("ketamine_kg.visualize", "templates/explorer.js"))
    app_css = _read_resource("ketamine_kg.visualize", "templates/explorer.css")
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ketamine_kg.visualize", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    template = env.get_template("explorer.html")
    return template.render(
        title=title,
        counts=_counts_line(data),
        view_line=_view_line(network),
        csp_scripts=f"{_csp_hash(vis_js)} {_csp_hash(app_js)}",
        vis_css=Markup(vis_css),
        app_css=Markup(app_css),
        vis_js=Markup(vis_js),
        app_js=Markup(app_js),
        data_json=Markup(json_for_script(data)),
    )


def write_html(network: nx.MultiDiGraph, path: Path, **options: Any) -> None:
    """Write the explorer page to ``path`` atomically (``options`` as for :func:`render_html`)."""
    write_text_atomic(Path(path), render_html(network, **options))


@dataclass(frozen=True, repr=False)
class NetworkView:
    """A rendered page that displays inline in Jupyter (an iframe with escaped ``srcdoc``).

    The sandbox allows scripts, forms and popups (search works with Enter and the Find button;
    identifier and PMID links open in a new tab) but not same-origin access to the notebook.
    Its text form is a one-line summary, never the page itself.
    """

    html: str
    height: int = 720
    summary: str = ""

    def __repr__(self) -> str:
        return f"<NetworkView {self.summary or 'explorer'} ({len(self.html) // 1024:,} KiB page)>"

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            'sandbox="allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd"></iframe>'
        )


def _as_network(obj: Any) -> nx.MultiDiGraph:
    """A projected network from a network, a ``BuildResult`` (its ``graph``) or an RDF graph."""
    if isinstance(obj, nx.MultiDiGraph):
        return obj
    graph = getattr(obj, "graph", None)
    if graph is not None and not isinstance(graph, dict) and hasattr(graph, "triples"):
        obj = graph
    if hasattr(obj, "triples") and hasattr(obj, "predicate_objects"):
        from ketamine_kg.graph_build.projection import to_network

        return to_network(obj)
    raise TypeError(f"view() draws a network, a BuildResult or an RDF graph, not {type(obj).__name__}")


def view(
    network: Any,
    *,
    focus: str | None = None,
    depth: int = 1,
    categories: list[str] | None = None,
    height: int = 720,
    **options: Any,
) -> NetworkView:
    """The explorer for a notebook cell: ``view(result, focus="esketamine")`` as the last expression.

    ``network`` is a projected network, a ``BuildResult`` or an RDF graph; ``categories`` keeps only
    those categories, ``focus``/``depth`` centre the view on one entity.
    """
    shown = _as_network(network)
    if categories:
        shown = filter_categories(shown, categories)
    if focus is not None:
        shown = focus_view(shown, focus, depth)
    line = summary_line(shown)
    view_line = _view_line(shown)
    return NetworkView(render_html(shown, **options), height, line + (f"; {view_line}" if view_line else ""))
