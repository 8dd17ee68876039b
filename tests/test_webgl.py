"""The WebGL explorer page without a browser: renderer choice, compact encoding, layout, CSP, CLI."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import random
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from ketamine_kg.cli import app
from ketamine_kg.errors import UserError
from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.visualize.render import _EDGE_KEYS, _NODE_KEYS
from ketamine_kg.visualize.webgl import force_layout, render_page, to_page_columns

FIXTURES = Path(__file__).parent / "fixtures"
VENDOR = Path(__file__).parents[1] / "src" / "ketamine_kg" / "visualize" / "vendor"


@pytest.fixture(scope="module")
def sample() -> nx.MultiDiGraph:
    return to_network(Graph().parse(FIXTURES / "projection-sample.ttl"))


def page_json(page: str) -> Any:
    match = re.search(r'<script type="application/json" id="kkg-data">(.*?)</script>', page, re.S)
    assert match
    return json.loads(match.group(1))


def decode_node(data: Any, i: int) -> dict[str, Any]:
    """What large.js's nodeInfo() computes, in Python."""
    nodes = data["nodes"]
    info: dict[str, Any] = {"label": nodes["label"][i]}
    for key, column in nodes["columns"].items():
        if column[i]:
            info[key] = data["values"][column[i]]
    if "iri" not in info and "curie" in info:
        prefix, _, local = info["curie"].partition(":")
        info["iri"] = nodes["namespaces"][prefix] + local
    return info


def test_auto_picks_canvas_for_small_views_and_webgl_by_choice(sample: nx.MultiDiGraph) -> None:
    small = render_page(sample)
    assert "vis-network" in small and "kkgPanels" not in small
    large = render_page(sample, renderer="webgl")
    assert "kkgPanels" in large and "vis.Network" not in large
    assert "Copyright (C) 2013-2025, Alexis Jacomy" in large  # sigma's licence travels with its code
    assert "Guillaume Plique" in large
    with pytest.raises(UserError, match="--renderer must be one of auto, canvas, webgl, not 'svg'"):
        render_page(sample, renderer="svg")  # type: ignore[arg-type]


def test_auto_switches_to_webgl_above_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    import ketamine_kg.visualize.webgl as webgl

    network = nx.MultiDiGraph()
    for i in range(5):
        network.add_node(f"n{i}", label=f"n{i}", category="drug")
    monkeypatch.setattr(webgl, "WEBGL_NODE_THRESHOLD", 4)
    assert "kkgPanels" in webgl.render_page(network)
    monkeypatch.setattr(webgl, "WEBGL_NODE_THRESHOLD", 5)
    assert "kkgPanels" not in webgl.render_page(network)


def test_page_is_offline_deterministic_and_its_csp_hashes_match(sample: nx.MultiDiGraph) -> None:
    random.seed(1)
    first = render_page(sample, renderer="webgl", title="t")
    random.seed(2)
    again = render_page(
        to_network(Graph().parse(FIXTURES / "projection-sample.ttl")), renderer="webgl", title="t"
    )
    assert first == again
    assert not re.search(r"<(link|img|iframe)\b", first, re.I)
    assert not re.search(r"<script[^>]*\bsrc=", first, re.I)
    assert "connect-src 'none'" in first
    csp = re.search(r"script-src ([^;]+);", html.unescape(first))
    assert csp
    scripts = re.findall(r"<script>(.*?)</script>", first, re.S)
    assert len(scripts) == 2
    for code in scripts:
        digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii")
        assert f"'sha256-{digest}'" in csp.group(1)


def test_compact_encoding_decodes_to_the_network(sample: nx.MultiDiGraph) -> None:
    data = to_page_columns(sample, "t")
    keys = sorted(sample.nodes)
    assert len(data["nodes"]["label"]) == len(keys) and len(data["edges"]["from"]) == sample.number_of_edges()
    for i, key in enumerate(keys):
        want = {k: v for k, v in sample.nodes[key].items() if k in _NODE_KEYS and v not in (None, "", [], {})}
        want.pop("category", None), want.pop("category_label", None)
        assert decode_node(data, i) == want, key
        category = data["categories"][data["nodes"]["cat"][i]]
        assert category["key"] == sample.nodes[key]["category"]
    edges = sorted(sample.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    for j, (u, v, _k, attrs) in enumerate(edges):
        assert (keys[data["edges"]["from"][j]], keys[data["edges"]["to"][j]]) == (u, v)
        relation = data["relations"][data["edges"]["rel"][j]]
        assert (relation["key"], relation["label"]) == (attrs["predicate"], attrs["predicate_label"])
        evidence = data["evidence"][data["edges"]["ev"][j]]["key"]
        assert (evidence == "inferred") == bool(attrs.get("inferred"))
        for key in _EDGE_KEYS:
            column = data["edges"]["columns"].get(key)
            if column is not None:
                assert data["values"][column[j]] == (attrs.get(key) or None), key
    # repeated values are stored once
    sources = [json.dumps(v, sort_keys=True) for v in data["values"] if isinstance(v, list)]
    assert len(sources) == len(set(sources))


def test_layout_is_deterministic_and_keeps_loose_nodes_outside() -> None:
    edges = [(i, (i * 7 + 3) % 40) for i in range(40)] + [(40, 41)]
    random.seed(3)
    first = force_layout(45, edges)
    random.seed(4)
    assert force_layout(45, edges) == first
    assert len(first) == 45 and len(set(first)) == 45
    main = max(abs(x) + abs(y) for x, y in first[:40])
    assert all(abs(x) + abs(y) > main / 2 for x, y in first[40:])  # the pair and the isolated nodes
    assert force_layout(0, []) == []


def test_vendored_libraries_are_pinned_with_licences() -> None:
    script = (Path(__file__).parents[1] / "scripts" / "vendor-webgl.sh").read_text(encoding="utf-8")
    for name, version, file in (
        ("sigma", "3.0.2", "sigma.min.js"),
        ("graphology", "0.26.0", "graphology.umd.min.js"),
    ):
        assert f'"{name} {version} sha512-' in script
        assert (VENDOR / file).stat().st_size > 50_000
        assert "Permission is hereby granted" in (VENDOR / f"{name}.LICENSE.txt").read_text(encoding="utf-8")


def test_cli_render_with_the_webgl_renderer(tmp_path: Path) -> None:
    out = tmp_path / "large.html"
    data = str(FIXTURES / "projection-sample.ttl")
    result = CliRunner().invoke(app, ["render", "--data", data, "--renderer", "webgl", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(page_json(out.read_text(encoding="utf-8"))["nodes"]["label"]) == 9
    result = CliRunner().invoke(app, ["render", "--data", data, "--renderer", "svg", "--out", str(out)])
    assert result.exit_code == 2 and "--renderer must be auto, canvas or webgl, not 'svg'" in result.output
