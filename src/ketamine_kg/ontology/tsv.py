"""Reading fixed-schema TSV tables with row numbers kept for error messages."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ketamine_kg.errors import Problem

__all__ = ["Row", "Table", "read_table", "split_list"]


@dataclass(frozen=True)
class Row:
    """One data row: ``line`` is the 1-based line number in the file (the header is line 1)."""

    file: str
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """The stripped cell value, "" when empty."""
        return self.cells.get(column, "")

    def problem(self, column: str, message: str) -> Problem:
        """A problem located at this row and column."""
        return Problem(self.file, self.line, column, message)


@dataclass(frozen=True)
class Table:
    """A parsed table: its rows and the problems found while reading its structure."""

    name: str
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...]


def split_list(cell: str) -> list[str]:
    """Split a ``|``-separated list cell, dropping empty items."""
    return [item.strip() for item in cell.split("|") if item.strip()]


def read_table(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (), display_name: str | None = None
) -> Table:
    """Read a TSV with a header row; report missing/unknown columns and ragged rows as problems."""
    name = display_name or path.name
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Table(name, (), (Problem(name, 0, "", "file is missing"),))
    except UnicodeDecodeError as exc:
        return Table(name, (), (Problem(name, 0, "", f"not valid UTF-8 ({exc.reason} at byte {exc.start})"),))
    lines = text.splitlines()
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]
    if not numbered:
        return Table(name, (), (Problem(name, 1, "", "no header row"),))
    header_line, header_text = numbered[0]
    header = [h.strip() for h in header_text.split("\t")]
    allowed = set(required) | set(optional)
    for col in header:
        if col not in allowed:
            problems.append(
                Problem(name, header_line, col, f"unknown column (allowed: {', '.join(sorted(allowed))})")
            )
    seen: set[str] = set()
    for col in header:
        if col in seen:
            problems.append(Problem(name, header_line, col, "column appears twice"))
        seen.add(col)
    for col in required:
        if col not in header:
            problems.append(Problem(name, header_line, col, "required column is missing"))
    rows: list[Row] = []
    for line_no, line in numbered[1:]:
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) > len(header):
            extra = [c for c in cells[len(header) :] if c.strip()]
            if extra:
                problems.append(
                    Problem(name, line_no, "", f"{len(cells)} cells but the header has {len(header)} columns")
                )
        values = {col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(header)}
        rows.append(Row(name, line_no, values))
    return Table(name, tuple(rows), tuple(problems))
