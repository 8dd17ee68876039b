"""Golden test on the source article (the E-code table) and the goals on the development set."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketamine_kg.textcheck.check import TextChecker
from ketamine_kg.textcheck.evaluate import read_rows, score_devset, score_ecodes
from ketamine_kg.textcheck.model import Result

from .conftest import shared_file

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def article_result(checker: TextChecker) -> Result:
    return checker.check_file(shared_file("source-article.txt"), use_recorded_claims=False)


def test_article_errors_flagged_for_the_right_reason(article_result: Result) -> None:
    scores = score_ecodes(article_result, read_rows(HERE / "article_ecodes.tsv"))
    assert len(scores.flagged) >= 7, scores
    # the table as it stands: what check-text catches on the graph's facts alone
    assert set(scores.flagged) >= {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9"}
    assert not scores.e13_contradicted
    assert len(scores.false_alarms) <= 2, scores.false_alarms


def test_article_e1_is_contradicted_by_the_enantiomer_fact(article_result: Result) -> None:
    e1 = [
        c
        for c in article_result.claims
        if (c.subject, c.predicate, c.object) == ("ketamine", "hasMetabolite", "esketamine")
    ]
    assert len(e1) == 2 and all(c.verdict == "contradicted" for c in e1)
    assert all("hasPart" in c.reason and "src_zanos2018_pharmrev" in c.sources for c in e1)
    assert all(c.recorded_claim is None for c in e1)  # --ignore-recorded-claims


def test_article_offsets_point_into_the_text(article_result: Result) -> None:
    text = article_result.document.text
    for m in article_result.mentions:
        assert text[m.start : m.end] == m.text
    for s in article_result.sentences:
        assert text[s.start : s.end] == s.text
    for c in article_result.claims:
        sent = article_result.sentences[c.sentence]
        assert sent.start <= c.start < c.end <= sent.end


def test_development_set_goals(checker: TextChecker) -> None:
    rows = read_rows(HERE / "devset.tsv")
    assert len(rows) >= 60
    results = [checker.check_text(r["sentence"], use_recorded_claims=False) for r in rows]
    scores = score_devset(results, rows)
    assert scores.entity_f1 >= 0.90, scores
    assert scores.precision["contradicted"] >= 0.7, scores
    assert scores.precision["supported"] >= 0.9, scores
    assert scores.predicted.get("contradicted", 0) >= 5 and scores.predicted.get("supported", 0) >= 20
