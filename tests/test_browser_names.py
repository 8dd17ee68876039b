"""The explorer's search folds names as the CLI does (ketamine_kg.names), in real headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from browser import launch_chromium, open_offline, require_chromium, wait_drawn
from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.names import normalise_name
from ketamine_kg.visualize import write_html

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"
TYPED = [
    "MAJOR depressive-disorder",
    "TNF-α (S)-Ketamine",
    "hyperpolarisation  behaviour",
    "glutamatergic signalling, haemorrhage",
    "Façade—naïve_oedema",
]


def test_page_search_normalises_like_the_library(tmp_path: Path) -> None:
    require_chromium()
    page_file = tmp_path / "sample.html"
    write_html(to_network(Graph().parse(FIXTURES / "projection-sample.ttl")), page_file, title="sample")
    with launch_chromium() as chromium:
        page: Any
        page, traffic = open_offline(chromium, page_file)
        wait_drawn(page)
        page.fill("#kkg-search-input", TYPED[0])
        first = page.locator("#kkg-search-results li").first
        assert first.locator("span").first.text_content() == "major depressive disorder"
        folded = page.evaluate("(texts) => texts.map((t) => window.kkg.norm(t))", TYPED)
        assert folded == [normalise_name(t) for t in TYPED]
        assert traffic.requests == [] and traffic.errors == []
        page.context.close()
