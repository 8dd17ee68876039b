"""``ketamine-kg queries`` and ``ketamine-kg query`` in a subprocess: real exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import RunCli
from ketamine_kg.graph_build.serialize import write_turtle
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.queries import load_catalogue


def test_catalogue_json(run_cli: RunCli) -> None:
    done = run_cli("queries", "--format", "json")
    assert done.returncode == 0
    entries = json.loads(done.stdout)
    assert [e["name"] for e in entries] == sorted(load_catalogue())
    search = next(e for e in entries if e["name"] == "search")
    assert search["title"] and search["parameters"] == [
        {
            "name": "text",
            "type": "string",
            "required": True,
            "default": None,
            "description": search["parameters"][0]["description"],
        }
    ]
    assert "drug_targets" in run_cli("queries").stdout


def test_query_named_and_formats(run_cli: RunCli, fixture_build: BuildResult, tmp_path: Path) -> None:
    data = tmp_path / "kg.ttl"
    write_turtle(fixture_build.graph, data)
    table = run_cli("query", "drug_targets", "--param", "drug=CHEBI:60799", "--data", data, "--wide")
    assert table.returncode == 0 and "NMDA receptor (kg:nmda_receptor)" in table.stdout
    sparql_json = json.loads(run_cli("query", "drug_targets", "--data", data, "--format", "json").stdout)
    assert sparql_json["head"]["vars"][0] == "drug"
    rq = tmp_path / "q.rq"
    rq.write_text("CONSTRUCT { ?d kkg:isAntagonistOf ?t } WHERE { ?d kkg:isAntagonistOf ?t }")
    ttl = run_cli("query", "--file", rq, "--data", data, "--format", "ttl")
    assert ttl.returncode == 0 and "kg:esketamine kkg:isAntagonistOf kg:nmda_receptor" in ttl.stdout
    rdflib_run = run_cli("query", "drug_targets", "--data", data, "--engine", "rdflib", "--format", "csv")
    assert rdflib_run.stdout == run_cli("query", "drug_targets", "--data", data, "--format", "csv").stdout


def test_query_on_built_graph_from_source(run_cli: RunCli, fixture_source_dir: Path) -> None:
    done = run_cli("query", "cq04_metabolites", "--source", fixture_source_dir, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert "dehydronorketamine" in done.stdout and "norketamine" in done.stdout


def test_user_errors_exit_2_without_traceback(run_cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <http://x/> .\nx:a x:b x:c ;\n  x:d .\n")
    good = tmp_path / "good.ttl"
    good.write_text("@prefix x: <http://x/> .\nx:a x:b x:c .\n")
    cases = [
        (("query", "--data", bad, "--sparql", "ASK {}"), f"{bad}:3:"),
        (("query", "--data", good, "--sparql", "SELECT ?s WHERE {\n ?s ?p\n}"), "line 3, column 1"),
        (("query", "--data", good, "--sparql", "SELECT * WHERE { ?s zz:p ?o }"), "unknown prefix 'zz:'"),
        (("query", "--data", good, "--sparql", "INSERT DATA { <a:b> <a:c> <a:d> }"), "update"),
        (("query", "no_such_query", "--data", good), "no named query"),
        (("query", "search", "--data", good), "needs --param text"),
        (("query", "--data", tmp_path / "missing.ttl", "--sparql", "ASK {}"), "missing.ttl"),
        (("query", "--data", good, "--sparql", "ASK {}", "--format", "xml"), "--format"),
        (("query", "--data", good, "--sparql", "ASK {}", "--engine", "jena"), "--engine"),
        (("query", "--data", good, "--endpoint", "ftp://x", "--sparql", "ASK {}"), "--endpoint"),
    ]
    for args, message in cases:
        done = run_cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_help_does_not_import_heavy_libraries(run_cli: RunCli) -> None:
    import subprocess
    import sys

    code = "import sys, ketamine_kg.cli.query_cmd; print(sorted(m for m in ('rdflib','pyoxigraph','owlready2','networkx','pyvis') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
