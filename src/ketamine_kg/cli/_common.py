"""Shared CLI plumbing: error reporting, exit codes, progress that stays quiet when piped."""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import typer

from ketamine_kg.cli._watchdog import STDERR_TTY
from ketamine_kg.errors import KetamineKGError

if TYPE_CHECKING:
    from ketamine_kg.graph_cache import CachedGraph

P = ParamSpec("P")
R = TypeVar("R")
_STARTED = time.monotonic()


def is_terminal() -> bool:
    """True when stderr is a terminal (show progress); False when piped or in CI."""
    return sys.stderr.isatty() or os.environ.get(STDERR_TTY) == "1"


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
    """A progress line with the elapsed time, on a terminal only (nothing when stderr is piped)."""
    if is_terminal():
        typer.echo(f"[{time.monotonic() - _STARTED:5.1f} s] {message}", err=True)


def cache_enabled() -> bool:
    """False when ``KETAMINE_KG_NO_CACHE`` is set (to anything but 0)."""
    return os.environ.get("KETAMINE_KG_NO_CACHE", "").strip() in {"", "0"}


def built_graph(
    source: Path | None, *, reason: bool = True, reasoner_timeout: float = 120.0, max_inferred: int = 20_000
) -> CachedGraph:
    """The graph built from ``source`` (packaged tables by default), from the cache when it is current.

    ``KETAMINE_KG_NO_CACHE=1`` always builds afresh and leaves the cache alone.
    """
    from ketamine_kg.graph_cache import load_graph

    graph = load_graph(
        source,
        reason=reason,
        reasoner_timeout=reasoner_timeout,
        max_inferred=max_inferred,
        progress=status,
        use_cache=cache_enabled(),
    )
    status("using the cached graph" if graph.from_cache else "built the graph")
    return graph
