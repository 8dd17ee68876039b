"""The projection and the page on real builds: the fixture tables and the packaged data."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.visualize import render_html

KG = "https://w3id.org/ketamine-kg/id/"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return list(csv.DictReader(lines, delimiter="\t"))


def _check_shape(network: nx.MultiDiGraph, result: BuildResult) -> None:
    """Invariants every projected build satisfies."""
    categories = Counter(
        d["category"] for _, d in network.nodes(data=True) if d["category"] != "clinical_trial"
    )
    assert dict(categories) == result.summary.entities_per_category
    assert all(n.startswith(KG) for n in network.nodes)
    assert all(d["label"] and d["label"] != n for n, d in network.nodes(data=True))
    asserted = [d for *_, d in network.edges(data=True) if not d["inferred"]]
    inferred = [d for *_, d in network.edges(data=True) if d["inferred"]]
    assert len(asserted) == result.summary.assertions
    assert all(d["evidence"] and d["sources"] and d["assertion_id"] for d in asserted)
    assert all(d["evidence"] == "inferred" and not d["assertion_id"] for d in inferred)
    assert 0 < len(inferred) <= result.summary.inferred
    assert (
        sum(len(d["quantities"]) for *_, d in network.edges(data=True))
        + sum(len(d["quantities"]) for _, d in network.nodes(data=True))
        == result.summary.quantities
    )


def test_fixture_build_projects_every_entity_and_assertion(
    fixture_build: BuildResult, fixture_source_dir: Path
) -> None:
    network = to_network(fixture_build.graph)
    _check_shape(network, fixture_build)
    entities = _rows(fixture_source_dir / "entities.tsv")
    assert sorted(network.nodes) == sorted(KG + row["id"] for row in entities)
    labels = {KG + row["id"]: row["label"] for row in entities}
    assert {n: d["label"] for n, d in network.nodes(data=True)} == labels
    relations = _rows(fixture_source_dir / "relations.tsv")
    keys = {k for *_, k in network.edges(keys=True)}
    assert {row["id"] for row in relations} <= keys
    for row in relations:
        (u, v, data), *_ = [(u, v, d) for u, v, k, d in network.edges(keys=True, data=True) if k == row["id"]]
        assert (u, v) == (KG + row["subject"], KG + row["object"])
        assert data["evidence"] == row["evidence"]
        assert sorted(s["id"] for s in data["sources"]) == sorted(
            f"kg:{s}" for s in row["sources"].split("|")
        )
    claims = [c["id"] for _, d in network.nodes(data=True) for c in d["claims"]]
    assert claims and all(c.startswith("kg:claim_") for c in claims)


def test_fixture_build_page_is_deterministic(fixture_build: BuildResult) -> None:
    first = render_html(to_network(fixture_build.graph), title="fixture")
    assert first == render_html(to_network(fixture_build.graph), title="fixture")


@pytest.mark.slow
def test_real_build_projects_cleanly(real_build: BuildResult) -> None:
    network = to_network(real_build.graph)
    _check_shape(network, real_build)
    assert network.number_of_nodes() >= 30
    page = render_html(network, title="ketamine-kg")
    assert page == render_html(to_network(real_build.graph), title="ketamine-kg")
