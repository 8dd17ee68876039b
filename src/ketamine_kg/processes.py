"""Process facts shared by the layers that clean up after killed runs, and work handed to a forked child."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

__all__ = ["in_forked_child", "parent_death_arm", "process_alive"]

PR_SET_PDEATHSIG = 1

T = TypeVar("T")


def process_alive(pid: int) -> bool:
    """True while process ``pid`` runs (or belongs to another user, so it cannot be asked).

    >>> process_alive(os.getpid())
    True
    """
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


@contextlib.contextmanager
def in_forked_child(func: Callable[[], T]) -> Iterator[Callable[[], T]]:
    """Start ``func`` in a forked copy of this process; the call yielded waits for its result.

    The second core does independent work: the OWL file while a build draws the view and answers the
    queries, the screen of an RDF file while the parser fills the store. An exception in the child is
    raised by the wait; where fork is unavailable, or the child dies without an answer, ``func`` runs in
    this process instead, so the result is the same. Leaving the block without waiting (an error in the
    parent's share) stops the child.
    """
    if not hasattr(os, "fork"):
        yield func
        return
    import pickle  # here, not on every command's start-up path (the watchdog imports this module)

    arm = parent_death_arm()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running the parent's clean-up
        gc.freeze()  # the parent's objects stay out of the child's collections, so their pages stay shared
        os.close(read_end)
        if arm is not None:
            arm()
        try:
            outcome: tuple[bool, object] = (True, func())
        except BaseException as exc:
            outcome = (False, exc)
        try:
            data = pickle.dumps(outcome)
        except Exception as exc:  # an unpicklable error: its text
            data = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        with contextlib.suppress(OSError), os.fdopen(write_end, "wb") as sink:
            sink.write(data)
        os._exit(0)
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    waited = False

    def wait() -> T:
        nonlocal waited
        data = pipe.read()
        os.waitpid(pid, 0)
        waited = True
        if not data:
            return func()
        ok, value = pickle.loads(data)  # our own child wrote it
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

    try:
        yield wait
    finally:
        pipe.close()
        if not waited:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def parent_death_arm() -> Callable[[], None] | None:
    """A call that makes Linux kill the calling process when its parent dies, even by SIGKILL; else None.

    Made before a fork and called in the child (as a ``preexec_fn`` only ``prctl`` runs there).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:  # the C library is already loaded: no ``find_library``, which starts ldconfig
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    return arm
