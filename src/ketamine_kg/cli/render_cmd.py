"""``ketamine-kg render``: an interactive HTML network view (whole graph, focus, categories or paths)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import built_graph, handle_errors, status
from ketamine_kg.cli._options import choose, data_option, needs, out_option, reason_option, source_option
from ketamine_kg.cli._validate import output_path
from ketamine_kg.cli._watchdog import bounded


@app.command()
@bounded
@handle_errors
def render(
    out: Annotated[
        Path, out_option("HTML file to write (self-contained, works offline).", callback=output_path)
    ],
    data: Annotated[
        list[Path] | None,
        data_option("Draw these RDF files instead of building (any RDF, our schema or not)."),
    ] = None,
    source: Annotated[Path | None, source_option()] = None,
    focus: Annotated[
        str | None,
        typer.Option(
            "--focus",
            metavar="ENTITY",
            help="Centre the view on ENTITY (label, synonym or CURIE such as CHEBI:60799).",
        ),
    ] = None,
    depth: Annotated[
        int | None,
        typer.Option("--depth", metavar="N", min=0, help="Relation steps around --focus (default 1)."),
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category", metavar="CATEGORY", help="Keep only this category (repeatable), e.g. drug."
        ),
    ] = None,
    path: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--path", metavar="FROM TO", help="Show the mechanism paths from one entity to another."
        ),
    ] = None,
    max_path_length: Annotated[
        int | None,
        typer.Option(
            "--max-path-length",
            metavar="N",
            min=1,
            help="Longest path (in relations) for --path (default 8).",
        ),
    ] = None,
    path_relations: Annotated[
        str | None,
        typer.Option(
            "--path-relations",
            metavar="SCOPE",
            help="--path follows mechanism relations only (default), or all asserted relations.",
        ),
    ] = None,
    inferred: Annotated[
        str,
        typer.Option(
            "--inferred",
            metavar="MODE",
            help="Reasoner edges: all, new (only between otherwise unlinked entities) or none.",
        ),
    ] = "all",
    reason: Annotated[bool, reason_option()] = True,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="Page title.")] = None,
    renderer: Annotated[
        str,
        typer.Option(
            "--renderer",
            metavar="NAME",
            help="Drawing: canvas, webgl (sigma.js, for large views) or auto (webgl above 3,000 nodes).",
        ),
    ] = "auto",
) -> None:
    """Write an interactive network view: legend, search, filters and evidence for every relation."""
    from ketamine_kg.errors import UserError
    from ketamine_kg.visualize.webgl import RENDERERS, Renderer, write_page

    inferred = choose("--inferred", inferred, ("all", "new", "none"))
    needs("--depth", depth is not None, "--focus", focus is not None)
    needs("--max-path-length", max_path_length is not None, "--path", path is not None)
    needs("--no-reason", not reason, "building from the tables (not with --data)", not data)
    needs("--path-relations", path_relations is not None, "--path", path is not None)
    path_relations = choose("--path-relations", path_relations or "mechanism", ("mechanism", "all"))
    renderer = choose("--renderer", renderer, tuple(RENDERERS))
    if focus is not None and path is not None:
        raise UserError("use either --focus or --path, not both")
    if data and source is not None:
        raise UserError("use either --data (draw RDF files) or --source (build from tables), not both")

    from ketamine_kg.graph_build.projection import InferredMode, to_network
    from ketamine_kg.visualize import describe_paths, filter_categories, select_paths, summary_line
    from ketamine_kg.visualize import focus as focus_view
    from ketamine_kg.visualize.paths import RelationScope

    if data:
        from ketamine_kg.graph_build.store_graph import load_for_view

        status(f"reading {len(data)} RDF file(s)")
        graph = load_for_view(list(data), focus, 1 if depth is None else depth)
        default_title = "ketamine-kg explorer: " + ", ".join(p.name for p in data)
    else:
        graph = built_graph(source, reason=reason).rdf_graph()
        default_title = "ketamine-kg explorer"
    status("projecting the graph onto a network")
    network = to_network(graph, inferred=cast(InferredMode, inferred))
    if category:
        network = filter_categories(network, category)
    if focus is not None:
        network = focus_view(network, focus, 1 if depth is None else depth)
    if path is not None:
        network = select_paths(
            network,
            path[0],
            path[1],
            max_length=max_path_length or 8,
            relations=cast(RelationScope, path_relations),
        )
        for line in describe_paths(network):
            typer.echo(line)
    write_page(network, out, renderer=cast(Renderer, renderer), title=title or default_title)
    typer.echo(f"wrote {out} ({summary_line(network)})")
