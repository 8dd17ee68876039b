"""``ketamine-kg build``: the main job."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import cache_enabled, handle_errors, status
from ketamine_kg.cli._options import (
    max_inferred_option,
    needs,
    out_option,
    reason_option,
    reasoner_timeout_option,
    source_option,
)
from ketamine_kg.cli._watchdog import bounded


@app.command()
@bounded
@handle_errors
def build(
    source: Annotated[Path | None, source_option()] = None,
    out: Annotated[Path, out_option("Output directory.")] = Path("out"),
    reason: Annotated[bool, reason_option()] = True,
    reasoner_timeout: Annotated[float | None, reasoner_timeout_option()] = None,
    max_inferred: Annotated[
        int | None, max_inferred_option("Stop when HermiT infers more new facts than this (default 20000).")
    ] = None,
    merge: Annotated[
        list[Path] | None,
        typer.Option(
            "--merge",
            metavar="FILE",
            help="Merge this RDF file in (repeatable; Turtle, N-Triples, RDF/XML, JSON-LD).",
        ),
    ] = None,
) -> None:
    """Validate the tables, build and reason the ontology, write OWL, Turtle, the HTML view and query answers."""
    from ketamine_kg.ontology.reason import DEFAULT_MAX_INFERRED
    from ketamine_kg.pipeline import build_knowledge_graph, check_out_dir, render_outputs, write_outputs

    needs("--reasoner-timeout", reasoner_timeout is not None, "reasoning (it is off: --no-reason)", reason)
    needs("--max-inferred", max_inferred is not None, "reasoning (it is off: --no-reason)", reason)
    start = time.perf_counter()
    check_out_dir(out)
    result = build_knowledge_graph(
        source,
        reason=reason,
        merge=tuple(merge or ()),
        reasoner_timeout=120.0 if reasoner_timeout is None else reasoner_timeout,
        max_inferred=DEFAULT_MAX_INFERRED if max_inferred is None else max_inferred,
        progress=status,
    )
    files = render_outputs(result, progress=status)
    written = write_outputs(files, out)
    if not merge and cache_enabled():  # the next query, render, export or check starts from this build
        from ketamine_kg.graph_cache import save_build

        save_build(result, source, reason=reason)
    s = result.summary
    typer.echo(f"ketamine-kg build: {s.triples} triples from {result.source.directory}")
    typer.echo(
        "  entities per category: " + ", ".join(f"{k} {v}" for k, v in s.entities_per_category.items())
    )
    typer.echo(f"  assertions: {s.assertions}   quantities: {s.quantities}   sources: {s.sources}")
    typer.echo(
        "  claims by status: " + (", ".join(f"{k} {v}" for k, v in s.claims_by_status.items()) or "none")
    )
    typer.echo(
        "  identifiers by prefix: "
        + (", ".join(f"{k} {v}" for k, v in s.identifiers_by_prefix.items()) or "none")
    )
    typer.echo(f"  reasoning: {result.reasoning.message}; inferred facts: {s.inferred}")
    if result.merged_files:
        typer.echo("  merged: " + ", ".join(str(p) for p in result.merged_files))
    for path in written:
        if path.parent == out:
            typer.echo(f"  wrote {path}")
    answers = [p for p in written if p.parent == out / "queries"]
    if answers:
        typer.echo(f"  wrote {len(answers)} query answers to {out / 'queries'}/ (one CSV per named query)")
    typer.echo(f"  time: {time.perf_counter() - start:.2f} s")
