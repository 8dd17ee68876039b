"""Every kind of bad input in the source tables is reported with file, row and column, all at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import RunCli, append_row, edit_table
from ketamine_kg.errors import SourceValidationError
from ketamine_kg.ontology.source import load_source


def rename_header(directory: Path, table: str, old: str, new: str) -> None:
    path = directory / f"{table}.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = "\t".join(new if c == old else c for c in lines[0].split("\t"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def drop_column(directory: Path, table: str, column: str) -> None:
    path = directory / f"{table}.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = lines[0].split("\t").index(column)
    out = []
    for line in lines:
        cells = line.split("\t")
        del cells[index]
        out.append("\t".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


# (mutation, table, row, column, message fragment)
CASES: dict[str, tuple[Callable[[Path], object], str, int, str, str]] = {
    "unknown column": (
        lambda d: rename_header(d, "entities", "note", "notes"),
        "entities",
        1,
        "notes",
        "unknown column",
    ),
    "missing column": (
        lambda d: drop_column(d, "relations", "evidence"),
        "relations",
        1,
        "evidence",
        "required column is missing",
    ),
    "empty required value": (
        lambda d: edit_table(d, "entities", 3, "label", ""),
        "entities",
        3,
        "label",
        "required value is empty",
    ),
    "duplicate id": (
        lambda d: edit_table(d, "entities", 4, "id", "esketamine"),
        "entities",
        4,
        "id",
        "duplicate entity id",
    ),
    "undeclared entity": (
        lambda d: edit_table(d, "relations", 2, "object", "ketamin"),
        "relations",
        2,
        "object",
        "undeclared entity 'ketamin'",
    ),
    "undeclared source": (
        lambda d: edit_table(d, "relations", 2, "sources", "src_nowhere"),
        "relations",
        2,
        "sources",
        "undeclared source",
    ),
    "unknown category": (
        lambda d: edit_table(d, "entities", 5, "category", "metabolyte"),
        "entities",
        5,
        "category",
        "unknown category 'metabolyte'",
    ),
    "unknown property": (
        lambda d: edit_table(d, "relations", 3, "predicate", "isEnantiomer"),
        "relations",
        3,
        "predicate",
        "unknown property",
    ),
    "unknown evidence level": (
        lambda d: edit_table(d, "relations", 4, "evidence", "strong"),
        "relations",
        4,
        "evidence",
        "unknown evidence level 'strong'",
    ),
    "malformed identifier": (
        lambda d: edit_table(d, "identifiers", 2, "curie", "CHEBI:abc"),
        "identifiers",
        2,
        "curie",
        "malformed CHEBI identifier",
    ),
    "unknown identifier prefix": (
        lambda d: edit_table(d, "identifiers", 2, "curie", "FOO:123"),
        "identifiers",
        2,
        "curie",
        "unknown identifier prefix 'FOO'",
    ),
    "unverified identifier": (
        lambda d: edit_table(d, "identifiers", 3, "status", "U"),
        "identifiers",
        3,
        "status",
        "not shippable",
    ),
    "domain violation": (
        lambda d: edit_table(d, "relations", 13, "subject", "trd"),
        "relations",
        13,
        "subject",
        "domain violation",
    ),
    "range violation": (
        lambda d: edit_table(d, "relations", 12, "object", "euphoria"),
        "relations",
        12,
        "object",
        "range violation",
    ),
    "duplicate row": (
        lambda d: append_row(
            d,
            "relations",
            {
                "id": "R0099",
                "subject": "ketamine",
                "predicate": "hasPart",
                "object": "esketamine",
                "evidence": "reference",
                "sources": "src_chebi",
            },
        ),
        "relations",
        15,
        "",
        "duplicate row",
    ),
    "unknown approval status": (
        lambda d: edit_table(d, "relations", 12, "approval_status", "approved"),
        "relations",
        12,
        "approval_status",
        "unknown approval status",
    ),
    "malformed date": (
        lambda d: edit_table(d, "relations", 12, "date", "2019-13-05"),
        "relations",
        12,
        "date",
        "malformed date",
    ),
    "unknown qualifier value": (
        lambda d: edit_table(d, "relations", 7, "qualifiers", "mechanism=magic"),
        "relations",
        7,
        "qualifiers",
        "unknown qualifier:mechanism",
    ),
    "not a number": (
        lambda d: edit_table(d, "quantities", 2, "value", "0,30"),
        "quantities",
        2,
        "value",
        "not a number",
    ),
    "unknown unit": (
        lambda d: edit_table(d, "quantities", 2, "unit", "micromolar"),
        "quantities",
        2,
        "unit",
        "unknown unit",
    ),
    "range reversed": (
        lambda d: edit_table(d, "quantities", 4, "min", "5"),
        "quantities",
        4,
        "min",
        "greater than max",
    ),
    "unknown claim status": (
        lambda d: edit_table(d, "claims", 2, "status", "wrong"),
        "claims",
        2,
        "status",
        "unknown claim status",
    ),
    "irreflexive self-link": (
        lambda d: edit_table(d, "relations", 4, "object", "esketamine"),
        "relations",
        4,
        "object",
        "irreflexive",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_problem_is_located(case: str, source_copy: Path) -> None:
    mutate, table, row, column, fragment = CASES[case]
    mutate(source_copy)
    with pytest.raises(SourceValidationError) as info:
        load_source(source_copy)
    matches = [
        p
        for p in info.value.problems
        if p.file.endswith(f"{table}.tsv") and p.row == row and p.column == column and fragment in p.message
    ]
    assert matches, f"expected {table}.tsv:{row} column '{column}' ~ '{fragment}', got:\n{info.value}"
    assert f"{table}.tsv:{row}" in str(info.value)


def test_all_problems_reported_at_once(source_copy: Path) -> None:
    edit_table(source_copy, "entities", 3, "label", "")
    edit_table(source_copy, "relations", 4, "evidence", "strong")
    edit_table(source_copy, "identifiers", 2, "curie", "CHEBI:abc")
    with pytest.raises(SourceValidationError) as info:
        load_source(source_copy)
    files = {Path(p.file).name for p in info.value.problems}
    assert {"entities.tsv", "relations.tsv", "identifiers.tsv"} <= files
    assert len(info.value.problems) >= 3


def test_fixture_and_real_tables_are_valid(fixture_source_dir: Path) -> None:
    assert len(load_source(fixture_source_dir).entities) >= 12
    real = load_source()
    categories = {e.category for e in real.entities}
    assert {"drug", "metabolite", "receptor", "pathway", "condition", "adverse_effect"} <= categories
    for category in ("drug", "metabolite", "receptor", "pathway", "condition", "adverse_effect"):
        assert sum(e.category == category for e in real.entities) >= 2, category


def test_cli_reports_validation_errors_without_traceback(
    run_cli: RunCli, source_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "ketamine-kg.ttl").write_text("earlier output\n")
    edit_table(source_copy, "entities", 5, "category", "metabolyte")
    edit_table(source_copy, "relations", 4, "evidence", "strong")
    result = run_cli("build", "--source", source_copy, "--out", out, "--no-reason")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "entities.tsv:5: column 'category'" in result.stderr
    assert "relations.tsv:4: column 'evidence'" in result.stderr
    assert (out / "ketamine-kg.ttl").read_text() == "earlier output\n"
    assert sorted(p.name for p in out.iterdir()) == ["ketamine-kg.ttl"]


def test_missing_source_directory(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("build", "--source", tmp_path / "nope", "--out", tmp_path / "out", "--no-reason")
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert not (tmp_path / "out").exists()
