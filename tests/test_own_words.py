"""Project prose is in the curators' own words: no run of 8 words is shared with the domain texts.

Facts and figures carry over from the fact sheet, the source article and the competency questions, but
sentences do not. A run of eight consecutive lowercase alphanumeric tokens shared with any of those
three files marks copied wording. Names, article section headings (the way claims cite the article),
bibliographic citations and identifier, reference and vocabulary columns are exempt.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "ketamine_kg" / "ontology" / "data"
QUERIES = ROOT / "src" / "ketamine_kg" / "queries"
SHARED_FILES = ("ketamine-facts.md", "source-article.txt", "competency-questions.md")
RUN = 8
TOKEN = re.compile(r"[a-z0-9]+")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Columns not checked: identifier, reference, number and vocabulary columns, plus the exempt text
# (claims.section cites the article by its headings; sources.label/citation and entities.label/synonyms
# are names and titles). Every other column, including any added later, is checked.
EXEMPT_COLUMNS: dict[str, frozenset[str]] = {
    "claims.tsv": frozenset(
        {"id", "section", "status", "about", "decided_by", "error_code"}
        | {"claim_subject", "claim_predicate", "claim_object"}
    ),
    "entities.tsv": frozenset({"id", "category", "label", "synonyms", "definition_source"}),
    "identifiers.tsv": frozenset({"entity", "curie", "match", "status", "source"}),
    "quantities.tsv": frozenset(
        {"id", "about", "quantity", "value", "min", "max", "unit", "evidence", "sources"}
    ),
    "relations.tsv": frozenset(
        {
            "id",
            "subject",
            "predicate",
            "object",
            "evidence",
            "sources",
            "approval_status",
            "date",
            "qualifiers",
        }
    ),
    "sources.tsv": frozenset(
        {"id", "type", "label", "citation", "year", "pmid", "doi", "pmcid", "nct", "url"}
    ),
}
# The free-text columns that must be checked; guards against a rename silently dropping one.
REQUIRED_CHECKED: dict[str, frozenset[str]] = {
    "claims.tsv": frozenset({"label", "statement", "correction", "note"}),
    "entities.tsv": frozenset({"definition", "note"}),
    "quantities.tsv": frozenset({"context", "note"}),
    "relations.tsv": frozenset({"note"}),
    "sources.tsv": frozenset({"note"}),
}


class Hit(NamedTuple):
    """One copied run: where it is and the words it shares."""

    where: str
    words: str


def find_shared_dir() -> Path | None:
    """The ``shared/domain`` folder beside the clone (or beside an ancestor), if present."""
    for base in ROOT.parents:
        candidate = base / "shared" / "domain"
        if all((candidate / name).is_file() for name in SHARED_FILES):
            return candidate
    return None


def runs(tokens: list[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Every window of ``RUN`` consecutive tokens with its start index."""
    for start in range(len(tokens) - RUN + 1):
        yield start, tuple(tokens[start : start + RUN])


def shared_runs_in(text: str, shared: frozenset[tuple[str, ...]]) -> list[tuple[int, str]]:
    """Character offset and words of each shared run in ``text``, one entry per maximal copied stretch."""
    matches = list(TOKEN.finditer(text.lower()))
    tokens = [m.group() for m in matches]
    found: list[tuple[int, str]] = []
    last_end = -1
    for start, window in runs(tokens):
        if window in shared:
            if start > last_end:
                found.append((matches[start].start(), " ".join(window)))
            last_end = start + RUN - 1
    return found


@pytest.fixture(scope="module")
def shared_runs() -> frozenset[tuple[str, ...]]:
    """All 8-token runs of the three shared domain texts."""
    folder = find_shared_dir()
    if folder is None:
        message = f"shared/domain with {', '.join(SHARED_FILES)} not found beside {ROOT}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    result: set[tuple[str, ...]] = set()
    for name in SHARED_FILES:
        tokens = TOKEN.findall((folder / name).read_text(encoding="utf-8").lower())
        result.update(window for _, window in runs(tokens))
    return frozenset(result)


