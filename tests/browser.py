"""Launch Debian's headless Chromium through Playwright, with every network request blocked and counted.

Used by the browser tests and by benchmarks/bench_html.py. Never downloads a browser.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """Fail (in CI) or skip (elsewhere) with a clear message when Chromium is not installed."""
    if CHROMIUM.exists():
        return
    import pytest

    message = (
        f"{CHROMIUM} is missing: install Debian's browser with "
        "`apt-get install -y --no-install-recommends chromium` (never `playwright install`)"
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


#: WebGL rasterisers of a machine without a GPU: Chromium's own SwiftShader (the default, what the tests
#: use), or Mesa's llvmpipe through ANGLE's EGL back end (multi-threaded, vectorised; the benchmark's choice).
GL_ARGS = {
    "swiftshader": ["--disable-gpu"],
    "llvmpipe": ["--use-gl=angle", "--use-angle=gl-egl", "--ignore-gpu-blocklist"],
}


@contextlib.contextmanager
def launch_chromium(gl: str = "swiftshader") -> Iterator[Any]:
    """A headless Chromium browser (Playwright), closed on exit; ``gl`` picks the WebGL rasteriser."""
    from playwright.sync_api import sync_playwright

    args = CHROMIUM_ARGS + GL_ARGS[gl]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Traffic:
    """What a page tried to do on the network and in the console."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_offline(browser: Any, path: Path, *, width: int = 1400, height: int = 900) -> tuple[Any, Traffic]:
    """Open ``path`` (file://) in a fresh context where every request except the page itself aborts.

    Returns the page and a ``Traffic`` record of aborted requests, failed requests, dialogs and JS
    errors. The page's own document load is the only request allowed.
    """
    traffic = Traffic()
    context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
    page = context.new_page()
    page_url = path.resolve().as_uri()

    def route(r: Any) -> None:
        if r.request.url == page_url:
            r.continue_()
        else:
            traffic.requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda req: traffic.failed.append(req.url))
    page.on("pageerror", lambda exc: traffic.errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        traffic.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(page_url)
    return page, traffic


def wait_drawn(page: Any, timeout_ms: float = 20_000) -> float:
    """Wait for the explorer's first drawing; return its time (ms after navigation start)."""
    page.wait_for_function("() => typeof window.__kkgFirstDraw === 'number'", timeout=timeout_ms)
    return float(page.evaluate("window.__kkgFirstDraw"))
