"""Evaluate check-text: the E-code table on the source article and the development set; timings.

Usage: .venv/bin/python benchmarks/textcheck_eval.py [--article PATH]
Prints the figures (no pass/fail): errors flagged for the right reason, false alarms, entity F1,
verdict precision, and the time to check the article after the model has loaded.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ketamine_kg.pipeline import build_knowledge_graph
from ketamine_kg.textcheck.check import TextChecker
from ketamine_kg.textcheck.evaluate import read_rows, score_devset, score_ecodes
from ketamine_kg.textcheck.nlp import load_nlp

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests" / "textcheck"


def find_article() -> Path:
    for base in ROOT.parents:
        path = base / "shared" / "domain" / "source-article.txt"
        if path.is_file():
            return path
    raise SystemExit("shared/domain/source-article.txt not found beside the project; pass --article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", type=Path, default=None)
    args = parser.parse_args()
    article = args.article or find_article()
    t0 = time.perf_counter()
    build = build_knowledge_graph()
    t1 = time.perf_counter()
    load_nlp()
    t_model = time.perf_counter()
    checker = TextChecker.from_build(build)
    t2 = time.perf_counter()
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        result = checker.check_file(article, use_recorded_claims=False)
        runs.append(time.perf_counter() - start)
    scores = score_ecodes(result, read_rows(TESTS / "article_ecodes.tsv"))
    print(
        f"build (reasoned): {t1 - t0:.2f} s; spaCy import and model load: {t_model - t1:.2f} s (goal <= 3 s); "
        f"entity index: {t2 - t_model:.2f} s"
    )
    print(
        f"article: {len(result.document.text)} chars, {len(result.sentences)} sentences, {len(result.claims)} claims"
    )
    print(
        f"article check after model load: best {min(runs):.3f} s, median {sorted(runs)[1]:.3f} s (goal <= 3 s)"
    )
    print(f"E1-E12 flagged for the right reason: {len(scores.flagged)}/12 {list(scores.flagged)} (goal >= 7)")
    print(f"  missed: {list(scores.missed)}")
    print(f"E13 contradicted: {scores.e13_contradicted} (goal False)")
    print(f"false alarms in error-free sentences: {len(scores.false_alarms)} (goal <= 2)")
    for c in scores.false_alarms:
        print(f"  sentence {c.sentence}: {c.subject} {c.predicate} {c.object} -> {c.verdict}: {c.reason}")
    rows = read_rows(TESTS / "devset.tsv")
    start = time.perf_counter()
    results = [checker.check_text(r["sentence"], use_recorded_claims=False) for r in rows]
    dev_time = time.perf_counter() - start
    dev = score_devset(results, rows)
    print(f"development set: {dev.sentences} sentences checked in {dev_time:.2f} s")
    print(
        f"  entity precision {dev.entity_precision:.3f}, recall {dev.entity_recall:.3f}, "
        f"F1 {dev.entity_f1:.3f} (goal >= 0.90)"
    )
    for verdict, value in dev.precision.items():
        goal = {"supported": " (goal >= 0.9)", "contradicted": " (goal >= 0.7)"}.get(verdict, "")
        print(f"  precision({verdict}) {value:.3f} over {dev.predicted.get(verdict, 0)} predicted{goal}")
    print(f"  claim recall (expected claims found with their verdict): {dev.claim_recall:.3f}")


if __name__ == "__main__":
    main()
