"""Mechanism paths, one edge per fact and short labels on the curated build (fact sheet §3, §4.1)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from conftest import RunCli
from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.visualize import describe_paths, render_html, select_paths

KG = "https://w3id.org/ketamine-kg/id/"
#: §4.1 written out by hand: NMDA receptor block, glutamate surge, AMPA receptor, BDNF, TrkB signalling,
#: mTORC1, synapse formation.
CHAIN_41 = [
    "NMDA receptor",
    "glutamatergic synaptic transmission",
    "AMPA receptor",
    "brain-derived neurotrophic factor",
    "BDNF-TrkB signalling",
    "mTORC1 signalling",
]
EVIDENCE_ORDER = ["clinical", "preclinical", "in_vitro", "hypothesis", "article_claim", ""]


@pytest.fixture(scope="module")
def network(real_build: BuildResult) -> nx.MultiDiGraph:
    return to_network(real_build.graph)


@pytest.fixture(scope="module")
def ketamine_mdd(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    return select_paths(network, "ketamine", "major depressive disorder")


def _labels(network: nx.MultiDiGraph, path: list[str]) -> list[str]:
    return [network.nodes[n]["label"] for n in path]


def _in_order(chain: list[str], labels: list[str]) -> bool:
    it = iter(labels)
    return all(any(label == wanted for label in it) for wanted in chain)


def test_ketamine_to_mdd_shows_the_nmda_to_mtorc1_chain(ketamine_mdd: nx.MultiDiGraph) -> None:
    paths = [_labels(ketamine_mdd, p) for p in ketamine_mdd.graph["paths"]]
    assert paths[0][:2] == ["ketamine", "NMDA receptor"]
    first = ketamine_mdd.graph["path_steps"][0][0]
    assert (first["relation"], first["evidence"]) == ("is antagonist of", "clinical")
    with_chain = [i for i, p in enumerate(paths) if _in_order(CHAIN_41, p)]
    assert with_chain and with_chain[0] < 5, paths[:5]
    # the condition is reached through ketamine's clinical relation, named as the outcome
    last = ketamine_mdd.graph["path_steps"][with_chain[0]][-1]
    assert last["outcome"] and last["relation"] == "treats" and last["from"] == KG + "ketamine"
    lines = describe_paths(ketamine_mdd)
    assert "-[is antagonist of, clinical]-> NMDA receptor" in lines[0]
    assert any("mTORC1 signalling" in line for line in lines)


def test_paths_never_go_backwards_through_effects_or_trials(
    network: nx.MultiDiGraph, ketamine_mdd: nx.MultiDiGraph
) -> None:
    for path, steps in zip(ketamine_mdd.graph["paths"], ketamine_mdd.graph["path_steps"], strict=True):
        assert len(set(path)) == len(path)  # simple: nothing visited twice
        for step in steps:
            edge = network.edges[step["from"], step["to"], step["key"]]
            assert not edge["inferred"]
            assert edge["kind"] in {"binding", "causal", "participation", "part"} or step["outcome"]
            categories = {network.nodes[step["to"]]["category"], network.nodes[step["from"]]["category"]}
            assert not categories & {"adverse_effect", "clinical_trial"}


def test_paths_rank_binding_first_then_by_evidence(ketamine_mdd: nx.MultiDiGraph) -> None:
    steps = ketamine_mdd.graph["path_steps"]
    binding_first = [s[0]["kind"] == "binding" for s in steps]
    assert binding_first == sorted(binding_first, reverse=True)
    grades = [
        EVIDENCE_ORDER.index(g)
        for g, b in zip(ketamine_mdd.graph["path_grades"], binding_first, strict=True)
        if b
    ]
    assert grades == sorted(grades)


def test_one_edge_per_fact_and_each_relation_listed_once(network: nx.MultiDiGraph) -> None:
    treated_by = [
        (u, v, d) for u, v, d in network.edges(data=True) if d["predicate_label"] == "is treated by"
    ]
    assert treated_by and all(d["inferred"] and d["mirror_of"] for *_, d in treated_by)
    page = render_html(network)
    data = json.loads(re.search(r'id="kkg-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    drawn = {r["label"] for r in data["relations"]}
    assert "is treated by" not in drawn and "has participant" not in drawn and "treats" in drawn
    assert len(data["edges"]) == sum(1 for *_, d in network.edges(data=True) if not d["mirror_of"])
    also = [e for e in data["info"]["edges"] if e.get("also_read_as")]
    assert any(a["label"] == "is treated by" for e in also for a in e["also_read_as"])
    rules = {e["rule"] for e in data["info"]["edges"] if e["inferred"]}
    assert rules and all("transitive" in r or "inverse" in r or "axioms" in r for r in rules)


def test_short_labels_tell_nodes_apart(network: nx.MultiDiGraph) -> None:
    assert network.nodes[KG + "cyp2b6"]["short_label"] == "CYP2B6"
    page = render_html(network)
    data = json.loads(re.search(r'id="kkg-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    canvas = [n["label"] for n in data["nodes"]]
    subunits = [n["label"] for n in data["nodes"] if n["label"].startswith("GRIN")]
    assert sorted(subunits) == ["GRIN1", "GRIN2A", "GRIN2B", "GRIN2C", "GRIN2D", "GRIN3A"]
    assert len(set(canvas)) == len(canvas)  # no two nodes read the same on the canvas


def test_named_query_lists_the_steps_of_the_page_paths(
    real_build: BuildResult, ketamine_mdd: nx.MultiDiGraph
) -> None:
    from ketamine_kg.queries import run_query

    rows = run_query(real_build, "mechanism_paths", drug="ketamine").as_dicts()
    listed = {str(r["assertion"]) for r in rows}
    walked = {s["key"] for steps in ketamine_mdd.graph["path_steps"] for s in steps if not s["outcome"]}
    assert walked and walked <= listed
    steps = {(str(r["fromNode"]), str(r["step"]), str(r["toNode"])) for r in rows}
    for a, b in itertools.pairwise(["ketamine", *CHAIN_41, "synapse assembly"]):
        assert any(f == a and t == b for f, _s, t in steps), (a, b)
    assert not any("adverse" in s or s.startswith("has participant") for _f, s, _t in steps)


def test_render_path_cli_prints_the_chain_with_evidence(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "path.html"
    result = run_cli("render", "--path", "ketamine", "major depressive disorder", "--out", out)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("(preclinical) ketamine -[is antagonist of, clinical]-> NMDA receptor")
    chain = next(line for line in lines if "mTORC1 signalling" in line)
    assert "-[causally upstream of, positive effect, preclinical]-> AMPA receptor" in chain
    assert chain.endswith("⇒ [ketamine treats, clinical] MDD")
    assert out.is_file() and '"paths":[{' in out.read_text(encoding="utf-8")


def test_an_enantiomer_does_not_inherit_the_racemate_mechanisms(network: nx.MultiDiGraph) -> None:
    """arketamine never reaches racemic ketamine (the named query once did, through part-of; see its gold)."""
    from ketamine_kg.visualize.paths import mechanism_paths

    arketamine = next(n for n, d in network.nodes(data=True) if d.get("label") == "arketamine")
    ketamine = next(n for n, d in network.nodes(data=True) if d.get("label") == "ketamine")
    mtorc1 = next(n for n, d in network.nodes(data=True) if d.get("label") == "mTORC1 signalling")
    paths = mechanism_paths(network, arketamine, mtorc1)
    assert paths, "arketamine's own NMDA block leads on to mTORC1 signalling"
    assert all(ketamine not in {s.target for s in path} for path in paths)


def test_the_page_indexes_the_steps_once_and_finds_the_same_paths(
    network: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: every drug-condition pair re-indexed the whole network (182 s for a 5,000-node page)."""
    from ketamine_kg.visualize import paths

    calls: list[int] = []
    index = paths._best_steps

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return index(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(paths, "_best_steps", counted)
    render_html(network, title="page")
    assert len(calls) == 1
    finder = paths.PathFinder(network)
    drug, condition = KG + "ketamine", KG + "mdd"
    assert finder.paths(drug, condition, max_paths=5) == paths.mechanism_paths(
        network, drug, condition, max_paths=5
    )
    assert finder.paths(drug, condition)  # a real pair, not two empty lists
