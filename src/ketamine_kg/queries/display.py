"""Query results as a table for people: fitted to the width, codes said in words, repeats grouped.

Only the ``table`` format goes through here; csv, tsv, json and ttl keep the graph's own codes. The
table is laid out by rich (imported when a table is drawn, so ``--help`` stays fast):

* a column that only repeats another's label (``targetLabel`` beside ``target``) or is empty is dropped;
* a column with one value in every row (the entity asked about) is said once above the table, and
  that entity is named by its label alone in the rows;
* ``kind``/``value``/``minValue``/``maxValue``/``unit`` become one ``quantity`` column
  ("inhibition constant (Ki): 0.3 µM");
* rows that differ only in their sources are one row listing the sources;
* codes of the closed vocabularies become their labels (``words``), UCUM units their usual symbols;
* headings are said in words (``decidedBy`` -> ``decided by``); long text wraps inside its column, never
  cut, the widths chosen to keep the table short (``column_widths``).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ketamine_kg.queries.results import Cell, QueryResult

__all__ = ["UNIT_SYMBOLS", "Table", "column_widths", "header", "humanise", "render_table", "table_rows"]

# UCUM codes -> the symbol people read (codes not listed are shown as they are).
UNIT_SYMBOLS = {
    "uM": "µM",
    "umol/L": "µM",
    "nmol/L": "nM",
    "ug": "µg",
    "ug/kg": "µg/kg",
    "mm[Hg]": "mmHg",
    "1": "",  # a ratio: the number alone
    "%": "%",
    "a": "years",
    "d": "days",
    "wk": "weeks",
    "/wk": "per week",
    "{participants}": "participants",
    "{calendar_year}": "",
}
_QUANTITY = ("kind", "value", "minValue", "maxValue", "unit")
_LISTED = ("source", "sources", "decidedBy", "decidedByLabel")  # grouped: one row, its sources listed
_LABEL_ONLY = (*_LISTED, "relation", "property")
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_QUALIFIERS = re.compile(r"^[a-z_]+=[^;=]+(;[a-z_]+=[^;=]+)*$")
_LONGEST_WORD = 16  # a column starts as wide as its longest word, up to this
_KEEP = 12  # a column this narrow is never wrapped
_GAP = 3  # characters between two columns


@dataclass(frozen=True)
class Table:
    """What is drawn: the constant columns said once, then the columns and rows (text)."""

    constants: tuple[tuple[str, str], ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    merged: int  # how many result rows were folded into others


def header(column: str) -> str:
    """A SPARQL variable as a column heading: ``decidedBy`` -> ``decided by`` (it may wrap between words)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: " " + m.group(1).lower(), column)


def humanise(text: str, words: Mapping[str, str]) -> str:
    """A code of a closed vocabulary said in words; ``key=value;…`` qualifiers too; anything else as is."""
    if text in words:
        return words[text]
    if _QUALIFIERS.match(text):
        pairs = (part.split("=", 1) for part in text.split(";"))
        return ", ".join(f"{words.get(k, k.replace('_', ' '))} {words.get(v, v)}" for k, v in pairs)
    return text


def _cell_text(column: str, cell: Cell | None, words: Mapping[str, str]) -> str:
    if cell is None:
        return ""
    kind = cell.parts[0]
    if column in _LABEL_ONLY and kind == "uri" and cell.label:
        return cell.label  # a source by its citation, a relation by its name; csv and json keep the IRI
    if kind == "literal":
        value = cell.value.replace("\r", " ").replace("\n", " ")
        if cell.parts[2] == _BOOLEAN:
            return column if value in {"true", "1"} else ""  # "inferred" where it holds, blank elsewhere
        if column == "unit":
            return UNIT_SYMBOLS.get(value, value)
        return humanise(value, words)
    return cell.display()


def _number(text: str | None) -> str:
    """``28.0`` as ``28``; other numbers as they are."""
    return re.sub(r"^(-?\d+)\.0+$", r"\1", text) if text else ""


def _quantity(values: Mapping[str, str]) -> str:
    number = _number(values.get("value")) or "–".join(
        _number(v) for v in (values.get("minValue"), values.get("maxValue")) if v
    )
    if not number:
        return ""
    unit = values.get("unit", "")
    amount = f"{number}{unit}" if unit == "%" else f"{number} {unit}".strip()
    return f"{values['kind']}: {amount}" if values.get("kind") else amount


def _repeats_a_label(result: QueryResult, i: int) -> bool:
    """True when column ``i`` only holds the labels of the IRIs of another column, row by row."""
    values = [None if row[i] is None else row[i].value for row in result.rows]  # type: ignore[union-attr]
    if not any(values):
        return False
    for j in range(len(result.columns)):
        if j != i and all(
            v is None or (row[j] is not None and row[j].label == v)  # type: ignore[union-attr]
            for v, row in zip(values, result.rows, strict=True)
        ):
            return True
    return False


