"""Run a command in a child process that is killed when its time runs out, with bounded memory.

Some work cannot be interrupted from Python: a regular expression backtracking inside rdflib, a parser
in Rust, a C loop holding the GIL. ``with_deadline`` therefore forks: the child runs the command with
its address space capped (``--memory-mb``); the parent keeps the clock and kills the child's process
group when the time is up. The clock stops while the child loads its input (``loading()``), so
``--timeout`` measures the query (parse, plan, evaluate, label lookup, formatting), not the build.
The child's standard output is held by the parent and written only when the child succeeds, so a
stopped query never leaves half an answer.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import select
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from typing import ParamSpec

import typer

from ketamine_kg.limits import Limits

__all__ = ["loading", "with_deadline"]

P = ParamSpec("P")
_CONTROL_FD = "KETAMINE_KG_WATCHDOG_FD"
_GRACE = 1.0  # the child's own, softer deadline (DeadlineRunner) normally answers first
_PAUSE, _RESUME = b"P", b"R"
#: Set in the child when the parent's stderr is a terminal, so progress lines still show (its own is a pipe).
STDERR_TTY = "KETAMINE_KG_STDERR_TTY"


@contextlib.contextmanager
def loading() -> Iterator[None]:
    """Stop the watchdog's clock while the input is loaded or built (no-op outside a watched child)."""
    fd = os.environ.get(_CONTROL_FD)
    if fd is None:
        yield
        return
    os.write(int(fd), _PAUSE)
    try:
        yield
    finally:
        os.write(int(fd), _RESUME)


def _terminal() -> dict[str, str]:
    """What the child must know of the parent's terminal: its width (tables) and whether stderr is one."""
    env: dict[str, str] = {}
    if sys.stdout.isatty() and "COLUMNS" not in os.environ:
        env["COLUMNS"] = str(shutil.get_terminal_size().columns)
    if sys.stderr.isatty():
        env[STDERR_TTY] = "1"
    return env


def _child(
    func: Callable[[], object], control: int, out: int, err: int, limits: Limits, terminal: dict[str, str]
) -> None:
    """Run ``func`` in the forked child and leave with its exit code (never returns)."""
    code = 0
    try:
        os.setpgid(0, 0)  # its own group: Ctrl-C reaches the parent, which stops the whole group
        os.dup2(out, 1)
        os.dup2(err, 2)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - lives until _exit
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        os.environ[_CONTROL_FD] = str(control)
        os.environ.update(terminal)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        func()
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.BadParameter as exc:
        exc.show()
        code = exc.exit_code
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except MemoryError:
        code = _memory_message(limits)
    except BaseException as exc:  # the child must never fall back into the parent's code
        sys.stderr.write(f"error: {type(exc).__name__}: {exc}\n")
        code = 1
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _memory_message(limits: Limits) -> int:
    sys.stderr.write(
        f"error: the query needed more than {limits.memory_bytes // 2**20:,} MiB of memory and was stopped; "
        f"narrow it, or {limits.hint('memory_bytes')}\n"
    )
    return 2


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _supervise(pid: int, control: int, out: int, err: int, timeout: float, limits: Limits) -> int:
    """Relay the child's output, keep its clock, and return its exit code (or stop it and say why)."""
    budget = timeout + _GRACE
    started: float | None = time.monotonic()
    held: list[bytes] = []
    open_fds = {control, out, err}
    try:
        while open_fds:
            wait = None if started is None else max(budget - (time.monotonic() - started), 0.0)
            ready, _, _ = select.select(list(open_fds), [], [], wait)
            if not ready and started is not None and time.monotonic() - started >= budget:
                _stop(pid)
                typer.echo(
                    f"error: the query did not finish within {timeout:g} s and was stopped; "
                    "narrow it (more specific patterns, LIMIT) or raise --timeout",
                    err=True,
                )
                return 2
            for fd in ready:
                data = os.read(fd, 1 << 16)
                if not data:
                    open_fds.discard(fd)
                elif fd == out:
                    held.append(data)
                elif fd == err:
                    sys.stderr.write(data.decode("utf-8", "replace"))
                    sys.stderr.flush()
                elif data.endswith(_PAUSE) and started is not None:
                    budget -= time.monotonic() - started
                    started = None
                elif data.endswith(_RESUME):
                    started = time.monotonic()
    except KeyboardInterrupt:
        _stop(pid)
        typer.echo("error: interrupted; nothing was written", err=True)
        return 130
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        sig = signal.Signals(os.WTERMSIG(status)).name
        typer.echo(
            f"error: the query process was killed by {sig} (out of memory or a crash in an engine); "
            f"narrow the query, or {limits.hint('memory_bytes')}",
            err=True,
        )
        return 2
    code = os.WEXITSTATUS(status)
    if code == 0:
        sys.stdout.write(b"".join(held).decode("utf-8", "replace"))
        sys.stdout.flush()
    return code


def with_deadline(timeout_arg: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Decorate a command so that it runs in a watched child; ``timeout_arg`` names its timeout option."""

    def decorate(func: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
            timeout = kwargs.get(timeout_arg)
            if not isinstance(timeout, int | float) or _CONTROL_FD in os.environ:
                func(*args, **kwargs)
                return
            limits = Limits.from_env()
            control_r, control_w = os.pipe()
            out_r, out_w = os.pipe()
            err_r, err_w = os.pipe()
            terminal = _terminal()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                for fd in (control_r, out_r, err_r):
                    os.close(fd)
                _child(lambda: func(*args, **kwargs), control_w, out_w, err_w, limits, terminal)
            for fd in (control_w, out_w, err_w):
                os.close(fd)
            with contextlib.suppress(OSError):
                os.setpgid(pid, pid)  # also here, so that the group exists before the parent may kill it
            try:
                code = _supervise(pid, control_r, out_r, err_r, float(timeout), limits)
            finally:
                for fd in (control_r, out_r, err_r):
                    os.close(fd)
            if code:
                raise typer.Exit(code)

        return wrapper

    return decorate
