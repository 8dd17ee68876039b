"""Quality checks: ``checks/*.rq`` queries that must return no rows (ROBOT ``verify`` style), plus SHACL.

Each check file opens with a comment header::

    # title: Missing label
    # problem: what is wrong and why it matters
    # fix: what to change in which table
    # columns: node

>>> report = check_quality(build_result.graph)   # doctest: +SKIP
>>> report.passed                                 # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ketamine_kg.errors import QueryError, UserError
from ketamine_kg.graph_build.serialize import to_oxigraph_term
from ketamine_kg.queries.catalogue import read_header, read_rq_files
from ketamine_kg.vocab import PREFIXES, RDF

__all__ = [
    "SHAPES_NS",
    "CheckResult",
    "Consistency",
    "QualityCheck",
    "QualityReport",
    "ShaclReport",
    "ShaclResult",
    "check_quality",
    "checks_dir",
    "format_report",
    "load_checks",
    "run_checks",
    "run_shacl",
    "to_store",
]

#: Namespace of the shapes in ``shapes.ttl``; ``kkgsh:check`` names the ``.rq`` check a shape mirrors.
SHAPES_NS = "https://w3id.org/ketamine-kg/shapes#"
_REQUIRED = ("title", "problem", "fix", "columns")
_SH = "http://www.w3.org/ns/shacl#"
FORMATS = ("table", "json")


@dataclass(frozen=True)
class QualityCheck:
    """One check: a SELECT query whose every row is a violation."""

    name: str
    title: str
    problem: str
    fix: str
    columns: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class CheckResult:
    """The rows a check returned (display strings, in query order) and how long it took."""

    check: QualityCheck
    rows: tuple[tuple[str, ...], ...]
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.rows

    def as_dicts(self) -> list[dict[str, str]]:
        """The rows as column -> value mappings."""
        return [dict(zip(self.check.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True, order=True)
class ShaclResult:
    """One SHACL validation result, with the check its shape mirrors."""

    check: str
    shape: str
    focus: str
    path: str
    value: str
    message: str
    severity: str


@dataclass(frozen=True)
class ShaclReport:
    """Outcome of validating the graph against ``shapes.ttl``."""

    conforms: bool
    results: tuple[ShaclResult, ...]
    seconds: float = 0.0


@dataclass(frozen=True)
class Consistency:
    """The reasoner's verdict as the check report shows it.

    ``status`` is consistent, inconsistent, skipped, unavailable or failed; ``culprits`` explain an
    inconsistency.
    """

    status: str
    message: str
    culprits: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status not in {"inconsistent", "failed"}


@dataclass(frozen=True)
class QualityReport:
    """Everything ``ketamine-kg check`` reports: consistency, the checks and SHACL."""

    consistency: Consistency
    checks: tuple[CheckResult, ...]
    shacl: ShaclReport | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def violations(self) -> int:
        """Rows over all checks."""
        return sum(len(r.rows) for r in self.checks)

    @property
    def passed(self) -> bool:
        shacl_ok = self.shacl is None or self.shacl.conforms
        return self.consistency.passed and self.violations == 0 and shacl_ok


def checks_dir() -> Path:
    """The directory of packaged check queries."""
    return Path(str(resources.files("ketamine_kg.queries") / "checks"))


def parse_check(name: str, text: str, origin: str) -> QualityCheck:
    """Parse a check's comment header; a missing field names the file."""
    fields = {key: values[0] for key, values in read_header(text).items()}
    for key in _REQUIRED:
        if not fields.get(key):
            raise QueryError(f"{origin}: the header has no '# {key}:' line")
    columns = tuple(c.strip() for c in fields["columns"].split(",") if c.strip())
    return QualityCheck(name, fields["title"], fields["problem"], fields["fix"], columns, text)


def load_checks(directory: Path | None = None) -> dict[str, QualityCheck]:
    """All checks of ``directory`` (default: the packaged ones), sorted by name."""
    files = read_rq_files(directory or checks_dir(), "check")
    return {name: parse_check(name, text, origin) for name, text, origin in files}


def to_store(graph: Graph | ox.Store) -> ox.Store:
    """An in-memory Oxigraph store holding ``graph`` (returned as is when it already is a store)."""
    if isinstance(graph, ox.Store):
        return graph
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), ox.DefaultGraph())  # type: ignore[arg-type]
        for s, p, o in graph
    )
    return store


