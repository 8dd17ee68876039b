"""Real SPARQL servers for tests: an Oxigraph server on 127.0.0.1, started and stopped by PID.

Usage::

    with OxigraphServer(tmp_path / "ox") as server:
        server.put_file(turtle_path)            # Graph Store PUT into the default graph
        server.query_url                         # http://127.0.0.1:PORT/query
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType

__all__ = ["OxigraphServer", "ServerError", "free_port", "oxigraph_binary", "wait_for_http"]


class ServerError(RuntimeError):
    """A test server could not be started or used."""


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary from PyPI ``oxigraph`` (next to this Python, or on PATH)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise ServerError("the `oxigraph` binary is missing: pip install oxigraph")
    return found


def wait_for_http(url: str, *, timeout: float = 15.0, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``url`` until it answers (any HTTP status below 500) or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServerError(f"the server exited with code {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
            last = f"HTTP {exc.code}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = str(exc)
        time.sleep(0.05)
    raise ServerError(f"{url} did not answer within {timeout:g} s ({last})")


class OxigraphServer:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``, as a context manager."""

    def __init__(self, location: Path, *, port: int | None = None, log: Path | None = None) -> None:
        self.location = location
        self.port = port or free_port()
        self.log_path = log or location.parent / f"oxigraph-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.base_url}/query"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint."""
        return f"{self.base_url}/store"

    def start(self) -> OxigraphServer:
        """Start the server and wait until /query answers."""
        self.location.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    oxigraph_binary(),
                    "serve",
                    "--location",
                    str(self.location),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:
            wait_for_http(f"{self.query_url}?query=" + urllib.parse.quote("ASK {}"), process=self.process)
        except ServerError:
            self.stop()
            raise ServerError(f"oxigraph did not start; log:\n{self.log_text()}") from None
        return self

    def log_text(self) -> str:
        """The server's log so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def put_file(self, path: Path, *, graph: str | None = None, content_type: str = "text/turtle") -> int:
        """Replace the default graph (or ``graph``) with the file's triples; returns the HTTP status."""
        target = (
            f"{self.store_url}?graph={urllib.parse.quote(graph, safe='')}"
            if graph
            else f"{self.store_url}?default"
        )
        request = urllib.request.Request(
            target, data=path.read_bytes(), method="PUT", headers={"Content-Type": content_type}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status: int = response.status
                return status
        except urllib.error.HTTPError as exc:
            raise ServerError(f"PUT {target} failed: HTTP {exc.code} {exc.read()[:300]!r}") from None

    def stop(self) -> None:
        """Stop the server by its PID (SIGTERM, then SIGKILL after 5 s)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
