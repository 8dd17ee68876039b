"""Verdict rules: decide each claim against the graph's facts (asserted and inferred).

In order: contradicted (disjoint properties or classes, the wrong direction of an asymmetric property,
an adverse effect framed as a benefit or as something the drug lowers, the opposite sign, a negated
claim against an unconditional asserted fact, "approved" against off-label use); then the facts that
support the claim (directly, through a sub-property or subtype, or through a signed causal chain) decide between
qualified (only a hypothesis; off-label; a regimen or population qualifier the sentence drops; only a
narrower condition; prevention; not the whole mechanism) and supported; without support the recorded
article claims are one more signal; else not_in_graph with the nearest facts. A claim about a product
the graph knows nothing about is decided for its active moiety.
"""

from __future__ import annotations

import dataclasses
import re

from ketamine_kg.textcheck.knowledge import Fact, Knowledge
from ketamine_kg.textcheck.model import Claim

__all__ = ["active_moieties", "causal_chain", "decide", "decide_all", "related_drugs"]

POSITIVE = {"causallyUpstreamOfPositiveEffect", "positivelyRegulates"}
NEGATIVE = {"causallyUpstreamOfNegativeEffect", "negativelyRegulates"}
POPULATION_PREDICATES = {"treats", "studiedToTreat", "contraindicatedIn"}
REGIMEN_WORDS = {
    "add_on_to_mood_stabiliser": r"lithium|valproate|mood stabili[sz]er|add-on|adjunct",
    "adjunct_to_oral_antidepressant": r"oral antidepressant|adjunct|add-on|combination|together with|with an? (?:oral )?antidepressant|ssri",
    "monotherapy": r"monotherapy|on its own|alone",
}
CATEGORY_DECISIVE = {"hasMetabolite", "isMetaboliteOf", "isEnantiomerOf", "treats"}
POPULATION_WORDS = {
    "recreational_users": r"recreational|misuse|abuse|chronic|heavy|long-term|frequent|high-dose"
}
UNRESTRICTED_REGIMENS = {"", "monotherapy"}
INTERACTION = {"molecularlyInteractsWith", "isAntagonistOf", "isInhibitorOf"}


def _fact_text(k: Knowledge, f: Fact) -> str:
    extra = [f.evidence]
    if f.approval_status:
        extra.append(f.approval_status)
    extra += [f"{key}={value}" for key, value in f.qualifiers]
    return f"{k.label(f.subject)} {f.predicate} {k.label(f.object)} ({', '.join(extra)})"


def _sources(facts: list[Fact]) -> tuple[str, ...]:
    return tuple(sorted({s for f in facts for s in f.sources}))


def _with(claim: Claim, verdict: str, reason: str, facts: list[Fact] | tuple[()] = ()) -> Claim:
    return dataclasses.replace(claim, verdict=verdict, reason=reason, sources=_sources(list(facts)))


def decide_all(
    claims: list[Claim], k: Knowledge, sentences: dict[int, str], use_recorded: bool = True
) -> list[Claim]:
    return [decide(c, k, sentences.get(c.sentence, ""), use_recorded) for c in claims]


def active_moieties(k: Knowledge, entity: str) -> list[str]:
    """A product's active ingredients and the drugs they are salts of (Spravato -> esketamine HCl -> esketamine)."""
    out: list[str] = []
    todo = [entity]
    while todo:
        current = todo.pop(0)
        for f in k.about(current):
            if (
                f.predicate in {"hasActiveIngredient", "isSaltFormOf"}
                and f.object not in out
                and f.object != entity
            ):
                out.append(f.object)
                todo.append(f.object)
    return out


def related_drugs(k: Knowledge, entity: str) -> list[str]:
    """Its active moieties, the products and salts made of it, and the racemate it is part of."""
    out = active_moieties(k, entity)
    for f in k.facts:
        if f.predicate in {"hasActiveIngredient", "isSaltFormOf"} and entity in (
            f.object,
            *active_moieties(k, f.object),
        ):
            out.append(f.subject)
        if f.predicate == "hasPart" and f.object == entity and k.categories.get(f.subject) == "drug":
            out.append(f.subject)
    return sorted(set(out) - {entity})


