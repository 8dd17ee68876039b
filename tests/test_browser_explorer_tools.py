"""New explorer controls in headless Chromium: paths, URL state, typo hints, claims, view tools, export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph

from browser import launch_chromium, open_offline, require_chromium, wait_drawn
from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.pipeline import BuildResult
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
