"""Publishing to real SPARQL servers on 127.0.0.1: Oxigraph server and Virtuoso 7, stopped by PID."""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from ketamine_kg.errors import PublishError
from ketamine_kg.graph_build.export import select_statements
from ketamine_kg.graph_build.export_ntriples import to_ntriples
from ketamine_kg.graph_build.publish import (
    CHUNK_BYTES,
    chunk_ntriples,
    count_remote_triples,
    default_query_endpoint,
    publish_graph,
    select_remote,
)
from ketamine_kg.graph_build.serialize import sorted_triples
from ketamine_kg.graph_build.statements import as_dataset
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.queries.api import open_endpoint, run_query
from servers import OxigraphServer, free_port
from virtuoso_server import VirtuosoServer, virtuoso_server

pytestmark = pytest.mark.server

XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")

SAMPLE = Path(__file__).parent / "fixtures" / "interop-sample.ttl"
GRAPH_IRI = "https://example.org/graphs/ketamine-kg"
LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label WHERE { GRAPH <%s> { ?s rdfs:label ?label } } ORDER BY ?s ?label"""


@pytest.fixture(scope="module")
def sample() -> Graph:
    return Graph().parse(SAMPLE)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "db") as server:
        yield server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso") / "db") as server:
        yield server


def local_rows(graph: Graph, query: str) -> list[tuple[str, ...]]:
    """The same SELECT run in-process by pyoxigraph over the graph loaded into the named graph."""
    store = ox.Store()
    name = ox.NamedNode(GRAPH_IRI)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in sorted_triples(graph))
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(str(s[v].value) for v in solutions.variables) for s in solutions]


def remote_rows(endpoint: str, query: str) -> list[tuple[str, ...]]:
    return [(row["s"]["value"], row["label"]["value"]) for row in select_remote(endpoint, query)]


def fetch_graph(url: str) -> Graph:
    with urllib.request.urlopen(
        urllib.request.Request(url, headers={"Accept": "text/turtle"}), timeout=60
    ) as r:
        return Graph().parse(data=r.read(), format="turtle")


def numeric_normalised(graph: Graph) -> Graph:
    """Both stores keep xsd:decimal by value ("0.30" comes back as "0.3"); compare such literals by value."""
    out = Graph()
    for s, p, o in graph:
        node: Node = o
        if isinstance(o, Literal) and o.datatype == XSD_DECIMAL:
            node = Literal(str(Decimal(str(o)).normalize()), datatype=XSD_DECIMAL)
        out.add((s, p, node))
    return out


# --------------------------------------------------------------------------- unit


@pytest.mark.parametrize(
    ("store", "query"),
    [
        ("http://127.0.0.1:7878/store", "http://127.0.0.1:7878/query"),
        ("http://h:8890/sparql-graph-crud-auth", "http://h:8890/sparql"),
        ("http://h:8890/sparql-graph-crud", "http://h:8890/sparql"),
        ("http://h:3030/ds/data", "http://h:3030/ds/query"),
        ("http://h:7200/repositories/kg/rdf-graphs/service", None),
    ],
)
def test_default_query_endpoint(store: str, query: str | None) -> None:
    if query is None:
        with pytest.raises(PublishError, match="--query-endpoint"):
            default_query_endpoint(store)
    else:
        assert default_query_endpoint(store) == query


# --------------------------------------------------------------------------- Oxigraph


def test_publish_to_oxigraph_twice_gives_the_same_graph(oxigraph: OxigraphServer, sample: Graph) -> None:
    first = publish_graph(sample, oxigraph.store_url, GRAPH_IRI)
    assert first.remote_triples == first.triples == len(sample) == 125
    assert first.query_endpoint == oxigraph.query_url
    second = publish_graph(sample, oxigraph.store_url, GRAPH_IRI)
    assert second.remote_triples == len(sample)
    back = fetch_graph(f"{oxigraph.store_url}?{urllib.parse.urlencode({'graph': GRAPH_IRI})}")
    # labels with quotes, newlines, emoji come back exactly; stores keep xsd:decimal by value only
    assert isomorphic(numeric_normalised(back), numeric_normalised(sample))
    query = LABELS % GRAPH_IRI
    assert remote_rows(oxigraph.query_url, query) == local_rows(sample, query)


def test_publish_without_inferred_replaces_the_graph(oxigraph: OxigraphServer, sample: Graph) -> None:
    asserted = select_statements(sample, inferred=False)
    publish_graph(asserted, oxigraph.store_url, GRAPH_IRI)
    assert count_remote_triples(oxigraph.query_url, GRAPH_IRI) == len(asserted) == len(sample) - 7
    publish_graph(sample, oxigraph.store_url, GRAPH_IRI)
    assert count_remote_triples(oxigraph.query_url, GRAPH_IRI) == len(sample)


@pytest.mark.parametrize("chunk_bytes", [CHUNK_BYTES, 50_000], ids=["one-put", "in-parts"])
def test_named_queries_over_the_endpoint_match_the_embedded_engine(
    oxigraph: OxigraphServer, fixture_build: BuildResult, chunk_bytes: int
) -> None:
    graph_iri = "https://example.org/graphs/fixture-build"
    result = publish_graph(fixture_build.graph, oxigraph.store_url, graph_iri, chunk_bytes=chunk_bytes)
    assert result.remote_triples == result.triples
    endpoint = open_endpoint(
        f"{oxigraph.query_url}?{urllib.parse.urlencode({'default-graph-uri': graph_iri})}"
    )
    for name in ("entities_by_category", "article_claims", "assertion_sources"):
        remote = run_query(endpoint, name)
        local = run_query(fixture_build.graph, name)
        assert len(local) > 0, name
        assert sorted(map(str, remote.as_dicts())) == sorted(map(str, local.as_dicts())), name


# --------------------------------------------------------------------------- Virtuoso


@pytest.mark.slow
@pytest.mark.parametrize("chunk_bytes", [CHUNK_BYTES, 2_000], ids=["one-put", "in-parts"])
def test_publish_to_virtuoso_with_digest_auth(
    virtuoso: VirtuosoServer, sample: Graph, chunk_bytes: int
) -> None:
    assert len(chunk_ntriples(to_ntriples(as_dataset(sample)), chunk_bytes)) > (chunk_bytes < 10_000)
    for _ in range(2):  # idempotent: the second PUT replaces, it does not add
        result = publish_graph(
            sample, virtuoso.store_url, GRAPH_IRI, user=virtuoso.writer, password=virtuoso.writer_password,
            chunk_bytes=chunk_bytes,
        )  # fmt: skip
        assert result.remote_triples == len(sample)
        assert result.query_endpoint == virtuoso.query_url
    back = fetch_graph(
        f"{virtuoso.base_url}/sparql-graph-crud?{urllib.parse.urlencode({'graph-uri': GRAPH_IRI})}"
    )
    assert isomorphic(numeric_normalised(back), numeric_normalised(sample))
    query = LABELS % GRAPH_IRI
    assert remote_rows(virtuoso.query_url, query) == local_rows(sample, query)


@pytest.mark.slow
def test_named_queries_over_virtuoso_match_the_embedded_engine(
    virtuoso: VirtuosoServer, fixture_build: BuildResult
) -> None:
    graph_iri = "https://example.org/graphs/fixture-build"
    publish_graph(fixture_build.graph, virtuoso.store_url, graph_iri, user="dba", password=virtuoso.password)
    endpoint = open_endpoint(
        f"{virtuoso.query_url}?{urllib.parse.urlencode({'default-graph-uri': graph_iri})}"
    )
    remote = run_query(endpoint, "entities_by_category")
    local = run_query(fixture_build.graph, "entities_by_category")
    assert len(local) > 0
    assert sorted(map(str, remote.as_dicts())) == sorted(map(str, local.as_dicts()))


@pytest.mark.slow
def test_virtuoso_refuses_wrong_credentials_clearly(virtuoso: VirtuosoServer, sample: Graph) -> None:
    with pytest.raises(PublishError, match=r"refused the credentials \(HTTP 401\)"):
        publish_graph(sample, virtuoso.store_url, GRAPH_IRI, user=virtuoso.writer, password="wrong")


# --------------------------------------------------------------------------- CLI


@pytest.mark.slow
def test_cli_publish_to_virtuoso_twice(virtuoso: VirtuosoServer, run_cli: Any, sample: Graph) -> None:
    graph_iri = "https://example.org/graphs/cli"
    args = ("publish", "--from-rdf", SAMPLE, "--store", virtuoso.store_url, "--graph", graph_iri,
            "--user", virtuoso.writer, "--password-env", "KKG_TEST_PW")  # fmt: skip
    for _ in range(2):
        done = run_cli(*args, env={"KKG_TEST_PW": virtuoso.writer_password})
        assert done.returncode == 0, done.stderr
        assert f"published {len(sample)} triples" in done.stdout
    assert count_remote_triples(virtuoso.query_url, graph_iri) == len(sample)


def _assert_user_error(done: Any, *needles: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    for needle in needles:
        assert needle in done.stderr


@pytest.mark.slow
def test_cli_publish_errors_exit_2(virtuoso: VirtuosoServer, oxigraph: OxigraphServer, run_cli: Any) -> None:
    base = ("publish", "--from-rdf", SAMPLE, "--graph", GRAPH_IRI)
    down = f"http://127.0.0.1:{free_port()}/store"
    _assert_user_error(run_cli(*base, "--store", down), "cannot reach", down.split("/store")[0])
    _assert_user_error(
        run_cli(
            *base,
            "--store",
            virtuoso.store_url,
            "--user",
            virtuoso.writer,
            "--password-env",
            "KKG_PW",
            env={"KKG_PW": "not-the-password"},
        ),
        "refused the credentials",
    )
    _assert_user_error(run_cli(*base, "--store", virtuoso.store_url), "HTTP 401")  # no credentials at all
    _assert_user_error(
        run_cli(
            *base, "--store", f"{oxigraph.base_url}/no-such-endpoint", "--query-endpoint", oxigraph.query_url
        ),
        "HTTP 404",
    )
    _assert_user_error(
        run_cli(*base, "--store", oxigraph.store_url, "--user", "u", "--password-env", "KKG_UNSET_VAR_X"),
        "KKG_UNSET_VAR_X",
    )
    _assert_user_error(
        run_cli(*base[:-1], "not an iri", "--store", oxigraph.store_url), "not an absolute IRI"
    )


_PUBLISH_WITHOUT_RDFLIB = """
import sys
import rdflib.graph
def refuse(*args, **kwargs):
    raise SystemExit("rdflib parser used")
