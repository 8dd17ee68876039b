"""The shipped pattern table (``patterns.tsv``): trigger phrases -> schema predicates, direction, polarity.

Each row names a family, where its regular expression is matched (``trigger``: anywhere in the sentence,
with the subject before and the object after it; ``between``: the whole text between two mentions), the
predicate it claims, whether the left mention is the subject (``forward``) or the object (``reverse``),
the entity categories allowed on each side, the predicates whose facts also support the claim (``^p``: a
fact in the other direction), a framing ("approved", "off_label", "prevention") and whether the subject
may be left implicit (the last drug mentioned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ketamine_kg.errors import UserError

__all__ = ["Pattern", "load_patterns"]

COLUMNS = (
    "family",
    "scope",
    "trigger",
    "predicate",
    "direction",
    "left",
    "right",
    "accept",
    "framing",
    "implicit_subject",
)


@dataclass(frozen=True)
class Pattern:
    row: int
    family: str
    scope: str
    regex: re.Pattern[str]
    predicate: str
    direction: str
    left: frozenset[str]
    right: frozenset[str]
    accept: tuple[str, ...]
    framing: str
    implicit_subject: bool


def parse_patterns(text: str, name: str = "patterns.tsv") -> tuple[Pattern, ...]:
    """Parse the table; a malformed row is a UserError naming file, row and column."""
    out: list[Pattern] = []
    header: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            if tuple(header) != COLUMNS:
                raise UserError(f"{name}:{number}: header must be {' '.join(COLUMNS)}")
            continue
        if len(cells) != len(COLUMNS):
            raise UserError(f"{name}:{number}: expected {len(COLUMNS)} columns, found {len(cells)}")
        row = dict(zip(COLUMNS, cells, strict=True))
        try:
            body = row["trigger"]
            regex = re.compile(body if row["scope"] == "between" else rf"\b(?:{body})\b")
        except re.error as exc:
            raise UserError(f"{name}:{number}: column 'trigger': {exc}") from None
        for column, allowed in (("scope", {"trigger", "between"}), ("direction", {"forward", "reverse"})):
            if row[column] not in allowed:
                raise UserError(
                    f"{name}:{number}: column '{column}': '{row[column]}' is not one of {sorted(allowed)}"
                )
        out.append(
            Pattern(
                number,
                row["family"],
                row["scope"],
                regex,
                row["predicate"],
                row["direction"],
                frozenset(row["left"].split("|")),
                frozenset(row["right"].split("|")),
                tuple(a for a in row["accept"].split("|") if a),
                row["framing"],
                row["implicit_subject"] == "yes",
            )
        )
    return tuple(out)


@cache
def load_patterns() -> tuple[Pattern, ...]:
    """The packaged table (immutable package data, read once)."""
    text = resources.files("ketamine_kg.textcheck").joinpath("patterns.tsv").read_text(encoding="utf-8")
    return parse_patterns(text)