def table_rows(
    result: QueryResult, words: Mapping[str, str] | None = None, only: Sequence[str] = ()
) -> Table:
    """The table to draw for ``result``: the column and row rules of this module, applied in order.

    ``only`` names the columns a narrow table shows (the others are left to ``--wide`` and csv/json).
    """
    words = words or {}
    redundant = {i for i in range(len(result.columns)) if _repeats_a_label(result, i)}
    shown = [i for i in range(len(result.columns)) if i not in redundant]
    columns = [result.columns[i] for i in shown]
    rows = [[_cell_text(result.columns[i], row[i], words) for i in shown] for row in result.rows]
    if all(q in columns for q in ("value", "unit")):
        at = [columns.index(q) for q in _QUANTITY if q in columns]
        first = min(at)
        for row in rows:
            row[first] = _quantity({columns[i]: row[i] for i in at})
        columns[first] = "amount" if "quantity" in columns else "quantity"
        drop = set(at) - {first}
        columns = [c for i, c in enumerate(columns) if i not in drop]
        rows = [[v for i, v in enumerate(row) if i not in drop] for row in rows]
    keep = [
        i
        for i, column in enumerate(columns)
        if any(row[i] for row in rows) and (not only or column in only or column in {"quantity", "amount"})
    ]
    columns = [columns[i] for i in keep]
    rows = [[row[i] for i in keep] for row in rows]
    constants: list[tuple[str, str]] = []
    if len(rows) > 1:
        fixed = [i for i in range(len(columns)) if len({row[i] for row in rows}) == 1]
        if len(fixed) < len(columns):
            constants = [(columns[i], rows[0][i]) for i in fixed]
            columns = [c for i, c in enumerate(columns) if i not in fixed]
            rows = [[v for i, v in enumerate(row) if i not in fixed] for row in rows]
    # the entity said above the table is named by its label alone in the rows
    short_names = {value: value.rsplit(" (", 1)[0] for _, value in constants if value.endswith(")")}
    rows = [[short_names.get(v, v) for v in row] for row in rows]
    grouped, merged = _group(columns, rows)
    return Table(tuple(constants), tuple(columns), tuple(tuple(r) for r in grouped), merged)


def _group(columns: Sequence[str], rows: list[list[str]]) -> tuple[list[list[str]], int]:
    """Rows equal but for their source columns become one row listing the sources (first-seen order)."""
    listed = [i for i, c in enumerate(columns) if c in _LISTED]
    if not listed:
        return rows, 0
    order: list[tuple[str, ...]] = []
    groups: dict[tuple[str, ...], list[list[str]]] = {}
    for row in rows:
        key = tuple(v for i, v in enumerate(row) if i not in listed)
        if key not in groups:
            order.append(key)
            groups[key] = [[] for _ in listed]
        for slot, i in enumerate(listed):
            if row[i] and row[i] not in groups[key][slot]:
                groups[key][slot].append(row[i])
    out: list[list[str]] = []
    for key in order:
        values = iter(key)
        lists = iter(groups[key])
        out.append([", ".join(next(lists)) if i in listed else next(values) for i in range(len(columns))])
    return out, len(rows) - len(out)


def column_widths(table: Table, width: int) -> list[int]:
    """Widths that fit ``width`` and keep the table short.

    A wrapped column of ``T`` characters at width ``w`` takes about ``T / w`` lines, so the total is least
    when each width is proportional to the square root of the column's text; each column is kept between
    its longest word (capped at ``_LONGEST_WORD``, the longest broken first when they cannot all fit,
    never for a column no wider than ``_KEEP``) and its full width.
    """
    natural = [
        max([len(header(column)), *(len(row[i]) for row in table.rows)])
        for i, column in enumerate(table.columns)
    ]
    room = width - _GAP * (len(natural) - 1)
    if sum(natural) <= room:
        return natural
    longest = [
        min(
            n,
            max(
                len(w) for w in [*header(column).split(), *(w for row in table.rows for w in row[i].split())]
            ),
        )
        for i, (column, n) in enumerate(zip(table.columns, natural, strict=True))
    ]

    def capped(cap: int) -> list[int]:
        return [w if n <= _KEEP else min(w, cap) for w, n in zip(longest, natural, strict=True)]

    cap = _LONGEST_WORD
    while cap > 4 and sum(capped(cap)) > room:
        cap -= 1
    least = capped(cap)
    if sum(least) > room:  # too many columns for the width: shrink them all alike
        return [max(1, w * room // sum(least)) for w in least]
    weight = [math.sqrt(sum(len(row[i]) for row in table.rows) or 1) for i in range(len(natural))]
    fixed: dict[int, int] = {}
    while len(fixed) < len(natural):
        free = [i for i in range(len(natural)) if i not in fixed]
        budget = room - sum(fixed.values())
        ideal = {i: budget * weight[i] / sum(weight[j] for j in free) for i in free}
        bounded = {i: least[i] for i in free if ideal[i] < least[i]}
        bounded |= {i: natural[i] for i in free if ideal[i] > natural[i]}
        if not bounded:
            return [fixed[i] if i in fixed else int(ideal[i]) for i in range(len(natural))]
        fixed |= bounded
    return [fixed[i] for i in range(len(natural))]


def render_table(
    result: QueryResult,
    *,
    width: int | None = 100,
    words: Mapping[str, str] | None = None,
    only: Sequence[str] = (),
) -> str:
    """``result`` as text at most ``width`` characters wide (None: every column, as wide as it needs)."""
    if result.form == "ASK":
        return "true\n" if result.boolean else "false\n"
    from rich import box
    from rich.console import Console
    from rich.table import Table as RichTable

    table = table_rows(result, words, only if width else ())
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width or 100_000, color_system=None, force_terminal=False, highlight=False
    )
    for column, value in table.constants:
        console.print(f"{header(column)}: {value}", markup=False, soft_wrap=width is None)
    if table.columns:
        grid = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="")
        widths = column_widths(table, width) if width else [None] * len(table.columns)
        for column, size in zip(table.columns, widths, strict=True):
            grid.add_column(header(column), overflow="fold", no_wrap=width is None, width=size)
        for row in table.rows:
            grid.add_row(*row)
        console.print(grid)
    count = len(result.rows)
    merged = f", {len(table.rows)} after grouping the sources" if table.merged else ""
    console.print(f"({count} row{'s' if count != 1 else ''}{merged})", markup=False)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
