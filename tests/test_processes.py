"""processes.in_forked_child: the build's second core returns the same value, raises the same error."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from ketamine_kg.errors import (
    ExportError,
    InconsistentOntologyError,
    Problem,
    RDFParseError,
    SourceValidationError,
)
from ketamine_kg.processes import in_forked_child, process_alive


def test_the_child_computes_the_value_the_parent_receives() -> None:
    parent = os.getpid()
    with in_forked_child(lambda: (os.getpid(), b"x" * 1_000_000)) as wait:
        pid, payload = wait()
    assert pid != parent  # computed in the child, and more than a pipe's buffer came back whole
    assert payload == b"x" * 1_000_000


def test_an_error_in_the_child_is_raised_by_the_wait() -> None:
    def fail() -> None:
        raise ExportError("line 3: text XML 1.0 cannot carry")

    with in_forked_child(fail) as wait, pytest.raises(ExportError, match="line 3: text XML"):
        wait()


def test_a_child_killed_before_answering_is_replaced_by_running_here() -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return 42

    with in_forked_child(work) as wait:
        assert wait() == 42


def test_leaving_without_waiting_stops_the_child(tmp_path: Path) -> None:
    marker = tmp_path / "pid"

    def linger() -> None:
        marker.write_text(str(os.getpid()))
        time.sleep(600)

    with pytest.raises(RuntimeError, match="the parent's share failed"), in_forked_child(linger):
        for _ in range(200):  # until the child has started
            if marker.exists() and marker.read_text():
                break
            time.sleep(0.05)
        raise RuntimeError("the parent's share failed")
    assert not process_alive(int(marker.read_text()))


@pytest.mark.parametrize(
    "error",
    [
        RDFParseError("data.ttl", 4, 7, "ill-typed literal"),
        SourceValidationError([Problem("entities.tsv", 3, "id", "duplicate id")]),
        InconsistentOntologyError("HermiT found the ontology inconsistent", ["kg:x in A and B"]),
    ],
)
def test_errors_with_their_own_fields_cross_from_the_child_intact(error: Exception) -> None:
    def fail() -> None:
        raise error

    with in_forked_child(fail) as wait, pytest.raises(type(error)) as caught:
        wait()
    assert str(caught.value) == str(error) and vars(caught.value) == vars(error)
