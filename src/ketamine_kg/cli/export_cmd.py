"""``ketamine-kg export``: write the graph for Protégé, triple stores, Gephi, Cytoscape or KGX pipelines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import handle_errors, status

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

FORMAT_HELP = (
    "turtle, nt, xml (OWL in RDF/XML), json-ld, trig, nquads, graphml, gexf, cytoscape, kgx, neo4j, "
    "sssom or obographs (default: from the extension of --out: .ttl .nt .owl/.rdf .jsonld .trig .nq "
    ".graphml .gexf .cyjs/.cytoscape.json .sssom.tsv .obographs.json, a directory for kgx; neo4j "
    "writes a directory too)"
)


def load_graph(
    source: Path | None, from_rdf: list[Path] | None, *, reason: bool = True
) -> Graph | ox.Dataset:
    """The graph to export or publish: RDF files already built (``--from-rdf``, read into a pyoxigraph
    dataset, never through rdflib), else a fresh build."""
    if from_rdf:
        from ketamine_kg.graph_build.statements import load_dataset

        status(f"reading {len(from_rdf)} RDF file(s)")
        return load_dataset(from_rdf)
    from ketamine_kg.pipeline import build_knowledge_graph

    return build_knowledge_graph(source, reason=reason, progress=status).graph


@app.command()
@handle_errors
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file (a directory for kgx).")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help=FORMAT_HELP)] = None,
    source: Annotated[
        Path | None, typer.Option(help="Directory with the six source tables (default: the packaged data).")
    ] = None,
    inferred: Annotated[
        bool, typer.Option("--inferred/--no-inferred", help="Include the reasoner's inferred statements.")
    ] = True,
    from_rdf: Annotated[
        list[Path] | None,
        typer.Option(
            help="Export these RDF files (e.g. out/ketamine-kg.ttl) instead of building (repeatable)."
        ),
    ] = None,
) -> None:
    """Export the knowledge graph as RDF (Turtle, N-Triples, OWL RDF/XML, JSON-LD, TriG, N-Quads),
    GraphML, GEXF, Cytoscape.js JSON, KGX TSV, Neo4j import CSVs, SSSOM TSV or OBO Graphs JSON."""
    from ketamine_kg.errors import ExportError
    from ketamine_kg.graph_build.export import DIRECTORY_FORMATS, FORMATS, format_from_path
    from ketamine_kg.graph_build.export import export as run_export

    chosen = fmt.lower() if fmt else format_from_path(out)
    if chosen not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if chosen in DIRECTORY_FORMATS and out.exists() and not out.is_dir():
        raise ExportError(f"{out}: {chosen} writes a directory of files, but this is a file")
    graph = load_graph(source, from_rdf, reason=True)
    result = run_export(graph, chosen, out, inferred=inferred)
    what = f"{result.triples} triples" if result.triples else f"{result.nodes} nodes, {result.edges} edges"
    for path in result.files:
        typer.echo(f"wrote {path} ({chosen}, {what}{'' if inferred else ', asserted only'})")
