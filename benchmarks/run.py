"""Benchmark suite: the toolkit against bare pyoxigraph and rdflib at 10k, 100k and 1M triples.

Every figure is the median of several runs and every ratio is taken against a reference measured in
the same run (and, for in-process steps, in the same worker process with the runs interleaved by
step). Each engine runs in its own worker subprocess; the peak resident memory of each step is read
from ``VmHWM`` after resetting it (``/proc/self/clear_refs``), so Rust-side memory is counted too.
Whole-process steps (CLI) report ``ru_maxrss`` of the child.

    python benchmarks/run.py --quick                  # 10k only, 3 runs: a smoke run
    python benchmarks/run.py --write-results          # 10k, 100k, 1M; writes benchmarks/RESULTS.md

This is a script, not a test: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
DRUG = "https://w3id.org/ketamine-kg/id/drug_000007"
CONDITION_ROOT = "https://w3id.org/ketamine-kg/id/condition_000000"

_PROLOGUE = """PREFIX kkg: <https://w3id.org/ketamine-kg/schema#>
PREFIX kg: <https://w3id.org/ketamine-kg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
#: One query per shape of the named-query library; the same text goes to every engine.
QUERIES: dict[str, str] = {
    "lookup_by_label": _PROLOGUE
    + """SELECT ?entity ?type WHERE { ?entity rdfs:label "drug 000007" ; a ?type } ORDER BY ?type""",
    "mechanism_2hop": _PROLOGUE
    + """SELECT ?target ?targetLabel ?effect ?pathway ?pathwayLabel ?evidence WHERE {
  VALUES ?p1 { kkg:isAntagonistOf kkg:isInhibitorOf kkg:molecularlyInteractsWith }
  VALUES ?effect { kkg:causallyUpstreamOfPositiveEffect kkg:causallyUpstreamOfNegativeEffect kkg:positivelyRegulates }
  kg:drug_000007 ?p1 ?target . ?target ?effect ?pathway .
  ?ax owl:annotatedSource kg:drug_000007 ; owl:annotatedProperty ?p1 ; owl:annotatedTarget ?target ; kkg:evidenceLevel ?evidence .
  ?target rdfs:label ?targetLabel . ?pathway rdfs:label ?pathwayLabel .
} ORDER BY ?targetLabel ?pathwayLabel ?effect""",
    "aggregation": _PROLOGUE
    + """SELECT ?property ?evidence (COUNT(?ax) AS ?n) WHERE {
  ?ax owl:annotatedProperty ?property ; kkg:evidenceLevel ?evidence .
} GROUP BY ?property ?evidence ORDER BY ?property ?evidence""",
    "optional_filter": _PROLOGUE
    + """SELECT ?drug ?condition ?status ?date WHERE {
  ?ax owl:annotatedProperty kkg:treats ; owl:annotatedSource ?drug ; owl:annotatedTarget ?condition ;
      kkg:approvalStatus ?status .
  OPTIONAL { ?ax dcterms:date ?date }
  FILTER NOT EXISTS { ?ax kkg:inferred true }
  FILTER(?status IN ("fda_approved_for_condition", "approved_for_condition") && (!BOUND(?date) || ?date >= "2012-01-01"^^xsd:date))
} ORDER BY ?drug ?condition""",
    "property_path": _PROLOGUE
    + """SELECT ?descendant ?label WHERE {
  ?descendant kkg:isSubtypeOf* kg:condition_000000 ; rdfs:label ?label .
} ORDER BY ?label""",
}
CLI_QUERY = "lookup_by_label"

HERMIT_FLOOR = """
import os, tempfile
import rdflib, pyoxigraph, owlready2
owlready2.JAVA_EXE = os.environ.get("KETAMINE_KG_JAVA", "java")
world = owlready2.World()
onto = world.get_ontology("http://example.org/floor.owl")
with onto:
    class A(owlready2.Thing): pass
    class B(A): pass
    B("b")
owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
"""
BARE_QUERY = """
import sys
import pyoxigraph as ox
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.TURTLE)
sys.stdout.buffer.write(store.query(sys.argv[2]).serialize(format=ox.QueryResultsFormat.CSV))
"""

