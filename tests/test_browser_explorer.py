"""The explorer page in real headless Chromium: offline drawing, counts, search, legend, panel, XSS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph

from browser import launch_chromium, open_offline, require_chromium, wait_drawn
from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.visualize import write_html

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"
KG = "https://w3id.org/ketamine-kg/id/"
HOSTILE_TITLE = "<script>window.__pwned='title'</script><img src=x onerror=\"window.__pwned='title2'\">"


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
    path = tmp_path_factory.mktemp("explorer") / "sample.html"
    write_html(sample, path, title="sample")
    return path


def vis_id(network: nx.MultiDiGraph, key: str) -> int:
    return sorted(network.nodes).index(key)


def click_node(page: Any, node: int) -> None:
    """A real mouse click on a drawn node."""
    point = page.evaluate(
        "(id) => { const n = window.kkg.network; return n.canvasToDOM(n.getPositions([id])[id]); }", node
    )
    box = page.locator("#kkg-network canvas").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def drawn_counts(page: Any) -> tuple[int, int]:
    counts = page.evaluate(
        "() => [window.kkg.network.body.nodeIndices.length, window.kkg.network.body.edgeIndices.length]"
    )
    return int(counts[0]), int(counts[1])


def test_draws_offline_with_zero_requests(browser: Any, sample_page: Path, sample: nx.MultiDiGraph) -> None:
    page, traffic = open_offline(browser, sample_page)
    first_draw = wait_drawn(page)
    page.wait_for_timeout(800)
    assert first_draw > 0
    assert traffic.requests == [] and traffic.failed == [], (traffic.requests, traffic.failed)
    assert traffic.errors == []
    assert drawn_counts(page) == (sample.number_of_nodes(), sample.number_of_edges())
    painted = page.evaluate(
        """() => { const c = document.querySelector('#kkg-network canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }"""
    )
    assert painted > 2000
    assert page.locator("#kkg-title").text_content() == "sample"
    assert page.locator("#kkg-counts").text_content().startswith("9 entities · 11 relations")
    page.context.close()


def test_search_finds_and_focuses_a_node(browser: Any, sample_page: Path, sample: nx.MultiDiGraph) -> None:
    page, traffic = open_offline(browser, sample_page)
    wait_drawn(page)
    page.fill("#kkg-search-input", "spravato")
    first = page.locator("#kkg-search-results li").first
    assert first.locator("span").first.text_content() == "esketamine"
    page.press("#kkg-search-input", "Enter")
    target = vis_id(sample, KG + "esketamine")
    assert page.evaluate("window.kkg.network.getSelectedNodes()") == [target]
    assert page.locator("#kkg-details h2").text_content() == "esketamine"
    centre = page.evaluate(
        "(id) => { const n = window.kkg.network; const p = n.getPositions([id])[id];"
        " const v = n.getViewPosition(); return Math.hypot(p.x - v.x, p.y - v.y); }",
        target,
    )
    assert centre < 1.0
    # a CURIE search works too
    page.fill("#kkg-search-input", "MONDO:0002009")
    assert page.locator("#kkg-search-results li").first.locator("span").first.text_content() == (
        "major depressive disorder"
    )
    assert traffic.requests == []
    page.context.close()


def test_legend_click_hides_and_shows_a_category(
    browser: Any, sample_page: Path, sample: nx.MultiDiGraph
) -> None:
    page, _ = open_offline(browser, sample_page)
    wait_drawn(page)
    page.wait_for_timeout(300)
    drugs = [vis_id(sample, KG + "ketamine"), vis_id(sample, KG + "esketamine")]
    page.click("#kkg-legend li[data-category='drug']")
    page.wait_for_timeout(200)
    visible = page.evaluate("window.kkg.network.body.nodeIndices")
    assert not set(drugs) & set(visible)
    assert len(visible) == sample.number_of_nodes() - 2
    drug_edges = sum(1 for u, v in sample.edges() if {u, v} & {KG + "ketamine", KG + "esketamine"})
    assert drawn_counts(page)[1] == sample.number_of_edges() - drug_edges
    assert "kkg-off" in (page.get_attribute("#kkg-legend li[data-category='drug']", "class") or "")
    page.click("#kkg-legend li[data-category='drug']")
    page.wait_for_timeout(200)
    assert drawn_counts(page) == (sample.number_of_nodes(), sample.number_of_edges())
    # the relation-type filter hides edges of one predicate
    page.uncheck("#kkg-relations input[data-relation$='isAntagonistOf']")
    page.wait_for_timeout(200)
    assert drawn_counts(page) == (sample.number_of_nodes(), sample.number_of_edges() - 2)
    # the evidence legend hides inferred edges
    page.click("#kkg-evidence li[data-evidence='inferred']")
    page.wait_for_timeout(200)
    assert drawn_counts(page)[1] == sample.number_of_edges() - 3
    page.context.close()


def test_node_click_shows_details_sources_and_highlight(
    browser: Any, sample_page: Path, sample: nx.MultiDiGraph
) -> None:
    page, _ = open_offline(browser, sample_page)
    wait_drawn(page)
    page.wait_for_timeout(1500)  # let the bounded physics settle before clicking
    target = vis_id(sample, KG + "esketamine")
    click_node(page, target)
    assert page.evaluate("window.kkg.network.getSelectedNodes()") == [target]
    panel = page.locator("#kkg-details")
    assert panel.locator("h2").text_content() == "esketamine"
    text = panel.text_content() or ""
    for expected in (
        "The S enantiomer of ketamine",
        "CHEBI:60799",
        "Spravato",
        "is antagonist of",
        "Spravato prescribing information",
        "Li 2010",
        "PMID:20724638",
        "non competitive antagonism",
        "fda approved for condition",
        "inhibition constant (Ki): 0.30 uM (rat brain membranes)",
        "refuted",
    ):
        assert expected in text, expected
    dimmed = page.evaluate("window.kkg.data.nodes.map(n => window.kkg.isDimmed(n.id))")
    assert dimmed[vis_id(sample, KG + "cyp2b6")] is True
    assert dimmed[vis_id(sample, KG + "nmda_receptor")] is False and dimmed[target] is False
    # the overlay really paints: the isolated enzyme's pixel turns pale while esketamine's stays red
    enzyme, drug = (
        page.evaluate(
            "(id) => { const n = window.kkg.network; const p = n.canvasToDOM(n.getPositions([id])[id]);"
            " const c = document.querySelector('#kkg-network canvas'); const r = window.devicePixelRatio;"
            " return Array.from(c.getContext('2d').getImageData(p.x * r, p.y * r, 1, 1).data); }",
            vis_id(sample, KG + key),
        )
        for key in ("cyp2b6", "esketamine")
    )
    assert min(enzyme[:3]) > 200, enzyme
    assert drug[0] > 150 and drug[1] < 120, drug
    # an edge's panel shows its evidence and sources
    edge = sorted(sample.edges(keys=True)).index((KG + "esketamine", KG + "mdd", "R0007"))
    point = page.evaluate(
        "(id) => { const n = window.kkg.network; return n.canvasToDOM(n.body.edges[id].edgeType.getPoint(0.5)); }",
        edge,
    )
    box = page.locator("#kkg-network canvas").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert page.evaluate("window.kkg.network.getSelectedEdges()") == [edge]
    edge_text = page.locator("#kkg-details").text_content() or ""
    assert "esketamine treats major depressive disorder" in edge_text
    assert "clinical" in edge_text and "Spravato prescribing information" in edge_text
    assert "Date: 2019-03-05" in edge_text
    page.context.close()


def test_hostile_labels_never_execute(browser: Any, tmp_path: Path) -> None:
    network = to_network(Graph().parse(FIXTURES / "hostile-labels.ttl"))
    path = tmp_path / "hostile.html"
    write_html(network, path, title=HOSTILE_TITLE)
    page, traffic = open_offline(browser, path)
    page.add_init_script(
        "window.alert = window.confirm = window.prompt = () => { window.__pwned = 'dialog'; };"
    )
    page.reload()
    wait_drawn(page)
    page.wait_for_timeout(1200)
    for node in range(network.number_of_nodes()):
        click_node(page, node)
        box = page.locator("#kkg-network canvas").bounding_box()
        point = page.evaluate(
            "(id) => { const n = window.kkg.network; return n.canvasToDOM(n.getPositions([id])[id]); }", node
        )
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_timeout(150)
    for edge in range(network.number_of_edges()):
        page.evaluate("(id) => window.kkg.selectEdge(id)", edge)
    page.fill("#kkg-search-input", "<img")
    page.fill("#kkg-search-input", "script")
    page.press("#kkg-search-input", "Enter")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert traffic.dialogs == [] and traffic.requests == [] and traffic.failed == []
    assert traffic.errors == []
    assert (
        page.evaluate("document.querySelectorAll('img, iframe, script:not([type]), object, embed').length")
        == 2
    )
    with_handlers = page.evaluate(
        "[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
    )
    assert with_handlers == 0
    assert page.title() == HOSTILE_TITLE
    # hostile text is shown literally, as text
    page.evaluate("(id) => window.kkg.focusNode(id)", sorted(network.nodes).index(KG + "evil_drug"))
    details = page.locator("#kkg-details").text_content() or ""
    assert "</script><script>window.__pwned='synonym'</script>" in details
    assert (
        page.locator("#kkg-details h2").text_content()
        == "<img src=x onerror=\"window.__pwned='label'\"> href"
    )
    assert '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">' in details  # the source label
    links = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert all(href.startswith(("http://", "https://")) for href in links)
    page.context.close()


def test_offline_harness_sees_requests_and_script(browser: Any, tmp_path: Path) -> None:
    """Control: the harness does catch a page that fetches something or runs injected script."""
    path = tmp_path / "leaky.html"
    path.write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://cdn.jsdelivr.net/x.css"></head>'
        '<body><img src="https://example.org/x.png" onerror="window.__pwned=1"></body></html>',
        encoding="utf-8",
    )
    page, traffic = open_offline(browser, path)
    page.wait_for_function("() => window.__pwned === 1")
    assert len(traffic.requests) == 2 and len(traffic.failed) == 2
    page.context.close()
