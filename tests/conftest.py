"""Shared fixtures: the tiny fixture source, its build, the real build, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ketamine_kg.pipeline import BuildResult, build_knowledge_graph

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test (and every CLI it starts) caches built graphs in a temporary XDG cache, never ~/.cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture(scope="session")
def fixture_source_dir() -> Path:
    """The tiny source tables (two or more entities per core category)."""
    return FIXTURES / "source"


@pytest.fixture
def source_copy(tmp_path: Path, fixture_source_dir: Path) -> Path:
    """A writable copy of the fixture source tables."""
    target = tmp_path / "source"
    shutil.copytree(fixture_source_dir, target)
    return target


@pytest.fixture(scope="session")
def fixture_build(fixture_source_dir: Path) -> BuildResult:
    """The reasoned build of the fixture tables."""
    return build_knowledge_graph(fixture_source_dir)


@pytest.fixture(scope="session")
def real_build() -> BuildResult:
    """The reasoned build of the packaged, curated tables."""
    return build_knowledge_graph()


@pytest.fixture
def run_cli(tmp_path: Path) -> RunCli:
    """Run ``python -m ketamine_kg ARGS`` in a subprocess (real exit codes, real stderr)."""

    def run(
        *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ketamine_kg", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            env={**os.environ, **(env or {})},
            timeout=timeout,
        )

    return run


def edit_table(directory: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell of ``directory/table.tsv``; ``row`` counts lines as the loader does (header = 1)."""
    path = directory / f"{table}.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    cells = lines[row - 1].split("\t")
    cells += [""] * (len(header) - len(cells))
    cells[header.index(column)] = value
    lines[row - 1] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def append_row(directory: Path, table: str, values: dict[str, str]) -> int:
    """Append a row to a table; returns its line number."""
    path = directory / f"{table}.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    lines.append("\t".join(values.get(col, "") for col in header))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)