#: The entity `render --data --focus` centres on in the scale graphs (scale.py labels drugs "drug NNNNNN").
VIEW_FOCUS = "drug 000001"

# --------------------------------------------------------------------------- measurement helpers


def _hwm_kb() -> int:
    """Peak resident set size of this process since the last reset (kB)."""
    match = re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(match.group(1)) if match else 0


def _reset_hwm() -> None:
    """Reset VmHWM to the current RSS so the next reading is the peak of one step."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _rss_kb() -> int:
    match = re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(match.group(1)) if match else 0


def measure(fn: Callable[[], Any], reps: int) -> tuple[dict[str, Any], Any]:
    """Run ``fn`` ``reps`` times; times, peak RSS of the step, and the last result."""
    times: list[float] = []
    result: Any = None
    _reset_hwm()
    for _ in range(reps):
        result = None  # drop the previous store/graph before building the next one
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return {"times": times, "peak_kb": _hwm_kb()}, result


@dataclass
class Variant:
    """One contestant of an interleaved measurement: its callable, how many runs, its figures."""

    fn: Callable[[], Any]
    reps: int
    times: list[float] = field(default_factory=list)
    extra_kb: int = 0  # largest (peak during a call - resident before it)
    result: Any = None
    digest: bool = False  # keep the sha256 of every result (outside the timed region)
    digests: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        return {"times": self.times, "peak_kb": self.extra_kb}


def interleave(variants: dict[str, Variant]) -> dict[str, Variant]:
    """Round-robin the variants (A, B, C, A, B, C, ...) so machine-load drift hits them alike."""
    for round_no in range(max(v.reps for v in variants.values())):
        for variant in variants.values():
            if round_no >= variant.reps:
                continue
            variant.result = None  # drop the previous store/graph before building the next one
            gc.collect()
            before = _rss_kb()
            _reset_hwm()
            start = time.perf_counter()
            variant.result = variant.fn()
            variant.times.append(time.perf_counter() - start)
            variant.extra_kb = max(variant.extra_kb, _hwm_kb() - before)
            if variant.digest:
                variant.digests.append(hashlib.sha256(variant.result).hexdigest())
    return variants


# --------------------------------------------------------------------------- worker (subprocess) side


def _bare_rows(store: Any, text: str) -> list[tuple[Any, ...]]:
    return [tuple(solution) for solution in store.query(text)]


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    """All engines on one file in one process, interleaved: load, query shapes, export."""
    path, reps, heavy = Path(spec["path"]), int(spec["reps"]), int(spec["heavy_reps"])
    if spec["engine"] == "view":
        return _view_worker(path, reps, heavy, {"engine": "view"})
    import pyoxigraph as ox
    import rdflib

    from ketamine_kg.graph_build.rdf_files import load_store
    from ketamine_kg.graph_build.serialize import to_turtle_store
    from ketamine_kg.queries import open_engine, run_sparql
    from ketamine_kg.vocab import PREFIXES

    def bulk_load() -> Any:
        store = ox.Store()
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
        return store

    out: dict[str, Any] = {"engine": "all", "load": {}, "queries": {}, "export": {}}
    loads = interleave(
        {
            "oxigraph": Variant(bulk_load, reps),
            "project": Variant(lambda: load_store([path]), reps),
            "project_query_path": Variant(lambda: open_engine(load_store([path])), reps),
            "rdflib": Variant(lambda: rdflib.Graph().parse(path, format="turtle"), heavy),
        }
    )
    out["load"] = {name: v.figures() for name, v in loads.items()}
    bare, runner, graph = loads["oxigraph"].result, loads["project_query_path"].result, loads["rdflib"].result
    loads["project"].result = None
    gc.collect()
    out["triples"] = len(bare)
    out["resident_mb"] = _rss_kb() / 1024
    for name, text in QUERIES.items():
        runs = interleave(
            {
                "oxigraph": Variant(lambda text=text: _bare_rows(bare, text), reps),  # type: ignore[misc]
                "project": Variant(lambda text=text: run_sparql(runner, text).rows, reps),  # type: ignore[misc]
                "project_no_deadline": Variant(
                    lambda text=text: run_sparql(runner, text, timeout=None).rows,  # type: ignore[misc]
                    reps,
                ),
                "rdflib": Variant(lambda text=text: [tuple(r) for r in graph.query(text)], heavy),  # type: ignore[misc]
            }
        )
        out["queries"][name] = {k: {**v.figures(), "rows": len(v.result)} for k, v in runs.items()}
        assert len({len(v.result) for v in runs.values()}) == 1, f"engines disagree on {name}"

    def dump() -> bytes:
        data = bare.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
        assert isinstance(data, bytes)
        return data

    exports = interleave(
        {
            "oxigraph": Variant(dump, reps),
            "project": Variant(lambda: to_turtle_store(runner.store), reps, digest=True),
            "rdflib": Variant(lambda: graph.serialize(format="turtle").encode("utf-8"), heavy),
        }
    )
    out["export"] = {k: {**v.figures(), "bytes": len(v.result)} for k, v in exports.items()}
    digests = set(exports["project"].digests)
    for variant in exports.values():
        variant.result = None
    runner = bare = graph = None
    gc.collect()
    digests.add(hashlib.sha256(to_turtle_store(load_store([path]))).hexdigest())  # an independent load
    out["export"]["project"]["sha256"] = sorted(digests)
    return out


def _view_worker(path: Path, reps: int, heavy_reps: int, out: dict[str, Any]) -> dict[str, Any]:
    """The explorer path of ``render --data FILE --focus``: rdflib graph, projection, 5,000-node view, HTML."""
    import networkx as nx

    from ketamine_kg.graph_build.projection import to_network
    from ketamine_kg.graph_build.rdf_files import load_rdf_files
    from ketamine_kg.visualize import render_html

    heavy = max(1, min(reps, heavy_reps))
    import pyoxigraph as ox

    from ketamine_kg.graph_build.store_graph import load_for_view
    from ketamine_kg.visualize import focus as focus_view

    def engine_load() -> Any:
        store = ox.Store()
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
        return store

    def store_focus() -> Any:  # what `render --data FILE --focus X` does before drawing
        return focus_view(to_network(load_for_view([path], VIEW_FOCUS, 1)), VIEW_FOCUS, 1)

    runs = max(heavy, min(reps, 3))  # no rdflib here: a few runs each steady the ratio at 1M
    paths = interleave({"engine": Variant(engine_load, runs), "store": Variant(store_focus, runs)})
    out["engine_load"], out["store_focus"] = paths["engine"].figures(), paths["store"].figures()
    out["store_view"] = [paths["store"].result.number_of_nodes(), paths["store"].result.number_of_edges()]
    paths.clear()
    out["read"], graph = measure(lambda: load_rdf_files([path]), heavy)
    out["triples"] = len(graph)
    out["iterate_floor"], _ = measure(lambda: sum(1 for _ in graph), heavy)
    out["projection"], network = measure(lambda: to_network(graph), heavy)
    out["network"] = [network.number_of_nodes(), network.number_of_edges()]

    def focused() -> Any:
        centre = min(network.nodes, key=lambda n: (-network.degree(n), n))
        order = list(nx.bfs_tree(network.to_undirected(as_view=True), centre).nodes)[:5000]
        return network.subgraph(sorted(order)).copy()

    out["focus"], view = measure(focused, reps)
    out["view"] = [view.number_of_nodes(), view.number_of_edges()]
    out["html"], page = measure(lambda: render_html(view, title="benchmark view"), reps)
    out["html"]["bytes"] = len(page.encode("utf-8"))

    def floor() -> str:
        nodes = [{"id": n, **d} for n, d in view.nodes(data=True)]
        edges = [{"from": u, "to": v, "key": k, **d} for u, v, k, d in view.edges(keys=True, data=True)]
        return json.dumps({"nodes": nodes, "edges": edges}, sort_keys=True, default=str)

    out["html_floor"], _ = measure(floor, reps)
    return out


# --------------------------------------------------------------------------- parent side


@dataclass
class Row:
    """One printed line: a measured step, its reference, and the verdict."""

    scale: str
    step: str
    variant: str
    median: float
    runs: int
    reference: str = ""
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None
    peak_mb: float | None = None
    note: str = ""


@dataclass
class Report:
    """Everything measured in one run, printed as it comes and written to RESULTS.md at the end."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        ratio = f"{row.ratio:8.2f}x" if row.ratio is not None else " " * 9
        verdict = {True: "ok", False: "MISSED", None: ""}[row.ok]
        peak = f"{row.peak_mb:8.0f} MB" if row.peak_mb is not None else " " * 11
        print(
            f"{row.scale:>5} {row.step:<22} {row.variant:<34} {row.median:10.4f} s x{row.runs:<2} {ratio} "
            f"{row.target:<10} {verdict:<6} {peak} {row.note}",
            flush=True,
        )


