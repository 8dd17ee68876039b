"""Reading fixed-schema TSV tables with row numbers kept for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ketamine_kg.errors import Problem
from ketamine_kg.limits import Limits

__all__ = ["Row", "Table", "editor_lines", "read_table", "split_list"]

# Line ends as a text editor counts them; str.splitlines also splits on U+2028, U+0085, form feed, ...
_LINE_END = re.compile(r"\r\n|\n|\r")
# C0 and C1 control characters other than tab: not allowed in XML 1.0 output, invisible in an editor.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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


def editor_lines(text: str) -> list[str]:
    """The lines of ``text`` as an editor numbers them (only CR, LF and CRLF end a line)."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _read_text(path: Path, name: str, limits: Limits) -> str | Problem:
    """The file's text, or the problem that prevents reading it (missing, too big, not UTF-8, not a file)."""
    try:
        if not path.is_file():
            return Problem(name, 0, "", "file is missing" if not path.exists() else "not a regular file")
        size = path.stat().st_size
        if size > limits.max_input_bytes:
            return Problem(
                name,
                0,
                "",
                f"file is {size:,} bytes, over the limit of {limits.max_input_bytes:,}; "
                + limits.hint("max_input_bytes"),
            )
        data = path.read_bytes()
    except OSError as exc:
        return Problem(name, 0, "", f"cannot be read: {exc.strerror or exc}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Problem(name, line, "", f"not valid UTF-8 ({exc.reason} at byte {exc.start})")


def _cell_problems(name: str, line_no: int, column: str, cell: str, limits: Limits) -> list[Problem]:
    problems: list[Problem] = []
    if len(cell) > limits.max_cell_chars:
        problems.append(
            Problem(
                name,
                line_no,
                column,
                f"cell is {len(cell):,} characters long; at most {limits.max_cell_chars:,} are allowed",
            )
        )
    bad = _CONTROL.search(cell)
    if bad is not None:
        problems.append(
            Problem(
                name,
                line_no,
                column,
                f"control character U+{ord(bad.group()):04X} at character {bad.start() + 1} of the cell "
                "(remove it; only tab separates cells)",
            )
        )
    return problems


def read_table(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    display_name: str | None = None,
    limits: Limits | None = None,
) -> Table:
    """Read a TSV with a header row; report missing/unknown columns and ragged rows as problems.

    Row numbers are the lines an editor shows; no size of file, line or cell raises an exception.
    """
    name = display_name or path.name
    limits = limits or Limits.from_env()
    problems: list[Problem] = []
    text = _read_text(path, name, limits)
    if isinstance(text, Problem):
        return Table(name, (), (text,))
    text = text.removeprefix("\ufeff")
    lines = editor_lines(text)
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]
    if not numbered:
        return Table(name, (), (Problem(name, 1, "", "no header row"),))
    header_line, header_text = numbered[0]
    header = [h.strip() for h in header_text.split("\t")]
    if len(header_text) > limits.max_cell_chars:
        return Table(name, (), (Problem(name, header_line, "", "the header row is not a table header"),))
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
        cells = line.split("\t")
        if len(cells) > len(header):
            extra = [c for c in cells[len(header) :] if c.strip()]
            if extra:
                problems.append(
                    Problem(name, line_no, "", f"{len(cells)} cells but the header has {len(header)} columns")
                )
        raw = {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(header)}
        found = [p for col, cell in raw.items() for p in _cell_problems(name, line_no, col, cell, limits)]
        problems.extend(found)
        if not found:  # a row with a bad cell is reported once, not again by every later check
            rows.append(Row(name, line_no, {col: cell.strip() for col, cell in raw.items()}))
    return Table(name, tuple(rows), tuple(problems))
