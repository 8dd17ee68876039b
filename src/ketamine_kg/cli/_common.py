"""Shared CLI plumbing: error reporting, exit codes, progress that stays quiet when piped."""

from __future__ import annotations

import functools
import logging
import signal
import sys
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from ketamine_kg.errors import KetamineKGError

P = ParamSpec("P")
R = TypeVar("R")


def is_terminal() -> bool:
    """True when stderr is a terminal (show progress); False when piped or in CI."""
    return sys.stderr.isatty()


def fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` to stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn domain exceptions into a one-paragraph message and an exit code; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.default_int_handler)  # from here on, KeyboardInterrupt
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
        try:
            return func(*args, **kwargs)
        except KetamineKGError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted; earlier outputs are unchanged", 130) from None
        except OSError as exc:
            raise fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), 2) from None

    return wrapper


def status(message: str) -> None:
    """A progress line on a terminal only."""
    if is_terminal():
        typer.echo(message, err=True)
