"""Pages of real builds in headless Chromium: the fixture build, and hostile text in the source tables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from browser import launch_chromium, open_offline, require_chromium, wait_drawn
from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.pipeline import BuildResult, build_knowledge_graph
from ketamine_kg.visualize import write_html
from ketamine_kg.visualize.render import OVERVIEW_NODE_LIMIT, _fold_mirrors

pytestmark = pytest.mark.browser

HOSTILE = {
    "img": "<img src=x onerror=\"window.__pwned='img'\">",
    "script": "</script><script>window.__pwned='script'</script>",
    "js": "javascript:window.__pwned='js'",
    "quotes": "\"'><svg onload=\"window.__pwned='svg'\">",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launch_chromium() as chromium:
        yield chromium


def _edit_table(path: Path, edit: dict[str, dict[str, str]]) -> None:
    """Overwrite cells of a TSV table: ``edit[row_id][column] = text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    out = [lines[0]]
    for line in lines[1:]:
        row = line.split("\t")
        for column, text in edit.get(row[0], {}).items():
            row[header.index(column)] = text
        out.append("\t".join(row))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _drawn_edges(network: nx.MultiDiGraph) -> int:
    """Edges the page draws: one per fact, inferred mirrors of drawn edges folded into their panel."""
    drawn, _folded = _fold_mirrors(network)
    return len(drawn)


def _canvas_counts(page: Any) -> list[int]:
    counts: list[int] = page.evaluate(
        "[window.kkg.network.body.nodeIndices.length, window.kkg.network.body.edgeIndices.length]"
    )
    return counts


def test_fixture_build_page_draws_offline(browser: Any, fixture_build: BuildResult, tmp_path: Path) -> None:
    network = to_network(fixture_build.graph)
    path = tmp_path / "fixture.html"
    write_html(network, path, title="ketamine-kg fixture build")
    page, traffic = open_offline(browser, path)
    wait_drawn(page)
    page.wait_for_timeout(1500)
    assert _canvas_counts(page) == [network.number_of_nodes(), _drawn_edges(network)]
    assert _drawn_edges(network) < network.number_of_edges()  # the fixture has inferred inverses to fold
    assert traffic.requests == [] and traffic.failed == [] and traffic.errors == []
    page.fill("#kkg-search-input", "CHEBI:60799")
    page.press("#kkg-search-input", "Enter")
    assert page.locator("#kkg-details h2").text_content() == "esketamine"
    text = page.locator("#kkg-details").text_content() or ""
    assert "Spravato prescribing information" in text and "Also read as" in text
    page.screenshot(path=str(tmp_path / "fixture.png"))
    page.context.close()


def test_hostile_source_tables_never_execute(browser: Any, source_copy: Path, tmp_path: Path) -> None:
    _edit_table(
        source_copy / "entities.tsv",
        {
            "ketamine": {"label": HOSTILE["img"], "synonyms": f"{HOSTILE['script']}|{HOSTILE['js']}"},
            "esketamine": {"definition": HOSTILE["quotes"] + " " + HOSTILE["script"]},
            "nmda_receptor": {"label": "NMDA " + HOSTILE["quotes"]},
        },
    )
    _edit_table(
        source_copy / "sources.tsv",
        {"src_label": {"label": HOSTILE["script"], "citation": HOSTILE["img"]}},
    )
    _edit_table(source_copy / "relations.tsv", {"R0001": {"note": HOSTILE["img"]}})
    result = build_knowledge_graph(source_copy, reason=False)
    network = to_network(result.graph)
    labels = {d["label"] for _, d in network.nodes(data=True)}
    assert HOSTILE["img"] in labels  # the hostile text really reached the network
    path = tmp_path / "hostile.html"
    write_html(network, path, title=HOSTILE["script"])
    page, traffic = open_offline(browser, path)
    wait_drawn(page)
    page.wait_for_timeout(1500)
    for node in range(network.number_of_nodes()):
        page.evaluate("(id) => window.kkg.focusNode(id)", node)
    for edge in range(network.number_of_edges()):
        page.evaluate("(id) => window.kkg.selectEdge(id)", edge)
    page.fill("#kkg-search-input", "script")
    page.press("#kkg-search-input", "Enter")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert traffic.dialogs == [] and traffic.requests == [] and traffic.failed == [] and traffic.errors == []
    assert page.title() == HOSTILE["script"]
    ketamine = sorted(network.nodes).index("https://w3id.org/ketamine-kg/id/ketamine")
    page.evaluate("(id) => window.kkg.focusNode(id)", ketamine)
    assert page.locator("#kkg-details h2").text_content() == HOSTILE["img"]
    assert HOSTILE["script"] in (page.locator("#kkg-details").text_content() or "")
    page.context.close()


@pytest.mark.slow
def test_real_build_page_draws_offline(browser: Any, real_build: BuildResult, tmp_path: Path) -> None:
    network = to_network(real_build.graph)
    path = tmp_path / "real.html"
    write_html(network, path, title="ketamine-kg")
    page, traffic = open_offline(browser, path)
    assert wait_drawn(page) < 10_000
    page.wait_for_timeout(2500)
    overview = _canvas_counts(page)[0]
    assert 0 < overview <= OVERVIEW_NODE_LIMIT < network.number_of_nodes()  # opens small, on the drugs
    page.click("#kkg-all")
    page.wait_for_timeout(1500)
    assert _canvas_counts(page) == [network.number_of_nodes(), _drawn_edges(network)]
    page.fill("#kkg-search-input", "CHEBI:60799")
    page.press("#kkg-search-input", "Enter")
    assert page.locator("#kkg-details h2").text_content() == "esketamine"
    assert traffic.requests == [] and traffic.failed == [] and traffic.errors == [] and traffic.dialogs == []
    page.context.close()


def test_build_command_writes_the_whole_graph_view(
    browser: Any, run_cli: Any, fixture_source_dir: Path, fixture_build: BuildResult, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--source", fixture_source_dir, "--out", out)
    assert result.returncode == 0, result.stderr
    page_path = out / "ketamine-kg.html"
    assert f"wrote {page_path}" in result.stdout
    network = to_network(fixture_build.graph)
    page, traffic = open_offline(browser, page_path)
    wait_drawn(page)
    assert _canvas_counts(page) == [network.number_of_nodes(), _drawn_edges(network)]
    assert traffic.requests == [] and traffic.failed == []
    page.context.close()
