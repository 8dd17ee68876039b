"""``ketamine-kg publish``: replace a named graph on a SPARQL Graph Store and verify the triple count."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import handle_errors, status
from ketamine_kg.cli._options import data_option, from_rdf_alias, merged_inputs, reason_option, source_option
from ketamine_kg.cli._validate import positive_seconds
from ketamine_kg.cli._watchdog import bounded


@app.command()
@bounded
@handle_errors
def publish(
    store: Annotated[
        str,
        typer.Option(
            "--store",
            metavar="URL",
            help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph) or "
            "http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso).",
        ),
    ],
    graph: Annotated[str, typer.Option("--graph", metavar="IRI", help="IRI of the named graph to replace.")],
    user: Annotated[
        str | None,
        typer.Option("--user", metavar="NAME", help="User name for digest or basic authentication."),
    ] = None,
    password_env: Annotated[
        str | None,
        typer.Option(
            "--password-env", metavar="VAR", help="Name of the environment variable holding the password."
        ),
    ] = None,
    query_endpoint: Annotated[
        str | None,
        typer.Option(
            "--query-endpoint",
            metavar="URL",
            help="SPARQL query endpoint used to verify the count (default: derived from --store).",
        ),
    ] = None,
    source: Annotated[Path | None, source_option()] = None,
    data: Annotated[
        list[Path] | None,
        data_option("Publish these RDF files (e.g. out/ketamine-kg.ttl) instead of building."),
    ] = None,
    from_rdf: Annotated[list[Path] | None, from_rdf_alias()] = None,
    reason: Annotated[bool, reason_option()] = True,
    inferred: Annotated[
        bool, typer.Option("--inferred/--no-inferred", help="Include the reasoner's inferred statements.")
    ] = True,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            help="Seconds to wait for each HTTP answer.",
            min=1,
            callback=positive_seconds,
        ),
    ] = 120.0,
) -> None:
    """Publish the graph to a SPARQL 1.1 Graph Store (HTTP PUT) and check the remote triple count."""
    from ketamine_kg.cli.export_cmd import load_graph
    from ketamine_kg.errors import PublishError
    from ketamine_kg.graph_build.export import select_statements
    from ketamine_kg.graph_build.publish import publish_graph

    password: str | None = None
    if password_env:
        if password_env not in os.environ:
            raise PublishError(f"--password-env {password_env}: that environment variable is not set")
        password = os.environ[password_env]
        if user is None:
            raise PublishError("--password-env has no effect without --user")
    rdf = select_statements(
        load_graph(source, merged_inputs(data, from_rdf), reason=reason), inferred=inferred
    )
    status(f"publishing {len(rdf)} triples to {store}")
    result = publish_graph(
        rdf, store, graph, user=user, password=password, query_endpoint=query_endpoint, timeout=timeout
    )
    typer.echo(
        f"published {result.triples} triples to <{result.graph}> at {result.store} "
        f"(HTTP {result.http_status}); {result.query_endpoint} counts {result.remote_triples}"
    )