def _median(figures: dict[str, Any]) -> float:
    return float(statistics.median(figures["times"]))


def _mb(figures: dict[str, Any]) -> float:
    return float(figures["peak_kb"]) / 1024


def run_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one worker subprocess and return its JSON answer."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise SystemExit(f"worker {spec} failed:\n{proc.stderr[-3000:]}")
    answer: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return answer


def run_process(cmd: Sequence[str], reps: int, env: dict[str, str] | None = None) -> tuple[list[float], int]:
    """Wall times of ``reps`` runs of ``cmd`` and the largest ru_maxrss (kB); stdout is discarded."""
    times: list[float] = []
    peak = 0
    for _ in range(reps):
        with tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
            times.append(time.perf_counter() - start)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                err.seek(0)
                raise SystemExit(
                    f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read().decode()[-3000:]}"
                )
            peak = max(peak, usage.ru_maxrss)
    return times, peak


def _ratio_row(
    report: Report,
    scale: str,
    step: str,
    variant: str,
    figures: dict[str, Any],
    ref_name: str,
    ref: float | None,
    target: float | None = None,
    note: str = "",
    at_least: bool = False,
) -> None:
    """Add a row with ratio = median / reference; the target is a ceiling, or a floor when ``at_least``."""
    med = _median(figures)
    ratio = None if ref is None or ref == 0 else med / ref
    ok = None
    if target is not None and ratio is not None:
        ok = ratio >= target if at_least else ratio <= target
    label = "" if target is None else (f">= {target:g}x" if at_least else f"<= {target:g}x")
    report.add(
        Row(scale, step, variant, med, len(figures["times"]), ref_name, ratio, label, ok, _mb(figures), note)
    )


