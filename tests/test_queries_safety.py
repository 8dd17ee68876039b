"""Safety (canary: zero requests), parse errors with line/column, timeouts, and a real Oxigraph endpoint."""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import RunCli
from ketamine_kg.errors import QueryError, UnsafeQueryError
from ketamine_kg.graph_build.serialize import write_turtle
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.queries import (
    QueryTimeoutError,
    format_result,
    load_catalogue,
    open_endpoint,
    open_engine,
    prepare_query,
    run_query,
    run_sparql,
)
from ketamine_kg.queries.safety import _prepare
from servers import OxigraphServer

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


class _Canary(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def _hit(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.end_headers()
        self.wfile.write(b"")

    do_GET = do_POST = _hit

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def canary() -> Iterator[tuple[str, list[str]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.hits  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def _attacks(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE SILENT <{url}/x> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ OPTIONAL {{ SERVICE <{url}/y> {{ ?s ?p ?o }} }} }} }} }}",
        f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}/named.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/hostname> WHERE { ?s ?p ?o }",
        f"LOAD <{url}/load.ttl>",
        f"PREFIX c: <{url}/> SELECT * WHERE {{ SERVICE c:sparql {{ ?s ?p ?o }} }}",
    ]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_canary_gets_zero_requests(
    engine: str, canary: tuple[str, list[str]], fixture_build: BuildResult
) -> None:
    url, hits = canary
    runner = open_engine(fixture_build, engine)
    for attack in _attacks(url):
        with pytest.raises(UnsafeQueryError):
            run_sparql(runner, attack)
    assert hits == []


def test_canary_is_live_when_network_is_allowed(
    canary: tuple[str, list[str]], fixture_build: BuildResult
) -> None:
    """Positive control: rdflib really calls SERVICE when allowed, so the zero above means something."""
    url, hits = canary
    with pytest.raises(QueryError):  # the canary answers with an empty body, which is not SPARQL JSON
        run_sparql(open_engine(fixture_build, "rdflib"), _attacks(url)[0], allow_network=True, timeout=10)
    assert hits


def test_cli_refuses_service_with_exit_2(
    run_cli: RunCli, canary: tuple[str, list[str]], tmp_path: Path, fixture_build: BuildResult
) -> None:
    url, hits = canary
    data = tmp_path / "g.ttl"
    write_turtle(fixture_build.graph, data)
    for engine in ("oxigraph", "rdflib"):
        done = run_cli("query", "--data", data, "--engine", engine, "--sparql", _attacks(url)[0])
        assert done.returncode == 2 and "SERVICE" in done.stderr and "Traceback" not in done.stderr
        done = run_cli("query", "--data", data, "--engine", engine, "--sparql", f"LOAD <{url}/x>")
        assert done.returncode == 2 and "update" in done.stderr
    assert hits == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("SELECT ?s WHERE {\n  ?s ?p \n}", "line 3, column 1"),  # Oxigraph: the '}' where an object is due
        ("SELECT ?s WHERE {\n  ?s nope:p ?o }", "line 2, column 6"),
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER ?s", "line 1, column 36"),  # '?s' where BY is due
    ],
)
def test_syntax_errors_have_line_and_column(text: str, where: str, fixture_build: BuildResult) -> None:
    with pytest.raises(QueryError, match=where):
        run_sparql(fixture_build, text)


def test_unknown_prefix_message(fixture_build: BuildResult) -> None:
    with pytest.raises(QueryError, match="unknown prefix 'nope:'"):
        run_sparql(fixture_build, "SELECT ?s WHERE {\n  ?s nope:p ?o }")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_timeout_stops_a_runaway_query(engine: str, fixture_build: BuildResult) -> None:
    runner = open_engine(fixture_build, engine)
    with pytest.raises(QueryTimeoutError, match=r"did not finish within 0\.5 s"):
        run_sparql(runner, RUNAWAY, timeout=0.5)
    assert run_sparql(runner, "ASK { ?s ?p ?o }", timeout=5).boolean is True  # engine still usable


def test_cli_timeout_exit_2(run_cli: RunCli, tmp_path: Path, fixture_build: BuildResult) -> None:
    data = tmp_path / "g.ttl"
    write_turtle(fixture_build.graph, data)
    done = run_cli("query", "--data", data, "--timeout", "1", "--sparql", RUNAWAY, timeout=60)
    assert done.returncode == 2 and "did not finish within 1 s" in done.stderr


