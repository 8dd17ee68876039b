"""The text check: read, find mentions, split sentences, extract claims, decide verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ketamine_kg.textcheck.extract import extract_claims
from ketamine_kg.textcheck.knowledge import Knowledge, knowledge_from_build
from ketamine_kg.textcheck.matcher import EntityMatcher
from ketamine_kg.textcheck.model import Claim, Document, Result, Sentence
from ketamine_kg.textcheck.nlp import load_nlp, parse
from ketamine_kg.textcheck.patterns import load_patterns
from ketamine_kg.textcheck.quantities import (
    DurationClaim,
    QuantityClaim,
    decide_duration,
    decide_quantity,
    extract_durations,
    extract_quantities,
)
from ketamine_kg.textcheck.readers import read_document
from ketamine_kg.textcheck.verdict import decide_all, related_drugs

if TYPE_CHECKING:
    from ketamine_kg.pipeline import BuildResult

__all__ = ["TextChecker"]


class TextChecker:
    """Built once from a graph (and the model loaded once); checks any number of texts."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.matcher = EntityMatcher(knowledge.aliases, knowledge.pmids)
        self.patterns = load_patterns()
        load_nlp()

    @classmethod
    def from_build(cls, result: BuildResult) -> TextChecker:
        return cls(knowledge_from_build(result))

    def check_file(self, path: Path, *, use_recorded_claims: bool = True) -> Result:
        return self.check(read_document(path), use_recorded_claims=use_recorded_claims)

    def check_text(self, text: str, *, use_recorded_claims: bool = True) -> Result:
        return self.check(Document("<text>", "text", text), use_recorded_claims=use_recorded_claims)

    def check(self, document: Document, *, use_recorded_claims: bool = True) -> Result:
        text = document.text
        mentions = self.matcher.find(text)
        parsed = parse(text, [(m.start, m.end) for m in mentions])
        sentences = tuple(Sentence(i, a, b, text[a:b]) for i, (a, b) in enumerate(parsed.sentences))
        claims = extract_claims(text, sentences, mentions, self.patterns, parsed.negation_offsets)
        decided = decide_all(
            claims, self.knowledge, {s.index: s.text for s in sentences}, use_recorded_claims
        )
        decided += [_quantity_claim(q, self.knowledge) for q in extract_quantities(text, sentences, mentions)]
        decided += [_duration_claim(d, self.knowledge) for d in extract_durations(text, sentences, mentions)]
        decided.sort(key=lambda c: (c.sentence, c.start, c.end))
        suggestions = tuple(self.matcher.near_misses(text, mentions))
        return Result(document, sentences, tuple(mentions), tuple(decided), suggestions)


def _duration_claim(d: DurationClaim, knowledge: Knowledge) -> Claim:
    verdict, reason, sources = decide_duration(
        d, list(knowledge.quantities), related_drugs(knowledge, d.subject)
    )
    return Claim(
        d.sentence,
        d.start,
        d.end,
        d.subject,
        "quantity",
        "",
        family="duration",
        trigger=d.text,
        verdict=verdict,
        reason=reason,
        sources=sources,
        quantity_kind="duration_of_effect",
    )


def _quantity_claim(q: QuantityClaim, knowledge: Knowledge) -> Claim:
    verdict, reason, sources = decide_quantity(q, list(knowledge.quantities))
    return Claim(
        q.sentence,
        q.start,
        q.end,
        q.subject,
        "quantity",
        "",
        family="quantity",
        trigger=q.text,
        verdict=verdict,
        reason=reason,
        sources=sources,
        quantity_kind=q.kind,
        value=(q.low, q.high),
        unit=q.unit,
    )
