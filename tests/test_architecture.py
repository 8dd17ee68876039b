"""Layering rules of the package, enforced on the source with ``ast``; a fast ``--help``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ketamine_kg"
HEAVY = ("rdflib", "owlready2", "networkx", "pyvis", "pyoxigraph")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(sub: str = "") -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_nothing_imports_the_cli() -> None:
    for path in modules():
        if "cli" in path.relative_to(PACKAGE).parts or path.name == "__main__.py":
            continue
        assert not any(n.startswith("ketamine_kg.cli") for n in imports_of(path)), path


def test_owlready2_only_in_ontology_and_pyvis_only_in_visualize() -> None:
    for path in modules():
        parts = path.relative_to(PACKAGE).parts
        names = imports_of(path)
        if parts[0] != "ontology":
            assert not any(n.startswith("owlready2") for n in names), path
        if parts[0] != "visualize":
            assert not any(n.startswith("pyvis") for n in names), path


@pytest.mark.parametrize(
    ("sub", "forbidden"),
    [
        (
            "ontology",
            (
                "ketamine_kg.graph_build",
                "ketamine_kg.queries",
                "ketamine_kg.visualize",
                "ketamine_kg.pipeline",
            ),
        ),
        ("graph_build", ("ketamine_kg.queries", "ketamine_kg.pipeline")),
        ("queries", ("ketamine_kg.ontology", "ketamine_kg.visualize", "owlready2")),
        (
            "visualize",
            ("ketamine_kg.ontology", "ketamine_kg.queries", "ketamine_kg.pipeline", "rdflib", "owlready2"),
        ),
    ],
)
def test_imports_point_one_way(sub: str, forbidden: tuple[str, ...]) -> None:
    for path in modules(sub):
        for name in imports_of(path):
            assert not name.startswith(forbidden), f"{path.relative_to(PACKAGE)} imports {name}"


def test_cli_modules_import_heavy_libraries_lazily() -> None:
    for path in modules("cli"):
        heavy = {n for n in top_level_imports(path) if n.split(".")[0] in HEAVY}
        assert not heavy, f"{path.name} imports {heavy} at module level"


def test_help_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['ketamine-kg', '--help']\n"
        "from ketamine_kg.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert "build" in result.stdout


def test_library_never_prints() -> None:
    for path in modules():
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and getattr(n.func, "id", "") in {"print", "exit"}
        ]
        assert not calls, path
