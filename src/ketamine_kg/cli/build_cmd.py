"""``ketamine-kg build``: the main job."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import handle_errors, status
from ketamine_kg.cli._validate import positive_seconds


@app.command()
@handle_errors
def build(
    source: Annotated[
        Path | None, typer.Option(help="Directory with the six source tables (default: the packaged data).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("out"),
    reason: Annotated[bool, typer.Option("--reason/--no-reason", help="Run HermiT (needs Java).")] = True,
    reasoner_timeout: Annotated[
        float, typer.Option(help="Seconds before HermiT is stopped.", min=1, callback=positive_seconds)
    ] = 120.0,
    merge: Annotated[
        list[Path] | None,
        typer.Option(help="Extra RDF file to merge in (repeatable; Turtle, N-Triples, RDF/XML, JSON-LD)."),
    ] = None,
) -> None:
    """Validate the tables, build and reason the ontology, write OWL, Turtle, the HTML view and query answers."""
    from ketamine_kg.pipeline import build_knowledge_graph, render_outputs, write_outputs

    start = time.perf_counter()
    result = build_knowledge_graph(
        source, reason=reason, merge=tuple(merge or ()), reasoner_timeout=reasoner_timeout, progress=status
    )
    files = render_outputs(result, progress=status)
    written = write_outputs(files, out)
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
