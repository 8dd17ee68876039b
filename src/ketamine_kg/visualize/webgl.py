"""The large-graph explorer: the same page, panels and filters as the canvas view, drawn with WebGL.

sigma.js and graphology (vendored under ``visualize/vendor/`` from their npm packages at pinned versions,
with their licences; ``scripts/vendor-webgl.sh`` reproduces them) are inlined into the one offline file.
The layout is precomputed with igraph (compiled Fruchterman-Reingold on a grid), and the data travels in a
compact columnar encoding: one array per attribute, and every detail value (sources, identifiers,
definitions...) stored once in a value table and referred to by index, instead of repeated JSON keys.

>>> import networkx as nx
>>> page = render_page(nx.MultiDiGraph(), renderer="webgl", title="<empty>")
>>> "&lt;empty&gt;" in page and "<empty>" not in page and "kkg-large" in page
True
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import jinja2
import networkx as nx
from markupsafe import Markup

from ketamine_kg.errors import UserError
from ketamine_kg.graph_build.atomic import write_text_atomic
from ketamine_kg.visualize.render import (
    _EDGE_KEYS,
    _NODE_KEYS,
    _counts_line,
    _csp_hash,
    _read_resource,
    _script_safe,
    _view_line,
    json_for_script,
    render_html,
)
from ketamine_kg.visualize.style import EVIDENCE_STYLES, category_order, category_styles, edge_style

__all__ = [
    "RENDERERS",
    "WEBGL_NODE_THRESHOLD",
    "Renderer",
    "force_layout",
    "render_page",
    "render_webgl_html",
    "to_page_columns",
    "write_page",
]

Renderer = Literal["auto", "canvas", "webgl"]
RENDERERS: tuple[Renderer, ...] = ("auto", "canvas", "webgl")
#: ``auto`` draws views with more nodes than this with WebGL (the canvas view needs seconds per frame there).
WEBGL_NODE_THRESHOLD = 3000
#: (library file, its licence) under visualize/; the licence travels with the code as a leading comment.
_VENDOR = (
    ("vendor/graphology.umd.min.js", "vendor/graphology.LICENSE.txt"),
    ("vendor/sigma.min.js", "vendor/sigma.LICENSE.txt"),
)
_SCALE = 10.0  # layout units between neighbours: whole numbers are precise enough
_LAYOUT_SEED = 7
_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode
#: Node detail keys stored as columns (label and category have their own arrays).
_NODE_COLUMNS = tuple(k for k in _NODE_KEYS if k not in ("label", "category", "category_label"))
#: Edge detail keys stored as columns (predicate, its label and the evidence key are in the edge arrays;
#: ``inferred`` is the evidence key "inferred").
_EDGE_COLUMNS = tuple(
    k for k in _EDGE_KEYS if k not in ("predicate", "predicate_label", "evidence", "inferred")
)


def force_layout(
    count: int, edges: list[tuple[int, int]], *, iterations: int = 200
) -> list[tuple[float, float]]:
    """Positions for nodes ``0..count-1``: the largest connected part by igraph's compiled
    Fruchterman-Reingold (grid variant, near-linear), every other node on rings around it, in order, so
    small components stay together (a force layout would push them far out and squeeze the main part).

    Deterministic: igraph's random generator is a seeded ``random.Random`` for the call, then restored.

    >>> force_layout(3, [(0, 1)]) == force_layout(3, [(0, 1)])
    True
    """
    import igraph

    if count == 0:
        return []
    graph = igraph.Graph(n=count, edges=edges, directed=False)
    membership = graph.connected_components().membership
    sizes = Counter(membership)
    giant = min(sizes, key=lambda c: (-sizes[c], c))
    main = [i for i in range(count) if membership[i] == giant]
    igraph.set_random_number_generator(random.Random(_LAYOUT_SEED))
    try:
        coords = graph.induced_subgraph(main).layout_fruchterman_reingold(grid=True, niter=iterations).coords
    finally:
        igraph.set_random_number_generator(random)
    cx = sum(c[0] for c in coords) / len(coords)
    cy = sum(c[1] for c in coords) / len(coords)
    radii = sorted(math.hypot(x - cx, y - cy) for x, y in coords)
    reach = max(radii[int(0.95 * (len(radii) - 1))], 1.0)
    scale = _SCALE * math.sqrt(len(main)) / reach  # the main part fills a disc of radius ~ sqrt(size)
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * count
    for node, (x, y) in zip(main, coords, strict=True):
        positions[node] = ((x - cx) * scale, (y - cy) * scale)
    rest = sorted((i for i in range(count) if membership[i] != giant), key=lambda i: (membership[i], i))
    radius, angle, step = _SCALE * (math.sqrt(len(main)) * 1.4 + 2.0), 0.0, _SCALE
    for node in rest:
        positions[node] = (radius * math.cos(angle), radius * math.sin(angle))
        angle += step / radius
        if angle >= 2.0 * math.pi:
            radius, angle = radius + step, 0.0
    return [(float(round(x)), float(round(y))) for x, y in positions]


class _Values:
    """A table of distinct JSON values; index 0 is "absent" (None, empty string, list or mapping)."""

    def __init__(self) -> None:
        self.items: list[Any] = [None]
        self._index: dict[str, int] = {}  # strings
        self._compound: dict[str, int] = {}  # other values, by their canonical JSON

    def ref(self, value: Any) -> int:
        if value is None or value == "" or value == [] or value == {}:
            return 0
        key: Any = value if isinstance(value, str) else _ENCODE(value)
        found = self._index.get(key) if isinstance(value, str) else self._compound.get(key)
        if found is None:
            found = len(self.items)
            (self._index if isinstance(value, str) else self._compound)[key] = found
            self.items.append(value)
        return found


def _iri_from_curie(iri: str, curie: str, namespaces: dict[str, str]) -> bool:
    """True when ``iri`` is the expansion of ``curie`` by ``namespaces`` (learning a new prefix if need be)."""
    prefix, sep, local = curie.partition(":")
    if not (sep and iri.endswith(local)) or len(iri) == len(local):
        return False
    namespace = iri[: len(iri) - len(local)]
    return namespaces.setdefault(prefix, namespace) == namespace


def _used(columns: dict[str, list[int]]) -> dict[str, list[int]]:
    """The columns that hold at least one value (the page treats a missing column as all absent)."""
    return {k: v for k, v in columns.items() if any(v)}


def to_page_columns(network: nx.MultiDiGraph, title: str) -> dict[str, Any]:
    """The WebGL page's data: columnar arrays and a shared value table (deterministic order)."""
    keys = sorted(network.nodes, key=str)
    index = {key: i for i, key in enumerate(keys)}
    codes = {str(network.nodes[k].get("category", "")) for k in keys}
    order = category_order(codes)
    cat_index = {c: i for i, c in enumerate(order)}
    styles = category_styles(codes)
    ordered = sorted(network.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    pairs = [(index[u], index[v]) for u, v, _k, _d in ordered]
    groups: dict[str, list[str]] = {c: [] for c in order}
    cat_labels: dict[str, str] = {}
    for key in keys:
        data = network.nodes[key]
        code = str(data.get("category", ""))
        groups[code].append(key)
        cat_labels.setdefault(code, str(data.get("category_label") or code.replace("_", " ")))
    degree = dict(network.degree())
    positions = force_layout(len(keys), pairs)
    values = _Values()
    namespaces: dict[str, str] = {}
    node_cols: dict[str, list[int]] = {k: [] for k in _NODE_COLUMNS}
    for key in keys:
        data = network.nodes[key]
        for column in _NODE_COLUMNS:
            value = data.get(column)
            if column == "iri" and _iri_from_curie(
                str(value or ""), str(data.get("curie") or ""), namespaces
            ):
                value = None
            node_cols[column].append(values.ref(value))
    ev_keys = list(EVIDENCE_STYLES)
    ev_index = {k: i for i, k in enumerate(ev_keys)}
    rel_labels: dict[str, str] = {}
    edge_ev: list[int] = []
    edge_rel_key: list[str] = []
    edge_cols: dict[str, list[int]] = {k: [] for k in _EDGE_COLUMNS}
    for _u, _v, _key, data in ordered:
        predicate = str(data.get("predicate", ""))
        rel_labels.setdefault(predicate, str(data.get("predicate_label") or predicate))
        ev_key, _style = edge_style(str(data.get("evidence", "")), bool(data.get("inferred", False)))
        edge_ev.append(ev_index[ev_key])
        edge_rel_key.append(predicate)
        for column in _EDGE_COLUMNS:
            edge_cols[column].append(values.ref(data.get(column)))
    rel_order = sorted(rel_labels, key=lambda r: (rel_labels[r].casefold(), r))
    rel_index = {r: i for i, r in enumerate(rel_order)}
    ev_counts = Counter(edge_ev)
    rel_counts = Counter(edge_rel_key)
    vocabulary = network.graph.get("vocabulary", {})
    evidence_labels = vocabulary.get("evidence_level", {})
    focus_node = network.graph.get("focus", {}).get("node")
    return {
        "title": title,
        "nodes": {
            "label": [str(network.nodes[k].get("label", k)) for k in keys],
            "cat": [cat_index[str(network.nodes[k].get("category", ""))] for k in keys],
            "x": [int(p[0]) for p in positions],
            "y": [-int(p[1]) for p in positions],  # sigma's y axis points up
            "size": [round(2.0 + min(8.0, math.sqrt(degree[k])), 1) for k in keys],
            "columns": _used(node_cols),
            "namespaces": namespaces,
        },
        "edges": {
            "from": [p[0] for p in pairs],
            "to": [p[1] for p in pairs],
            "ev": edge_ev,
            "rel": [rel_index[r] for r in edge_rel_key],
            "columns": _used(edge_cols),
        },
        "values": values.items,
        "categories": [
            {"key": c, "label": cat_labels[c], "color": styles[c].color, "count": len(groups[c])}
            for c in order
        ],
        "evidence": [
            {
                "key": k,
                "label": evidence_labels.get(k, EVIDENCE_STYLES[k].label),
                "color": EVIDENCE_STYLES[k].color,
                "width": EVIDENCE_STYLES[k].width,
                "dashes": EVIDENCE_STYLES[k].dashes,
                "count": ev_counts[i],
            }
            for i, k in enumerate(ev_keys)
        ],
        "relations": [{"key": r, "label": rel_labels[r], "count": rel_counts[r]} for r in rel_order],
        "vocabulary": vocabulary,
        "paths": [[index[n] for n in path] for path in network.graph.get("paths", [])],
        "focus": index.get(focus_node) if focus_node is not None else None,
    }


def render_webgl_html(network: nx.MultiDiGraph, *, title: str = "ketamine-kg explorer") -> str:
    """The explorer page for ``network`` drawn with WebGL (deterministic: same input, same bytes)."""
    data = to_page_columns(network, title)
    package = "ketamine_kg.visualize"
    libs = _script_safe(
        ";\n".join(
            "/*! "
            + _read_resource(package, notice).replace("*/", "* /")
            + "*/\n"
            + _read_resource(package, code)
            for code, notice in _VENDOR
        )
    )
    app_js = _script_safe(
        _read_resource(package, "templates/panel.js") + "\n" + _read_resource(package, "templates/large.js")
    )
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"), autoescape=True, keep_trailing_newline=True
    )
    counts = {
        "nodes": data["nodes"]["label"],
        "edges": data["edges"]["from"],
        "categories": data["categories"],
        "evidence": [e for e in data["evidence"] if e["count"]],
    }
    return env.get_template("explorer.html").render(
        title=title,
        counts=_counts_line(counts),
        view_line=_view_line(network),
        csp_scripts=f"{_csp_hash(libs)} {_csp_hash(app_js)}",
        vis_css=Markup("#kkg-network.kkg-large canvas { position: absolute; inset: 0; }"),
        app_css=Markup(_read_resource(package, "templates/explorer.css")),
        vis_js=Markup(libs),
        app_js=Markup(app_js),
        data_json=Markup(json_for_script(data)),
    )


def render_page(
    network: nx.MultiDiGraph, *, renderer: Renderer = "auto", title: str = "ketamine-kg explorer"
) -> str:
    """The explorer page, drawn on a canvas (vis-network) or with WebGL (sigma.js).

    ``auto`` picks WebGL above :data:`WEBGL_NODE_THRESHOLD` nodes.
    """
    if renderer not in RENDERERS:
        raise UserError(f"--renderer must be one of {', '.join(RENDERERS)}, not '{renderer}'")
    if renderer == "webgl" or (renderer == "auto" and network.number_of_nodes() > WEBGL_NODE_THRESHOLD):
        return render_webgl_html(network, title=title)
    return render_html(network, title=title)


def write_page(
    network: nx.MultiDiGraph, path: Path, *, renderer: Renderer = "auto", title: str = "ketamine-kg explorer"
) -> None:
    """Write :func:`render_page` to ``path`` atomically."""
    write_text_atomic(Path(path), render_page(network, renderer=renderer, title=title))