def decide(claim: Claim, k: Knowledge, sentence: str = "", use_recorded: bool = True) -> Claim:
    """The claim with its verdict, reason, deciding sources and matching recorded claim.

    A claim about a product or salt the graph knows nothing about is decided for its active moiety.
    """
    decided = _decide(claim, k, sentence, use_recorded)
    if decided.verdict != "not_in_graph" or claim.predicate in {"hasActiveIngredient", "isSaltFormOf"}:
        return decided
    for moiety in active_moieties(k, claim.subject):
        other = _decide(dataclasses.replace(claim, subject=moiety), k, sentence, use_recorded)
        if other.verdict != "not_in_graph":
            return dataclasses.replace(
                other,
                subject=claim.subject,
                reason=f"through its active moiety {k.label(moiety)}: {other.reason}",
            )
    return decided


def _decide(claim: Claim, k: Knowledge, sentence: str, use_recorded: bool) -> Claim:
    recorded = k.recorded(claim.subject, claim.predicate, claim.object)
    decided = _contradiction(claim, k) or _by_support(claim, k, sentence)
    if decided is None and use_recorded and recorded is not None:
        verdict = {"refuted": "contradicted", "supported": "supported"}.get(recorded.status, "qualified")
        decided = dataclasses.replace(
            claim,
            verdict=verdict,
            reason=f"recorded article claim {recorded.id} ({recorded.status}): {recorded.correction}".strip(),
            sources=recorded.decided_by,
        )
    if decided is None:
        decided = _not_in_graph(claim, k)
    if use_recorded and recorded is not None:
        decided = dataclasses.replace(decided, recorded_claim=recorded.id)
    return decided


def _contradiction(claim: Claim, k: Knowledge) -> Claim | None:
    s, p, o = claim.subject, claim.predicate, claim.object
    info = k.properties.get(p)
    # 1. disjoint properties: the graph links the two by a property declared disjoint with the claimed one
    if info is not None:
        disjoint = set(info.disjoint_with)
        for q, qi in k.properties.items():
            if p in qi.disjoint_with:
                disjoint.add(q)
        disjoint -= {a.lstrip("^") for a in claim.accept}  # the pattern reads these as support
        inverse_disjoint = {
            k.properties[q].inverse for q in disjoint if q in k.properties and k.properties[q].inverse
        }
        clash = [f for f in k.between(s, o) if f.predicate in disjoint] + [
            f for f in k.between(o, s) if f.predicate in disjoint | inverse_disjoint
        ]
        if clash and claim.negated:
            return _with(
                claim,
                "supported",
                f"rightly denied: the graph has {_fact_text(k, clash[0])}, disjoint with {p}",
                clash,
            )
        if clash:
            names = ", ".join(sorted({f.predicate for f in clash}))
            return _with(
                claim,
                "contradicted",
                f"the graph has {'; '.join(_fact_text(k, f) for f in clash[:3])}; {names} and {p} are disjoint",
                clash,
            )
    # 1b. the wrong direction of an asymmetric property ("ketamine is a metabolite of norketamine")
    if info is not None and "asymmetric" in info.characteristics and not claim.negated:
        backwards = [f for f in k.between(o, s) if f.predicate in k.sub_properties(p)]
        if backwards:
            return _with(
                claim,
                "contradicted",
                f"the other way round: the graph has {_fact_text(k, backwards[0])} and {p} is asymmetric",
                backwards,
            )
    # 2. an adverse effect presented as a benefit or as something the drug lowers
    ae = [f for f in k.about(s) if f.predicate == "hasAdverseEvent" and f.object == o]
    if claim.framing == "benefit" and k.categories.get(o) == "adverse_effect":
        return _with(
            claim,
            "contradicted",
            f"{k.label(o)} is an adverse effect"
            + (f" of {k.label(s)} ({_fact_text(k, ae[0])})" if ae else "")
            + ", not a benefit",
            ae,
        )
    if ae and not claim.negated and (p in NEGATIVE or p == "treats"):
        return _with(
            claim,
            "contradicted",
            f"{k.label(o)} is an adverse effect of {k.label(s)} ({_fact_text(k, ae[0])}): the drug causes it "
            "rather than lowering it",
            ae,
        )
    # 3. opposite sign
    opposite = NEGATIVE if p in POSITIVE else POSITIVE if p in NEGATIVE else set()
    flipped = [f for f in k.between(s, o) if f.predicate in opposite]
    if flipped and not claim.negated:
        return _with(
            claim, "contradicted", f"opposite sign: the graph has {_fact_text(k, flipped[0])}", flipped
        )
    # 4. disjoint classes: a drug is not a metabolite, an adverse effect is not a condition to treat
    if info is not None and p in CATEGORY_DECISIVE:
        for role, entity, allowed in (("subject", s, info.domain), ("object", o, info.range)):
            cls = k.class_of_category.get(k.categories.get(entity, ""), "")
            if cls and allowed and all(k.classes_disjoint(cls, a) for a in allowed):
                return _with(
                    claim,
                    "supported" if claim.negated else "contradicted",
                    f"{k.label(entity)} is a {k.categories.get(entity, '').replace('_', ' ')}, and the {role} "
                    f"of {p} must be a {' or '.join(allowed)}",
                )
    return None


