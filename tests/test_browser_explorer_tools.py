"""New explorer controls in headless Chromium: paths, URL state, typo hints, claims, view tools, export."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph

from browser import launch_chromium, open_offline, require_chromium, wait_drawn
from ketamine_kg.errors import QueryError
from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.names import _score, normalise_name, suggest
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.queries import open_engine, resolve_entity
from ketamine_kg.visualize import NetworkView, select_paths, view, write_html

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def sample() -> nx.MultiDiGraph:
    return to_network(Graph().parse(FIXTURES / "projection-sample.ttl"))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, sample: nx.MultiDiGraph) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tools")
    whole, path = folder / "whole.html", folder / "path.html"
    write_html(sample, whole, title="sample")
    write_html(select_paths(sample, "esketamine", "MDD"), path, title="path")
    return {"whole": whole, "path": path}


def test_path_list_names_each_step_and_highlights_it(browser: Any, pages: dict[str, Path]) -> None:
    page, traffic = open_offline(browser, pages["path"])
    wait_drawn(page)
    steps = page.locator(".kkg-path .kkg-step").all_text_contents()
    assert [" ".join(s.split()) for s in steps] == [
        "is antagonist of NMDA receptor clinical",
        "causally upstream of, negative effect glutamatergic neurotransmission hypothesis",
        "causally upstream of, negative effect major depressive disorder article claim",
    ]
    page.locator(".kkg-path-head").first.click()
    kept = page.evaluate("() => [...window.kkg.state.keepEdges].length")
    assert kept == 3
    assert traffic.errors == [] and traffic.requests == []
    page.context.close()


def test_url_state_typos_claims_tools_and_export(browser: Any, pages: dict[str, Path]) -> None:
    page, traffic = open_offline(browser, pages["whole"], width=1024)
    wait_drawn(page)
    page.evaluate("window.location.hash = 'focus=esketamine&depth=0'")
    page.wait_for_function("() => window.kkg.visibleCounts().nodes === 1")
    assert page.locator("#kkg-details .kkg-heading").text_content() == "esketamine"
    assert "node=" in page.evaluate("location.hash")
    page.locator("#kkg-reset").click()
    assert page.evaluate("window.kkg.visibleCounts().nodes") == 9
    # a typo gets the CLI's kind of suggestion
    page.fill("#kkg-search-input", "eskatamine")
    assert page.locator("#kkg-search-results .kkg-suggest").first.text_content() == "esketamine"
    # Enter works without a form submission (sandboxed notebook frames block forms)
    page.fill("#kkg-search-input", "norketamine")
    page.press("#kkg-search-input", "Enter")
    assert page.locator("#kkg-details .kkg-heading").text_content() == "norketamine"
    page.locator("#kkg-hide").click()
    assert page.evaluate("window.kkg.visibleCounts().nodes") == 8
    # search by PMID finds the source and the relations citing it
    page.fill("#kkg-search-input", "PMID:20724638")
    page.press("#kkg-search-input", "Enter")
    assert page.locator("#kkg-details").get_attribute("data-source") == "kg:src_li2010"
    page.locator("#kkg-claims-btn").click()
    claim = page.locator("#kkg-claims .kkg-claim")
    assert claim.count() == 1 and "esketamine called a metabolite" in claim.text_content()
    page.select_option("#kkg-claim-status", "supported")
    assert page.locator("#kkg-claims .kkg-claim").count() == 0
    # "show only selection" keeps the selected node and its neighbours
    page.evaluate("window.kkg.focusNode(window.kkg.search('esketamine')[0].id)")
    page.locator("#kkg-only").click()
    assert page.evaluate("window.kkg.visibleCounts().nodes") == 5
    # a quantity shows its own evidence (the Ki is in vitro), not that of the clinical edge it qualifies
    edge = page.evaluate("window.kkg.data.info.edges.findIndex(e => e.assertion_id === 'R0001')")
    page.evaluate(f"window.kkg.selectEdge({edge})")
    assert page.locator("#kkg-details .kkg-quantity .kkg-badge").all_text_contents() == ["in vitro"]
    svg = page.evaluate("window.kkg.svgText()")
    assert svg.startswith("<svg") and "esketamine" in svg and "<script" not in svg
    assert page.evaluate("window.kkg.pngURL()").startswith("data:image/png;base64,")
    for button, name in (("#kkg-png", "ketamine-kg-view.png"), ("#kkg-svg", "ketamine-kg-view.svg")):
        with page.expect_download() as download:
            page.locator(button).click()
        assert download.value.suggested_filename == name
    page.evaluate("window.kkg.network.moveTo({ scale: 5 })")
    page.locator("#kkg-fit").click()
    assert page.evaluate("window.kkg.network.getScale()") < 5
    width = page.evaluate("document.querySelector('#kkg-network').getBoundingClientRect().width")
    assert width > 600  # at 1,024 px the legend starts collapsed and the canvas keeps most of the width
    assert page.locator("#kkg-sidebar").is_hidden()
    page.locator("#kkg-toggle-sidebar").click()
    assert page.locator("#kkg-sidebar").is_visible()
    page.locator("#kkg-toggle-panel").click()
    assert page.locator("#kkg-panel").is_hidden()
    assert traffic.errors == [] and traffic.requests == []
    page.context.close()


def test_notebook_view_accepts_graphs_and_has_a_short_repr(
    sample: nx.MultiDiGraph, fixture_build: BuildResult
) -> None:
    shown = view(Graph().parse(FIXTURES / "projection-sample.ttl"), focus="esketamine", depth=1)
    assert isinstance(shown, NetworkView)
    assert repr(shown).startswith("<NetworkView 5 entities") and "\n" not in repr(shown)
    assert len(repr(shown)) < 200
    frame = shown._repr_html_()
    assert 'sandbox="allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox"' in frame
    assert "allow-same-origin" not in frame
    only_drugs = view(sample, categories=["drug"])
    assert view(fixture_build).summary == view(fixture_build.graph).summary
    assert only_drugs.summary.startswith("2 entities")
    with pytest.raises(TypeError, match="BuildResult"):
        view("not a graph")


@pytest.fixture(scope="module")
def real_page(
    tmp_path_factory: pytest.TempPathFactory, real_build: BuildResult
) -> tuple[Path, nx.MultiDiGraph]:
    network = to_network(real_build.graph)
    path = tmp_path_factory.mktemp("real") / "whole.html"
    write_html(network, path)
    return path, network


def test_opens_small_then_expands_and_lays_out(browser: Any, real_page: tuple[Path, nx.MultiDiGraph]) -> None:
    path, network = real_page
    keys = sorted(network.nodes)
    ids = {network.nodes[k]["label"]: i for i, k in enumerate(keys)}
    page, traffic = open_offline(browser, path)
    wait_drawn(page)
    shown = page.evaluate("window.kkg.visibleCounts().nodes")
    assert shown < 40 < network.number_of_nodes()  # a readable overview, not the hairball
    visible = set(
        page.evaluate("window.kkg.data.nodes.filter(n => !window.kkg.state.nodeHidden[n.id]).map(n => n.id)")
    )
    for label in ("ketamine", "esketamine", "NMDA receptor", "major depressive disorder", "norketamine"):
        assert ids[label] in visible, label
    assert "synapse assembly" not in {network.nodes[keys[i]]["label"] for i in visible}
    # the page runs the same mechanism path search as `render --path` for the main drugs
    choice = page.evaluate(
        "window.kkg.data.mechanisms.findIndex(m => window.kkg.data.info.nodes[m.from].label === 'ketamine'"
        " && window.kkg.data.info.nodes[m.to].label === 'major depressive disorder')"
    )
    assert choice >= 0
    page.select_option("#kkg-mechanism", str(choice))
    first = page.locator("#kkg-paths .kkg-path").first.locator(".kkg-step").first.text_content()
    assert " ".join(first.split()) == "is antagonist of NMDA receptor clinical"
    chain = page.locator("#kkg-paths .kkg-path").all_text_contents()
    assert any("mTORC1 signalling" in c and "AMPA receptor" in c for c in chain)
    assert page.evaluate(f"window.kkg.state.nodeHidden[{ids['mTORC1 signalling']}]") is False
    page.evaluate(f"window.kkg.expand({ids['NMDA receptor']})")
    assert page.evaluate("window.kkg.visibleCounts().nodes") > shown
    page.evaluate(f"window.kkg.selectNode({ids['NMDA receptor']}); window.kkg.concentric()")
    centre = page.evaluate(
        f"window.kkg.network.getPositions([{ids['NMDA receptor']}])[{ids['NMDA receptor']}]"
    )
    assert (round(centre["x"]), round(centre["y"])) == (0, 0)
    page.select_option("#kkg-layout", "metabolism")
    tree = page.evaluate(
        "window.kkg.data.nodes.filter(n => !window.kkg.state.nodeHidden[n.id]).map(n => n.cat)"
    )
    assert tree and set(tree) <= {"drug", "metabolite", "chemical"}
    pos = page.evaluate(f"window.kkg.network.getPositions([{ids['ketamine']}, {ids['norketamine']}])")
    assert pos[str(ids["ketamine"])]["y"] < pos[str(ids["norketamine"])]["y"]  # parent above its metabolite
    page.evaluate(f"window.kkg.selectNode({ids['ketamine']})")
    page.locator("#kkg-pin").click()
    assert page.evaluate(f"window.kkg.nodes.get({ids['ketamine']}).fixed.x") is True
    page.locator("#kkg-all").click()
    assert page.evaluate("window.kkg.visibleCounts().nodes") == network.number_of_nodes()
    # one edge per fact: the asserted edge's panel reads the folded inverse; inferred edges name their rule
    treats = page.evaluate(
        "window.kkg.data.info.edges.findIndex(e => e.predicate_label === 'treats' && (e.also_read_as || []).length)"
    )
    page.evaluate(f"window.kkg.selectEdge({treats})")
    assert "Also read as:" in page.locator("#kkg-details .kkg-also").first.text_content()
    assert "is treated by" in page.locator("#kkg-details .kkg-also").first.text_content()
    inferred = page.evaluate("window.kkg.data.info.edges.findIndex(e => e.inferred)")
    page.evaluate(f"window.kkg.selectEdge({inferred})")
    assert "transitive" in page.locator("#kkg-details .kkg-rule").text_content()
    assert traffic.errors == [] and traffic.requests == []
    page.context.close()


TYPOS = (
    "eskatamine",
    "esketamin",
    "ketamin",
    "ketamne",
    "depresion",
    "major depresive disorder",
    "nmda recepter",
    "cyp2b",
    "cyp3a44",
    "bdfn",
    "hydroxynorketmine",
    "norketamin",
    "dehydronorketamin",
    "arketamin",
    "mtorc",
    "ampa receptr",
    "dissociaton",
    "trkb receptor",
    "glutamte",
    "suicidal ideaton",
)


def _names(network: nx.MultiDiGraph) -> list[str]:
    """Every name a node goes by that the command line resolves: its label and synonyms."""
    names: list[str] = []
    for _, d in network.nodes(data=True):
        names += [str(d.get("label") or ""), *map(str, d.get("synonyms") or [])]
    return [n for n in names if n]


def test_page_suggests_what_the_command_line_suggests(
    browser: Any, real_page: tuple[Path, nx.MultiDiGraph], real_build: BuildResult
) -> None:
    path, network = real_page
    names = _names(network)
    page, traffic = open_offline(browser, path)
    wait_drawn(page)
    engine = open_engine(real_build.graph)
    for typo in TYPOS:
        shown = page.evaluate("t => window.kkg.suggestions(t).map(s => s.name)", typo)
        assert shown == suggest(typo, names), typo
        with pytest.raises(QueryError) as refused:
            resolve_entity(engine, typo)
        assert all(repr(name) in str(refused.value) for name in shown), (typo, shown, str(refused.value))
    assert page.evaluate("window.kkg.suggestions('eskatamine')[0].name") == "esketamine"
    # the score itself, pair for pair, on names mutated at random (deterministic seed)
    rng = random.Random(7)
    pairs = []
    for _ in range(400):
        name = rng.choice(names)
        chars = list(rng.choice(names) if rng.random() < 0.2 else name)
        for _ in range(rng.randint(0, 3)):
            if chars:
                chars.pop(rng.randrange(len(chars)))
        pairs.append(("".join(chars) or "x", name))
    js = page.evaluate(
        "ps => ps.map(p => window.kkg.score(window.kkg.norm(p[0]), window.kkg.norm(p[1])))", pairs
    )
    py = [_score(normalise_name(q), normalise_name(n)) for q, n in pairs]
    assert js == pytest.approx(py, abs=1e-6)
    assert traffic.errors == [] and traffic.requests == []
    page.context.close()


_RECORD_LABELS = """() => {
  window.__kkgText = [];
  window.kkg.network.on('beforeDrawing', () => { window.__kkgText = []; });  // keep the last frame only
  const canvas = document.querySelector('#kkg-network canvas');
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y) {
    if (this.canvas === canvas) {
      const m = this.measureText(text), t = this.getTransform(), r = window.devicePixelRatio || 1;
      window.__kkgText.push({text: String(text),
        x1: (t.a * (x - m.actualBoundingBoxLeft) + t.e) / r, x2: (t.a * (x + m.actualBoundingBoxRight) + t.e) / r,
        y1: (t.d * (y - m.actualBoundingBoxAscent) + t.f) / r, y2: (t.d * (y + m.actualBoundingBoxDescent) + t.f) / r});
    }
    return fill.apply(this, arguments);
  };
}"""


def _drawn_labels(page: Any) -> list[dict[str, Any]]:
    """The node labels vis-network really painted in one redraw, as screen boxes of their ink."""
    page.evaluate("window.__kkgText = []; window.kkg.network.redraw()")
    page.wait_for_function("() => window.__kkgText.length > 0")
    page.wait_for_timeout(100)  # any frame already scheduled has been drawn
    return list(page.evaluate("window.__kkgText"))


def _overlaps(drawn: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of labels whose ink meets (a label painted twice in the same place, as highlighting does, is one)."""
    boxes = list(
        {(d["text"], *(round(d[k], 1) for k in ("x1", "y1", "x2", "y2"))): d for d in drawn}.values()
    )
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]) > 0.5
        and min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]) > 0.5
    ]


