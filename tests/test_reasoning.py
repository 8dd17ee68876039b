"""HermiT: consistency, inferred facts kept apart from asserted ones, clear failures."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from conftest import RunCli, append_row
from ketamine_kg.errors import InconsistentOntologyError, ReasonerError
from ketamine_kg.ontology.reason import find_java
from ketamine_kg.pipeline import BuildResult, build_knowledge_graph
from ketamine_kg.vocab import KG, KKG

INFERRED = """
SELECT ?s ?p ?o WHERE {
  ?ax owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ; kkg:inferred true .
}"""


def test_java_is_present_here() -> None:
    assert find_java() is not None, "Java is needed for HermiT: .ci/run installs openjdk-17-jre-headless"


def test_reasoner_reports_consistency_and_inferences(fixture_build: BuildResult) -> None:
    assert fixture_build.reasoning.status == "consistent"
    inferred = {tuple(r) for r in fixture_build.graph.query(INFERRED, initNs={"kkg": str(KKG._NS)})}  # type: ignore[arg-type]
    assert len(inferred) == len(fixture_build.reasoning.inferred) > 0
    # the inverse of an asserted metabolite link and the transitive closure are inferred
    assert (KG.norketamine, KKG._NS["isMetaboliteOf"], KG.ketamine) in inferred
    assert (KG.ketamine, KKG._NS["hasDownstreamMetabolite"], KG.dehydronorketamine) in inferred


def test_asserted_and_inferred_are_distinguishable(fixture_build: BuildResult) -> None:
    rows = fixture_build.graph.query(
        "SELECT ?ax WHERE { ?ax kkg:assertionId ?id ; kkg:inferred ?x }", initNs={"kkg": str(KKG._NS)}
    )
    assert len(rows) == 0
    asserted = fixture_build.graph.query(
        "SELECT ?s ?p ?o WHERE { ?ax kkg:assertionId ?id ; owl:annotatedSource ?s ; "
        "owl:annotatedProperty ?p ; owl:annotatedTarget ?o }",
        initNs={"kkg": str(KKG._NS)},
    )
    inferred = set(fixture_build.reasoning.inferred)
    assert not {tuple(r) for r in asserted} & inferred  # type: ignore[arg-type]


def test_inconsistency_names_the_culprits(source_copy: Path, run_cli: RunCli, tmp_path: Path) -> None:
    # valid row by row, but esketamine would be both a part and an enantiomer of ketamine
    append_row(
        source_copy,
        "relations",
        {
            "id": "R0100",
            "subject": "esketamine",
            "predicate": "isEnantiomerOf",
            "object": "ketamine",
            "evidence": "article_claim",
            "sources": "src_article",
        },
    )
    with pytest.raises(InconsistentOntologyError) as info:
        build_knowledge_graph(source_copy)
    text = str(info.value)
    assert "esketamine (kg:esketamine)" in text
    assert "ketamine (kg:ketamine)" in text
    assert "isEnantiomerOf and partOf are disjoint" in text
    result = run_cli("build", "--source", source_copy, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "inconsistent" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_java_builds_unreasoned(run_cli: RunCli, fixture_source_dir: Path, tmp_path: Path) -> None:
    result = run_cli(
        "build",
        "--source",
        fixture_source_dir,
        "--out",
        tmp_path / "out",
        env={"KETAMINE_KG_JAVA": str(tmp_path / "no-java-here")},
    )
    assert result.returncode == 0, result.stderr
    assert "Java, which was not found" in result.stdout
    assert result.stderr.count("\n") <= 2  # one-line explanation, no traceback
    assert "inferred facts: 0" in result.stdout


def test_no_reason_skips(fixture_source_dir: Path) -> None:
    result = build_knowledge_graph(fixture_source_dir, reason=False)
    assert result.reasoning.status == "skipped"
    assert result.reasoning.inferred == ()


def test_timeout_is_enforced_and_leaves_no_temp_files(
    fixture_source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(ReasonerError, match="did not finish within"):
        build_knowledge_graph(fixture_source_dir, reasoner_timeout=0.05)
    assert list(scratch.iterdir()) == []


def test_successful_run_leaves_no_temp_files(
    fixture_source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    build_knowledge_graph(fixture_source_dir)
    assert list(scratch.iterdir()) == []