def _pair(
    cmd: Sequence[str], reference: Sequence[str], reps: int
) -> tuple[tuple[list[float], int], tuple[list[float], int]]:
    """``cmd`` and its reference, run alternately ``reps`` times each."""
    ours: tuple[list[float], int] = ([], 0)
    theirs: tuple[list[float], int] = ([], 0)
    for _ in range(reps):
        t, peak = run_process(reference, 1)
        theirs = (theirs[0] + t, max(theirs[1], peak))
        t, peak = run_process(cmd, 1)
        ours = (ours[0] + t, max(ours[1], peak))
    return ours, theirs


def _process_rows(
    report: Report,
    scale: str,
    step: str,
    names: tuple[str, str],
    pair: tuple[tuple[list[float], int], tuple[list[float], int]],
    target: float,
) -> None:
    (ours, our_peak), (theirs, their_peak) = pair
    ref = float(statistics.median(theirs))
    med = float(statistics.median(ours))
    report.add(Row(scale, step, names[1], ref, len(theirs), "", 1.0, "", None, their_peak / 1024))
    report.add(
        Row(
            scale,
            step,
            names[0],
            med,
            len(ours),
            names[1],
            med / ref,
            f"<= {target:g}x",
            med / ref <= target,
            our_peak / 1024,
        )
    )