def test_labels_never_overlap_at_any_zoom(browser: Any, real_page: tuple[Path, nx.MultiDiGraph]) -> None:
    path, _ = real_page
    page, traffic = open_offline(browser, path)
    wait_drawn(page)
    page.locator("#kkg-all").click()  # the whole graph: the densest view there is
    page.evaluate(_RECORD_LABELS)
    page.evaluate("window.kkg.network.moveTo({scale: 0.45, animation: false})")  # labels just readable
    drawn = _drawn_labels(page)
    assert len(drawn) > 50 and _overlaps(drawn) == []
    labels = page.evaluate("window.kkg.data.nodes.map(n => n.label)")
    culled = page.evaluate(
        "Object.keys(window.kkg.network.body.nodes).map(Number)"
        ".filter(i => window.kkg.network.body.nodes[i].labelModule.kkgSuppressed)"
    )
    assert culled  # at this zoom not every label fits without overlapping another
    assert not {labels[i] for i in culled} & {d["text"] for d in drawn}
    for scale in (0.6, 1.0, 1.5, 3.0):
        page.evaluate(f"window.kkg.network.moveTo({{scale: {scale}, animation: false}})")
        assert _overlaps(_drawn_labels(page)) == [], scale
    # zooming in on a node whose label was culled shows it; a selected node keeps its label
    hidden = culled[0]
    page.evaluate(
        f"const p = window.kkg.network.getPositions([{hidden}])[{hidden}];"
        " window.kkg.network.moveTo({position: p, scale: 4, animation: false})"
    )
    assert labels[hidden] in {d["text"] for d in _drawn_labels(page)}
    page.evaluate(f"window.kkg.selectNode({hidden})")
    page.evaluate(
        f"const p = window.kkg.network.getPositions([{hidden}])[{hidden}];"
        " window.kkg.network.moveTo({position: p, scale: 0.45, animation: false})"
    )
    drawn = _drawn_labels(page)
    assert labels[hidden] in {d["text"] for d in drawn} and _overlaps(drawn) == []
    # zoomed out so far that vis draws no label at all: the selected node and a few hubs keep a legible one
    page.evaluate("window.kkg.network.moveTo({scale: 0.12, animation: false})")
    drawn = _drawn_labels(page)
    texts = {d["text"] for d in drawn}
    assert labels[hidden] in texts and 2 <= len(drawn) <= 9 and _overlaps(drawn) == []
    assert all(d["y2"] - d["y1"] >= 7 for d in drawn)  # ink of a 12 px font, not a speck
    assert traffic.errors == [] and traffic.requests == []
    page.context.close()


def test_a_focus_view_zoomed_out_still_names_its_focus(
    browser: Any, tmp_path: Path, real_build: BuildResult
) -> None:
    """Regression: a 64-node focus view fitted into a notebook cell drew no label at all (all under vis's
    size threshold), not even the focus's."""
    network = view(real_build, focus="esketamine", depth=1)
    path = tmp_path / "focus.html"
    path.write_text(network.html, encoding="utf-8")
    page, traffic = open_offline(browser, path, width=900, height=560)
    wait_drawn(page)
    page.evaluate(_RECORD_LABELS)
    page.evaluate("window.kkg.network.fit({animation: false})")
    drawn = _drawn_labels(page)
    assert "esketamine" in {d["text"] for d in drawn} and _overlaps(drawn) == []
    assert traffic.errors == [] and traffic.requests == []
    page.context.close()
