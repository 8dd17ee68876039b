"""``ketamine-kg queries`` (the catalogue) and ``ketamine-kg query`` (named or ad-hoc SPARQL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import built_graph, handle_errors, status
from ketamine_kg.cli._options import choose, data_option, format_option, needs, reason_option, source_option
from ketamine_kg.cli._validate import positive_seconds, read_query_file
from ketamine_kg.cli._watchdog import loading, with_deadline
from ketamine_kg.errors import QueryError, UserError

_OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "ttl")
_WIDTH_HELP = "Wrap the table to this many columns (default: the terminal width; 100 when piped)."


queries_app = typer.Typer(
    help="List the named queries, or show one's SPARQL.", no_args_is_help=False, rich_markup_mode=None
)
app.add_typer(queries_app, name="queries")


@queries_app.callback(invoke_without_command=True)
@handle_errors
def queries(
    ctx: typer.Context,
    format: Annotated[str, format_option("table or json.")] = "table",
) -> None:
    """List the named queries with their titles and parameters; `queries show NAME` prints one."""
    if ctx.invoked_subcommand is not None:
        return
    from ketamine_kg.queries import load_catalogue

    format = choose("--format", format, ("table", "json"))
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


@queries_app.command("show")
@handle_errors
def show(
    name: Annotated[str, typer.Argument(metavar="NAME", hidden=True)],
) -> None:
    """Print a named query's SPARQL with its header, ready to copy, adapt and run with --file.

    NAME is one of the names `ketamine-kg queries` lists.
    """
    from ketamine_kg.queries import get_query

    typer.echo(get_query(name).text, nl=False)


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
    data: list[Path], source: Path | None, engine: str, endpoint: str | None, timeout: float, reason: bool
) -> object:
    """The engine to run on: the endpoint, the --data files, or the graph built from the tables."""
    with loading():  # the query's --timeout does not count the loading or the build
        return _load_target(data, source, engine, endpoint, timeout, reason)


def _load_target(
    data: list[Path], source: Path | None, engine: str, endpoint: str | None, timeout: float, reason: bool
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
    return open_engine(built_graph(source, reason=reason).store, engine)


@app.command("query")
@with_deadline("timeout")
@handle_errors
def query(
    name: Annotated[str | None, typer.Argument(metavar="NAME", hidden=True)] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", metavar="KEY=VALUE", help="A parameter of the named query (repeatable)."
        ),
    ] = None,
    sparql: Annotated[
        str | None, typer.Option("--sparql", metavar="TEXT", help="Run this SPARQL text instead of NAME.")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", metavar="Q.rq", help="Run the SPARQL in this file instead of NAME."),
    ] = None,
    format: Annotated[
        str, format_option("table (for people), csv, tsv, json (SPARQL JSON) or ttl (alias turtle).")
    ] = "table",
    max_width: Annotated[
        int | None, typer.Option("--max-width", metavar="COLUMNS", min=40, help=_WIDTH_HELP)
    ] = None,
    wide: Annotated[
        bool, typer.Option("--wide", help="Show every column, unwrapped, in a table as wide as it needs.")
    ] = False,
    data: Annotated[
        list[Path] | None, data_option("Query these RDF files instead of the built graph.")
    ] = None,
    source: Annotated[Path | None, source_option()] = None,
    reason: Annotated[bool, reason_option()] = True,
    engine: Annotated[
        str, typer.Option("--engine", metavar="ENGINE", help="oxigraph (fast, the default) or rdflib.")
    ] = "oxigraph",
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", metavar="URL", help="Send the query to this SPARQL 1.1 endpoint."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            help="Stop a query that runs longer than this.",
            callback=positive_seconds,
        ),
    ] = 30.0,
    allow_network: Annotated[
        bool, typer.Option("--allow-network", help="Allow SERVICE and remote FROM (refused by default).")
    ] = False,
) -> None:
    """Run a named query, or SPARQL given with --sparql or --file, on the graph, RDF files or an endpoint.

    NAME is one of the names `ketamine-kg queries` lists; `ketamine-kg queries show NAME` prints its SPARQL.
    """
    from ketamine_kg.queries import ENGINES, get_query, prepare_query, run_query, run_sparql

    chosen = [x for x in (name, sparql, file) if x is not None]
    if len(chosen) != 1:
        raise UserError("give exactly one of NAME, --sparql TEXT or --file Q.rq")
    format = choose("--format", format, _OUTPUT_FORMATS)
    engine = choose("--engine", engine, ENGINES)
    if timeout <= 0:
        raise UserError("--timeout must be a positive number of seconds")
    needs("--param", bool(param), "a query NAME", name is not None)
    needs("--max-width", max_width is not None, "--format table", format == "table")
    needs("--wide", wide, "--format table", format == "table")
    if wide and max_width is not None:
        raise UserError("use either --wide or --max-width, not both")
    needs("--no-reason", not reason, "building from the tables", not data and not endpoint)
    needs("--engine", engine != "oxigraph", "a local graph (not --endpoint)", not endpoint)
    params: dict[str, Any] = _parse_params(param or [])
    if name is not None:
        named = get_query(name)  # fail fast on a bad name, before building the graph
        prepare_query(named.text, allow_network=allow_network)
        target = _open_target(data or [], source, engine, endpoint, timeout, reason)
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
        target = _open_target(data or [], source, engine, endpoint, timeout, reason)
        result = run_sparql(target, text, engine=engine, timeout=timeout, allow_network=allow_network)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    if result.form in {"CONSTRUCT", "DESCRIBE"} and format in {"ttl", "table"}:
        from ketamine_kg.graph_build.serialize import to_turtle

        typer.echo(to_turtle(result.to_graph()).decode("utf-8"), nl=False)
        return
    only = _table_columns(named.text) if name is not None else []
    typer.echo(_render(result, format, only, max_width, wide), nl=False)


def _table_columns(text: str) -> list[str]:
    """The ``# table:`` header line of a named query: the columns a narrow table shows (all if absent)."""
    from ketamine_kg.queries.catalogue import read_header

    return [c.strip() for line in read_header(text).get("table", []) for c in line.split(",") if c.strip()]


def _render(result: Any, format: str, only: list[str], max_width: int | None, wide: bool) -> str:
    """Machine formats as they are; the table fitted to the width, with codes said in words."""
    from ketamine_kg.queries import format_result

    if format != "table":
        return format_result(result, format)
    import shutil

    from ketamine_kg.ontology.schema import load_schema
    from ketamine_kg.queries.display import render_table

    words = {
        code: label
        for vocabulary, entries in load_schema().vocabularies.items()
        if vocabulary != "unit"
        for code, label in entries.items()
        if label and label != code
    }
    width = max_width or shutil.get_terminal_size((100, 24)).columns
    return render_table(result, width=None if wide else width, words=words, only=only)
