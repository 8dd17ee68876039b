"""Relation claims of each sentence: trigger phrases between mentions, negation, hedging, pronouns."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from ketamine_kg.textcheck.model import Claim, Mention, Sentence
from ketamine_kg.textcheck.normalise import lower_same_length
from ketamine_kg.textcheck.patterns import Pattern

__all__ = ["antecedents", "extract_claims", "is_hedged", "is_negated"]

DRUG_CATEGORIES = frozenset({"drug"})
PRONOUN = re.compile(
    r"\b(?:it|its|it's|it’s|the\s+(?:drug|medication|medicine|compound|agent|treatment)|"
    r"this\s+(?:[\w-]+\s+)?(?:drug|medication|medicine|compound|agent|treatment|anesthetic|anaesthetic|therapy))\b"
)
NEGATION = re.compile(
    r"\b(?:not(?!\s+only)|no|never|neither|nor|without|cannot|lacks?|lacking|fails?\s+to|failed\s+to|"
    r"absence\s+of|unable\s+to|rather\s+than)\b|n[’']t\b"
)
HEDGE = re.compile(
    r"\b(?:may|might|could|possibl[ey]|potential(?:ly)?|suggests?|suggested|suggesting|appears?\s+to|"
    r"seems?\s+to|likely|hypothes\w*|proposed|putative|promis\w*|emerging|preliminary|perhaps|"
    r"speculat\w*|is\s+thought|are\s+thought|believed)\b"
)
BENEFIT = re.compile(
    r"\b(?:benefit\w*|tolerab\w*|advantage\w*|helpful|desirable|pleasant|welcome|comfort\w*|"
    r"easier|positive\s+(?:effect|experience)s?|bonus)\b"
)
COORDINATION = re.compile(
    r"\s*(?:\([^()]{1,12}\))?\s*(?:,\s*(?:and|or)?|and|or|as\s+well\s+as|and/or)\s*(?:the\s+)?"
)
COORDINATED_VERB = re.compile(
    r"\s*(?:,\s*(?:and\s+)?|and\s+|,?\s*thereby\s+)(?:\w+ly\s+)?(?:(?:can|may|might|could|also|then|thus|so)\s+)?"
)
MECHANISM = re.compile(r"(?:\bby|\bthrough|\bvia)\s*$")
OBJECT_WINDOW = 70
SUBJECT_WINDOW = 140
# "ketamine, unlike esketamine, is ...": the contrasted drug is not the subject
CONTRAST = re.compile(
    r"\b(?:unlike|than|versus|vs\.?|compared\s+(?:with|to)|apart\s+from|except(?:\s+for)?)\s*$"
)
# a relative clause or bracket between subject and verb: its negation is not the claim's
ASIDE = re.compile(r",\s*(?:which|who|that|whose|although|though)\b[^,]*,|\([^()]*\)")
RELATIONAL_NOUN = re.compile(r"\s*(?:of|at)\b")
BETWEEN_MAX = 120  # a "between" phrase ("X, a dissociative anaesthetic") is short
# a subject does not reach across these: the trigger then belongs to another clause
CLAUSE_BREAK = re.compile(r";|\bwho\b|\bwhere\b|\bwhen\b|\bwhile\b|\bwhereas\b|\bbut\b|\bhowever\b|\bthose\b")


def is_negated(text: str) -> bool:
    """True when ``text`` (the stretch between subject and object) carries a negation cue."""
    return NEGATION.search(lower_same_length(text)) is not None


def is_hedged(text: str) -> bool:
    """True when ``text`` (a sentence) carries a hedging cue."""
    return HEDGE.search(lower_same_length(text)) is not None


def antecedents(sentences: Sequence[Sentence], mentions: Sequence[Mention], sent: Sentence) -> list[Mention]:
    """What "it" or "the drug" at the start of ``sent`` can stand for: the drug that opens the latest
    earlier sentence naming a drug (its likely subject), else nothing."""
    for earlier in reversed([s for s in sentences if s.end <= sent.start]):
        drugs = [
            m for m in mentions if earlier.start <= m.start < earlier.end and m.category in DRUG_CATEGORIES
        ]
        if drugs:
            return [drugs[0]]
    return []


def extract_claims(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    patterns: Sequence[Pattern],
    negation_offsets: Sequence[int] = (),
) -> list[Claim]:
    """Every claim of every sentence, in text order, one per (sentence, subject, predicate, object)."""
    claims: list[Claim] = []
    seen: set[tuple[int, str, str, str]] = set()
    lowered = lower_same_length(text)
    for sent in sentences:
        inside = [m for m in mentions if m.start >= sent.start and m.end <= sent.end]
        earlier_drugs = antecedents(sentences, mentions, sent)
        for claim in _sentence_claims(text, lowered, sent, inside, earlier_drugs, patterns, negation_offsets):
            key = (claim.sentence, claim.subject, claim.predicate, claim.object)
            if key not in seen and claim.subject != claim.object:
                seen.add(key)
                claims.append(claim)
    return claims


def _sentence_claims(
    text: str,
    lowered: str,
    sent: Sentence,
    mentions: list[Mention],
    earlier_drugs: list[Mention],
    patterns: Sequence[Pattern],
    negation_offsets: Sequence[int],
) -> list[Claim]:
    used: list[tuple[int, int]] = []
    out: list[Claim] = []
    triggers: list[tuple[int, int, Pattern, int]] = []
    for order, pattern in enumerate(patterns):
        if pattern.scope == "between":
            out.extend(_between_claims(text, sent, mentions, pattern, negation_offsets))
            continue
        triggers.extend(
            (m.start(), order, pattern, m.end())
            for m in pattern.regex.finditer(lowered, sent.start, sent.end)
        )
    previous: list[tuple[Mention, Mention]] = []  # (subject, object) of the claims so far, in text order
    for t_start, _order, pattern, t_end in sorted(triggers, key=lambda t: (t[0], t[1])):
        if t_end <= t_start or any(a < t_end and t_start < b for a, b in used):
            continue
        if any(x.start < t_end and t_start < x.end and x.category != "chemical_role" for x in mentions):
            continue  # the phrase is part of an entity name
        found = _pair(text, lowered, sent, mentions, earlier_drugs, pattern, t_start, t_end)
        if not found:
            continue
        left, rights = found
        left = _shared_subject(text, left, t_start, previous, pattern)
        used.append((t_start, t_end))
        for right in rights:
            claim = _claim(text, sent, pattern, left, right, t_start, t_end, negation_offsets)
            out.append(claim)
            subject, obj = (left, right) if pattern.direction == "forward" else (right, left)
            previous.append((subject, obj))
    return out


def _shared_subject(
    text: str, left: Mention, t_start: int, previous: list[tuple[Mention, Mention]], pattern: Pattern
) -> Mention:
    """ "X targets A and reduces B": the left mention A is the object of the verb before; X is the subject."""
    if pattern.direction != "forward" or not COORDINATED_VERB.fullmatch(text[left.end : t_start]):
        return left
    for subject, obj in reversed(previous):
        if obj.start == left.start and subject.category in pattern.left:
            return subject
    return left


def _pair(
    text: str,
    lowered: str,
    sent: Sentence,
    mentions: list[Mention],
    earlier_drugs: list[Mention],
    pattern: Pattern,
    t_start: int,
    t_end: int,
) -> tuple[Mention, list[Mention]] | None:
    """The left mention (or the drug a pronoun stands for) and the right mentions of one trigger."""
    after = [x for x in mentions if x.start >= t_end and x.start - t_end <= OBJECT_WINDOW]
    named_subject = None
    if (
        pattern.implicit_subject
        and after
        and after[0].category in pattern.left
        and re.fullmatch(
            r"\s*(?:of|with|from)?\s*(?:the\s+)?", lower_same_length(text[t_end : after[0].start])
        )
    ):
        named_subject = after[0]  # "side effects of esketamine include ..."
        after = [x for x in after[1:] if x.start - named_subject.end <= OBJECT_WINDOW]
    right = next((x for x in after if x.category in pattern.right), None)
    if right is None:
        return None
    rights = [right]
    for x in after:
        if x.start <= rights[-1].end:
            continue
        gap = text[rights[-1].end : x.start]
        if x.category in pattern.right and COORDINATION.fullmatch(gap):
            rights.append(x)
        elif x.category in pattern.right or not COORDINATION.fullmatch(gap):
            break
    left = named_subject or _left(text, lowered, sent, mentions, earlier_drugs, pattern, t_start)
    head = lower_same_length(text[sent.start : t_start])
    if left is None and (MECHANISM.search(head) or not head.strip()):
        later = [x for x in mentions if x.start >= rights[-1].end and x.category in pattern.left]
        left = later[0] if later else None
    if left is None:
        return None
    return left, rights


def _left(
    text: str,
    lowered: str,
    sent: Sentence,
    mentions: list[Mention],
    earlier_drugs: list[Mention],
    pattern: Pattern,
    t_start: int,
) -> Mention | None:
    before = [
        x
        for x in mentions
        if x.end <= t_start
        and x.category in pattern.left
        and t_start - x.end <= SUBJECT_WINDOW
        and not CLAUSE_BREAK.search(lowered, x.end, t_start)
        and not CONTRAST.search(lowered, max(sent.start, x.start - 20), x.start)
    ]
    nearest = before[-1] if before else None
    window_start = nearest.end if nearest else sent.start
    pronoun = None
    for p in PRONOUN.finditer(lowered, window_start, t_start):
        pronoun = p
    drugs_so_far = earlier_drugs + [x for x in mentions if x.end <= t_start and x.category in DRUG_CATEGORIES]
    if pronoun is not None and drugs_so_far and drugs_so_far[-1].category in pattern.left:
        d = drugs_so_far[-1]
        return Mention(
            pronoun.start(), pronoun.end(), text[pronoun.start() : pronoun.end()], d.entity, d.category
        )
    if nearest is not None:
        return nearest
    if pattern.implicit_subject and drugs_so_far:
        d = drugs_so_far[-1]
        return Mention(t_start, t_start, "", d.entity, d.category)
    return None


def _between_claims(
    text: str, sent: Sentence, mentions: list[Mention], pattern: Pattern, negation_offsets: Sequence[int]
) -> list[Claim]:
    out: list[Claim] = []
    for left, right in itertools.pairwise(mentions):
        if left.category not in pattern.left or right.category not in pattern.right:
            continue
        gap = lower_same_length(text[left.end : right.start])
        if len(gap) > BETWEEN_MAX or RELATIONAL_NOUN.match(lowered_after(text, right.end)):
            continue  # "X is a metabolite of Y": the role noun belongs to another pattern
        if not re.search(r",|\bis\b|\bas\b|\ban?\b|\bwas\b", gap) or not pattern.regex.fullmatch(gap):
            continue
        out.append(_claim(text, sent, pattern, left, right, left.end, right.start, negation_offsets))
    return out


def lowered_after(text: str, pos: int, width: int = 12) -> str:
    return lower_same_length(text[pos : pos + width])


def _claim(
    text: str,
    sent: Sentence,
    pattern: Pattern,
    left: Mention,
    right: Mention,
    t_start: int,
    t_end: int,
    negation_offsets: Sequence[int],
) -> Claim:
    subject, obj = (left, right) if pattern.direction == "forward" else (right, left)
    lo, hi = min(left.end, t_start), max(t_end, right.start)  # from the subject (or trigger) to the object
    stretch = text[lo : right.start]
    asides = [(lo + m.start(), lo + m.end()) for m in ASIDE.finditer(lower_same_length(stretch))]
    negated = is_negated(ASIDE.sub(lambda m: " " * len(m.group()), lower_same_length(stretch))) or any(
        lo <= off < hi and not any(a <= off < b for a, b in asides) for off in negation_offsets
    )
    before = lower_same_length(text[sent.start : t_start])
    framing = pattern.framing
    sentence_text = text[sent.start : sent.end]
    if not framing and obj.category == "adverse_effect" and BENEFIT.search(lower_same_length(sentence_text)):
        framing = "benefit"
    elif not framing and pattern.family in {"binding", "antagonist"} and MECHANISM.search(before):
        framing = "mechanism"
    elif not framing and re.search(r"\boff[\s-]label\b", lower_same_length(sentence_text)):
        framing = "off_label"
    elif not framing and re.search(r"\bapproved\b", before):
        framing = "approved"
    implicit = left.end == left.start  # the subject is the last drug, not named in the sentence
    start = min(t_start if implicit else left.start, right.start)
    return Claim(
        sentence=sent.index,
        start=start,
        end=max(left.end, right.end),
        subject=subject.entity,
        predicate=pattern.predicate,
        object=obj.entity,
        negated=negated,
        hedged=is_hedged(sentence_text),
        family=pattern.family,
        framing=framing,
        trigger=text[t_start:t_end],
        accept=pattern.accept,
    )
