"""Run a command in a child process with bounded memory, killed when its time (if it has one) runs out.

Some work cannot be interrupted or refused from Python: a regular expression backtracking inside
rdflib, a parser in Rust, a C loop holding the GIL, an allocation that fails in Rust (which aborts the
process). ``bounded`` therefore forks: the child runs the command with its address space capped
(``--memory-mb``), and the parent turns its death into one message and exit 2. With a timeout
(``with_deadline``) the parent also keeps the clock and kills the child's process group when the time
is up. The clock stops while the child loads its input (``loading()``), so ``--timeout`` measures the
query (parse, plan, evaluate, label lookup, formatting), not the build. The child's standard output is
held by the parent and written only when the child succeeds, so a stopped query never leaves half an
answer. Ctrl-C is passed on to the child, which cleans up (temp files) and says so itself.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import resource
import select
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ParamSpec

import typer

from ketamine_kg.limits import Limits
from ketamine_kg.processes import parent_death_arm

__all__ = ["bounded", "loading", "with_deadline"]

P = ParamSpec("P")
_CONTROL_FD = "KETAMINE_KG_WATCHDOG_FD"
_GRACE = 1.0  # the child's own, softer deadline (DeadlineRunner) normally answers first
_INTERRUPT_GRACE = 10.0  # after Ctrl-C, how long the child may take to remove its temp files
# What an interpreter or a Rust library prints as it aborts (out of memory): the parent says it in one line.
_CRASH_NOISE = re.compile(
    r"^(?:Fatal Python error: .*|Python runtime state: .*|Current thread 0x.*|  File \"<frozen .*"
    r"|memory allocation of \d+ bytes failed|Thread 0x[0-9a-f]+ \(most recent call first\):"
    r"|stack backtrace:|note: Some details are omitted, run with `RUST_BACKTRACE=full`.*"
    r"|skipping backtrace printing .*| +\d+: (?:0x[0-9a-f]+|[\w:<>]+).*| +at [^ ]+:\d+:\d+)\n",
    re.MULTILINE,
)
_POLL = 1.0  # how often the parent looks at the child's memory
_AT_LIMIT = 5.0  # seconds a child may sit at its memory limit before it counts as out of memory
_NEAR = 16 * 2**20  # "at the limit": less than this much address space left
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
    func: Callable[[], object],
    control: int,
    out: int,
    err: int,
    limits: Limits,
    terminal: dict[str, str],
    what: str,
) -> None:
    """Run ``func`` in the forked child and leave with its exit code (never returns)."""
    code = 0
    try:
        os.setpgid(0, 0)  # its own group: Ctrl-C reaches the parent, which stops the whole group
        arm = parent_death_arm()  # a killed CLI must not leave a worker running
        if arm is not None:
            arm()
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
        code = _memory_message(limits, what)
    except BaseException as exc:  # the child must never fall back into the parent's code
        sys.stderr.write(f"error: {type(exc).__name__}: {exc}\n")
        code = 1
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _memory_message(limits: Limits, what: str) -> int:
    sys.stderr.write(
        f"error: the {what} needed more than {limits.memory_bytes // 2**20:,} MiB of memory and was "
        f"stopped; {_smaller(what)}, or {limits.hint('memory_bytes')}\n"
    )
    return 2


def _smaller(what: str) -> str:
    return "narrow the query (more specific patterns, LIMIT)" if what == "query" else "make its input smaller"


def _near_limit(pid: int, limits: Limits, since: float | None) -> float | None:
    """Since when the child's address space has been within ``_NEAR`` of its limit (None: it is not)."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    if pages * resource.getpagesize() < limits.memory_bytes - _NEAR:
        return None
    return time.monotonic() if since is None else since


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _relay(fd: int, out: int, err: int, held: list[bytes], partial: bytearray) -> bytes | None:
    """Read what the child wrote on ``fd``: hold its output, pass its messages on (whole lines, so that
    crash noise split over two writes is still recognised); None at end of file."""
    data = os.read(fd, 1 << 16)
    if fd == err:
        partial += data
        end = len(partial) if not data else partial.rfind(b"\n") + 1
        text = _CRASH_NOISE.sub("", bytes(partial[:end]).decode("utf-8", "replace"))
        del partial[:end]
        if text:
            sys.stderr.write(text)
            sys.stderr.flush()
    if not data:
        return None
    if fd == out:
        held.append(data)
    return data if fd not in (out, err) else b""


