"""``export --from-rdf`` / ``publish --from-rdf`` on the build's Turtle: the pyoxigraph path against the
rdflib route it replaced (parse with rdflib, canonicalise blank nodes with ``rdflib.compare``, then
serialise), both measured in the same run on the same file.

Run: ``python benchmarks/bench_export_from_rdf.py [--runs 3] [--baseline-runs 1] [--ttl FILE]``.
Without ``--ttl`` the packaged tables are built (with HermiT) once and their Turtle is used.
This is a script, not a test: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ketamine_kg.graph_build.export import to_bytes
from ketamine_kg.graph_build.rdf_files import load_rdf_files
from ketamine_kg.graph_build.serialize import to_turtle
from ketamine_kg.graph_build.statements import load_dataset
from ketamine_kg.pipeline import build_knowledge_graph

FORMATS = ("nt", "json-ld", "xml", "nquads", "turtle")


def seconds(func: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def baseline(ttl: Path) -> None:
    """The replaced route: rdflib graph, rdflib canonical blank-node labels, rdflib N-Triples."""
    from rdflib.compare import to_canonical_graph

    to_canonical_graph(load_rdf_files([ttl])).serialize(format="nt", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=1, help="the rdflib route takes minutes")
    parser.add_argument("--ttl", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ttl = args.ttl
        if ttl is None:
            ttl = Path(tmp) / "ketamine-kg.ttl"
            ttl.write_bytes(to_turtle(build_knowledge_graph().graph))
        triples = sum(1 for _ in load_dataset([ttl]))
        print(
            f"input: {ttl.name}, {triples} statements; median of {args.runs} runs (baseline {args.baseline_runs})"
        )
        old = seconds(lambda: baseline(ttl), args.baseline_runs)
        print(f"{'step':40} {'seconds':>9} {'rdflib route / this':>20}")
        print(f"{'rdflib route (parse, canonicalise, nt)':40} {old:9.2f} {'1.0':>20}")
        for fmt in FORMATS:

            def step(fmt: str = fmt, path: Path = ttl) -> object:
                return to_bytes(load_dataset([path]), fmt)

            new = seconds(step, args.runs)
            print(f"{'pyoxigraph read + ' + fmt + ' write':40} {new:9.2f} {old / new:20.1f}")


if __name__ == "__main__":
    main()
