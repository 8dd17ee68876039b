"""Thin Typer CLI: parses options, calls the library, turns domain exceptions into exit codes.

Each command lives in its own module and registers itself on ``app``. Heavy libraries are imported
inside the command functions so that ``ketamine-kg --help`` does not load them.
"""

from __future__ import annotations

import os
import signal
import threading


def _interrupted_while_starting(_signum: int, _frame: object) -> None:
    os.write(2, b"error: interrupted; nothing was written\n")  # nothing has been opened yet
    os._exit(130)


# Ctrl-C while the CLI starts (imports, option parsing): one line and exit 130, not a traceback. The
# command wrapper (``_common.handle_errors``) puts Python's KeyboardInterrupt back once a command runs.
if threading.current_thread() is threading.main_thread():
    signal.signal(signal.SIGINT, _interrupted_while_starting)

import importlib  # noqa: E402 - after the start-up handler
from typing import Annotated  # noqa: E402

import typer  # noqa: E402 - after the start-up handler

from ketamine_kg.cli._validate import limit_option, set_limits  # noqa: E402

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
    max_path_steps: Annotated[int | None, limit_option("max_path_steps")] = None,
    memory_mb: Annotated[int | None, limit_option("memory_bytes")] = None,
) -> None:
    """A cited, reasoned knowledge graph of ketamine and esketamine in depression."""
    set_limits(max_input_mb, max_nesting, max_query_kb, max_query_depth, max_path_steps, memory_mb)


# Command modules register themselves on ``app`` when imported, in this order (the order of --help).
COMMAND_MODULES = ("build_cmd", "check_cmd", "query_cmd", "render_cmd", "export_cmd", "publish_cmd")
for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}")
importlib.import_module(f"{__name__}.check_text_cmd")


def _whole_short_help(typer_app: typer.Typer) -> None:
    """Let the command list of --help show each command's whole first paragraph (click cuts it at ~45)."""
    for info in typer_app.registered_commands:
        if info.short_help is None and info.callback is not None and info.callback.__doc__:
            info.short_help = " ".join(info.callback.__doc__.strip().split("\n\n")[0].split())
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _whole_short_help(group.typer_instance)


_whole_short_help(app)


def main() -> None:
    """Console-script entry point; Ctrl-C anywhere ends with one line and exit code 130."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("error: interrupted; earlier outputs are unchanged", err=True)
        raise SystemExit(130) from None
    finally:  # the work is done (or refused): a late Ctrl-C must not turn the exit into a traceback
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
