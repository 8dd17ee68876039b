"""Character-level text folding for entity matching, with a map back to the original offsets.

Folding lower-cases, spells Greek letters out (α -> alpha), turns hyphens and dashes into spaces,
collapses white space, spells British forms the American way (anaesthetic -> anesthetic), writes the
stereo prefixes "(S)-", "S-", "S(+)-" and "(S)-(+)-" one way, and drops bracketed abbreviations after a
word ("hypothalamic-pituitary-adrenal (HPA) axis"), so that a name and its variants fold to one key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Folded", "fold", "fold_key", "lower_same_length", "plural_variants"]

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "κ": "kappa",
    "μ": "mu",
    "µ": "mu",
    "σ": "sigma",
    "τ": "tau",
    "ω": "omega",
}
# British spellings -> American, as (pattern on folded lower-case text, replacement)
SPELLING: tuple[tuple[str, str], ...] = (
    (r"anaesth", "anesth"),
    (r"haem", "hem"),
    (r"oesoph", "esoph"),
    (r"oedem", "edem"),
    (r"oestr", "estr"),
    (r"paraesth", "paresth"),
    (r"hypoaesth", "hypoesth"),
    (r"(?<=[a-z])isation", "ization"),
    (r"(?<=[a-z])is(e|es|ed|ing)\b", r"iz\1"),
    (r"(?<=[a-z][a-z])our(s?)\b", r"or\1"),
    (r"(?<=[a-z])lling\b", "ling"),
    (r"(?<=[a-z])tre\b", "ter"),
)
DASHES = "-‐‑‒–—_/"
APOSTROPHES = "’‘ʼ`"
STEREO = re.compile(r"(?<![a-z0-9])\(?(rs|r|s)\)?(?:-?\([+\-−±]\))?-(?=[a-z])")
RACEMIC = re.compile(r"(?<![a-z0-9])(?:\(±\)|\(\+/-\)|dl|rac)-(?=[a-z])")
BRACKETED_ABBREVIATION = re.compile(r" \([A-Z][A-Za-z0-9]{1,7}\)(?=[\s,.;:)]|$)")


@dataclass(frozen=True)
class Folded:
    """Folded text and, for each of its characters, the offset of the original character it came from."""

    text: str
    offsets: tuple[int, ...]
    original_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of folded [start, end)."""
        first = self.offsets[start]
        last = self.offsets[end - 1] + 1 if end > start else first
        return first, last


def lower_same_length(text: str) -> str:
    """Lower-case character by character, keeping the length (offsets stay valid)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _sub(
    pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str], text: str, offs: list[int]
) -> tuple[str, list[int]]:
    """``re.sub`` that carries the offset map: a replacement inherits the offsets of the match."""
    out: list[str] = []
    new_offs: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        new_offs.extend(offs[pos : m.start()])
        rep = repl(m)
        span = offs[m.start() : m.end()] or [offs[m.start() - 1] if m.start() else 0]
        out.append(rep)
        new_offs.extend(span[min(i, len(span) - 1)] for i in range(len(rep)))
        pos = m.end()
    out.append(text[pos:])
    new_offs.extend(offs[pos:])
    return "".join(out), new_offs


def _expander(template: str) -> Callable[[re.Match[str]], str]:
    def expand(m: re.Match[str]) -> str:
        return m.expand(template)

    return expand


def fold(text: str) -> Folded:
    """Fold ``text`` for matching; see the module docstring."""
    chars: list[str] = []
    offs: list[int] = []
    for i, c in enumerate(text):
        rep = GREEK.get(c)
        if rep is None:
            if c in DASHES:
                rep = "-"
            elif c in APOSTROPHES:
                rep = "'"
            else:
                rep = c
        chars.append(rep)
        offs.extend([i] * len(rep))
    s = "".join(chars)
    s, offs = _sub(BRACKETED_ABBREVIATION, lambda m: "", s, offs)
    s = lower_same_length(s)
    s, offs = _sub(RACEMIC, lambda m: "rs-", s, offs)
    s, offs = _sub(STEREO, lambda m: m.group(1) + "-", s, offs)
    for pattern, replacement in SPELLING:
        s, offs = _sub(re.compile(pattern), _expander(replacement), s, offs)
    s, offs = _sub(re.compile(r"[-\s]+"), lambda m: " ", s, offs)
    return Folded(s, tuple(offs), len(text))


def fold_key(name: str) -> str:
    """The folded form of a name, stripped: the key it is matched by."""
    return fold(name).text.strip()


def plural_variants(key: str) -> set[str]:
    """``key`` and its English plural forms (last word pluralised)."""
    out = {key}
    if not key or not key[-1].isalpha():
        return out
    if key.endswith("y") and len(key) > 2 and key[-2] not in "aeiou":
        out.add(key[:-1] + "ies")
    elif key.endswith(("s", "x", "ch", "sh")):
        out.add(key + "es")
    else:
        out.add(key + "s")
    return out