def compact(iri: str) -> str:
    """``kg:esketamine`` for an IRI under a curated prefix, else ``<iri>``."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        local = iri[len(PREFIXES[best]) :]
        if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.:-]*", local) and not local.endswith("."):
            return f"{best}:{local}"
    return f"<{iri}>"


def _display(term: object) -> str:
    """A term as a short display string (compact IRIs, literal text, ``_:`` blank nodes)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | URIRef):
        return compact(term.value if isinstance(term, ox.NamedNode) else str(term))
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def run_checks(
    graph: Graph | ox.Store, checks: Mapping[str, QualityCheck] | None = None
) -> tuple[CheckResult, ...]:
    """Run every check on ``graph``; a check passes when it returns no rows."""
    store = to_store(graph)
    results: list[CheckResult] = []
    for check in (checks if checks is not None else load_checks()).values():
        start = time.perf_counter()
        try:
            solutions = store.query(check.text)
        except SyntaxError as exc:
            raise QueryError(f"check {check.name}: {exc}") from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError(f"check {check.name}: a check must be a SELECT query")
        names = [v.value for v in solutions.variables]
        if tuple(names) != check.columns:
            raise QueryError(
                f"check {check.name}: selects {names}, but its header lists {list(check.columns)}"
            )
        rows = tuple(tuple(_display(row[i]) for i in range(len(names))) for row in solutions)
        results.append(CheckResult(check, rows, time.perf_counter() - start))
    return tuple(results)


def _shape_check(shapes: Graph, shape: Node) -> str:
    """The check name of a shape, or of the node shape that owns this property shape."""
    check_prop = URIRef(SHAPES_NS + "check")
    for candidate in [shape, *shapes.subjects(URIRef(_SH + "property"), shape)]:
        name = shapes.value(candidate, check_prop)
        if name is not None:
            return str(name)
    return ""


def load_shapes(path: Path) -> Graph:
    """Parse a SHACL shapes file (Turtle); a bad file is a user error naming it."""
    try:
        return Graph().parse(path, format="turtle")
    except FileNotFoundError:
        raise UserError(f"{path}: no such shapes file") from None
    except Exception as exc:  # rdflib raises many unrelated types for bad Turtle
        raise UserError(f"{path}: not valid Turtle: {exc}") from None


def run_shacl(graph: Graph, shapes_path: Path) -> ShaclReport:
    """Validate ``graph`` against the shapes (no inference, the data graph left untouched)."""
    from pyshacl import validate

    shapes = load_shapes(shapes_path)
    start = time.perf_counter()
    conforms, results_graph, text = validate(
        graph, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True, inplace=False
    )
    seconds = time.perf_counter() - start
    if not isinstance(results_graph, Graph):  # pyshacl returns a failure object for unusable shapes
        raise UserError(f"{shapes_path}: SHACL validation could not run: {text.strip()}")
    sh = {k: URIRef(_SH + k) for k in ("sourceShape", "focusNode", "resultPath", "value", "resultMessage")}
    found: list[ShaclResult] = []
    for node in results_graph.subjects(RDF.type, URIRef(_SH + "ValidationResult")):
        shape = results_graph.value(node, sh["sourceShape"])
        severity = results_graph.value(node, URIRef(_SH + "resultSeverity"))
        path = results_graph.value(node, sh["resultPath"])
        found.append(
            ShaclResult(
                check=_shape_check(shapes, shape) if shape is not None else "",
                shape=_display(shape) if isinstance(shape, URIRef) else _shape_label(shapes, shape),
                focus=_display(results_graph.value(node, sh["focusNode"])),
                path=_display(path) if isinstance(path, URIRef) else ("(path)" if path is not None else ""),
                value=_display(results_graph.value(node, sh["value"])),
                message=str(results_graph.value(node, sh["resultMessage"]) or ""),
                severity=str(severity).removeprefix(_SH) if severity is not None else "",
            )
        )
    return ShaclReport(bool(conforms), tuple(sorted(set(found))), seconds)


def _shape_label(shapes: Graph, shape: Node | None) -> str:
    """A name for a blank-node property shape: its owner's name and its path."""
    if shape is None:
        return ""
    owners = sorted(str(o) for o in shapes.subjects(URIRef(_SH + "property"), shape))
    path = shapes.value(shape, URIRef(_SH + "path"))
    owner = compact(owners[0]) if owners else "_"
    return f"{owner}/{_display(path)}" if isinstance(path, URIRef) else owner