def _interrupt(
    pid: int, open_fds: set[int], out: int, err: int, held: list[bytes], partial: bytearray
) -> None:
    """Pass Ctrl-C on to the child and give it a moment to clean up; a second Ctrl-C stops it at once."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGINT)
    deadline = time.monotonic() + _INTERRUPT_GRACE
    try:
        while open_fds and (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select(list(open_fds), [], [], left)
            for fd in ready:
                if _relay(fd, out, err, held, partial) is None:
                    open_fds.discard(fd)
    except KeyboardInterrupt:
        pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # what is left of the group (a reasoner); the caller reaps the child


def _supervise(
    pid: int, control: int, out: int, err: int, timeout: float | None, limits: Limits, what: str
) -> int:
    """Relay the child's output, keep its clock, and return its exit code (or stop it and say why)."""
    budget = math.inf if timeout is None else timeout + _GRACE
    started: float | None = time.monotonic()
    held: list[bytes] = []
    partial = bytearray()  # the child's last stderr line, until its newline arrives
    open_fds = {control, out, err}
    interrupted = False
    near_limit: float | None = None
    try:
        while open_fds:
            wait = _POLL if started is None else min(max(budget - (time.monotonic() - started), 0.0), _POLL)
            ready, _, _ = select.select(list(open_fds), [], [], wait)
            near_limit = _near_limit(pid, limits, near_limit)
            if near_limit is not None and time.monotonic() - near_limit >= _AT_LIMIT:
                _stop(pid)  # a MemoryError that some library catches and retries: stuck at the limit
                _memory_message(limits, what)
                return 2
            if not ready and started is not None and time.monotonic() - started >= budget:
                _stop(pid)
                typer.echo(
                    f"error: the {what} did not finish within {timeout:g} s and was stopped; "
                    "narrow it (more specific patterns, LIMIT) or raise --timeout",
                    err=True,
                )
                return 2
            for fd in ready:
                data = _relay(fd, out, err, held, partial)
                if data is None:
                    open_fds.discard(fd)
                elif data.endswith(_PAUSE) and started is not None:
                    budget -= time.monotonic() - started
                    started = None
                elif data.endswith(_RESUME):
                    started = time.monotonic()
    except KeyboardInterrupt:
        interrupted = True
        _interrupt(pid, open_fds, out, err, held, partial)
    _, status = os.waitpid(pid, 0)
    if interrupted and (os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0):
        if os.WIFSIGNALED(status):  # else the child has said so itself
            typer.echo("error: interrupted; earlier outputs are unchanged", err=True)
        return 130
    if os.WIFSIGNALED(status):
        sig = signal.Signals(os.WTERMSIG(status))
        typer.echo(
            f"error: the {what} process was killed by {sig.name} (out of memory or a crash in an engine); "
            f"{_smaller(what)}, or {limits.hint('memory_bytes')}",
            err=True,
        )
        return 2
    code = os.WEXITSTATUS(status)
    if code == 0 or what == "command":  # a check that fails (exit 1) still shows its report
        sys.stdout.write(b"".join(held).decode("utf-8", "replace"))
        sys.stdout.flush()
    return code


def _run_bounded(func: Callable[[], None], timeout: float | None, what: str) -> None:
    """Run ``func`` in a watched child (see the module docstring); raise typer.Exit with its failure code."""
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
        _child(func, control_w, out_w, err_w, limits, terminal, what)
    for fd in (control_w, out_w, err_w):
        os.close(fd)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also here, so that the group exists before the parent may kill it
    try:
        code = _supervise(pid, control_r, out_r, err_r, timeout, limits, what)
    finally:
        for fd in (control_r, out_r, err_r):
            os.close(fd)
    if code:
        raise typer.Exit(code)


def with_deadline(
    timeout_arg: str | None, what: str = "query"
) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Decorate a command so that it runs in a watched child; ``timeout_arg`` names its timeout option
    (None: no clock, memory bound only)."""

    def decorate(func: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
            if _CONTROL_FD in os.environ:
                func(*args, **kwargs)
                return
            timeout = kwargs.get(timeout_arg) if timeout_arg else None
            seconds = float(timeout) if isinstance(timeout, int | float) else None
            _run_bounded(lambda: func(*args, **kwargs), seconds, what)

        return wrapper

    return decorate


#: Run a command in a child with bounded memory (no clock): every command but ``query``.
bounded = with_deadline(None, "command")
