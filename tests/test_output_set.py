"""A whole output set or none: the staging folder swap and the repair of what killed runs left (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ketamine_kg.errors import UserError
from ketamine_kg.graph_build import atomic
from ketamine_kg.graph_build.atomic import recover_folder, replace_folder_atomic

OLD = {"a.ttl": b"old a", "queries/q1.csv": b"old q1", "queries/gone.csv": b"only in the old set"}
NEW = {"a.ttl": b"new a", "queries/q1.csv": b"new q1", "b.html": b"new b"}


def files_in(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def dead_pid() -> int:
    """The id of a process that has exited."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_the_new_set_replaces_the_old_one_whole(
    tmp_path: Path, exchange: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not exchange:  # a system without renameat2 takes the fallback path
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    replace_folder_atomic(out, OLD)
    written = replace_folder_atomic(out, NEW)
    assert written == [out / name for name in NEW]
    assert files_in(out) == NEW  # gone.csv went with its set
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (
        oct(out.stat().st_mode & 0o777) == "0o755" and oct((out / "a.ttl").stat().st_mode & 0o777) == "0o644"
    )


def test_a_folder_with_files_of_others_is_refused_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    replace_folder_atomic(out, OLD)
    (out / "notes.txt").write_text("mine")
    before = files_in(out)
    with pytest.raises(UserError, match=r"out: holds files that ketamine-kg did not write \(notes.txt\)"):
        replace_folder_atomic(out, NEW)
    assert files_in(out) == before
    with pytest.raises(UserError, match="is not a folder"):
        replace_folder_atomic(out / "a.ttl", NEW)


def test_outputs_of_older_versions_are_replaced(tmp_path: Path) -> None:
    """Written file by file before: the set's own names and leftover temp files of those writes are ours."""
    out = tmp_path / "out"
    (out / "queries").mkdir(parents=True)
    (out / "a.ttl").write_bytes(b"legacy")
    (out / ".a.ttl.x1y2.tmp").write_bytes(b"half")
    replace_folder_atomic(out, NEW)
    assert files_in(out) == NEW


def test_leftovers_of_killed_runs_are_removed_or_put_back(tmp_path: Path) -> None:
    pid = dead_pid()
    out = tmp_path / "out"
    half_written = tmp_path / f".out.ketamine-kg-new-{pid}-k1"
    (half_written / "queries").mkdir(parents=True)
    old_set = tmp_path / f".out.ketamine-kg-old-{pid}-k2"
    old_set.mkdir()
    (old_set / "a.ttl").write_bytes(b"old a")
    other = tmp_path / f".other.ketamine-kg-new-{pid}-k3"  # belongs to another output folder
    other.mkdir()
    assert recover_folder(out) == [half_written]  # killed between the two renames: the old set is put back
    assert files_in(out) == {"a.ttl": b"old a"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", other.name])


def test_leftovers_of_a_run_still_going_are_kept(tmp_path: Path) -> None:
    running = tmp_path / f".out.ketamine-kg-new-{os.getpid()}-k1"
    running.mkdir()
    assert recover_folder(tmp_path / "out") == []
    assert running.is_dir()


def test_names_must_stay_inside_the_folder(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="inside the output folder"):
        replace_folder_atomic(tmp_path / "out", {"../escape.txt": b"x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == []
