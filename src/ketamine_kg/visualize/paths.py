"""Mechanism paths: forward mechanistic chains between two entities, ranked by evidence then length.

A step follows one asserted relation in its own direction, of a kind the network marks as
mechanistic (``graph["mechanism_kinds"]``: target binding, causal effect or regulation,
participation, part-of). Inferred edges are never followed, so no path walks back along the inverse
of an edge it already has, and adverse effects, clinical relations, sources and trials are never
crossed unless ``relations="all"`` (every asserted relation, forward) is asked for.

When no mechanistic chain reaches a condition, the paths are the drug's mechanism chains closed by
its clinical relation to the condition (``treats`` preferred to ``studied to treat``): the graph
records how the drug acts and, separately, that it treats the condition; it does not claim that the
last process causes remission. Such chains must end with a causal step (an effect, not a bare
pathway membership).

Ranking: paths whose first step binds a molecular target come first (a mechanism starts where the
drug binds), then by evidence grade (the weakest step: clinical > preclinical > in vitro >
hypothesis; ``reference`` steps such as curated pathway membership do not lower the grade), then by
the evidence of the first step, then by length.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

__all__ = ["EVIDENCE_RANK", "PathFinder", "PathStep", "RelationScope", "mechanism_paths", "path_grade"]

RelationScope = Literal["mechanism", "all"]

#: Evidence levels, strongest first. ``reference`` is ranked for choosing between parallel edges but
#: does not lower a path's grade.
EVIDENCE_RANK: dict[str, int] = {
    "clinical": 0,
    "preclinical": 1,
    "in_vitro": 2,
    "reference": 3,
    "hypothesis": 4,
    "article_claim": 5,
    "": 6,
}
_NEUTRAL = frozenset({"reference"})
_OUTCOME_KINDS = frozenset({"clinical"})
#: Bound on the search so dense or very large graphs stay fast.
_MAX_EXPANSIONS = 200_000


@dataclass(frozen=True)
class PathStep:
    """One step of a path: the edge ``(source, target, key)`` with its relation and evidence."""

    source: str
    target: str
    key: str
    relation: str
    evidence: str
    kind: str
    outcome: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "key": self.key,
            "relation": self.relation,
            "evidence": self.evidence,
            "kind": self.kind,
            "outcome": self.outcome,
        }


def _rank(evidence: str) -> int:
    return EVIDENCE_RANK.get(evidence, EVIDENCE_RANK[""])


def path_grade(steps: list[PathStep]) -> str:
    """The evidence grade of a path: its weakest step, ignoring curated reference steps."""
    graded = [s.evidence for s in steps if s.evidence not in _NEUTRAL]
    return max(graded, key=_rank) if graded else (steps[0].evidence if steps else "")


def _best_steps(network: nx.MultiDiGraph, scope: RelationScope) -> dict[str, list[PathStep]]:
    """Per node, its outgoing steps: the best-evidenced followable edge to each neighbour."""
    kinds = set(network.graph.get("mechanism_kinds", ()))
    generic = not kinds
    best: dict[tuple[str, str], PathStep] = {}
    for u, v, key, data in network.edges(keys=True, data=True):
        kind = str(data.get("kind", ""))
        if data.get("inferred") or u == v:
            continue
        followable = generic or scope == "all" or kind in kinds
        if not followable:
            continue
        step = PathStep(
            u, v, str(key), str(data.get("predicate_label", "")), str(data.get("evidence", "")), kind
        )
        current = best.get((u, v))
        if current is None or (_rank(step.evidence), step.relation, step.key) < (
            _rank(current.evidence),
            current.relation,
            current.key,
        ):
            best[(u, v)] = step
    out: dict[str, list[PathStep]] = {}
    for (u, _v), step in sorted(best.items()):
        out.setdefault(u, []).append(step)
    return out


def _walk(
    steps: dict[str, list[PathStep]], source: str, max_length: int, target: str | None
) -> Iterator[list[PathStep]]:
    """Simple paths from ``source``: to ``target``, or (``target`` None) every maximal chain."""
    stack: list[tuple[str, list[PathStep], frozenset[str]]] = [(source, [], frozenset({source}))]
    expansions = 0
    while stack and expansions < _MAX_EXPANSIONS:
        node, path, seen = stack.pop()
        expansions += 1
        if target is not None and node == target:
            yield path
            continue
        # a part-of step ends a chain: the enantiomer in a racemate does not act as the racemate does
        ends = bool(path) and path[-1].kind == "part"
        onward = [] if ends else [s for s in steps.get(node, ()) if s.target not in seen]
        if len(path) == max_length or not onward:
            if target is None and path:
                yield path
            continue
        for step in reversed(onward):
            stack.append((step.target, [*path, step], seen | {step.target}))


def _sort_key(steps: list[PathStep], labels: dict[str, str]) -> tuple[Any, ...]:
    chain = [s for s in steps if not s.outcome]
    first = chain[0] if chain else steps[0]
    return (
        0 if first.kind == "binding" else 1,
        _rank(path_grade(chain or steps)),
        _rank(first.evidence),
        len(steps),
        [labels.get(s.target, s.target) for s in steps],
    )


def mechanism_paths(
    network: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    max_length: int = 8,
    max_paths: int = 20,
    relations: RelationScope = "mechanism",
) -> list[list[PathStep]]:
    """The best ``max_paths`` paths (lists of steps) from node ``source`` to node ``target``.

    Empty when neither a mechanistic chain nor a clinical relation links them.
    """
    return PathFinder(network, relations).paths(source, target, max_length=max_length, max_paths=max_paths)


class PathFinder:
    """``mechanism_paths`` for many pairs of one network: its steps and labels are indexed once."""

    def __init__(self, network: nx.MultiDiGraph, relations: RelationScope = "mechanism") -> None:
        self.network = network
        self.steps = _best_steps(network, relations)
        self.labels = {n: str(d.get("short_label") or d.get("label", n)) for n, d in network.nodes(data=True)}

    def paths(
        self, source: str, target: str, *, max_length: int = 8, max_paths: int = 20
    ) -> list[list[PathStep]]:
        """The best ``max_paths`` paths from ``source`` to ``target`` (see ``mechanism_paths``)."""
        network, steps = self.network, self.steps
        found = list(_walk(steps, source, max_length, target))
        if not found:
            outcomes = sorted(
                (
                    PathStep(source, target, str(k), str(d.get("predicate_label", "")), str(d.get("evidence", "")),
                             str(d.get("kind", "")), outcome=True)
                    for k, d in network.get_edge_data(source, target, default={}).items()
                    if not d.get("inferred") and d.get("kind") in _OUTCOME_KINDS
                ),
                key=lambda s: (_rank(s.evidence), s.relation != "treats", s.relation, s.key),
            )  # fmt: skip
            if outcomes:
                chains = [
                    c
                    for c in _walk(steps, source, max_length - 1, None)
                    if c[-1].kind == "causal" and target not in {s.target for s in c}
                ]
                found = [[*chain, outcomes[0]] for chain in chains] or [[outcomes[0]]]
        found.sort(key=lambda p: _sort_key(p, self.labels))
        return found[:max_paths]
