"""``ketamine-kg queries`` (the catalogue) and ``ketamine-kg query`` (named or ad-hoc SPARQL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import handle_errors, status
from ketamine_kg.cli._validate import positive_seconds, read_query_file
from ketamine_kg.cli._watchdog import loading, with_deadline
from ketamine_kg.errors import QueryError, UserError

_OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "ttl")


@app.command("queries")
@handle_errors
def queries(
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List the named queries: name, title and parameters."""
    from ketamine_kg.queries import load_catalogue

    if format not in {"table", "json"}:
        raise UserError(f"--format must be table or json, not {format!r}")
    catalogue = load_catalogue()
    if format == "json":
        typer.echo(json.dumps([q.to_dict() for q in catalogue.values()], indent=2, ensure_ascii=False))
        return
    width = max((len(name) for name in catalogue), default=4)
    for name, query in catalogue.items():
        cq = f" [{', '.join(query.competency)}]" if query.competency else ""
        typer.echo(f"{name.ljust(width)}  {query.title}{cq}")
        for p in query.parameters:
            presence = "required" if p.required else (f"default {p.default}" if p.default else "optional")
            typer.echo(f"{'':{width}}    --param {p.name}=<{p.type}>  ({presence}) {p.description}")


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param expects KEY=VALUE, got {pair!r}")
        if key.strip() in params:
            raise QueryError(f"--param {key.strip()} given twice")
        params[key.strip()] = value
    return params


def _open_target(
    data: list[Path], source: Path | None, engine: str, endpoint: str | None, timeout: float
) -> object:
    """The engine to run on: the endpoint, the --data files, or the graph built from the tables."""
    with loading():  # the query's --timeout does not count the loading or the build
        return _load_target(data, source, engine, endpoint, timeout)


def _load_target(
    data: list[Path], source: Path | None, engine: str, endpoint: str | None, timeout: float
) -> object:
    from ketamine_kg.queries import open_endpoint, open_engine

    if endpoint:
        if data or source:
            raise UserError("--endpoint cannot be combined with --data or --source")
        return open_endpoint(endpoint, timeout=timeout)
    if data:
        if source:
            raise UserError("--data and --source cannot be combined")
        from ketamine_kg.graph_build.rdf_files import load_rdf_files, load_store

        missing = [str(p) for p in data if not p.is_file()]
        if missing:
            raise UserError(f"no such RDF file: {', '.join(missing)}")
        status(f"loading {len(data)} RDF file(s)")
        return open_engine(load_store(data) if engine == "oxigraph" else load_rdf_files(data), engine)
    from ketamine_kg.pipeline import build_knowledge_graph

    status("building the knowledge graph from the tables")
    return open_engine(build_knowledge_graph(source, progress=status), engine)


@app.command("query")
@with_deadline("timeout")
@handle_errors
def query(
    name: Annotated[str | None, typer.Argument(help="A named query (see `ketamine-kg queries`).")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="KEY=VALUE for a named query (repeatable).")
    ] = None,
    sparql: Annotated[str | None, typer.Option("--sparql", help="Run this SPARQL text instead.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Run the SPARQL in this .rq file instead.")
    ] = None,
    format: Annotated[
        str, typer.Option("--format", help="table, csv, tsv, json (SPARQL JSON) or ttl.")
    ] = "table",
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="Query these RDF files instead of the built graph (repeatable)."),
    ] = None,
    source: Annotated[
        Path | None, typer.Option(help="Build the graph from this table directory (default: packaged data).")
    ] = None,
    engine: Annotated[str, typer.Option(help="oxigraph (default, fast) or rdflib.")] = "oxigraph",
    endpoint: Annotated[
        str | None, typer.Option(help="Send the query to this SPARQL 1.1 endpoint URL.")
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds before a query is stopped.", callback=positive_seconds)
    ] = 30.0,
    allow_network: Annotated[
        bool, typer.Option("--allow-network", help="Allow SERVICE and remote FROM (refused by default).")
    ] = False,
) -> None:
    """Run a named query, or SPARQL given with --sparql / --file, on the graph, RDF files or an endpoint."""
    from ketamine_kg.queries import ENGINES, format_result, get_query, prepare_query, run_query, run_sparql

    chosen = [x for x in (name, sparql, file) if x is not None]
    if len(chosen) != 1:
        raise UserError("give exactly one of NAME, --sparql TEXT or --file Q.rq")
    if format not in _OUTPUT_FORMATS:
        raise UserError(f"--format must be one of {', '.join(_OUTPUT_FORMATS)}, not {format!r}")
    if engine not in ENGINES:
        raise UserError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if param and name is None:
        raise UserError("--param only applies to a named query")
    params: dict[str, Any] = _parse_params(param or [])
    if name is not None:
        named = get_query(name)  # fail fast on a bad name, before building the graph
        prepare_query(named.text, allow_network=allow_network)
        target = _open_target(data or [], source, engine, endpoint, timeout)
        result = run_query(
            target, name, engine=engine, timeout=timeout, allow_network=allow_network, **params
        )
    else:
        text = read_query_file(file) if file is not None else sparql or ""
        try:
            prepare_query(text, allow_network=allow_network)  # refuse before loading anything
        except QueryError as exc:
            where = f"{file}: " if file is not None else ""
            raise type(exc)(f"{where}{exc}") from None
        target = _open_target(data or [], source, engine, endpoint, timeout)
        result = run_sparql(target, text, engine=engine, timeout=timeout, allow_network=allow_network)
    if result.form in {"CONSTRUCT", "DESCRIBE"} and format in {"ttl", "table"}:
        from ketamine_kg.graph_build.serialize import to_turtle

        typer.echo(to_turtle(result.to_graph()).decode("utf-8"), nl=False)
        return
    typer.echo(format_result(result, format), nl=False)