def bench_scale(report: Report, size: str, reps: int, heavy_reps: int, is_big: bool) -> None:
    """All in-process steps at one scale (one interleaved worker), the explorer path and ``query --data``."""
    sys.path.insert(0, str(HERE))
    import scale as scale_mod

    start = time.perf_counter()
    path = scale_mod.write_scale(size)
    print(
        f"\n== {size}: {path.name} ({path.stat().st_size / 1e6:.1f} MB, ready in {time.perf_counter() - start:.1f} s)"
    )
    res = run_worker({"engine": "all", "path": str(path), "reps": reps, "heavy_reps": heavy_reps})
    capped = f"rdflib capped at {heavy_reps} run(s)" if heavy_reps < reps else ""
    report.notes.append(
        f"{size}: {res['triples']:,} triples ({path.name}, {path.stat().st_size / 1e6:.1f} MB); the worker held "
        f"{res['resident_mb']:.0f} MB resident with all three engines loaded"
    )

    load = res["load"]
    ref_name = "pyoxigraph Store.bulk_load"
    ref = _median(load["oxigraph"])
    _ratio_row(report, size, "load", ref_name, load["oxigraph"], ref_name, ref)
    _ratio_row(report, size, "load", "project load_store", load["project"], ref_name, ref, 1.3)
    _ratio_row(
        report,
        size,
        "load",
        "project open_engine(load_store)",
        load["project_query_path"],
        ref_name,
        ref,
        1.3,
    )
    _ratio_row(report, size, "load", "rdflib Graph.parse", load["rdflib"], ref_name, ref, note=capped)

    for name, runs in res["queries"].items():
        qref = _median(runs["oxigraph"])
        step = f"query {name}"
        _ratio_row(
            report,
            size,
            step,
            "pyoxigraph Store.query",
            runs["oxigraph"],
            "bare",
            qref,
            note=f"{runs['oxigraph']['rows']} rows",
        )
        _ratio_row(report, size, step, "project run_sparql", runs["project"], "bare", qref, 1.5)
        _ratio_row(
            report,
            size,
            step,
            "project run_sparql(timeout=None)",
            runs["project_no_deadline"],
            "bare",
            qref,
            1.5,
            note="no deadline thread",
        )
        pmed = _median(runs["project"])
        _ratio_row(
            report,
            size,
            step,
            "rdflib Graph.query (ratio: rdflib/project)",
            runs["rdflib"],
            "project",
            pmed,
            20 if is_big else None,
            note=capped,
            at_least=True,
        )

    exp = res["export"]
    ename = "pyoxigraph Store.dump(turtle)"
    eref = _median(exp["oxigraph"])
    _ratio_row(
        report,
        size,
        "export turtle",
        ename,
        exp["oxigraph"],
        ename,
        eref,
        note=f"{exp['oxigraph']['bytes'] / 1e6:.1f} MB, store order",
    )
    stable = len(exp["project"]["sha256"]) == 1
    _ratio_row(
        report,
        size,
        "export turtle",
        "project to_turtle_store",
        exp["project"],
        ename,
        eref,
        2.0,
        note=f"{exp['project']['bytes'] / 1e6:.1f} MB, sorted, {'byte-identical over runs and loads' if stable else 'NOT byte-identical'}",
    )
    _ratio_row(
        report,
        size,
        "export turtle",
        "rdflib Graph.serialize(turtle)",
        exp["rdflib"],
        ename,
        eref,
        note=capped,
    )
    report.notes.append(
        f"{size}: deterministic export sha256 {exp['project']['sha256'][0][:16]}… "
        f"({'identical' if stable else 'DIFFERENT'} over {reps} runs and an independent load)"
    )

    view = run_worker({"engine": "view", "path": str(path), "reps": reps, "heavy_reps": heavy_reps})
    vn, ve = view["view"]
    nn, ne = view["network"]
    vcap = f"capped at {heavy_reps} run(s)" if heavy_reps < reps else ""
    sn, se = view["store_view"]
    _ratio_row(
        report,
        size,
        "view: render --data --focus",
        "project store load + neighbourhood + projection",
        view["store_focus"],
        "engine's own load (Store.bulk_load)",
        _median(view["engine_load"]),
        1.5,
        note=f"focus '{VIEW_FOCUS}' depth 1: {sn} nodes, {se} edges; engine load peak "
        f"{view['engine_load']['peak_kb'] / 1024:.0f} MB",
    )
    _ratio_row(report, size, "view: read rdflib", "project load_rdf_files", view["read"], "", None, note=vcap)
    _ratio_row(
        report,
        size,
        "view: projection",
        "project to_network (whole graph)",
        view["projection"],
        "one pass over the rdflib graph",
        _median(view["iterate_floor"]),
        note=f"{nn} nodes, {ne} edges {vcap}",
    )
    _ratio_row(
        report,
        size,
        "view: focus",
        "BFS 5,000 nodes + subgraph copy",
        view["focus"],
        "",
        None,
        note=f"{vn} nodes, {ve} edges",
    )
    _ratio_row(
        report,
        size,
        "view: html",
        "project render_html",
        view["html"],
        "json.dumps of the view",
        _median(view["html_floor"]),
        note=f"{view['html']['bytes'] / 1e6:.1f} MB page",
    )

    text = QUERIES[CLI_QUERY]
    pair = _pair(
        [_console_script(), "query", "--data", str(path), "--sparql", text, "--format", "csv"],
        [sys.executable, "-c", BARE_QUERY, str(path), text],
        reps,
    )
    _process_rows(
        report,
        size,
        "process query --data",
        ("ketamine-kg query --data", "bare pyoxigraph script"),
        pair,
        1.3,
    )


