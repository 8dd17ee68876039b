"""The HTML report in real headless Chromium: highlights by verdict, mention links, hostile text inert."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import launch_chromium, open_offline, require_chromium
from ketamine_kg.textcheck.check import TextChecker
from ketamine_kg.textcheck.html_report import to_html

pytestmark = pytest.mark.browser

HOSTILE = (
    'Esketamine is a metabolite of ketamine. <script>window.__pwned = 1; alert("x")</script>\n'
    '"><img src=x onerror="window.__pwned = 2"> Esketamine blocks NMDA receptors.\n'
    '<a href="javascript:window.__pwned=3">click</a> Ketamine may lower cortisol secretion.'
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launch_chromium() as b:
        yield b


@pytest.fixture(scope="module")
def report_page(checker: TextChecker, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(to_html(checker.check_text(HOSTILE)), encoding="utf-8")
    return path


def test_highlights_links_and_inert_hostile_text(browser: Any, report_page: Path) -> None:
    page, traffic = open_offline(browser, report_page)
    verdicts = page.eval_on_selector_all("#text .s[data-verdict]", "els => els.map(e => e.dataset.verdict)")
    assert verdicts == ["contradicted", "supported", "qualified"]
    colours = page.eval_on_selector_all(
        "#text .s[data-verdict]", "els => els.map(e => getComputedStyle(e).backgroundColor)"
    )
    assert len(set(colours)) == 3 and "rgba(0, 0, 0, 0)" not in colours
    hrefs = page.eval_on_selector_all("#text a.mention", "els => els.map(e => e.getAttribute('href'))")
    assert (
        "ketamine-kg.html#node=kg%3Aesketamine" in hrefs
        and "ketamine-kg.html#node=kg%3Anmda_receptor" in hrefs
    )
    # the hostile markup is shown as text, never run or parsed into elements
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert (
        page.eval_on_selector_all("#text script, #text img, #text a:not(.mention)", "els => els.length") == 0
    )
    assert "<script>window.__pwned" in page.inner_text("#text")
    assert traffic.requests == [] and traffic.dialogs == [] and traffic.errors == []
    rows = page.eval_on_selector_all("#claims tbody tr", "els => els.map(e => e.dataset.verdict)")
    assert "contradicted" in rows and "supported" in rows
