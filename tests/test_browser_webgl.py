"""The WebGL (sigma.js) explorer in real headless Chromium: draws, search, click panel, filters, XSS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph

from browser import launch_chromium, open_offline, require_chromium, wait_drawn
from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.visualize.webgl import write_page

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"
KG = "https://w3id.org/ketamine-kg/id/"
HOSTILE_TITLE = "<script>window.__pwned='title'</script><img src=x onerror=\"window.__pwned='title2'\">"
# Non-white pixels in the node layer, read in the same task as a render (the buffer is not preserved).
PAINTED = """() => { const r = window.kkg.renderer; r.render(); const gl = r.webGLContexts.nodes;
  const w = gl.drawingBufferWidth, h = gl.drawingBufferHeight, px = new Uint8Array(w * h * 4);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
  let n = 0; for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) n++; } return n; }"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def sample() -> nx.MultiDiGraph:
    return to_network(Graph().parse(FIXTURES / "projection-sample.ttl"))


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory, sample: nx.MultiDiGraph) -> Path:
    path = tmp_path_factory.mktemp("webgl") / "sample.html"
    write_page(sample, path, renderer="webgl", title="sample")
    return path


def node_id(network: nx.MultiDiGraph, key: str) -> int:
    return sorted(network.nodes).index(key)


def click_node(page: Any, node: int) -> None:
    """A real mouse click where sigma drew the node."""
    point = page.evaluate("(id) => window.kkg.nodeToViewport(id)", node)
    box = page.locator("#kkg-network").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_draws_with_webgl_offline_with_zero_requests(
    browser: Any, sample_page: Path, sample: nx.MultiDiGraph
) -> None:
    page, traffic = open_offline(browser, sample_page)
    assert wait_drawn(page) > 0
    page.wait_for_timeout(300)
    assert traffic.requests == [] and traffic.failed == [] and traffic.errors == []
    assert page.evaluate("!!window.kkg.renderer.webGLContexts.nodes.drawingBufferWidth")
    assert page.evaluate("[window.kkg.graph.order, window.kkg.graph.size]") == [
        sample.number_of_nodes(),
        sample.number_of_edges(),
    ]
    assert page.evaluate(PAINTED) > 200  # nine dots drawn
    assert page.locator("#kkg-counts").text_content().startswith("9 entities · 11 relations")
    assert page.locator("#kkg-legend li").count() == len({d["category"] for _, d in sample.nodes(data=True)})
    page.context.close()


def test_search_focuses_and_opens_the_panel(browser: Any, sample_page: Path, sample: nx.MultiDiGraph) -> None:
    page, traffic = open_offline(browser, sample_page)
    wait_drawn(page)
    page.fill("#kkg-search-input", "spravato")
    first = page.locator("#kkg-search-results li").first
    assert first.locator("span").first.text_content() == "esketamine"
    page.press("#kkg-search-input", "Enter")
    target = node_id(sample, KG + "esketamine")
    assert page.locator("#kkg-details h2").text_content() == "esketamine"
    assert page.evaluate("window.kkg.state.selected") == target
    # the camera is centred on it
    point = page.evaluate("(id) => window.kkg.nodeToViewport(id)", target)
    box = page.locator("#kkg-network").bounding_box()
    assert abs(point["x"] - box["width"] / 2) < 2 and abs(point["y"] - box["height"] / 2) < 2
    page.fill("#kkg-search-input", "MONDO:0002009")
    assert page.locator("#kkg-search-results li").first.locator("span").first.text_content() == (
        "major depressive disorder"
    )
    assert traffic.requests == []
    page.context.close()


def test_click_shows_details_and_highlights_the_neighbourhood(
    browser: Any, sample_page: Path, sample: nx.MultiDiGraph
) -> None:
    page, _ = open_offline(browser, sample_page)
    wait_drawn(page)
    target = node_id(sample, KG + "esketamine")
    click_node(page, target)
    panel = page.locator("#kkg-details")
    assert panel.locator("h2").text_content() == "esketamine"
    text = panel.text_content() or ""
    for expected in (
        "The S enantiomer of ketamine",
        "CHEBI:60799",
        "Spravato",
        "is antagonist of",
        "Spravato prescribing information",
        "PMID:20724638",
        "inhibition constant (Ki): 0.30 uM (rat brain membranes)",
        "refuted",
    ):
        assert expected in text, expected
    links = page.evaluate("[...document.querySelectorAll('#kkg-details a')].map(a => a.href)")
    assert "http://purl.obolibrary.org/obo/CHEBI_60799" in links
    assert page.evaluate("(id) => window.kkg.isDimmed(id)", node_id(sample, KG + "cyp2b6")) is True
    assert page.evaluate("(id) => window.kkg.isDimmed(id)", node_id(sample, KG + "nmda_receptor")) is False
    # the overlay paints the dimming: a pixel of the isolated enzyme turns pale, esketamine stays red
    pixels = page.evaluate(
        """(ids) => { const c = document.querySelector('#kkg-network canvas.kkg-overlay');
             const r = window.devicePixelRatio; const ctx = c.getContext('2d');
             return ids.map(id => { const p = window.kkg.nodeToViewport(id);
               return Array.from(ctx.getImageData(p.x * r, p.y * r, 1, 1).data); }); }""",
        [node_id(sample, KG + "cyp2b6"), target],
    )
    assert pixels[0][3] > 150 and min(pixels[0][:3]) > 200, pixels[0]  # white veil over the enzyme
    assert pixels[1][0] > 150 and pixels[1][1] < 120, pixels[1]  # esketamine redrawn on top
    # an edge's panel
    edge = sorted(sample.edges(keys=True)).index((KG + "esketamine", KG + "mdd", "R0007"))
    page.evaluate("(id) => window.kkg.selectEdge(id)", edge)
    edge_text = page.locator("#kkg-details").text_content() or ""
    assert "esketamine treats major depressive disorder" in edge_text
    assert "Date: 2019-03-05" in edge_text and "Spravato prescribing information" in edge_text
    # a click on empty stage clears the selection
    box = page.locator("#kkg-network").bounding_box()
    page.wait_for_timeout(400)  # sigma reads two clicks within 300 ms as a double click
    page.mouse.click(box["x"] + 3, box["y"] + 3)
    page.wait_for_function("() => window.kkg.state.keepNodes === null", timeout=5000)
    assert page.locator("#kkg-details p.kkg-hint").count() == 1
    page.context.close()


