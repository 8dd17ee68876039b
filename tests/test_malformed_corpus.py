"""The malformed-input corpus (tests/hostile_corpus.py), run through the real CLI, one case at a time.

For every case: the exit code, a message that locates the problem, no traceback, no request to the
canary server on 127.0.0.1, every input and earlier output unchanged, and a time and memory bound.
Cases run in this process through Typer's runner (the query command still forks its watchdog child);
the built-in `real exit code` paths are covered by the subprocess tests in test_hostile_input.py.
"""

from __future__ import annotations

import hashlib
import http.server
import resource
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hostile_corpus import Case, all_cases, materialise
from ketamine_kg.cli import app
from ketamine_kg.limits import ENV_VARS

CASES = all_cases()
TIME_BOUND = 30.0  # seconds per case, timeouts of 3 s included
MEMORY_BOUND = 3 * 1024 * 1024  # KiB of peak RSS, this process or any child


class _Canary(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<x/>")

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def canary() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request made to it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.hits  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def _snapshot(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.args[0] for c in CASES} >= {"query", "render", "check", "export", "build", "--max-nesting"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_refused_cleanly(
    case: Case, tmp_path: Path, canary: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var, _unit, _option in ENV_VARS.values():  # the global limit options set these; undone after
        monkeypatch.setenv(var, "")  # blank = the default
    url, hits = canary
    materialise(case, tmp_path, url)
    earlier = {"view.html": b"earlier view", "out.ttl": b"earlier export", "out/ketamine-kg.ttl": b"earlier"}
    for name, data in earlier.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        if not (tmp_path / name).exists():
            (tmp_path / name).write_bytes(data)
    before = _snapshot(tmp_path)
    args = [a.replace("{dir}", str(tmp_path)).replace("{canary}", url) for a in case.args]
    start = time.perf_counter()
    result = CliRunner().invoke(app, args)
    elapsed = time.perf_counter() - start
    message = result.stderr + result.stdout
    assert result.exit_code == case.code, message[-2000:]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in message
    assert case.fragment in message, message[-2000:]
    assert hits == [], f"network request made: {hits}"
    assert _snapshot(tmp_path) == before
    assert elapsed < TIME_BOUND
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    assert peak < MEMORY_BOUND, f"peak RSS {peak} KiB"
