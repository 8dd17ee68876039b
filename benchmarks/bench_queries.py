"""Median latency of every named query on the built graph, Oxigraph vs rdflib (baseline measured in the same run).

Run: ``python benchmarks/bench_queries.py [--runs 5] [--source DIR]``. Parameters use their defaults
(``search`` uses text=ketamine). Times include parsing, safety checks, parameter resolution and labels.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from ketamine_kg.pipeline import build_knowledge_graph
from ketamine_kg.queries import load_catalogue, open_engine, run_query, run_sparql

PARAMS = {"search": {"text": "ketamine"}}


def median_ms(func: object, runs: int) -> float:
    """Median wall time of ``runs`` calls, in milliseconds (after one warm-up call)."""
    assert callable(func)
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--source", type=Path, default=None)
    args = parser.parse_args()
    build = build_knowledge_graph(args.source)
    print(f"graph: {len(build.graph)} triples; {args.runs} runs per query (median, ms)")
    engines = {name: open_engine(build, name) for name in ("oxigraph", "rdflib")}
    print(f"{'query':34} {'oxigraph':>9} {'rdflib':>9} {'ratio':>7}")
    ratios = []
    for name in load_catalogue():
        params = PARAMS.get(name, {})
        ox = median_ms(lambda e=engines["oxigraph"], n=name, p=params: run_query(e, n, **p), args.runs)
        rl = median_ms(lambda e=engines["rdflib"], n=name, p=params: run_query(e, n, **p), args.runs)
        ratios.append(rl / ox)
        print(f"{name:34} {ox:9.2f} {rl:9.2f} {rl / ox:7.1f}")
    print(f"geometric-mean ratio rdflib/oxigraph: {statistics.geometric_mean(ratios):.1f}")
    ask = "ASK { ?s ?p ?o }"
    direct = median_ms(lambda: engines["oxigraph"].store.query(ask), args.runs * 20)  # type: ignore[attr-defined]
    wrapped = median_ms(lambda: run_sparql(engines["oxigraph"], ask, timeout=None), args.runs * 20)
    guarded = median_ms(lambda: run_sparql(engines["oxigraph"], ask, timeout=30), args.runs * 20)
    print(
        f"overhead on a trivial ASK: raw pyoxigraph {direct:.3f} ms; run_sparql without timeout {wrapped:.3f} ms;"
        f" with the timeout thread {guarded:.3f} ms (thread cost {guarded - wrapped:.3f} ms)"
    )


if __name__ == "__main__":
    main()
