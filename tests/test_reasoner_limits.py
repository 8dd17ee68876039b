"""The reasoner never follows owl:imports, runs sandboxed, keeps to its timeout and caps its facts (issue 17)."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef

from chain_source import make_chain_source
from conftest import IN_CI, RunCli
from ketamine_kg.errors import ReasonerError
from ketamine_kg.ontology.reason import Deadline, remove_stale_folders
from ketamine_kg.pipeline import BuildResult, add_inferred_within, build_knowledge_graph
from ketamine_kg.vocab import OWL

STRACE = shutil.which("strace")
needs_strace = pytest.mark.skipif(
    STRACE is None and not IN_CI, reason="strace is installed by scripts/setup.sh --test"
)


class _Canary(http.server.BaseHTTPRequestHandler):
    """Records every request; answers with an ontology so that a fetch would succeed if attempted."""

    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        body = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
        self.send_response(200)
        self.send_header("Content-Type", "application/rdf+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def canary() -> Iterator[tuple[str, list[str]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.hits  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def importing(tmp_path: Path, canary: tuple[str, list[str]]) -> tuple[Path, Path, str]:
    """An RDF file whose ontologies import a planted local file and two canary URLs."""
    base, _ = canary
    planted = tmp_path / "planted" / "secret.ttl"
    planted.parent.mkdir()
    planted.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<https://example.org/secret> a owl:Ontology .\n"
    )
    data = tmp_path / "imports.ttl"
    data.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<https://w3id.org/ketamine-kg/ketamine-kg.owl> owl:imports <{planted.as_uri()}>, <{base}/x.owl> .\n"
        f"<https://example.org/other> a owl:Ontology ; owl:imports <{base}/y.owl> .\n"
    )
    return data, planted, base


def _traced(command: list[str], log: Path) -> subprocess.CompletedProcess[str]:
    """Run ``command`` under strace, logging every file open and socket connect of it and its children."""
    assert STRACE is not None, "strace is missing: scripts/setup.sh --test installs it"
    return subprocess.run(
        [STRACE, "-f", "-qq", "-e", "trace=open,openat,connect", "-o", str(log), *command],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _no_access(log: Path, planted: Path, base: str) -> None:
    trace = log.read_text()
    assert re.search(r"openat?\(", trace), "strace recorded no file opens at all: the trace is not working"
    assert str(planted.parent) not in trace
    port = base.rsplit(":", 1)[1]
    assert f"htons({port})" not in trace
    assert not re.search(r"connect\(\d+, \{sa_family=AF_INET6?", trace), "a network socket was connected"


@needs_strace
def test_check_data_follows_no_import(
    importing: tuple[Path, Path, str], canary: tuple[str, list[str]], tmp_path: Path
) -> None:
    data, planted, base = importing
    log = tmp_path / "strace.log"
    done = _traced([sys.executable, "-m", "ketamine_kg", "check", "--data", str(data), "--no-shacl"], log)
    assert "reasoner consistency check: consistent" in done.stdout, done.stderr
    assert "owl:imports not followed" in done.stderr
    assert (
        planted.as_uri() in done.stderr and f"{base}/x.owl" in done.stderr and f"{base}/y.owl" in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert canary[1] == []
    _no_access(log, planted, base)


@needs_strace
def test_build_merge_follows_no_import_and_keeps_them_as_data(
    importing: tuple[Path, Path, str],
    canary: tuple[str, list[str]],
    fixture_source_dir: Path,
    tmp_path: Path,
) -> None:
    """Both readers: HermiT (reasoning) and owlready2 (writing the OWL file)."""
    data, planted, base = importing
    out = tmp_path / "out"
    log = tmp_path / "strace.log"
    command = ["build", "--source", str(fixture_source_dir), "--out", str(out), "--merge", str(data)]
    done = _traced([sys.executable, "-m", "ketamine_kg", *command], log)
    assert done.returncode == 0, done.stderr
    assert "consistent (HermiT)" in done.stdout
    assert canary[1] == []
    _no_access(log, planted, base)
    owl = Graph().parse(out / "ketamine-kg.owl", format="xml")
    imported = set(owl.objects(URIRef("https://w3id.org/ketamine-kg/ketamine-kg.owl"), OWL.imports))
    assert imported == {URIRef(planted.as_uri()), URIRef(f"{base}/x.owl")}


@needs_strace
@pytest.mark.parametrize("kind", ["file", "http"])
def test_java_sandbox_refuses_files_and_sockets_it_was_not_given(
    kind: str, importing: tuple[Path, Path, str], canary: tuple[str, list[str]], tmp_path: Path
) -> None:
    """Even given an owl:imports directly (bypassing the stripping), HermiT can neither read nor fetch it."""
    _, planted, base = importing
    target = planted.as_uri() if kind == "file" else f"{base}/x.owl"
    data = tmp_path / f"{kind}-import.ttl"
    data.write_text(f"<https://example.org/o> <{OWL.imports}> <{target}> .\n")
    script = tmp_path / "raw_java.py"
    script.write_text(
        "import sys, tempfile\n"
        "from pathlib import Path\n"
        "from rdflib import Graph\n"
        "from ketamine_kg.ontology.reason import Deadline, _run_java, find_java\n"
        f"graph = Graph().parse({str(data)!r})\n"
        "with tempfile.TemporaryDirectory() as tmp:\n"
        "    out, err, code = _run_java(find_java(), graph, Path(tmp), Deadline(120), None)\n"
        "sys.stderr.write(err.decode())\n"
        "sys.exit(code)\n"
    )
    log = tmp_path / "strace.log"
    done = _traced([sys.executable, str(script)], log)
    assert done.returncode != 0  # HermiT stops at the import it may not follow
    denied = (
        f'access denied ("java.io.FilePermission" "{planted}" "read")'
        if kind == "file"
        else f'access denied ("java.net.SocketPermission" "127.0.0.1:{base.rsplit(":", 1)[1]}" "connect,resolve")'
    )
    assert denied in done.stderr
    assert canary[1] == []
    _no_access(log, planted, base)


def test_sandboxed_hermit_infers_the_same_facts(fixture_build: BuildResult) -> None:
    """The sandbox takes nothing away: the fixture's known entailments are still there."""
    assert fixture_build.reasoning.status == "consistent"
    names = {
        (str(s).rsplit("/", 1)[1], str(p).rsplit("#", 1)[1]) for s, p, _ in fixture_build.reasoning.inferred
    }
    assert ("norketamine", "isMetaboliteOf") in names and ("ketamine", "hasDownstreamMetabolite") in names


