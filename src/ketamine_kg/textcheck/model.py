"""The records a text check produces (plain frozen dataclasses; JSON-shaped by ``report``)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Claim", "Document", "Mention", "Result", "Sentence", "Suggestion"]


@dataclass(frozen=True)
class Document:
    """The text that was read: offsets of every record point into ``text``."""

    path: str
    format: str
    text: str


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    entity: str
    category: str


@dataclass(frozen=True)
class Suggestion:
    """A word that is nearly an entity name (a likely misspelling); never counted as a mention."""

    start: int
    end: int
    text: str
    entity: str
    score: float


@dataclass(frozen=True)
class Claim:
    """One relation claim of a sentence and, once decided, its verdict with the deciding evidence."""

    sentence: int
    start: int
    end: int
    subject: str
    predicate: str
    object: str
    negated: bool = False
    hedged: bool = False
    family: str = ""
    framing: str = (
        ""  # "benefit" (an effect presented as a benefit), "mechanism", "approved", "off_label", "prevention"
    )
    trigger: str = ""
    verdict: str = ""
    reason: str = ""
    sources: tuple[str, ...] = ()
    recorded_claim: str | None = None
    quantity_kind: str = ""  # a number claim: predicate "quantity", no object
    value: tuple[float, float] | None = None
    unit: str = ""
    accept: tuple[str, ...] = field(default=(), compare=False, repr=False)  # predicates that also support it


@dataclass(frozen=True)
class Result:
    document: Document
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    claims: tuple[Claim, ...]
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def contradicted(self) -> bool:
        return any(c.verdict == "contradicted" for c in self.claims)
