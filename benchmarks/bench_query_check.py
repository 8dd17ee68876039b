"""Cost of checking and answering queries: named-query answers in a build, and one ad-hoc CLI query.

Run: ``python benchmarks/bench_query_check.py [--runs 7] [--ttl FILE]``. Prints (1) the time to answer
every parameterless named query on the real graph (a fresh engine each run, the query-check cache
cleared, as in one ``ketamine-kg build``) and the part spent checking queries; (2) the whole-process
time of ``ketamine-kg query --data FILE --sparql Q`` against a bare pyoxigraph script that loads the
same file and runs the same query (the baseline, measured in the same run), and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERY = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s LIMIT 20"
)
BARE = """
import sys
from pathlib import Path
import pyoxigraph as ox
path = Path(sys.argv[1])
store = ox.Store()
store.bulk_load(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
for solution in store.query(sys.argv[2]):
    print("\\t".join(str(term) for term in solution))
"""


def median_seconds(command: list[str], runs: int) -> float:
    """Median wall time of running ``command`` ``runs`` times (after one warm-up run)."""
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def named_answers(runs: int) -> None:
    """Median time to answer all parameterless named queries, and the share spent checking them."""
    from ketamine_kg.pipeline import build_knowledge_graph
    from ketamine_kg.queries import load_catalogue, open_engine, prepare_query, render_query_answers, safety

    build = build_knowledge_graph()
    texts = [q.text for q in load_catalogue().values() if q.runnable_without_input]
    totals, checks = [], []
    for _ in range(runs):
        cache = getattr(safety, "_prepare", None)
        if cache is not None:
            cache.cache_clear()
        engine = open_engine(build)
        start = time.perf_counter()
        render_query_answers(engine)
        totals.append(time.perf_counter() - start)
        if cache is not None:
            cache.cache_clear()
        start = time.perf_counter()
        for text in texts:
            prepare_query(text)
        checks.append(time.perf_counter() - start)
    print(
        f"named answers: {len(texts)} parameterless queries on {len(build.graph)} triples: "
        f"{statistics.median(totals):.3f} s (median of {runs}); checking them: {statistics.median(checks) * 1000:.1f} ms"
    )


def whole_process(ttl: Path, runs: int) -> None:
    """The CLI against a bare pyoxigraph script on the same file and query."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bare.py"
        script.write_text(BARE, encoding="utf-8")
        bare = median_seconds([sys.executable, str(script), str(ttl), QUERY], runs)
    cli = median_seconds(
        [sys.executable, "-m", "ketamine_kg", "query", "--data", str(ttl), "--sparql", QUERY], runs
    )
    help_only = median_seconds([sys.executable, "-m", "ketamine_kg", "--help"], runs)
    print(
        f"whole process: bare pyoxigraph {bare:.3f} s; ketamine-kg query {cli:.3f} s; ratio {cli / bare:.2f} "
        f"(target <= 1.30); ketamine-kg --help alone {help_only:.3f} s ({help_only / bare:.2f} x bare)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ttl", type=Path, default=None, help="a Turtle file (default: build one)")
    args = parser.parse_args()
    named_answers(args.runs)
    if args.ttl is None:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [sys.executable, "-m", "ketamine_kg", "build", "--out", tmp], check=True, capture_output=True
            )
            whole_process(Path(tmp) / "ketamine-kg.ttl", args.runs)
    else:
        whole_process(args.ttl, args.runs)


if __name__ == "__main__":
    main()
