"""``ketamine-kg check``: exit codes, the consistency line, violation tables, JSON, SHACL results."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, Literal, Namespace

from conftest import RunCli
from ketamine_kg.graph_build.serialize import write_turtle
from ketamine_kg.ontology.triples import annotate, bnode_for
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.queries.quality import load_checks
from ketamine_kg.vocab import DCTERMS, KG, KKG

KKG_NS = Namespace("https://w3id.org/ketamine-kg/schema#")


def test_check_passes_on_the_fixture_tables(run_cli: RunCli, fixture_source_dir: Path) -> None:
    result = run_cli("check", "--source", fixture_source_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reasoner consistency check: consistent" in result.stdout
    assert "SHACL (shapes.ttl): conforms" in result.stdout
    assert f"PASSED: {len(load_checks())} checks, 0 failing" in result.stdout


def test_bad_source_is_a_user_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("check", "--source", tmp_path / "nowhere")
    assert result.returncode == 2
    assert "nowhere" in result.stderr and "Traceback" not in result.stderr


def test_bad_options_are_user_errors(run_cli: RunCli, tmp_path: Path, fixture_source_dir: Path) -> None:
    assert run_cli("check", "--format", "xml").returncode == 2
    both = run_cli("check", "--source", fixture_source_dir, "--data", tmp_path / "x.ttl")
    assert both.returncode == 2 and "cannot be combined" in both.stderr
    missing = run_cli("check", "--data", tmp_path / "x.ttl")
    assert missing.returncode == 2 and "x.ttl" in missing.stderr


def test_violations_in_rdf_files_fail_with_a_table(
    run_cli: RunCli, tmp_path: Path, fixture_build: BuildResult
) -> None:
    graph = Graph()
    for t in fixture_build.graph:
        graph.add(t)
    graph.remove((KG.q_half_life_ketamine, KKG.unit, None))
    graph.add((KG.q_half_life_ketamine, KKG.quantityKind, Literal("length_of_stay")))  # not a quantity kind
    data = tmp_path / "broken.ttl"
    write_turtle(graph, data)
    result = run_cli("check", "--data", data, "--no-reason")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "reasoner consistency check: skipped" in out
    assert "quantity_without_unit: 1 violation(s)" in out
    assert "kg:q_half_life_ketamine" in out
    assert "fix: Fill the unit column" in out
    assert "value_outside_vocabulary: 1 violation(s)" in out
    assert "SHACL (shapes.ttl): does not conform" in out
    as_json = run_cli("check", "--data", data, "--no-reason", "--format", "json", "--no-shacl")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["passed"] is False and report["violations"] == 2 and report["shacl"] is None


def test_inconsistent_data_fails_with_culprits_and_the_check_that_explains(
    run_cli: RunCli, tmp_path: Path, fixture_build: BuildResult
) -> None:
    # esketamine recorded as a metabolite of its own enantiomer: HermiT finds the drug typed a metabolite
    graph = Graph()
    for t in fixture_build.graph:
        graph.add(t)
    triple = (KG.esketamine, KKG_NS.hasMetabolite, KG.arketamine)
    graph.add(triple)
    notes = [
        (KKG.assertionId, Literal("R0099")),
        (KKG.evidenceLevel, Literal("clinical")),
        (DCTERMS.source, KG.src_label),
    ]
    for t in annotate(*triple, bnode_for("assertion", "R0099"), notes):
        graph.add(t)
    data = tmp_path / "inconsistent.ttl"
    write_turtle(graph, data)
    result = run_cli("check", "--data", data, "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["consistency"]["status"] == "inconsistent"
    assert any("esketamine" in c for c in report["consistency"]["culprits"])
    failing = {c["name"]: c["violations"] for c in report["checks"] if not c["passed"]}
    assert failing == {"enantiomer_and_metabolite": [{"chemical": "kg:arketamine", "other": "kg:esketamine"}]}
    table = run_cli("check", "--data", data)
    assert table.returncode == 1
    assert "reasoner consistency check: inconsistent" in table.stdout and "culprit:" in table.stdout