def _console_script() -> str:
    found = Path(sys.executable).with_name("ketamine-kg")
    return str(found) if found.exists() else shutil.which("ketamine-kg") or "ketamine-kg"


def bench_processes(report: Report, reps: int) -> None:
    """CLI start-up and the curated build, each against its floor (alternating runs)."""
    kkg = _console_script()
    print("\n== processes")
    pair = _pair([kkg, "--help"], [sys.executable, "-c", "import typer"], reps)
    _process_rows(
        report, "-", "process --help", ("ketamine-kg --help", "python -c 'import typer'"), pair, 1.5
    )
    packaged = ROOT / "src/ketamine_kg/ontology/data/entities.tsv"
    source = [] if packaged.exists() else ["--source", str(ROOT / "tests/fixtures/source")]
    what = "curated tables" if packaged.exists() else "fixture tables (packaged tables missing)"
    with tempfile.TemporaryDirectory() as tmp:
        pair = _pair([kkg, "build", "--out", tmp, *source], [sys.executable, "-c", HERMIT_FLOOR], reps)
    _process_rows(
        report,
        "-",
        "process build",
        (f"ketamine-kg build ({what})", "floor: imports + trivial HermiT"),
        pair,
        3.0,
    )


# --------------------------------------------------------------------------- RESULTS.md