def test_picking_is_painted_when_the_pointer_asks_not_in_every_frame(
    browser: Any, sample_page: Path, sample: nx.MultiDiGraph
) -> None:
    """Regression (issue 16): sigma painted its picking buffers in every frame, a fifth of a 50k frame."""
    page, _ = open_offline(browser, sample_page)
    wait_drawn(page)
    # count the draw calls that go to a picking framebuffer (any bound framebuffer that is not the screen)
    page.evaluate(
        """() => { window.__pickDraws = 0;
             Object.values(window.kkg.renderer.webGLContexts).forEach((gl) => {
               const draw = gl.drawArrays.bind(gl);
               gl.drawArrays = (...a) => { if (gl.getParameter(gl.FRAMEBUFFER_BINDING)) window.__pickDraws++;
                                           return draw(...a); }; }); }"""
    )
    page.evaluate("() => { window.kkg.redraw(); window.kkg.redraw(); }")
    assert page.evaluate("() => window.__pickDraws") == 0
    # the camera moves; a real click afterwards still finds the node under the pointer
    page.evaluate("() => window.kkg.renderer.getCamera().setState({ x: 0.4, y: 0.6, ratio: 0.7 })")
    page.evaluate("() => window.kkg.redraw()")
    target = node_id(sample, KG + "nmda_receptor")
    click_node(page, target)
    page.wait_for_function("() => window.kkg.state.selected !== null", timeout=5000)
    assert page.locator("#kkg-details h2").text_content() == "NMDA receptor"
    assert page.evaluate("() => window.__pickDraws") > 0  # painted once the pointer asked
    page.context.close()


def test_filters_hide_categories_evidence_and_relations(
    browser: Any, sample_page: Path, sample: nx.MultiDiGraph
) -> None:
    page, _ = open_offline(browser, sample_page)
    wait_drawn(page)
    nodes, edges = sample.number_of_nodes(), sample.number_of_edges()
    drugs = {KG + "ketamine", KG + "esketamine"}
    drug_edges = sum(1 for u, v in sample.edges() if {u, v} & drugs)
    page.click("#kkg-legend li[data-category='drug']")
    assert page.evaluate("window.kkg.visibleCounts()") == {"nodes": nodes - 2, "edges": edges - drug_edges}
    hidden = page.evaluate(
        "(id) => window.kkg.renderer.getNodeDisplayData(id).hidden", node_id(sample, KG + "ketamine")
    )
    assert hidden is True
    page.click("#kkg-legend li[data-category='drug']")
    page.uncheck("#kkg-relations input[data-relation$='isAntagonistOf']")
    assert page.evaluate("window.kkg.visibleCounts()") == {"nodes": nodes, "edges": edges - 2}
    page.click("#kkg-evidence li[data-evidence='inferred']")
    assert page.evaluate("window.kkg.visibleCounts()")["edges"] == edges - 3
    page.context.close()


def test_hostile_labels_stay_inert(browser: Any, tmp_path: Path) -> None:
    network = to_network(Graph().parse(FIXTURES / "hostile-labels.ttl"))
    path = tmp_path / "hostile.html"
    write_page(network, path, renderer="webgl", title=HOSTILE_TITLE)
    page, traffic = open_offline(browser, path)
    page.add_init_script(
        "window.alert = window.confirm = window.prompt = () => { window.__pwned = 'dialog'; };"
    )
    page.reload()
    wait_drawn(page)
    box = page.locator("#kkg-network").bounding_box()
    for node in range(network.number_of_nodes()):
        click_node(page, node)
        point = page.evaluate("(id) => window.kkg.nodeToViewport(id)", node)
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_timeout(100)
    for edge in range(network.number_of_edges()):
        page.evaluate("(id) => window.kkg.selectEdge(id)", edge)
    page.fill("#kkg-search-input", "<img")
    page.fill("#kkg-search-input", "script")
    page.press("#kkg-search-input", "Enter")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert traffic.dialogs == [] and traffic.requests == [] and traffic.failed == [] and traffic.errors == []
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed, svg script').length") == 0
    assert page.evaluate("document.querySelectorAll('script:not([type])').length") == 2
    with_handlers = page.evaluate(
        "[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
    )
    assert with_handlers == 0
    assert page.title() == HOSTILE_TITLE
    page.evaluate("(id) => window.kkg.focusNode(id)", sorted(network.nodes).index(KG + "evil_drug"))
    details = page.locator("#kkg-details").text_content() or ""
    assert "</script><script>window.__pwned='synonym'</script>" in details
    assert (
        page.locator("#kkg-details h2").text_content()
        == "<img src=x onerror=\"window.__pwned='label'\"> href"
    )
    links = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert all(href.startswith(("http://", "https://")) for href in links)
    page.context.close()