def _supporting(claim: Claim, k: Knowledge) -> tuple[list[Fact], list[Fact]]:
    """Facts that support the claim exactly (or through a sub-property / subtype) and those for a narrower object."""
    s, p, o = claim.subject, claim.predicate, claim.object
    preds = k.sub_properties(p) | {a for a in claim.accept if not a.startswith("^")}
    reverse = {a[1:] for a in claim.accept if a.startswith("^")}
    exact: list[Fact] = []
    below: list[Fact] = []  # facts about a subtype of the object, after the direct ones
    narrower: list[Fact] = []
    for f in k.about(s):
        if f.predicate not in preds:
            continue
        if f.object == o:
            exact.append(f)
        elif o in k.ancestors(f.object):
            (narrower if p in POPULATION_PREDICATES else below).append(f)
    exact += below
    exact += [f for f in k.about(o) if f.predicate in reverse and f.object == s]
    if p == "hasAdverseEvent" and not exact:
        # an adverse effect whose phenotypes include the object (ketamine uropathy -> cystitis -> dysuria)
        for f in k.about(s):
            if f.predicate == "hasAdverseEvent":
                for kind in {f.object} | k.ancestors(f.object):
                    if any(g.predicate == "hasPhenotype" and g.object == o for g in k.about(kind)):
                        exact.append(f)
    return exact, narrower


SIGN = {
    "causallyUpstreamOfPositiveEffect": 1,
    "positivelyRegulates": 1,
    "causallyUpstreamOfNegativeEffect": -1,
    "negativelyRegulates": -1,
}
MAX_CHAIN = 3


def causal_chain(k: Knowledge, start: str, goal: str, sign: int) -> list[Fact] | None:
    """The shortest chain of signed causal facts from ``start`` to ``goal`` whose signs multiply to ``sign``."""
    frontier: list[tuple[str, int, list[Fact]]] = [(start, 1, [])]
    seen = {(start, 1)}
    for _ in range(MAX_CHAIN):
        nxt: list[tuple[str, int, list[Fact]]] = []
        for node, acc, path in frontier:
            for f in k.about(node):
                step = SIGN.get(f.predicate)
                if step is None:
                    continue
                state = (f.object, acc * step)
                if f.object == goal and acc * step == sign and path:
                    return [*path, f]
                if state not in seen:
                    seen.add(state)
                    nxt.append((f.object, acc * step, [*path, f]))
        frontier = nxt
    return None


def _by_chain(claim: Claim, k: Knowledge) -> Claim | None:
    """An effect claim the graph holds only through intermediate steps (ketamine -> AMPA receptor -> BDNF)."""
    sign = SIGN.get(claim.predicate)
    if sign is None or claim.negated:
        return None
    chain = causal_chain(k, claim.subject, claim.object, sign)
    if chain is None:
        return None
    steps = " -> ".join([k.label(chain[0].subject), *(k.label(f.object) for f in chain)])
    weakest = [f for f in chain if f.evidence == "hypothesis"]
    verdict = "qualified" if weakest else "supported"
    why = "only as a hypothesis " if weakest else ""
    return _with(claim, verdict, f"the graph holds it {why}through a causal chain: {steps}", chain)