def table_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Line number and cells of each data row (comments skipped, first other line is the header)."""
    header: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        yield number, dict(zip(header, cells, strict=False))


def table_header(path: Path) -> list[str]:
    """The column names of a data table."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            return line.split("\t")
    return []


def prose_hits(path: Path, text: str, first_line: int, shared: frozenset[tuple[str, ...]]) -> list[Hit]:
    """Shared runs in a block of prose, located by file line."""
    hits = []
    for offset, words in shared_runs_in(text, shared):
        line = first_line + text.count("\n", 0, offset)
        hits.append(Hit(f"{path.relative_to(ROOT)}:{line}", words))
    return hits


def rq_comment_text(path: Path) -> str:
    """The query's comment lines (its header and any other comments), kept at their line positions."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line if line.lstrip().startswith("#") else "" for line in lines)


def describe(hits: list[Hit]) -> str:
    """One line per copied run, for the assertion message."""
    return "copied 8-word runs (reword them):\n" + "\n".join(f"  {h.where}: '{h.words}'" for h in hits)


def test_detector_finds_a_copied_run(shared_runs: frozenset[tuple[str, ...]]) -> None:
    """The check is live: a sentence lifted from the fact sheet is caught, a reworded one is not."""
    folder = find_shared_dir()
    assert folder is not None
    facts = (folder / "ketamine-facts.md").read_text(encoding="utf-8")
    tokens = TOKEN.findall(facts.lower())
    assert len(shared_runs) > 1000
    lifted = "Prefix. " + " ".join(tokens[200:212]).upper() + " suffix."
    assert shared_runs_in(lifted, shared_runs)
    assert not shared_runs_in("Ketamine blocks the NMDA receptor channel in its open state.", shared_runs)


def checked_columns(table: str) -> list[str]:
    """The columns of ``table`` whose cells are checked: all but the exempt ones."""
    return [column for column in table_header(DATA / table) if column not in EXEMPT_COLUMNS[table]]


def test_checked_columns_exist() -> None:
    """Every table and column named here exists, and the free-text columns are among those checked."""
    assert sorted(p.name for p in DATA.glob("*.tsv")) == sorted(EXEMPT_COLUMNS)
    for table, exempt in EXEMPT_COLUMNS.items():
        header = set(table_header(DATA / table))
        assert exempt <= header, f"{table}: no column(s) {sorted(exempt - header)}"
        assert REQUIRED_CHECKED.get(table, frozenset()) <= set(checked_columns(table)), table


@pytest.mark.parametrize("table", sorted(EXEMPT_COLUMNS))
def test_table_cells_in_own_words(table: str, shared_runs: frozenset[tuple[str, ...]]) -> None:
    """No checked cell of a data table repeats 8 words of the domain texts."""
    columns = checked_columns(table)
    hits = []
    for line, row in table_rows(DATA / table):
        for column in columns:
            for _, words in shared_runs_in(row.get(column, ""), shared_runs):
                hits.append(Hit(f"{table} line {line} column {column}", words))
    assert not hits, describe(hits)


def test_query_comments_in_own_words(shared_runs: frozenset[tuple[str, ...]]) -> None:
    """The comment headers of the library and check queries are in the project's own words."""
    paths = sorted([*(QUERIES / "library").glob("*.rq"), *(QUERIES / "checks").glob("*.rq")])
    assert paths
    hits = [hit for path in paths for hit in prose_hits(path, rq_comment_text(path), 1, shared_runs)]
    assert not hits, describe(hits)


def test_docs_in_own_words(shared_runs: frozenset[tuple[str, ...]]) -> None:
    """README.md and docs/*.md do not copy wording from the domain texts."""
    paths = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    hits = [
        hit for path in paths for hit in prose_hits(path, path.read_text(encoding="utf-8"), 1, shared_runs)
    ]
    assert not hits, describe(hits)
