"""Find mentions of the graph's entities in text: Aho-Corasick over folded characters, not over tokens.

Names come from the labels, synonyms and identifiers of the entities; abbreviations defined in brackets in
the text ("major depressive disorder (MDD)") become aliases for the rest of that text; PMIDs name sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick  # type: ignore[import-not-found]  # ships no type stubs
from rapidfuzz import fuzz, process

from ketamine_kg.textcheck.model import Mention, Suggestion
from ketamine_kg.textcheck.normalise import fold, fold_key, plural_variants

__all__ = ["Alias", "EntityMatcher"]

ABBREVIATION_DEFINITION = re.compile(r"\s?\(([A-Z][A-Za-z0-9\-]{1,9})\)")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]{5,}")
NEAR_MISS_SCORE = 88
PMID = re.compile(r"\bPMID:?\s*(\d{4,9})\b")


@dataclass(frozen=True)
class Alias:
    """One name of an entity."""

    name: str
    entity: str
    category: str


def _case_sensitive(name: str) -> bool:
    """Short abbreviations ("NET", "GR", "HK") match only in their own case; "net" is a word."""
    letters = [c for c in name if c.isalpha()]
    return len(name) <= 6 and sum(c.isupper() for c in letters) >= 2 and " " not in name


def _dash_free(text: str) -> str:
    return re.sub(r"[-‐‑–—\s]", "", text)


class EntityMatcher:
    """Matches entity names in text; built once per graph, used for every document."""

    def __init__(self, aliases: Iterable[Alias], pmids: dict[str, str] | None = None) -> None:
        self._automaton = ahocorasick.Automaton()
        table: dict[str, list[tuple[Alias, bool]]] = {}
        self._categories: dict[str, str] = {}
        for alias in aliases:
            self._categories[alias.entity] = alias.category
            key = fold_key(alias.name)
            if len(key) < 2:
                continue
            for variant in plural_variants(key):
                entries = table.setdefault(variant, [])
                if all(a.entity != alias.entity or cs != _case_sensitive(alias.name) for a, cs in entries):
                    entries.append((alias, _case_sensitive(alias.name)))
        for key, entries in table.items():
            self._automaton.add_word(key, (key, tuple(entries)))
        self._automaton.make_automaton()
        self._pmids = dict(pmids or {})
        # one-word names for near-miss suggestions ("esketamin", "norketamin")
        self._words = {
            key: entries[0][0].entity for key, entries in table.items() if " " not in key and len(key) >= 6
        }

    def category(self, entity: str) -> str:
        return self._categories.get(entity, "")

    def find(self, text: str) -> list[Mention]:
        """Non-overlapping mentions, longest first, in text order."""
        folded = fold(text)
        s = folded.text
        candidates: list[tuple[int, int, str]] = []
        for end_index, (key, entries) in self._automaton.iter(s):
            start = end_index - len(key) + 1
            end = end_index + 1
            if (start > 0 and s[start - 1].isalnum()) or (end < len(s) and s[end].isalnum()):
                continue
            o_start, o_end = folded.span(start, end)
            surface = text[o_start:o_end]
            for alias, cs in entries:
                if cs and _dash_free(surface) not in {_dash_free(alias.name), _dash_free(alias.name) + "s"}:
                    continue
                candidates.append((o_start, o_end, alias.entity))
                break
        for m in PMID.finditer(text):
            if m.group(1) in self._pmids:
                candidates.append((m.start(), m.end(), self._pmids[m.group(1)]))
        mentions = _longest_non_overlapping(candidates)
        mentions = self._add_defined_abbreviations(text, mentions)
        return [Mention(a, b, text[a:b], e, self.category(e)) for a, b, e in mentions]

    def _add_defined_abbreviations(
        self, text: str, mentions: list[tuple[int, int, str]]
    ) -> list[tuple[int, int, str]]:
        """ "long form (ABBR)": ABBR names the long form's entity in the rest of the text."""
        defined: dict[str, str] = {}
        for start, end, entity in mentions:
            del start
            m = ABBREVIATION_DEFINITION.match(text, end)
            if m and m.group(1) not in defined:
                defined[m.group(1)] = entity
        if not defined:
            return mentions
        taken = [(a, b) for a, b, _ in mentions]
        extra: list[tuple[int, int, str]] = []
        for abbr, entity in defined.items():
            for m in re.finditer(rf"(?<![A-Za-z0-9]){re.escape(abbr)}s?(?![A-Za-z0-9])", text):
                if text[m.start() - 1 : m.start()] == "(" and text[m.end() : m.end() + 1] == ")":
                    continue  # the definition itself
                if not any(a < m.end() and m.start() < b for a, b in taken):
                    extra.append((m.start(), m.end(), entity))
        return sorted(mentions + extra)

    def near_misses(self, text: str, mentions: list[Mention]) -> list[Suggestion]:
        """Words that are no entity name but nearly one (a misspelling): a suggestion, never a mention."""
        out: list[Suggestion] = []
        keys = list(self._words)
        for m in WORD.finditer(text):
            if any(x.start < m.end() and m.start() < x.end for x in mentions):
                continue
            word = fold_key(m.group())
            if word in self._words:
                continue
            best = process.extractOne(word, keys, scorer=fuzz.ratio, score_cutoff=NEAR_MISS_SCORE)
            if best is not None:
                entity = self._words[best[0]]
                out.append(Suggestion(m.start(), m.end(), m.group(), entity, round(float(best[1]), 1)))
        return out


def _longest_non_overlapping(candidates: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    chosen: list[tuple[int, int, str]] = []
    for start, end, entity in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0], c[2])):
        if all(end <= a or start >= b for a, b, _ in chosen):
            chosen.append((start, end, entity))
    return sorted(chosen)
