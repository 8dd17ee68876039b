"""The text check: read, find mentions, split sentences, extract claims, decide verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ketamine_kg.textcheck.extract import extract_claims
from ketamine_kg.textcheck.knowledge import Knowledge, knowledge_from_build
from ketamine_kg.textcheck.matcher import EntityMatcher
from ketamine_kg.textcheck.model import Document, Result, Sentence
from ketamine_kg.textcheck.nlp import load_nlp, parse
from ketamine_kg.textcheck.patterns import load_patterns
from ketamine_kg.textcheck.readers import read_document
from ketamine_kg.textcheck.verdict import decide_all

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
        return Result(document, sentences, tuple(mentions), tuple(decided))
