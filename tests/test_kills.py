"""``build`` and ``export`` killed (SIGKILL) at random moments leave the earlier output set intact or wholly
replaced, never a mix, and the next run tidies whatever the killed one left (issues 14 and 17)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import edit_table

KILLS = 20  # per command (export: 10 per format); run as two streams at once, each on its own output
Snapshot = dict[str, bytes]


def snapshot(path: Path) -> Snapshot:
    """Every file under ``path`` (or ``path`` itself) by relative name, with its bytes."""
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def _command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "ketamine_kg", *map(str, args)]


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.monotonic()
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - start


@dataclass(frozen=True)
class References:
    """Two different complete builds (A: the fixture tables, B: one label edited) and their duration."""

    sources: dict[str, Path]
    builds: dict[str, Path]
    seconds: float


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory, fixture_source_dir: Path) -> References:
    base = tmp_path_factory.mktemp("kill-references")
    edited = base / "source-B"
    shutil.copytree(fixture_source_dir, edited)
    edit_table(edited, "entities", 7, "label", "NMDA receptor (edited)")
    sources = {"A": fixture_source_dir, "B": edited}
    builds = {name: base / f"build-{name}" for name in sources}
    seconds = [
        _run(_command("build", "--source", sources[n], "--out", builds[n]), dict(os.environ)) for n in "AB"
    ]
    return References(sources, builds, max(seconds))


def _java_of(marker: str) -> list[int]:
    """Processes whose command line mentions ``marker`` (a killed build's HermiT would)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker.encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _kill_stream(
    commands: list[list[str]],
    output: Path,
    sets: dict[str, Snapshot],
    env: dict[str, str],
    delays: list[float],
    seed: int,
) -> Counter[str]:
    """Start each command, SIGKILL it after its delay, and name the set ``output`` holds afterwards."""
    seen: Counter[str] = Counter()
    for i, (command, delay) in enumerate(zip(commands, delays, strict=True)):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        now = snapshot(output)
        which = [name for name, files in sets.items() if files == now]
        assert which, (
            f"kill {i} after {delay:.2f} s (seed {seed}) left a mixed set in {output}: {sorted(now)}"
        )
        seen[which[0]] += 1
    return seen


def kill_at_random_moments(
    command_for: dict[str, list[str]],
    outputs: list[Path],
    sets: dict[str, Snapshot],
    env: dict[str, str],
    seconds: float,
    kills: int = KILLS,
) -> Counter[str]:
    """``kills`` runs spread over one stream per output (started from set A), writing B, A, B, ... in turn.

    Each run is killed at a moment drawn uniformly from [0, 1.2 x ``seconds``] (a whole run takes about
    ``seconds``), so kills land in start-up, building, reasoning and writing, and some runs finish.
    """
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    per_stream = kills // len(outputs)
    plans = [
        (
            [command_for["BA"[i % 2]] for i in range(per_stream)],
            [rng.uniform(0, 1.2 * seconds) for _ in range(per_stream)],
        )
        for _ in outputs
    ]
    with ThreadPoolExecutor(len(outputs)) as pool:
        streams = [
            pool.submit(_kill_stream, [[*c, str(out)] for c in commands], out, sets, env, delays, seed)
            for out, (commands, delays) in zip(outputs, plans, strict=True)
        ]
        seen = sum((s.result() for s in streams), Counter())
    assert sum(seen.values()) == kills, f"seed {seed}"
    return seen


@pytest.fixture
def kill_env(tmp_path: Path) -> dict[str, str]:
    """The environment of the runs, with a private temp folder to see what kills leave in it."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    return {**os.environ, "TMPDIR": str(scratch)}


def test_build_killed_at_random_moments_leaves_consistent_sets(
    references: References, tmp_path: Path, kill_env: dict[str, str]
) -> None:
    sets = {name: snapshot(path) for name, path in references.builds.items()}
    for name in ("ketamine-kg.ttl", "ketamine-kg.owl", "ketamine-kg.html", "queries/drug_targets.csv"):
        assert sets["A"][name] != sets["B"][name]  # so a mix of the two sets cannot pass for either
    outputs = [tmp_path / f"stream-{i}" / "out" for i in range(2)]
    for out in outputs:
        shutil.copytree(references.builds["A"], out)
    command_for = {n: _command("build", "--source", s, "--out") for n, s in references.sources.items()}
    kill_at_random_moments(command_for, outputs, sets, kill_env, references.seconds)
    time.sleep(0.5)
    assert _java_of(kill_env["TMPDIR"]) == [], "a killed build's HermiT outlived it"
    for out in outputs:  # the next run tidies what the killed ones left
        _run([*command_for["B"], str(out)], kill_env)
        assert snapshot(out) == sets["B"]
        assert [p.name for p in out.parent.iterdir()] == ["out"]  # no staging or old folders
    assert list(Path(kill_env["TMPDIR"]).iterdir()) == []  # no ketamine-kg-reason-* folders


@pytest.mark.parametrize("fmt", ["turtle", "kgx"])
def test_export_killed_at_random_moments_leaves_its_output_intact_or_replaced(
    fmt: str, references: References, tmp_path: Path, kill_env: dict[str, str]
) -> None:
    """Turtle is one file, KGX a folder of two files that must match each other."""
    name = "kg.ttl" if fmt == "turtle" else "kgx"
    command_for = {
        n: _command("export", "--from-rdf", b / "ketamine-kg.ttl", "--format", fmt, "--out")
        for n, b in references.builds.items()
    }
    seconds = 0.0
    for n in "AB":
        seconds = max(seconds, _run([*command_for[n], str(tmp_path / f"ref-{n}" / name)], kill_env))
    sets = {n: snapshot(tmp_path / f"ref-{n}" / name) for n in "AB"}
    assert sets["A"] != sets["B"]
    outputs = [tmp_path / f"stream-{i}" / name for i in range(2)]
    for out in outputs:
        out.parent.mkdir()
        (shutil.copytree if fmt == "kgx" else shutil.copy)(tmp_path / "ref-A" / name, out)
    kill_at_random_moments(command_for, outputs, sets, kill_env, seconds, KILLS // 2)
    for out in outputs:
        _run([*command_for["B"], str(out)], kill_env)
        assert snapshot(out) == sets["B"]
        if fmt == "kgx":
            assert [p.name for p in out.parent.iterdir()] == ["kgx"]