@pytest.mark.server
def test_endpoint_gives_the_same_rows(real_build: BuildResult, tmp_path: Path) -> None:
    data = tmp_path / "kg.ttl"
    write_turtle(real_build.graph, data)
    local = open_engine(real_build)
    with OxigraphServer(tmp_path / "ox") as server:
        server.put_file(data)
        remote = open_endpoint(server.query_url)
        for name, query in load_catalogue().items():
            params: dict[str, Any] = {"text": "ketamine"} if name == "search" else {}
            expected = format_result(run_query(local, name, **params), "json")
            assert format_result(run_query(remote, name, **params), "json") == expected, name
            if any(p.type == "entity" for p in query.parameters):
                entity = next(p.name for p in query.parameters if p.type == "entity")
                for value in ("CHEBI:6121", "ketamine"):
                    given: dict[str, Any] = {entity: value}
                    a = format_result(run_query(local, name, **given), "csv")
                    assert format_result(run_query(remote, name, **given), "csv") == a, name
        nasty = 'x"} DROP ALL ; SELECT * { ?s ?p "'
        assert run_query(remote, "search", text=nasty).rows == ()
        assert format_result(run_query(remote, "search", text="ketamine"), "csv") == format_result(
            run_query(local, "search", text="ketamine"), "csv"
        )
        assert run_sparql(remote, "ASK { ?s ?p ?o }").boolean is True  # the data survived


@pytest.mark.server
def test_cli_endpoint(run_cli: RunCli, fixture_build: BuildResult, tmp_path: Path) -> None:
    data = tmp_path / "kg.ttl"
    write_turtle(fixture_build.graph, data)
    with OxigraphServer(tmp_path / "ox") as server:
        server.put_file(data)
        remote = run_cli(
            "query",
            "drug_targets",
            "--param",
            "drug=(S)-ketamine",
            "--endpoint",
            server.query_url,
            "--format",
            "csv",
        )
        local = run_cli(
            "query", "drug_targets", "--param", "drug=(S)-ketamine", "--data", data, "--format", "csv"
        )
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout and "nmda_receptor" in remote.stdout


# --- the lexer-based check (no rdflib, no pyparsing on the Oxigraph path) ---

SAFE_LOOKING = [
    "SELECT ?o WHERE { ?s ?p ?o FILTER(?o != 'SERVICE <http://x> LOAD <http://y> FROM <http://z>') }",
    'SELECT ?o WHERE { ?s ?p """multi\nline SERVICE <http://x> { } DROP ALL""" . ?s ?p ?o }',
    "SELECT ?o WHERE { ?s ?p ?o } # SERVICE <http://x> { ?s ?p ?o } LOAD <http://y>",
    "SELECT ?o WHERE { ?s <http://example.org/SERVICE/LOAD#FROM> ?o }",
    "PREFIX service: <http://example.org/s/> SELECT ?o WHERE { service:x ?p ?o }",
    "PREFIX : <http://example.org/> SELECT ?o WHERE { ?s :from ?o . ?s :service ?o . ?s :load ?o }",
    "SELECT ?o WHERE { ?s ?p ?o FILTER(?o = 'x'@load) }",
    "SELECT * FROM <urn:x:graph> WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("text", SAFE_LOOKING)
def test_keywords_in_strings_comments_iris_and_names_are_not_refused(text: str) -> None:
    assert prepare_query(text).form == "SELECT"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("select * where { service <http://x/> { ?s ?p ?o } }", "SERVICE <http://x/>"),
        ("SELECT * WHERE { SeRvIcE SILENT <http://x/> { ?s ?p ?o } }", "SERVICE <http://x/>"),
        ("PREFIX : <http://x/> SELECT * WHERE { SERVICE:e { ?s ?p ?o } }", "SERVICE :e"),
        ("PREFIX r: <https://x/> SELECT * FROM r:data WHERE { ?s ?p ?o }", "FROM <https://x/data>"),
        ("PREFIX r: <ftp://x/> SELECT * FROM NAMED r:g WHERE { ?s ?p ?o }", "FROM NAMED <ftp://x/g>"),
        ("PREFIX : <http://x/> SELECT * FROM:g WHERE { ?s ?p ?o }", "FROM <http://x/g>"),
        ("SELECT * from <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
        ("SELECT * FROM <data.ttl> WHERE { ?s ?p ?o }", "FROM <data.ttl>"),
        ("SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", "after decoding"),
        ("load <http://x/data.ttl>", "update (LOAD)"),
        ("Insert Data { <urn:a> <urn:b> <urn:c> }", "update (INSERT)"),
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "update (DELETE, WITH)"),
        ("drop all", "update (DROP)"),
    ],
)
def test_lexer_refuses_any_case(text: str, message: str) -> None:
    with pytest.raises(UnsafeQueryError, match=re.escape(message)):
        prepare_query(text)


def test_updates_are_refused_even_with_network_allowed() -> None:
    with pytest.raises(UnsafeQueryError, match="update"):
        prepare_query("CLEAR DEFAULT", allow_network=True)
    assert prepare_query("SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }", allow_network=True).form == "SELECT"


def test_refusal_points_at_the_keyword() -> None:
    with pytest.raises(UnsafeQueryError, match="line 2, column 3"):
        prepare_query("SELECT * WHERE {\n  SERVICE <http://x/> { ?s ?p ?o } }")


@pytest.mark.parametrize("name", sorted(load_catalogue()))
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_every_library_query_passes_the_safety_checks(
    name: str, engine: str, fixture_build: BuildResult
) -> None:
    text = load_catalogue()[name].text
    prepared = open_engine(fixture_build, engine).prepare(text, False)
    assert prepared.form == "SELECT" and prepared.columns
    assert (prepared.algebra is not None) == (engine == "rdflib")


def test_library_queries_are_checked_once_per_process(fixture_build: BuildResult) -> None:
    text = next(iter(load_catalogue().values())).text
    first = prepare_query(text)
    before = _prepare.cache_info()
    assert prepare_query(text) is first and open_engine(fixture_build).prepare(text, False) is first
    after = _prepare.cache_info()
    assert after.hits == before.hits + 2 and after.misses == before.misses


def test_oxigraph_path_imports_neither_rdflib_sparql_nor_pyparsing() -> None:
    code = (
        "import sys, pyoxigraph\n"
        "from ketamine_kg.queries import run_sparql\n"
        "run_sparql(pyoxigraph.Store(), 'SELECT ?s WHERE { ?s rdfs:label ?l }')\n"
        "print(sorted(m for m in ('rdflib.plugins.sparql', 'pyparsing') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_rdflib_engine_also_checks_the_algebra(fixture_build: BuildResult) -> None:
    """Belt and braces: a query the lexer let through is still checked on rdflib's algebra."""
    from ketamine_kg.queries.rdflib_check import translate_for_rdflib
    from ketamine_kg.queries.safety import PreparedQuery

    unchecked = PreparedQuery(
        text="SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        form="SELECT",
        columns=(),
        declared_prefixes=frozenset(),
    )
    with pytest.raises(UnsafeQueryError, match="SERVICE"):
        translate_for_rdflib(unchecked)


def test_deadline_worker_is_reused_and_replaced_after_a_timeout(fixture_build: BuildResult) -> None:
    import gc
    import time

    runner = open_engine(fixture_build)
    first = runner.deadline.run(lambda stop: threading.current_thread(), 5)
    assert first is not threading.current_thread()
    assert runner.deadline.run(lambda stop: threading.current_thread(), 5) is first  # no thread per query

    def slow(stop: threading.Event) -> None:
        while not stop.is_set():
            time.sleep(0.01)

    with pytest.raises(QueryTimeoutError, match=r"did not finish within 0\.2 s"):
        runner.deadline.run(slow, 0.2)
    first.join(5)
    assert not first.is_alive()  # the abandoned worker stopped
    replacement = runner.deadline.run(lambda stop: threading.current_thread(), 5)
    assert replacement is not first and replacement.is_alive()
    assert run_sparql(runner, "ASK { ?s ?p ?o }", timeout=5).boolean is True
    del runner
    gc.collect()
    replacement.join(5)
    assert not replacement.is_alive()  # a discarded engine leaves no idle thread behind
