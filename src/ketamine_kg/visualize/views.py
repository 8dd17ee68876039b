"""Pure functions that cut views out of a projected network: lookup, focus, category filter, paths.

Each returns a new network (the input is never modified) so views compose and stay deterministic.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx

from ketamine_kg.errors import UserError
from ketamine_kg.names import suggest
from ketamine_kg.visualize.paths import RelationScope, mechanism_paths, path_grade

__all__ = ["describe_paths", "filter_categories", "find_node", "focus", "select_paths"]


def _norm(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


def _describe(network: nx.MultiDiGraph, node: str) -> str:
    data = network.nodes[node]
    return f"{data.get('label', node)} ({data.get('category_label') or data.get('category', '')})"


def find_node(network: nx.MultiDiGraph, query: str) -> str:
    """The node a user means by ``query``: a CURIE (``CHEBI:60799``), IRI, label or synonym.

    Raises ``UserError`` naming the candidates when nothing or more than one entity matches.

    >>> n = nx.MultiDiGraph(); n.add_node("x", label="esketamine", synonyms=["Spravato"])
    >>> find_node(n, "spravato")
    'x'
    """
    wanted = _norm(query)
    if not wanted:
        raise UserError("an entity name is empty; give a label, synonym or CURIE such as CHEBI:60799")
    tiers: list[set[str]] = [set(), set(), set()]
    for node, data in network.nodes(data=True):
        ids = {_norm(node), _norm(data.get("curie", ""))}
        ids.update(_norm(i.get("curie", "")) for i in data.get("identifiers", ()))
        if wanted in ids:
            tiers[0].add(node)
        if wanted == _norm(data.get("label", "")):
            tiers[1].add(node)
        if wanted in {_norm(s) for s in data.get("synonyms", ())}:
            tiers[2].add(node)
    for tier in tiers:
        if len(tier) == 1:
            return next(iter(tier))
        if len(tier) > 1:
            names = ", ".join(sorted(_describe(network, n) for n in tier))
            raise UserError(f"'{query}' is ambiguous: it matches {names}; use a CURIE or the full label")
    labels = sorted({str(d.get("label", n)) for n, d in network.nodes(data=True)})
    close = difflib.get_close_matches(query, labels, n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UserError(f"no entity matches '{query}' (searched labels, synonyms and identifiers){hint}")


def focus(network: nx.MultiDiGraph, entity: str, depth: int = 1) -> nx.MultiDiGraph:
    """The entity and everything within ``depth`` relation steps of it (either direction)."""
    if depth < 0:
        raise UserError(f"--depth must be 0 or more, not {depth}")
    centre = find_node(network, entity)
    reach = nx.single_source_shortest_path_length(network.to_undirected(as_view=True), centre, cutoff=depth)
    view = _subnetwork(network, sorted(reach))
    view.graph["focus"] = {"node": centre, "depth": depth}
    return view


def filter_categories(network: nx.MultiDiGraph, categories: Iterable[str]) -> nx.MultiDiGraph:
    """Only the entities whose category code or label is among ``categories``."""
    known: dict[str, str] = {}
    for _, data in network.nodes(data=True):
        code = str(data.get("category", ""))
        known[_norm(code)] = code
        known[_norm(str(data.get("category_label", code)))] = code
    chosen: set[str] = set()
    for name in categories:
        if _norm(name) not in known:
            valid = ", ".join(sorted({v for v in known.values()}))
            close = suggest(name, set(known.values()), limit=1, cutoff=70)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise UserError(f"unknown category '{name}'; this graph has: {valid}{hint}")
        chosen.add(known[_norm(name)])
    nodes = sorted(n for n, d in network.nodes(data=True) if d.get("category") in chosen)
    view = _subnetwork(network, nodes)
    view.graph["categories"] = sorted(chosen)
    return view


def select_paths(
    network: nx.MultiDiGraph,
    start: str,
    end: str,
    *,
    max_length: int = 8,
    max_paths: int = 20,
    relations: RelationScope = "mechanism",
) -> nx.MultiDiGraph:
    """The mechanism paths from ``start`` to ``end`` (see :mod:`ketamine_kg.visualize.paths`).

    The result holds only the nodes and edges on those paths; ``graph["paths"]`` lists them (node
    keys, best first) and ``graph["path_steps"]`` their steps (edge key, relation, evidence).
    ``relations="all"`` follows every asserted relation (adverse effects and trials too).
    """
    if max_length < 1:
        raise UserError(f"the path length limit must be 1 or more, not {max_length}")
    source, target = find_node(network, start), find_node(network, end)
    if source == target:
        raise UserError(f"--path needs two different entities; both name {_describe(network, source)}")
    found = mechanism_paths(
        network, source, target, max_length=max_length, max_paths=max_paths, relations=relations
    )
    if not found:
        raise UserError(
            f"no mechanism path of at most {max_length} relation(s) leads from {_describe(network, source)} "
            f"to {_describe(network, target)}, and no clinical relation links them"
        )
    keep = {(s.source, s.target, s.key) for p in found for s in p}
    nodes = sorted({source} | {s.target for p in found for s in p})
    view = _subnetwork(network, nodes, keep_edge=lambda u, v, k: (u, v, k) in keep)
    view.graph["paths"] = [[source, *[s.target for s in p]] for p in found]
    view.graph["path_steps"] = [[s.as_dict() for s in p] for p in found]
    view.graph["path_grades"] = [path_grade(p) for p in found]
    return view


def describe_paths(network: nx.MultiDiGraph, limit: int = 5) -> list[str]:
    """One line per path (best first): each step names its relation and evidence."""

    def name(node: str) -> str:
        data = network.nodes[node]
        return str(data.get("short_label") or data.get("label", node))

    vocabulary = network.graph.get("vocabulary", {}).get("evidence_level", {})
    lines = []
    for steps, grade in zip(
        network.graph.get("path_steps", [])[:limit], network.graph.get("path_grades", []), strict=False
    ):
        text = name(steps[0]["from"])
        for step in steps:
            evidence = vocabulary.get(step["evidence"], step["evidence"].replace("_", " ") or "no evidence")
            arrow = (
                f" ⇒ [{name(step['from'])} {step['relation']}, {evidence}] "
                if step["outcome"]
                else f" -[{step['relation']}, {evidence}]-> "
            )
            text += arrow + name(step["to"])
        lines.append(f"({vocabulary.get(grade, grade)}) {text}")
    return lines


def _subnetwork(network: nx.MultiDiGraph, nodes: Sequence[str], keep_edge: Any = None) -> nx.MultiDiGraph:
    """A deep copy of the induced subgraph on ``nodes``, keeping graph attributes and sorted order."""
    chosen = set(nodes)
    view = nx.MultiDiGraph()
    view.graph.update(network.graph)
    view.add_nodes_from((n, dict(network.nodes[n])) for n in nodes)
    for u, v, key, data in network.edges(keys=True, data=True):
        if u in chosen and v in chosen and (keep_edge is None or keep_edge(u, v, key)):
            view.add_edge(u, v, key=key, **data)
    return view