def machine() -> list[str]:
    """Machine and library versions for the results header."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    versions = []
    for name in ("pyoxigraph", "rdflib", "owlready2", "networkx", "pyvis", "typer"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (missing)")
    load = os.getloadavg()
    return [
        f"- date: {datetime.date.today().isoformat()}",
        f"- machine: {os.cpu_count()} CPUs (nproc), {int(mem.group(1)) / 1024 / 1024 if mem else 0:.1f} GiB memory, {cpu}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), {platform.platform()}",
        f"- libraries: {', '.join(versions)}",
        f"- load average when the run started: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}",
    ]


def write_results(report: Report, header: list[str], command: str, elapsed: float) -> None:
    """benchmarks/RESULTS.md: machine, the table, and the notes."""
    from ketamine_kg.graph_build.atomic import write_text_atomic

    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` in {elapsed / 60:.1f} min. Medians of the runs shown; every ratio is against",
        "a reference measured in the same run; load, query and export variants run interleaved (A, B, C, A, B, C…)",
        "in one worker process so that drift in machine load hits them alike. Peak MB: for load/query/export, the",
        "largest rise of the worker's peak RSS (VmHWM, reset before each run) over its RSS just before the run, i.e.",
        "the memory the step itself needs on top of what is loaded (Rust allocations included); for view steps the",
        "view worker's peak RSS; for process steps the child's ru_maxrss.",
        "",
        *header,
        "",
        "| scale | step | variant | median s | runs | ratio | target | verdict | peak MB | note |",
        "|---|---|---|---:|---:|---:|---|---|---:|---|",
    ]
    for r in report.rows:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        verdict = {True: "ok", False: "**missed**", None: ""}[r.ok]
        peak = f"{r.peak_mb:.0f}" if r.peak_mb is not None else ""
        lines.append(
            f"| {r.scale} | {r.step} | {r.variant} | {r.median:.4f} | {r.runs} | {ratio} | {r.target} | {verdict} | {peak} | {r.note} |"
        )
    notes = NOTES_FILE.read_text(encoding="utf-8") if NOTES_FILE.exists() else ""
    lines += ["", "## Data", "", *[f"- {n}" for n in report.notes], "", notes]
    write_text_atomic(RESULTS, "\n".join(lines) + "\n")
    print(f"\nwrote {RESULTS}")


def refresh_notes() -> None:
    """Replace everything after the generated part of RESULTS.md with the current NOTES.md."""
    from ketamine_kg.graph_build.atomic import write_text_atomic

    text = RESULTS.read_text(encoding="utf-8")
    data = text.index("## Data")
    cut = text.find("\n\n", data + len("## Data\n\n"))  # the end of the data list
    notes = NOTES_FILE.read_text(encoding="utf-8")
    write_text_atomic(RESULTS, text[: cut + 2] + notes)


#: Hand-written analysis (why each missed target is missed, what was fixed), appended to RESULTS.md.
NOTES_FILE = HERE / "NOTES.md"


def bench_webgl_view(report: Report, nodes: int, runs: int) -> None:
    """The explorer targets (WebGL against canvas, same run), from benchmarks/bench_html.py in a child."""
    cmd = [
        sys.executable,
        str(Path(__file__).with_name("bench_html.py")),
        "--webgl-only",
        "--runs",
        str(runs),
    ]
    proc = subprocess.run(
        [*cmd, "--webgl-sizes", str(nodes)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if proc.returncode != 0:
        raise SystemExit(f"bench_html.py failed:\n{proc.stderr[-3000:]}")
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    print("\n".join(lines), flush=True)
    report.notes.append("explorer, " + " | ".join(lines))


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the suite, print the table (and write RESULTS.md if asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k only, 3 runs (smoke run)")
    parser.add_argument("--scale", action="append", help="10k, 100k, 1m (repeatable; default all three)")
    parser.add_argument("--reps", type=int, default=None, help="runs per measurement (default 5, quick 3)")
    parser.add_argument(
        "--heavy-reps", type=int, default=1, help="runs for rdflib and whole-graph projection at 1M"
    )
    parser.add_argument("--write-results", action="store_true", help="write benchmarks/RESULTS.md")
    parser.add_argument("--no-processes", action="store_true", help="skip the CLI/build process steps")
    parser.add_argument(
        "--refresh-notes", action="store_true", help="only replace the notes in RESULTS.md with NOTES.md"
    )
    parser.add_argument(
        "--webgl-nodes",
        type=int,
        default=50000,
        help="nodes of the WebGL-vs-canvas explorer comparison (bench_html.py; 0 skips it)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    if args.refresh_notes:
        refresh_notes()
        return 0
    reps = args.reps or (3 if args.quick else 5)
    scales = ["10k"] if args.quick else (args.scale or ["10k", "100k", "1m"])
    header = machine()
    print("\n".join(header))
    print(f"\n{'scale':>5} {'step':<22} {'variant':<34} {'median':>12} runs {'ratio':>8} target")
    report = Report()
    started = time.perf_counter()
    for size in scales:
        big = size.lower() == "1m"
        heavy = min(reps, args.heavy_reps) if big else reps
        bench_scale(report, size, reps, heavy, big)
    if not args.no_processes:
        bench_processes(report, reps)
    if args.webgl_nodes:
        bench_webgl_view(report, args.webgl_nodes, min(reps, 3))
    elapsed = time.perf_counter() - started
    print(f"\ntotal {elapsed / 60:.1f} min")
    if args.write_results:
        command = "python benchmarks/run.py " + " ".join(
            a for a in (argv if argv is not None else sys.argv[1:])
        )
        write_results(report, header, command.strip(), elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
