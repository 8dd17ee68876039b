"""A throw-away Virtuoso 7 server for tests: 127.0.0.1 only, its own database directory, stopped by PID.

Debian's ``virtuoso-opensource-7`` gives ``/usr/bin/virtuoso-t`` and ``isql-vt``. The ini comes from
``tests/fixtures/virtuoso.ini.tmpl`` (all files under the directory, both ports on 127.0.0.1).
Workarounds from docs/real-components §2: ``+foreground`` so the PID we hold is the server; a new DB
starts as dba/dba, so the password is changed at once with isql; the Graph Store endpoint that accepts
writes is ``/sparql-graph-crud-auth`` with *digest* auth; a separate writer account needs the
``SPARQL_UPDATE`` role and RDF write permission; queries go by GET (a POSTed query hangs); and the
default graph is the union of all graphs, so tests always query ``GRAPH <g>``.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ISQL_BIN", "VIRTUOSO_BIN", "VirtuosoServer", "free_port", "virtuoso_available", "virtuoso_server"]

VIRTUOSO_BIN = "/usr/bin/virtuoso-t"
ISQL_BIN = "/usr/bin/isql-vt"
TEMPLATE = Path(__file__).parent / "fixtures" / "virtuoso.ini.tmpl"


def virtuoso_available() -> bool:
    """True when the Debian Virtuoso binaries are installed."""
    return Path(VIRTUOSO_BIN).exists() and Path(ISQL_BIN).exists()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class VirtuosoServer:
    """A running server: ports, admin password, a writer account, and the process to stop."""

    directory: Path
    http_port: int
    sql_port: int
    password: str
    process: subprocess.Popen[bytes]
    writer: str = "kkg_writer"
    writer_password: str = "writer-pw"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def store_url(self) -> str:
        """The Graph Store endpoint that accepts writes (digest auth)."""
        return f"{self.base_url}/sparql-graph-crud-auth"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/sparql"

    def isql(self, sql: str, password: str | None = None, timeout: float = 60) -> str:
        """Run SQL through isql-vt as dba; raises with isql's output on failure."""
        result = subprocess.run(
            [ISQL_BIN, f"127.0.0.1:{self.sql_port}", "dba", password or self.password, f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(f"isql failed ({result.returncode}): {result.stdout}\n{result.stderr}")
        return result.stdout

    def stop(self) -> None:
        """Stop this server by its PID (SIGTERM is a clean quick shutdown), then SIGKILL if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _wait_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"virtuoso-t exited with {process.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(
        f"Virtuoso did not answer {url} within {timeout} s:\n{log.read_text(errors='replace')}"
    )


def _setup_sql(server: VirtuosoServer) -> str:
    """The SQL that makes the writer account able to PUT through /sparql-graph-crud-auth."""
    return (
        f"DB.DBA.USER_CREATE('{server.writer}', '{server.writer_password}'); "
        f'GRANT SPARQL_UPDATE TO "{server.writer}"; '
        f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{server.writer}', 7); "
        f"USER_SET_PASSWORD('dba', '{server.password}');"
    )


@contextlib.contextmanager
def virtuoso_server(
    directory: Path, *, password: str = "kkg-test-Secret1", timeout: float = 90
) -> Iterator[VirtuosoServer]:
    """Start Virtuoso with a new database in ``directory``; yield it; always stop it by PID."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "load").mkdir(exist_ok=True)
    (directory / "vsp").mkdir(exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        TEMPLATE.read_text()
        .replace("@DIR@", str(directory))
        .replace("@LOADDIR@", str(directory / "load"))
        .replace("@SQLPORT@", str(sql_port))
        .replace("@HTTPPORT@", str(http_port))
    )
    log = directory / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [VIRTUOSO_BIN, "+foreground", "+configfile", str(ini)],
            cwd=directory,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = VirtuosoServer(directory, http_port, sql_port, password, process)
    try:
        _wait_http(f"{server.query_url}?query=ASK%7B%7D", process, log, timeout)
        server.isql(_setup_sql(server), password="dba")
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory / "vsp", ignore_errors=True)
