"""Scoring check-text: the E-code table of the source article and a development set of sentences."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ketamine_kg.textcheck.model import Claim, Result

__all__ = ["DevScores", "ECodeScores", "read_rows", "score_devset", "score_ecodes"]

FLAGS = frozenset({"qualified", "contradicted"})


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a TSV file whose first non-comment line is the header."""
    header: list[str] | None = None
    rows: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


@dataclass(frozen=True)
class ECodeScores:
    flagged: tuple[str, ...]  # codes flagged for the right reason
    missed: tuple[str, ...]
    e13_contradicted: bool
    false_alarms: tuple[Claim, ...]  # flags in sentences that carry no error
    error_sentences: int


def _matches(claim: Claim, row: dict[str, str]) -> bool:
    return (
        all(
            row[key] in ("*", value)
            for key, value in (
                ("subject", claim.subject),
                ("predicate", claim.predicate),
                ("object", claim.object),
            )
        )
        and claim.verdict in row["verdicts"].split("|")
        and row["reason"].lower() in claim.reason.lower()
    )


def score_ecodes(result: Result, table: list[dict[str, str]]) -> ECodeScores:
    """Which errors of the table the result flags for the right reason, and its false alarms."""
    sentences_of: dict[str, set[int]] = {}
    for row in table:
        hits = {s.index for s in result.sentences if row["anchor"] in " ".join(s.text.split())}
        sentences_of.setdefault(row["anchor"], set()).update(hits)
    flagged: set[str] = set()
    e13 = False
    for row in table:
        claims = [c for c in result.claims if c.sentence in sentences_of[row["anchor"]]]
        if row["code"] == "E13":
            e13 = e13 or any(c.verdict == "contradicted" for c in claims)
        elif any(_matches(c, row) for c in claims):
            flagged.add(row["code"])
    error_sentences = set().union(*sentences_of.values()) if sentences_of else set()
    codes = sorted({r["code"] for r in table if r["code"] != "E13"}, key=lambda c: int(c[1:]))
    alarms = tuple(c for c in result.claims if c.verdict in FLAGS and c.sentence not in error_sentences)
    return ECodeScores(
        tuple(c for c in codes if c in flagged),
        tuple(c for c in codes if c not in flagged),
        e13,
        alarms,
        len(error_sentences),
    )


@dataclass(frozen=True)
class DevScores:
    sentences: int
    entity_precision: float
    entity_recall: float
    entity_f1: float
    precision: dict[str, float]  # per predicted verdict: share of predicted claims that are expected with it
    predicted: dict[str, int]
    claim_recall: float  # expected claims found with the expected verdict


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def score_devset(results: list[Result], rows: list[dict[str, str]]) -> DevScores:
    """Entity F1 over the expected mention ids of each sentence; verdict precision over predicted claims."""
    tp = fp = fn = 0
    predicted: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    expected_total = found = 0
    for result, row in zip(results, rows, strict=True):
        want = Counter(x for x in row["mentions"].split("|") if x)
        got = Counter(m.entity for m in result.mentions)
        tp += sum((want & got).values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
        expected = {tuple(c.split("|")) for c in row["claims"].split(";") if c}
        expected_total += len(expected)
        for claim in result.claims:
            key = (claim.subject, claim.predicate, claim.object, claim.verdict)
            predicted[claim.verdict] += 1
            if key in expected:
                correct[claim.verdict] += 1
                found += 1
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    return DevScores(
        len(rows),
        precision,
        recall,
        2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        {
            v: _ratio(correct[v], predicted[v])
            for v in ("supported", "qualified", "contradicted", "not_in_graph")
        },
        dict(predicted),
        _ratio(found, expected_total),
    )