def test_stale_reasoning_folders_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f"ketamine-kg-reason-{dead.stdout.strip()}-abc123"
    mine = tmp_path / f"ketamine-kg-reason-{os.getpid()}-def456"
    legacy_old = tmp_path / "ketamine-kg-reason-q1w2e3r4"
    legacy_new = tmp_path / "ketamine-kg-reason-z9x8c7v6"
    unrelated = tmp_path / "something-else"
    for folder in (stale, mine, legacy_old, legacy_new, unrelated):
        folder.mkdir()
        (folder / "ontology.nt").write_text("")
    old = time.time() - 2 * 3600
    os.utime(legacy_old, (old, old))
    assert remove_stale_folders(tmp_path) == sorted([stale, legacy_old])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (mine, legacy_new, unrelated))


def test_inferred_facts_are_capped(fixture_source_dir: Path, tmp_path: Path, run_cli: RunCli) -> None:
    """A 60-link metabolite chain entails 3,850 new facts: over a cap of 1,000, nothing is written."""
    chain = make_chain_source(fixture_source_dir, tmp_path / "chain", 60)
    out = tmp_path / "out"
    done = run_cli("build", "--source", chain, "--out", out, "--max-inferred", "1000")
    assert done.returncode == 1
    assert re.search(r"HermiT inferred [\d,]+ new facts, more than the cap of 1,000", done.stderr)
    assert "--max-inferred" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_timeout_bounds_the_whole_step_on_a_300_link_chain(fixture_source_dir: Path, tmp_path: Path) -> None:
    """~91,000 inferred facts: HermiT plus adding them takes far longer than 10 s, so the step must stop."""
    chain = make_chain_source(fixture_source_dir, tmp_path / "chain", 300)
    limit = 10.0
    start = time.monotonic()
    with pytest.raises(ReasonerError, match=r"did not finish within 10 s"):
        build_knowledge_graph(chain, reasoner_timeout=limit, max_inferred=10**6)
    assert time.monotonic() - start < limit + 8  # loading the tables comes before the step's clock


def test_adding_inferred_facts_stops_at_the_deadline(fixture_build: BuildResult) -> None:
    graph = Graph()
    with pytest.raises(ReasonerError, match=r"adding the inferred facts"):
        add_inferred_within(graph, fixture_build.reasoning, Deadline(0.0))
    assert len(graph) == 0
