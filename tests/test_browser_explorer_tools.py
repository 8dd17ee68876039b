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
    svg = page.evaluate("window.kkg.svgText()")
    assert svg.startswith("<svg") and "esketamine" in svg and "<script" not in svg
    assert page.evaluate("window.kkg.pngURL()").startswith("data:image/png;base64,")
    width = page.evaluate("document.querySelector('#kkg-network').getBoundingClientRect().width")
    assert width > 500  # at 1,024 px the canvas keeps most of the width
    assert traffic.errors == [] and traffic.requests == []
    page.context.close()


def test_notebook_view_accepts_graphs_and_has_a_short_repr(sample: nx.MultiDiGraph) -> None:
    shown = view(Graph().parse(FIXTURES / "projection-sample.ttl"), focus="esketamine", depth=1)
    assert isinstance(shown, NetworkView)
    assert repr(shown).startswith("<NetworkView 5 entities") and "\n" not in repr(shown)
    assert len(repr(shown)) < 200
    frame = shown._repr_html_()
    assert 'sandbox="allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox"' in frame
    assert "allow-same-origin" not in frame
    only_drugs = view(sample, categories=["drug"])
    assert only_drugs.summary.startswith("2 entities")
    with pytest.raises(TypeError, match="BuildResult"):
        view("not a graph")
