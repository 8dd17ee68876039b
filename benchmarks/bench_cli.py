"""Whole-process ``ketamine-kg query``: cold (builds and reasons, then caches) against warm (cached graph).

Run: ``python benchmarks/bench_cli.py [--runs 5] [--query drug_targets]``. Every figure is the median
wall time of a new ``python -m ketamine_kg`` process, measured in this run: the cold path with an
empty cache directory each time, the warm path with the cache the cold runs left, ``--data`` on the
Turtle that ``build`` writes (the old way to skip the build), and ``--help`` as the floor of starting
the interpreter and the CLI.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_seconds(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the process and its children) of one CLI run that must succeed.

    The CPU time is what the run costs on an idle machine; on a shared one the wall time also counts waiting.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ketamine_kg", *args], check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median(times: list[tuple[float, float]]) -> str:
    wall = statistics.median(t[0] for t in times)
    cpu = statistics.median(t[1] for t in times)
    return f"{wall:6.2f} wall {cpu:6.2f} cpu"


def ratio(slow: list[tuple[float, float]], fast: list[tuple[float, float]]) -> str:
    wall = statistics.median(t[0] for t in slow) / statistics.median(t[0] for t in fast)
    cpu = statistics.median(t[1] for t in slow) / statistics.median(t[1] for t in fast)
    return f"{wall:.1f}x wall, {cpu:.1f}x cpu"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", default="drug_targets")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kkg-bench-cli-") as scratch:
        root = Path(scratch)
        env = {**os.environ, "XDG_CACHE_HOME": str(root / "cache"), "COLUMNS": "100"}
        query = ["query", args.query]
        cold = []
        for _ in range(args.runs):
            shutil.rmtree(root / "cache", ignore_errors=True)
            cold.append(run_seconds(query, env))
        warm = [run_seconds(query, env) for _ in range(args.runs)]
        run_seconds(["build", "--out", str(root / "out")], {**env, "KETAMINE_KG_NO_CACHE": "1"})
        data = [
            run_seconds([*query, "--data", str(root / "out" / "ketamine-kg.ttl")], env)
            for _ in range(args.runs)
        ]
        floor = [run_seconds(["--help"], env) for _ in range(args.runs)]
    print(f"whole-process `ketamine-kg query {args.query}`, median of {args.runs} runs (seconds)")
    print(f"  cold: build + HermiT, then cache  {median(cold)}")
    print(f"  warm: cached graph                {median(warm)}   (cold/warm: {ratio(cold, warm)})")
    print(f"  --data out/ketamine-kg.ttl        {median(data)}   (data/warm: {ratio(data, warm)})")
    print(f"  floor: ketamine-kg --help         {median(floor)}")


if __name__ == "__main__":
    main()
