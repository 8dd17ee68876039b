"""The main job: deterministic, atomic, round-trippable Turtle and an OWL file, with a summary."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from conftest import RunCli, edit_table
from ketamine_kg.graph_build.atomic import atomic_output, write_bytes_atomic
from ketamine_kg.graph_build.rdf_files import from_oxigraph_term
from ketamine_kg.graph_build.serialize import to_turtle
from ketamine_kg.graph_build.statements import as_dataset
from ketamine_kg.pipeline import OWL_NAME, TTL_NAME, BuildResult, render_outputs
from ketamine_kg.vocab import KG, KKG, RDFS

CORE = ("drug", "metabolite", "receptor", "pathway", "condition", "adverse_effect")


def reparse_with_oxigraph(data: bytes) -> Graph:
    graph = Graph()
    for q in ox.parse(data, format=ox.RdfFormat.TURTLE):
        graph.add(
            (from_oxigraph_term(q.subject), from_oxigraph_term(q.predicate), from_oxigraph_term(q.object))
        )
    return graph


def test_turtle_round_trips_through_an_independent_parser(fixture_build: BuildResult) -> None:
    turtle = to_turtle(fixture_build.graph)
    assert isomorphic(reparse_with_oxigraph(turtle), fixture_build.graph)


def test_turtle_uses_curated_prefixes(fixture_build: BuildResult) -> None:
    text = to_turtle(fixture_build.graph).decode("utf-8")
    assert "@prefix kg: <https://w3id.org/ketamine-kg/id/> ." in text
    assert "@prefix kkg: <https://w3id.org/ketamine-kg/schema#> ." in text
    assert "ns1:" not in text
    assert "kg:esketamine " in text


def test_turtle_is_deterministic_within_a_process(
    fixture_source_dir: Path, fixture_build: BuildResult
) -> None:
    from ketamine_kg.pipeline import build_knowledge_graph

    again = build_knowledge_graph(fixture_source_dir)
    assert to_turtle(again.graph) == to_turtle(fixture_build.graph)


@pytest.mark.slow
def test_outputs_are_byte_identical_across_hash_seeds(fixture_source_dir: Path, tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "12345"):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ketamine_kg",
                "build",
                "--source",
                str(fixture_source_dir),
                "--out",
                str(out),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append(((out / TTL_NAME).read_bytes(), (out / OWL_NAME).read_bytes()))
    assert outputs[0] == outputs[1]


def test_owl_file_is_rdfxml_of_the_same_graph(fixture_build: BuildResult) -> None:
    files = render_outputs(fixture_build)
    owl = Graph().parse(data=files[OWL_NAME], format="xml")
    assert (KG.esketamine, RDFS.label, None) in owl
    assert len(owl) == len(fixture_build.graph)


def test_summary_counts(fixture_build: BuildResult) -> None:
    s = fixture_build.summary
    for category in CORE:
        assert s.entities_per_category[category] >= 2
    assert s.assertions == 13
    assert s.claims_by_status == {"refuted": 1}
    assert s.identifiers_by_prefix == {"CHEBI": 2, "MONDO": 1}
    assert s.triples == len(fixture_build.graph)


def test_every_relation_carries_source_and_evidence(fixture_build: BuildResult) -> None:
    rows = fixture_build.graph.query(
        """SELECT ?id ?ev (COUNT(?src) AS ?n) WHERE {
             ?ax kkg:assertionId ?id ; kkg:evidenceLevel ?ev ; dcterms:source ?src }
           GROUP BY ?id ?ev""",
        initNs={"kkg": str(KKG._NS), "dcterms": "http://purl.org/dc/terms/"},
    )
    assert len(rows) == 13
    assert all(int(str(r[2])) >= 1 for r in rows)  # type: ignore[index]


def test_atomic_write_keeps_old_file_when_interrupted(tmp_path: Path) -> None:
    target = tmp_path / "kg.ttl"
    write_bytes_atomic(target, b"old\n")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write(b"half of the new con")
        raise RuntimeError("killed mid-write")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


def test_killed_build_leaves_each_output_old_or_new(
    run_cli: RunCli, fixture_source_dir: Path, source_copy: Path, tmp_path: Path
) -> None:
    """Kill a build at several moments: every output file is complete, either the old or the new one."""
    edit_table(source_copy, "entities", 2, "definition", "A racemic dissociative anaesthetic (edited).")
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    for src, out in ((fixture_source_dir, old_dir), (source_copy, new_dir)):
        done = run_cli("build", "--source", src, "--out", out)
        assert done.returncode == 0, done.stderr
    old = {p.relative_to(old_dir): p.read_bytes() for p in old_dir.rglob("*") if p.is_file()}
    new = {p.relative_to(new_dir): p.read_bytes() for p in new_dir.rglob("*") if p.is_file()}
    assert old.keys() == new.keys() and old != new
    for delay in (0.2, 0.8, 1.5, 2.5, 4.0):
        out = tmp_path / f"killed-{delay}"
        shutil.copytree(old_dir, out)
        proc = subprocess.Popen(
            [sys.executable, "-m", "ketamine_kg", "build", "--source", str(source_copy), "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.kill()
        proc.wait()
        for name, data in old.items():
            assert (out / name).read_bytes() in (data, new[name]), (
                f"{name} is partial after a kill at {delay} s"
            )


def test_build_cli_prints_summary(run_cli: RunCli, fixture_source_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", "--source", fixture_source_dir, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "entities per category:" in result.stdout
    assert "drug 3" in result.stdout
    assert "inferred facts:" in result.stdout
    assert f"wrote {out / TTL_NAME}" in result.stdout
    assert "time:" in result.stdout
    assert (out / OWL_NAME).stat().st_size > 0


def test_the_dataset_made_while_hermit_ran_equals_the_whole_graph_converted(real_build: BuildResult) -> None:
    # regression: the asserted triples are converted during the reasoner's wait, the inferred ones added
    assert real_build.dataset is not None and real_build.reasoning.ran
    assert set(real_build.as_dataset()) == set(as_dataset(real_build.graph))


def test_a_graph_changed_after_the_build_is_converted_again(fixture_build: BuildResult) -> None:
    graph = Graph()
    graph += fixture_build.graph
    graph.add((KG.esketamine, RDFS.comment, Literal("added after the build")))
    changed = dataclasses.replace(fixture_build, graph=graph)
    assert changed.dataset is fixture_build.dataset is not None
    comment = ox.Literal("added after the build")
    assert any(q.object == comment for q in changed.as_dataset())
    assert not any(q.object == comment for q in fixture_build.as_dataset())
