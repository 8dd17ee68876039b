"""Pure functions that cut views out of a projected network: lookup, focus, category filter, paths.

Each returns a new network (the input is never modified) so views compose and stay deterministic.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx

from ketamine_kg.errors import UserError
from ketamine_kg.names import suggest

__all__ = ["filter_categories", "find_node", "focus", "select_paths"]


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
    network: nx.MultiDiGraph, start: str, end: str, *, max_length: int = 4, max_paths: int = 50
) -> nx.MultiDiGraph:
    """All simple directed paths of at most ``max_length`` relations from ``start`` to ``end``.

    The result holds only the nodes and edges on those paths; ``graph["paths"]`` lists them (node
    keys), shortest first. At most ``max_paths`` paths are kept so dense graphs stay bounded.
    """
    if max_length < 1:
        raise UserError(f"the path length limit must be 1 or more, not {max_length}")
    source, target = find_node(network, start), find_node(network, end)
    if source == target:
        raise UserError(f"--path needs two different entities; both name {_describe(network, source)}")
    simple = nx.DiGraph()
    simple.add_nodes_from(network.nodes)
    simple.add_edges_from((u, v) for u, v in network.edges())
    paths: list[list[str]] = []
    try:
        for path in itertools.islice(nx.shortest_simple_paths(simple, source, target), max_paths):
            if len(path) - 1 > max_length:
                break
            paths.append(list(path))
    except nx.NetworkXNoPath:
        pass
    if not paths:
        raise UserError(
            f"no path of at most {max_length} relation(s) leads from {_describe(network, source)} "
            f"to {_describe(network, target)}"
        )
    labels = {n: str(d.get("label", n)) for n, d in network.nodes(data=True)}
    paths.sort(key=lambda p: (len(p), [labels[n] for n in p]))
    steps = {(u, v) for p in paths for u, v in itertools.pairwise(p)}
    view = _subnetwork(network, sorted({n for p in paths for n in p}), keep_edge=lambda u, v: (u, v) in steps)
    view.graph["paths"] = paths
    return view


def _subnetwork(network: nx.MultiDiGraph, nodes: Sequence[str], keep_edge: Any = None) -> nx.MultiDiGraph:
    """A deep copy of the induced subgraph on ``nodes``, keeping graph attributes and sorted order."""
    chosen = set(nodes)
    view = nx.MultiDiGraph()
    view.graph.update(network.graph)
    view.add_nodes_from((n, dict(network.nodes[n])) for n in nodes)
    for u, v, key, data in network.edges(keys=True, data=True):
        if u in chosen and v in chosen and (keep_edge is None or keep_edge(u, v)):
            view.add_edge(u, v, key=key, **data)
    return view
