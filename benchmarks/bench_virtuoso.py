"""Beyond one machine: ``publish`` to Virtuoso and ``query --endpoint`` against it, on a scale graph.

Starts a throw-away Virtuoso 7 (Debian ``virtuoso-opensource-7``; 127.0.0.1 only, its own database under a
temporary directory, stopped by PID), then measures in the same run:

- ``publish_graph`` (the ``publish`` command's library call: N-Triples PUT through the Graph Store
  protocol, then a count query) against Virtuoso's own bulk loader (``ld_dir`` + ``rdf_loader_run``) of
  the same file into another graph;
- ``ketamine-kg query --endpoint`` against a bare HTTP GET of the same query, and against
  ``ketamine-kg query --data`` (the embedded engine) on the same file.

Not part of CI. Run: ``python benchmarks/bench_virtuoso.py --size 100k`` (scale.py sizes: 10k ... 10m).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from virtuoso_server import virtuoso_available, virtuoso_server  # noqa: E402

GRAPH = "https://example.org/bench/published"
BULK_GRAPH = "https://example.org/bench/bulk"
QUERY = (
    "PREFIX kkg: <https://w3id.org/ketamine-kg/schema#> "
    "SELECT ?level (COUNT(?ax) AS ?n) WHERE { GRAPH <" + GRAPH + "> { ?ax kkg:evidenceLevel ?level } } "
    "GROUP BY ?level ORDER BY ?level"
)
LOOKUP = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?s WHERE { GRAPH <" + GRAPH + '> { ?s rdfs:label "drug 000001" } }'
)


def timed(cmd: list[str], reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_get(endpoint: str, text: str, reps: int) -> float:
    url = endpoint + "?" + urllib.parse.urlencode({"query": text})
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        request = urllib.request.Request(url, headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", help="scale graph size (10k, 100k, 1m, 10m)")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    if not virtuoso_available():
        raise SystemExit("Virtuoso is not installed (apt-get install virtuoso-opensource-7)")
    data = ROOT / "benchmarks" / "data" / f"scale-{args.size}-s7.nt"
    if not data.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--size", args.size, "--format", "nt"],
            check=True,
            cwd=ROOT,
        )
    from ketamine_kg.graph_build.publish import publish_graph
    from ketamine_kg.graph_build.rdf_files import load_dataset

    cli = str(Path(sys.executable).with_name("ketamine-kg"))
    with tempfile.TemporaryDirectory() as tmp, virtuoso_server(Path(tmp) / "virt") as server:
        shutil.copy(data, Path(tmp) / "virt" / "load" / data.name)
        start = time.perf_counter()
        graph = load_dataset([data])  # what `publish --data` reads (pyoxigraph, never rdflib)
        read = time.perf_counter() - start
        start = time.perf_counter()
        result = publish_graph(
            graph, server.store_url, GRAPH, user=server.writer, password=server.writer_password,
            query_endpoint=server.query_url, timeout=3600,
        )  # fmt: skip
        publish = time.perf_counter() - start
        print(f"{args.size}: {len(graph):,} triples ({data.stat().st_size / 1e6:.0f} MB N-Triples)")
        print(f"  read into a dataset (publish's input)   {read:8.2f} s")
        print(f"  publish_graph (PUT/POST parts + count)  {publish:8.2f} s  ({result})", flush=True)
        del graph
        start = time.perf_counter()
        server.isql(
            f"ld_dir('{Path(tmp) / 'virt' / 'load'}', '{data.name}', '{BULK_GRAPH}'); rdf_loader_run(); checkpoint;",
            timeout=3600,
        )
        bulk = time.perf_counter() - start
        print(
            f"  Virtuoso bulk loader, same file         {bulk:8.2f} s  ratio publish/bulk {publish / bulk:.2f}x"
        )
        for name, text in (("aggregation over all axioms", QUERY), ("lookup by label", LOOKUP)):
            remote = timed(
                [cli, "query", "--endpoint", server.query_url, "--sparql", text, "--format", "csv"], args.reps
            )
            bare = bare_get(server.query_url, text, args.reps)
            local = timed(
                [
                    cli,
                    "query",
                    "--data",
                    str(data),
                    "--sparql",
                    text.replace(f"GRAPH <{GRAPH}>", ""),
                    "--format",
                    "csv",
                ],
                1,
            )
            print(
                f"  {name:<30} query --endpoint {remote:6.2f} s | bare GET {bare:6.2f} s "
                f"({remote / bare:.1f}x) | query --data (load + query) {local:6.2f} s"
            )  # fmt: skip


if __name__ == "__main__":
    main()