def check_quality(
    graph: Graph | ox.Store,
    *,
    consistency: Consistency | None = None,
    shapes: Path | None = None,
    checks: Mapping[str, QualityCheck] | None = None,
) -> QualityReport:
    """Run the SPARQL checks (and SHACL when ``shapes`` is given) on ``graph`` (a store: checks only)."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    store = to_store(graph)
    timings["load"] = time.perf_counter() - start
    start = time.perf_counter()
    results = run_checks(store, checks)
    timings["checks"] = time.perf_counter() - start
    shacl = None
    if shapes is not None:
        if not isinstance(graph, Graph):
            raise UserError("SHACL validation needs an rdflib graph, not a store")
        shacl = run_shacl(graph, shapes)
        timings["shacl"] = shacl.seconds
    return QualityReport(consistency or Consistency("skipped", "not run"), results, shacl, timings)


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]], indent: str = "  ") -> list[str]:
    """A plain fixed-width text table (cells on one line each)."""
    body = [tuple(" ".join(c.split()) for c in row) for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(header)]
    lines = [indent + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append(indent + "  ".join("-" * w for w in widths))
    lines += [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return lines


def _format_table(report: QualityReport) -> str:
    c = report.consistency
    said = c.message if c.message.startswith(c.status) else f"{c.status} — {c.message}"
    lines = [f"reasoner consistency check: {said}"]
    lines += [f"  culprit: {culprit}" for culprit in c.culprits]
    lines.append("")
    summary = [
        (r.check.name, "ok" if r.passed else "FAIL", str(len(r.rows)), r.check.title) for r in report.checks
    ]
    lines += _table(("check", "result", "violations", "title"), summary, indent="")
    for r in report.checks:
        if r.passed:
            continue
        lines += ["", f"{r.check.name}: {len(r.rows)} violation(s) — {r.check.title}"]
        lines.append(f"  problem: {r.check.problem}")
        lines.append(f"  fix: {r.check.fix}")
        lines += _table(r.check.columns, r.rows, indent="    ")
    if report.shacl is not None:
        s = report.shacl
        verdict = "conforms" if s.conforms else f"does not conform, {len(s.results)} result(s)"
        lines += ["", f"SHACL (shapes.ttl): {verdict}"]
        if s.results:
            rows = [(x.check, x.focus, x.path, x.value, x.message) for x in s.results]
            lines += _table(("check", "focus", "path", "value", "message"), rows)
    shacl_count = len(report.shacl.results) if report.shacl is not None else 0
    failed = sum(1 for r in report.checks if not r.passed)
    lines += [
        "",
        f"{'PASSED' if report.passed else 'FAILED'}: {len(report.checks)} checks, {failed} failing, "
        f"{report.violations} violation(s); {shacl_count} SHACL result(s); consistency {c.status}",
    ]
    return "\n".join(lines) + "\n"


def _to_json(report: QualityReport) -> dict[str, object]:
    c = report.consistency
    shacl: dict[str, object] | None = None
    if report.shacl is not None:
        shacl = {
            "conforms": report.shacl.conforms,
            "results": [
                {
                    "check": x.check,
                    "shape": x.shape,
                    "focus": x.focus,
                    "path": x.path,
                    "value": x.value,
                    "message": x.message,
                    "severity": x.severity,
                }
                for x in report.shacl.results
            ],
        }
    return {
        "passed": report.passed,
        "violations": report.violations,
        "consistency": {"status": c.status, "message": c.message, "culprits": list(c.culprits)},
        "checks": [
            {
                "name": r.check.name,
                "title": r.check.title,
                "problem": r.check.problem,
                "fix": r.check.fix,
                "columns": list(r.check.columns),
                "passed": r.passed,
                "violations": r.as_dicts(),
            }
            for r in report.checks
        ],
        "shacl": shacl,
    }


def format_report(report: QualityReport, fmt: str = "table") -> str:
    """The report as a text table or as JSON (deterministic: no timings)."""
    if fmt == "table":
        return _format_table(report)
    if fmt == "json":
        return json.dumps(_to_json(report), indent=2, ensure_ascii=False) + "\n"
    raise UserError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
