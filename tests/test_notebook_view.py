"""The notebook view, executed for real: nbclient runs a notebook on an IPython kernel, and its output
is shown in headless Chromium inside the same sandboxed iframe a notebook would use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import launch_chromium, open_offline, require_chromium

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launch_chromium() as chromium:
        yield chromium


def _run_notebook(cells: list[str]) -> Any:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    notebook.cells = [nbformat.v4.new_code_cell(c) for c in cells]  # type: ignore[no-untyped-call]
    # "python3" is the kernel ipykernel installs into this venv (sys.prefix/share/jupyter/kernels)
    NotebookClient(notebook, kernel_name="python3", timeout=120, allow_errors=False).execute()
    return notebook


def test_notebook_output_works_in_chromium(browser: Any, tmp_path: Path) -> None:
    sample = FIXTURES / "projection-sample.ttl"
    notebook = _run_notebook(
        [
            "from rdflib import Graph\nfrom ketamine_kg.visualize import view",
            f"shown = view(Graph().parse({str(sample)!r}), focus='esketamine', depth=1, height=600)\nshown",
        ]
    )
    outputs = notebook.cells[1].outputs
    data = outputs[0]["data"]
    text = data["text/plain"]
    assert text.startswith("<NetworkView 5 entities") and "\n" not in text and len(text) < 200
    frame = data["text/html"]
    assert 'sandbox="allow-scripts allow-forms allow-popups' in frame
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body>{frame}</body></html>", encoding="utf-8")
    page, traffic = open_offline(browser, host)
    inner = page.frame_locator("iframe")
    inner.locator("#kkg-search-input").fill("NMDAR")
    inner.locator("#kkg-search-input").press("Enter")
    assert inner.locator("#kkg-details .kkg-heading").text_content(timeout=15_000) == "NMDA receptor"
    inner.locator("#kkg-search-input").fill("ketamine")
    inner.locator("#kkg-find").click()
    assert inner.locator("#kkg-details .kkg-heading").text_content() == "ketamine"
    # identifier links open in a new tab (popups allowed), not blocked by the sandbox
    link = inner.locator("#kkg-details a[href^='http']").first
    assert link.get_attribute("target") == "_blank"
    with page.context.expect_page(timeout=10_000) as popup:
        link.click()
    assert popup.value is not None
    blocked = [e for e in traffic.errors if "sandbox" in e.lower()]
    assert blocked == [] and traffic.errors == []
    page.context.close()
