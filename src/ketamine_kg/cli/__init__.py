"""Thin Typer CLI: parses options, calls the library, turns domain exceptions into exit codes.

Each command lives in its own module and registers itself on ``app``. Heavy libraries are imported
inside the command functions so that ``ketamine-kg --help`` does not load them.
"""

from __future__ import annotations

import importlib

import typer

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
) -> None:
    """A cited, reasoned knowledge graph of ketamine and esketamine in depression."""


# Command modules register themselves on ``app`` when imported, in this order (the order of --help).
COMMAND_MODULES = ("build_cmd", "check_cmd", "query_cmd", "render_cmd", "export_cmd", "publish_cmd")
for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}")
# The command list of --help shows each command's whole first paragraph (click would cut it at ~45 chars).
for _info in app.registered_commands:
    if _info.short_help is None and _info.callback is not None and _info.callback.__doc__:
        _info.short_help = " ".join(_info.callback.__doc__.strip().split("\n\n")[0].split())


def main() -> None:
    """Console-script entry point."""
    app()
