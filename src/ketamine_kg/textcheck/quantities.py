"""Numbers with units as quantity kinds ("a half-life of 7–12 h") and their verdict against the graph's
quantities: inside the stored range (supported), overlapping it or near it (qualified), far outside it
(contradicted), or no stored value (not_in_graph)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from ketamine_kg.textcheck.extract import antecedents
from ketamine_kg.textcheck.model import Mention, Sentence
from ketamine_kg.textcheck.normalise import lower_same_length

__all__ = [
    "DurationClaim",
    "QuantityClaim",
    "StoredQuantity",
    "decide_duration",
    "decide_quantity",
    "extract_durations",
    "extract_quantities",
]

NUMBER = re.compile(
    r"(\d+(?:\.\d+)?)(?:\s*(?:–|—|-|to|and)\s*(\d+(?:\.\d+)?))?\s*"
    r"(%|percent|mg/kg|mg|hours?|hrs?|h|minutes?|mins?|min|days?|d|weeks?|wk)(?![a-z])"
)
TO_BASE = {  # unit as written -> (UCUM unit family, factor to its base)
    "%": ("%", 1.0),
    "percent": ("%", 1.0),
    "mg/kg": ("mg/kg", 1.0),
    "mg": ("mg", 1.0),
    "h": ("h", 1.0),
    "hr": ("h", 1.0),
    "hrs": ("h", 1.0),
    "hour": ("h", 1.0),
    "hours": ("h", 1.0),
    "min": ("h", 1 / 60),
    "mins": ("h", 1 / 60),
    "minute": ("h", 1 / 60),
    "minutes": ("h", 1 / 60),
    "d": ("h", 24.0),
    "day": ("h", 24.0),
    "days": ("h", 24.0),
    "wk": ("h", 168.0),
    "week": ("h", 168.0),
    "weeks": ("h", 168.0),
}
UCUM_TO_BASE = {
    "/wk": ("/wk", 1.0),
    "%": ("%", 1.0),
    "mg/kg": ("mg/kg", 1.0),
    "mg": ("mg", 1.0),
    "h": ("h", 1.0),
    "min": ("h", 1 / 60),
    "d": ("h", 24.0),
    "wk": ("h", 168.0),
}
DURATION_CUE = re.compile(
    r"\b(?:long(?:er)?[\s-](?:lasting|acting)|long[\s-]term\s+relief|durable|sustained\s+(?:effects?|benefits?|relief|response))\b"
)
SHORT_EFFECT_HOURS = 24 * 7  # an effect that fades within a week needs repeated doses
WINDOW = 45
TOLERANCE = 0.1
FAR = 2.0


@dataclass(frozen=True)
class QuantityClaim:
    sentence: int
    start: int
    end: int
    subject: str
    kind: str
    low: float  # in the base unit of ``unit``
    high: float
    unit: str
    text: str


@dataclass(frozen=True)
class StoredQuantity:
    id: str
    entity: str
    kind: str
    low: float
    high: float
    unit: str
    evidence: str
    sources: tuple[str, ...]


@cache
def _cues() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    text = resources.files("ketamine_kg.textcheck").joinpath("quantity_cues.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple((kind, re.compile(rf"\b(?:{cue})"), unit) for kind, cue, unit in rows[1:])


def stored_interval(
    value: Decimal | None, low: Decimal | None, high: Decimal | None, unit: str
) -> tuple[float, float, str] | None:
    family = UCUM_TO_BASE.get(unit)
    if family is None:
        return None
    base, factor = family
    lo = low if low is not None else value
    hi = high if high is not None else value
    if lo is None and hi is None:
        return None
    lo = lo if lo is not None else Decimal(0)
    hi = hi if hi is not None else lo
    return float(lo) * factor, float(hi) * factor, base


def extract_quantities(
    text: str, sentences: tuple[Sentence, ...], mentions: tuple[Mention, ...] | list[Mention]
) -> list[QuantityClaim]:
    """Each number with a unit that follows a cue of its kind, about the nearest drug mentioned before it."""
    lowered = lower_same_length(text)
    out: list[QuantityClaim] = []
    drugs = [m for m in mentions if m.category in {"drug", "metabolite"}]
    numbers_seen: set[int] = set()
    for sent in sentences:
        for kind, cue, unit in _cues():
            for c in cue.finditer(lowered, sent.start, sent.end):
                n = NUMBER.search(lowered, c.end(), min(sent.end, c.end() + WINDOW))
                if n is None:
                    continue
                family, factor = TO_BASE[n.group(3)]
                if family != UCUM_TO_BASE[unit][0]:
                    continue
                inside = [m for m in drugs if sent.start <= m.start and m.end <= n.start()]
                earlier = antecedents(sentences, drugs, sent)
                if not inside and not earlier:
                    continue
                subject = inside[-1] if inside else earlier[-1]  # "its half-life": the last drug
                low = float(n.group(1)) * factor
                high = float(n.group(2) or n.group(1)) * factor
                if n.start() in numbers_seen:
                    continue
                numbers_seen.add(n.start())
                out.append(
                    QuantityClaim(
                        sent.index,
                        min(subject.start, c.start()),
                        n.end(),
                        subject.entity,
                        kind,
                        low,
                        high,
                        family,
                        text[n.start() : n.end()],
                    )
                )
    return out


def decide_quantity(claim: QuantityClaim, stored: list[StoredQuantity]) -> tuple[str, str, tuple[str, ...]]:
    """(verdict, reason, sources) of a quantity claim against the stored values of its entity and kind."""
    same = [q for q in stored if q.entity == claim.subject and q.kind == claim.kind and q.unit == claim.unit]
    if not same:
        return "not_in_graph", f"no stored {claim.kind} of {claim.subject}", ()

    def show(q: StoredQuantity) -> str:
        span = f"{q.low:.3g}" if q.low == q.high else f"{q.low:.3g}-{q.high:.3g}"
        return f"{q.id}: {span} {q.unit} ({q.evidence})"

    sources = tuple(sorted({s for q in same for s in q.sources}))
    for q in same:
        lo, hi = q.low * (1 - TOLERANCE), q.high * (1 + TOLERANCE)
        if lo <= claim.low and claim.high <= hi:
            return "supported", f"{claim.kind} {claim.text} within the stored {show(q)}", sources
    for q in same:
        if claim.low <= q.high * (1 + TOLERANCE) and q.low * (1 - TOLERANCE) <= claim.high:
            return "qualified", f"{claim.kind} {claim.text} only overlaps the stored {show(q)}", sources
    nearest = min(same, key=lambda q: min(abs(q.low - claim.low), abs(q.high - claim.high)))
    ratio = max(
        claim.low / nearest.high if nearest.high else FAR + 1,
        nearest.low / claim.high if claim.high else FAR + 1,
    )
    if ratio > FAR:
        return (
            "contradicted",
            f"wrong value: {claim.kind} {claim.text}, but the graph has {show(nearest)}",
            sources,
        )
    return "qualified", f"{claim.kind} {claim.text} is outside the stored {show(nearest)}", sources


@dataclass(frozen=True)
class DurationClaim:
    """A drug called long-lasting (or long-acting, durable) without a number."""

    sentence: int
    start: int
    end: int
    subject: str
    text: str


def extract_durations(
    text: str, sentences: tuple[Sentence, ...], mentions: tuple[Mention, ...] | list[Mention]
) -> list[DurationClaim]:
    """ "long-lasting" about the drug nearest to it in the sentence (after it: "long-lasting esketamine")."""
    lowered = lower_same_length(text)
    drugs = [m for m in mentions if m.category in {"drug", "metabolite"}]
    out: list[DurationClaim] = []
    for sent in sentences:
        inside = [m for m in drugs if sent.start <= m.start and m.end <= sent.end]
        for c in DURATION_CUE.finditer(lowered, sent.start, sent.end):
            if not inside:
                continue
            nearest = min(inside, key=lambda m: min(abs(m.start - c.end()), abs(c.start() - m.end)))
            out.append(
                DurationClaim(
                    sent.index,
                    min(nearest.start, c.start()),
                    max(nearest.end, c.end()),
                    nearest.entity,
                    text[c.start() : c.end()],
                )
            )
    return out


def decide_duration(
    claim: DurationClaim, stored: list[StoredQuantity], related: list[str]
) -> tuple[str, str, tuple[str, ...]]:
    """Qualified when the graph shows repeated dosing or an effect that fades within days."""
    about = [claim.subject, *related]
    relevant = [
        q
        for q in stored
        if q.entity in about
        and (
            (q.kind == "dosing_frequency" and q.high >= 0.5)
            or (q.kind == "duration_of_effect" and q.high <= SHORT_EFFECT_HOURS)
            or q.kind == "half_life"
        )
    ]
    order = {"dosing_frequency": 0, "duration_of_effect": 1, "half_life": 2}
    relevant.sort(key=lambda q: (order[q.kind], q.entity != claim.subject, q.id))
    repeated = [q for q in relevant if q.kind != "half_life"]
    if not repeated:
        return "not_in_graph", f"no stored duration of effect or dosing schedule for {claim.subject}", ()
    shown = "; ".join(
        f"{q.entity} {q.kind} {q.low:.3g}{'' if q.low == q.high else f'-{q.high:.3g}'} {q.unit}"
        for q in relevant[:4]
    )
    sources = tuple(sorted({s for q in relevant for s in q.sources}))
    return "qualified", f"'{claim.text}' overstates it: the effect needs repeated dosing ({shown})", sources
