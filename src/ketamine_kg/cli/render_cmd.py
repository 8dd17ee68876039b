"""``ketamine-kg render``: an interactive HTML network view (whole graph, focus, categories or paths)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import handle_errors, status


@app.command()
@handle_errors
def render(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write (self-contained, works offline).")],
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data", help="RDF file to draw instead of building (repeatable; any RDF, our schema or not)."
        ),
    ] = None,
    source: Annotated[
        Path | None, typer.Option(help="Directory with the six source tables (default: the packaged data).")
    ] = None,
    focus: Annotated[
        str | None,
        typer.Option(help="Centre the view on ENTITY (label, synonym or CURIE such as CHEBI:60799)."),
    ] = None,
    depth: Annotated[int, typer.Option(help="Relation steps around --focus.", min=0)] = 1,
    category: Annotated[
        list[str] | None, typer.Option("--category", help="Keep only this category (repeatable), e.g. drug.")
    ] = None,
    path: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--path", help="Show the mechanism paths from one entity to another.", metavar="FROM TO"
        ),
    ] = None,
    max_path_length: Annotated[int, typer.Option(help="Longest path (relations) for --path.", min=1)] = 4,
    inferred: Annotated[
        str, typer.Option(help="Reasoner edges: all, new (only between otherwise unlinked entities) or none.")
    ] = "all",
    reason: Annotated[bool, typer.Option("--reason/--no-reason", help="Run HermiT when building.")] = True,
    title: Annotated[str | None, typer.Option(help="Page title.")] = None,
    renderer: Annotated[
        str,
        typer.Option(
            help="Drawing: canvas, webgl (sigma.js, for large views) or auto (webgl above 3,000 nodes)."
        ),
    ] = "auto",
) -> None:
    """Write an interactive network view: legend, search, filters and evidence for every relation."""
    from ketamine_kg.errors import UserError
    from ketamine_kg.visualize.webgl import RENDERERS, write_page

    if renderer not in RENDERERS:
        raise UserError(f"--renderer must be one of {', '.join(RENDERERS)}, not '{renderer}'")
    if inferred not in ("all", "new", "none"):
        raise UserError(f"--inferred must be all, new or none, not '{inferred}'")
    if focus is not None and path is not None:
        raise UserError("use either --focus or --path, not both")
    if data and source is not None:
        raise UserError("use either --data (draw RDF files) or --source (build from tables), not both")

    from ketamine_kg.graph_build.projection import InferredMode, to_network
    from ketamine_kg.visualize import filter_categories, select_paths
    from ketamine_kg.visualize import focus as focus_view

    if data:
        from ketamine_kg.graph_build.store_graph import load_for_view

        status(f"reading {len(data)} RDF file(s)")
        graph = load_for_view(list(data), focus, depth)
        default_title = "ketamine-kg explorer: " + ", ".join(p.name for p in data)
    else:
        from ketamine_kg.pipeline import build_knowledge_graph

        graph = build_knowledge_graph(source, reason=reason, progress=status).graph
        default_title = "ketamine-kg explorer"
    status("projecting the graph onto a network")
    network = to_network(graph, inferred=cast(InferredMode, inferred))
    if category:
        network = filter_categories(network, category)
    if focus is not None:
        network = focus_view(network, focus, depth)
    if path is not None:
        network = select_paths(network, path[0], path[1], max_length=max_path_length)
    write_page(network, out, renderer=renderer, title=title or default_title)
    typer.echo(f"wrote {out} ({network.number_of_nodes()} entities, {network.number_of_edges()} relations)")
