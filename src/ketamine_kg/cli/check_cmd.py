"""``ketamine-kg check``: reasoner consistency, the SPARQL quality checks and the SHACL shapes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import built_graph, handle_errors, status
from ketamine_kg.cli._options import (
    choose,
    data_option,
    format_option,
    max_inferred_option,
    needs,
    reasoner_timeout_option,
    source_option,
)
from ketamine_kg.cli._watchdog import bounded
from ketamine_kg.errors import UserError

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

    from ketamine_kg.queries.quality import Consistency


def _build_graph(
    source: Path | None, reason: bool, timeout: float, max_inferred: int
) -> tuple[Graph, Consistency]:
    """The built graph and the reasoner's verdict; an inconsistent build is re-built unreasoned to check it."""
    from ketamine_kg.errors import InconsistentOntologyError, ReasonerError
    from ketamine_kg.pipeline import build_knowledge_graph
    from ketamine_kg.queries.quality import Consistency

    try:
        built = built_graph(source, reason=reason, reasoner_timeout=timeout, max_inferred=max_inferred)
    except InconsistentOntologyError as exc:
        graph = build_knowledge_graph(source, reason=False).graph
        return graph, Consistency(
            "inconsistent", "HermiT found the ontology inconsistent", tuple(exc.culprits)
        )
    except ReasonerError as exc:
        return build_knowledge_graph(source, reason=False).graph, Consistency("failed", str(exc))
    return built.rdf_graph(), Consistency(built.reasoning_status, built.reasoning_message)


def _load_data(
    data: list[Path], reason: bool, timeout: float, max_inferred: int, shacl: bool
) -> tuple[Graph | ox.Store, Consistency]:
    """The merged RDF files and the reasoner's verdict on them. Without reasoning and SHACL (which need
    rdflib) the files stay in a pyoxigraph store, which the SPARQL checks read directly."""
    from ketamine_kg.errors import InconsistentOntologyError, ReasonerError
    from ketamine_kg.graph_build.rdf_files import load_rdf_files, load_store
    from ketamine_kg.ontology.reason import run_reasoner
    from ketamine_kg.ontology.schema import load_schema
    from ketamine_kg.queries.quality import Consistency

    missing = [str(p) for p in data if not p.is_file()]
    if missing:
        raise UserError(f"no such RDF file: {', '.join(missing)}")
    status(f"loading {len(data)} RDF file(s)")
    if not reason and not shacl:
        return load_store(data), Consistency("skipped", "reasoning skipped (--no-reason)")
    graph = load_rdf_files(data)
    if not reason:
        return graph, Consistency("skipped", "reasoning skipped (--no-reason)")
    status("reasoning with HermiT")
    try:
        report = run_reasoner(graph, load_schema(), timeout=timeout, max_inferred=max_inferred)
    except InconsistentOntologyError as exc:
        return graph, Consistency(
            "inconsistent", "HermiT found the ontology inconsistent", tuple(exc.culprits)
        )
    except ReasonerError as exc:
        return graph, Consistency("failed", str(exc))
    return graph, Consistency(report.status, report.message)


@app.command()
@bounded
@handle_errors
def check(
    source: Annotated[Path | None, source_option()] = None,
    data: Annotated[
        list[Path] | None, data_option("Check these RDF files instead of building the graph.")
    ] = None,
    format: Annotated[str, format_option("table or json.")] = "table",
    reason: Annotated[
        bool, typer.Option("--reason/--no-reason", help="Check consistency with HermiT (needs Java).")
    ] = True,
    reasoner_timeout: Annotated[float | None, reasoner_timeout_option()] = None,
    max_inferred: Annotated[
        int | None,
        max_inferred_option("Fail the consistency check when HermiT infers more new facts (default 20000)."),
    ] = None,
    shacl: Annotated[
        bool, typer.Option("--shacl/--no-shacl", help="Also validate with the SHACL shapes.")
    ] = True,
) -> None:
    """Check the graph: reasoner consistency, every quality check (must return no rows) and SHACL shapes.

    Exit code 0 when everything passes, 1 on any violation or inconsistency, 2 on bad input.
    """
    from importlib import resources

    from ketamine_kg.queries.quality import FORMATS, check_quality, format_report

    format = choose("--format", format, tuple(FORMATS))
    if data and source:
        raise UserError("--data and --source cannot be combined")
    needs("--reasoner-timeout", reasoner_timeout is not None, "reasoning (it is off: --no-reason)", reason)
    needs("--max-inferred", max_inferred is not None, "reasoning (it is off: --no-reason)", reason)
    timeout = 120.0 if reasoner_timeout is None else reasoner_timeout
    from ketamine_kg.ontology.reason import DEFAULT_MAX_INFERRED

    cap = DEFAULT_MAX_INFERRED if max_inferred is None else max_inferred
    if data:
        graph, consistency = _load_data(data, reason, timeout, cap, shacl)
    else:
        graph, consistency = _build_graph(source, reason, timeout, cap)
    shapes = Path(str(resources.files("ketamine_kg.ontology") / "shapes.ttl")) if shacl else None
    status("running the quality checks")
    report = check_quality(graph, consistency=consistency, shapes=shapes)
    typer.echo(format_report(report, format), nl=False)
    if not report.passed:
        raise typer.Exit(1)
