"""``ketamine-kg export``: write the graph for Protégé, triple stores, Gephi, Cytoscape or KGX pipelines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import built_graph, handle_errors, status
from ketamine_kg.cli._options import (
    canonical,
    data_option,
    format_option,
    from_rdf_alias,
    hint,
    merged_inputs,
    out_option,
    reason_option,
    source_option,
)
from ketamine_kg.cli._watchdog import bounded

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

FORMAT_HELP = (
    "turtle (or ttl), nt, xml (OWL in RDF/XML), json-ld, trig, nquads, graphml, gexf, cytoscape, kgx, "
    "neo4j, sssom or obographs (default: from the extension of --out: .ttl .nt .owl/.rdf .jsonld .trig "
    ".nq .graphml .gexf .cyjs/.cytoscape.json .sssom.tsv .obographs.json, a directory for kgx; neo4j "
    "writes a directory too)."
)


def load_graph(source: Path | None, data: list[Path], *, reason: bool = True) -> Graph | ox.Dataset:
    """The graph to export or publish: RDF files already built (``--data``, read into a pyoxigraph dataset,
    never through rdflib), else the (cached) build."""
    from ketamine_kg.cli._options import needs

    needs("--no-reason", not reason, "building from the tables (not with --data)", not data)
    if data:
        from ketamine_kg.errors import UserError
        from ketamine_kg.graph_build.rdf_files import load_dataset

        if source is not None:
            raise UserError("use either --data (RDF files) or --source (tables), not both")
        status(f"reading {len(data)} RDF file(s)")
        return load_dataset(data)
    return built_graph(source, reason=reason).rdf_graph()


@app.command()
@bounded
@handle_errors
def export(
    out: Annotated[Path, out_option("Output file (a directory for kgx).")],
    fmt: Annotated[str | None, format_option(FORMAT_HELP)] = None,
    source: Annotated[Path | None, source_option()] = None,
    data: Annotated[
        list[Path] | None,
        data_option("Export these RDF files (e.g. out/ketamine-kg.ttl) instead of building."),
    ] = None,
    from_rdf: Annotated[list[Path] | None, from_rdf_alias()] = None,
    reason: Annotated[bool, reason_option()] = True,
    inferred: Annotated[
        bool, typer.Option("--inferred/--no-inferred", help="Include the reasoner's inferred statements.")
    ] = True,
) -> None:
    """Export the knowledge graph as RDF (Turtle, N-Triples, OWL RDF/XML, JSON-LD, TriG, N-Quads),
    GraphML, GEXF, Cytoscape.js JSON, KGX TSV, Neo4j import CSVs, SSSOM TSV or OBO Graphs JSON."""
    from ketamine_kg.errors import ExportError
    from ketamine_kg.graph_build.export import DIRECTORY_FORMATS, FORMATS, format_from_path
    from ketamine_kg.graph_build.export import export as run_export

    chosen = (canonical(fmt, FORMATS) or fmt) if fmt else format_from_path(out)
    if chosen not in FORMATS:
        raise ExportError(
            f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}{hint(chosen, FORMATS)}"
        )
    if chosen in DIRECTORY_FORMATS and out.exists() and not out.is_dir():
        raise ExportError(f"{out}: {chosen} writes a directory of files, but this is a file")
    graph = load_graph(source, merged_inputs(data, from_rdf), reason=reason)
    result = run_export(graph, chosen, out, inferred=inferred)
    what = f"{result.triples} triples" if result.triples else f"{result.nodes} nodes, {result.edges} edges"
    for path in result.files:
        typer.echo(f"wrote {path} ({chosen}, {what}{'' if inferred else ', asserted only'})")