def _by_support(claim: Claim, k: Knowledge, sentence: str) -> Claim | None:
    exact, narrower = _supporting(claim, k)
    facts = exact or narrower
    if not facts:
        return _by_chain(claim, k)
    lowered = sentence.lower()
    asserted = [f for f in facts if f.evidence != "hypothesis"]
    if claim.negated and claim.framing == "approved":
        approved = [f for f in exact if "approved" in f.approval_status]
        if approved:
            return _with(claim, "contradicted", f"it is approved: {_fact_text(k, approved[0])}", approved)
        return _with(
            claim, "supported", f"rightly: the graph has no approval, only {_fact_text(k, facts[0])}", facts
        )
    if claim.negated:
        restricted = [
            f
            for f in asserted
            if f.qualifier("regimen") not in UNRESTRICTED_REGIMENS or f.qualifier("population")
        ]
        if asserted and len(restricted) == len(asserted):
            return _with(
                claim,
                "qualified",
                f"negated; the graph has it only under a condition: {_fact_text(k, restricted[0])}",
                restricted,
            )
        if asserted:
            return _with(
                claim,
                "contradicted",
                f"negated, but the graph asserts {_fact_text(k, asserted[0])}",
                asserted,
            )
        return _with(
            claim,
            "qualified",
            f"negated; the graph holds it as a hypothesis: {_fact_text(k, facts[0])}",
            facts,
        )
    if not asserted:
        return _with(
            claim, "qualified", f"the graph holds it only as a hypothesis: {_fact_text(k, facts[0])}", facts
        )
    if claim.predicate == "treats":
        return _treats(claim, k, exact, narrower, lowered)
    populations = {f.qualifier("population") for f in asserted}
    if "" not in populations and not any(
        re.search(POPULATION_WORDS.get(x, re.escape(x)), lowered) for x in populations
    ):
        return _with(
            claim,
            "qualified",
            f"only in {' or '.join(sorted(populations))}: {_fact_text(k, asserted[0])}",
            asserted,
        )
    if claim.framing == "mechanism" and claim.predicate in INTERACTION | {"molecularlyInteractsWith"}:
        others = sorted(
            {
                f.object
                for f in k.about(claim.subject)
                if f.object != claim.object
                and (f.predicate in INTERACTION or f.predicate.startswith("causallyUpstreamOf"))
                and f.evidence == "hypothesis"
            }
        )
        if others:
            return _with(
                claim,
                "qualified",
                f"supported ({_fact_text(k, asserted[0])}) but not the whole mechanism: the graph also has "
                f"routes through {', '.join(k.label(x) for x in others[:5])}",
                asserted,
            )
    return _with(claim, "supported", "; ".join(_fact_text(k, f) for f in asserted[:3]), asserted)


def _treats(claim: Claim, k: Knowledge, exact: list[Fact], narrower: list[Fact], lowered: str) -> Claim:
    facts = [f for f in exact if f.evidence != "hypothesis"]
    if not facts:
        names = ", ".join(sorted({k.label(f.object) for f in narrower}))
        return _with(
            claim,
            "qualified",
            f"the graph has it only for narrower conditions: {names} ({_fact_text(k, narrower[0])})",
            narrower,
        )
    approved = [f for f in facts if "approved" in f.approval_status]
    off_label = [f for f in facts if f.approval_status == "off_label_use"]
    if claim.framing == "approved" and not approved and off_label:
        return _with(
            claim, "contradicted", f"not approved: the graph has {_fact_text(k, off_label[0])}", off_label
        )
    if off_label and not approved and claim.framing != "off_label":
        elsewhere = sorted(
            {
                k.label(f.object)
                for f in k.about(claim.subject)
                if f.predicate == "treats" and "approved" in f.approval_status
            }
        )
        note = f"; approved only for {', '.join(elsewhere)}" if elsewhere else ""
        return _with(claim, "qualified", f"off-label use: {_fact_text(k, off_label[0])}{note}", off_label)
    if claim.framing == "prevention":
        return _with(
            claim,
            "qualified",
            f"the graph records treatment, not prevention: {_fact_text(k, facts[0])}",
            facts,
        )
    regimens = {f.qualifier("regimen") for f in facts}
    if not regimens & UNRESTRICTED_REGIMENS:
        missing = [r for r in sorted(regimens) if not re.search(REGIMEN_WORDS.get(r, re.escape(r)), lowered)]
        if len(missing) == len(regimens):
            return _with(
                claim,
                "qualified",
                f"only with regimen {' or '.join(sorted(regimens))}: {_fact_text(k, facts[0])}",
                facts,
            )
    return _with(claim, "supported", "; ".join(_fact_text(k, f) for f in facts[:3]), facts)


def _not_in_graph(claim: Claim, k: Knowledge) -> Claim:
    near = k.between(claim.subject, claim.object) + k.between(claim.object, claim.subject)
    if not near:
        near = [f for f in k.about(claim.subject) if f.predicate == claim.predicate][:3]
    text = "; ".join(_fact_text(k, f) for f in near[:3]) or "no fact links them"
    return _with(claim, "not_in_graph", f"nearest facts: {text}")
