"""The README's promises: its Python examples run, and its two commands exist and are what CI calls."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_examples_run(tmp_path: Path) -> None:
    code = "\n".join(re.findall(r"```python\n(.*?)```", README, re.S))
    assert "build_knowledge_graph" in code and "run_query" in code
    script = tmp_path / "readme_example.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "nmda_receptor" in result.stdout


def test_two_commands_and_ci() -> None:
    assert "./build.sh" in README and "./test.sh" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./test.sh" in ci
    test_sh = (ROOT / "test.sh").read_text(encoding="utf-8")
    for step in ("ruff check", "ruff format --check", "mypy", "pytest"):
        assert step in test_sh


def test_every_cli_command_is_documented() -> None:
    from ketamine_kg.cli import app

    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    for name in names:
        assert f"ketamine-kg {name}" in README, name


def test_readme_figures_match_the_build(real_build: object) -> None:
    from ketamine_kg.pipeline import BuildResult

    assert isinstance(real_build, BuildResult)
    s = real_build.summary

    def join(counts: dict[str, int]) -> str:
        return ", ".join(f"{k} {v}" for k, v in counts.items())

    assert f"| triples (asserted + inferred) | {s.triples} |" in README
    assert f"| entities per category | {join(s.entities_per_category)} |" in README
    assert f"| assertions | {s.assertions} " in README
    assert f"| quantities | {s.quantities} |" in README
    assert f"| sources | {s.sources} |" in README
    assert f"| claims by status | {join(s.claims_by_status)} |" in README
    assert f"| identifiers by prefix | {join(s.identifiers_by_prefix)} |" in README
    assert (
        f"| inferred facts (HermiT, plus the stated direct downstream-metabolite edges) | {s.inferred} |"
        in README
    )
