"""Thin Typer CLI: parses options, calls the library, turns domain exceptions into exit codes.

Each command lives in its own module and registers itself on ``app``. Heavy libraries are imported
inside the command functions so that ``ketamine-kg --help`` does not load them.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from ketamine_kg.cli._validate import limit_option, set_limits

app = typer.Typer(
    name="ketamine-kg",
    help="A cited, reasoned knowledge graph of ketamine and esketamine in depression.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: rendering it with rich doubles the start-up time of --help
)


def _version(value: bool) -> None:
    if value:
        from ketamine_kg import __version__

        typer.echo(f"ketamine-kg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
    max_input_mb: Annotated[int | None, limit_option("max_input_bytes")] = None,
    max_nesting: Annotated[int | None, limit_option("max_nesting")] = None,
    max_query_kb: Annotated[int | None, limit_option("max_query_chars")] = None,
    max_query_depth: Annotated[int | None, limit_option("max_query_depth")] = None,
    memory_mb: Annotated[int | None, limit_option("memory_bytes")] = None,
) -> None:
    """A cited, reasoned knowledge graph of ketamine and esketamine in depression."""
    set_limits(max_input_mb, max_nesting, max_query_kb, max_query_depth, memory_mb)


# Command modules register themselves on ``app`` when imported, in this order (the order of --help).
COMMAND_MODULES = ("build_cmd", "check_cmd", "query_cmd", "render_cmd", "export_cmd", "publish_cmd")
for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}")


def main() -> None:
    """Console-script entry point."""
    app()