rdflib.graph.Graph.parse = refuse
from ketamine_kg.cli import main
sys.argv = ["ketamine-kg", "publish", "--from-rdf", sys.argv[1], "--store", sys.argv[2], "--graph", sys.argv[3]]
main()
"""


def test_publish_from_rdf_reads_through_pyoxigraph(
    oxigraph: OxigraphServer, real_build: BuildResult, tmp_path: Path
) -> None:
    """``publish --from-rdf`` never parses with rdflib (issue 17 item 4: it used to canonicalise for minutes)."""
    import subprocess
    import sys

    from ketamine_kg.graph_build.export_ntriples import to_ntriples
    from ketamine_kg.graph_build.serialize import to_turtle

    ttl = tmp_path / "ketamine-kg.ttl"
    ttl.write_bytes(to_turtle(real_build.graph))
    graph_iri = GRAPH_IRI + "/from-rdf"
    done = subprocess.run(
        [sys.executable, "-c", _PUBLISH_WITHOUT_RDFLIB, str(ttl), oxigraph.store_url, graph_iri],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    expected = to_ntriples(real_build.graph).count(b"\n")
    assert count_remote_triples(oxigraph.query_url, graph_iri) == expected == len(real_build.graph)


def test_a_large_graph_reaches_virtuoso_with_digest_auth(virtuoso: VirtuosoServer) -> None:
    """Regression: a body over a few MB was reset by Virtuoso while urllib sent it unauthenticated first
    (its 401 closes the connection mid-upload); the challenge is now fetched before the upload."""
    import pyoxigraph as ox

    ex = "https://example.org/large/"
    dataset = ox.Dataset(
        ox.Quad(
            ox.NamedNode(f"{ex}s{i}"), ox.NamedNode(f"{ex}p{i % 7}"), ox.Literal(f"value {i} " + "x" * 60)
        )
        for i in range(80_000)
    )  # about 10 MB of N-Triples
    result = publish_graph(
        dataset, virtuoso.store_url, f"{ex}graph", user=virtuoso.writer, password=virtuoso.writer_password,
        timeout=300,
    )  # fmt: skip
    assert result.triples == result.remote_triples == 80_000
    with pytest.raises(PublishError, match="refused the credentials"):
        publish_graph(dataset, virtuoso.store_url, f"{ex}graph", user=virtuoso.writer, password="wrong")


def test_parts_keep_every_blank_node_whole() -> None:
    body = (
        b"<http://x/a> <http://x/p> _:b1 .\n"
        b'<http://x/b> <http://x/p> "not _:b9" .\n'
        b"_:b1 <http://x/q> _:b2 .\n"
        b"<http://x/c> <http://x/p> <http://x/d> .\n"
        b'_:b2 <http://x/r> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        b"<http://x/e> <http://x/p> <http://x/f> .\n"
    )
    parts = chunk_ntriples(body, 100)
    assert sorted(line for part in parts for line in part.splitlines()) == sorted(body.splitlines())
    with_blank = [part for part in parts if b"_:b1" in part or b"_:b2 " in part]
    assert len(with_blank) == 1 and with_blank[0].count(b"\n") == 3  # _:b1 and _:b2 travel together
    assert len(parts) >= 3 and all(len(p) <= 100 or p is with_blank[0] for p in parts)
    assert chunk_ntriples(b"", 100) == [b""]
