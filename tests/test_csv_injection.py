"""CSV/TSV answers are safe to open in a spreadsheet; JSON keeps the raw values (issue 17, item 5)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib

from conftest import edit_table
from ketamine_kg.pipeline import build_knowledge_graph
from ketamine_kg.queries import format_result, render_query_answers, run_sparql
from ketamine_kg.queries.results import spreadsheet_safe

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\tleading tab",
    "\rleading return",
]
HARMLESS = ["-0.5", "+3", "1e-3", "NMDA receptor", "a=b", "x-y@z"]
QUERY = "SELECT ?v WHERE { ?s rdfs:comment ?v } ORDER BY ?v"


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_starts_get_a_quote(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_numbers_and_plain_text_are_kept(text: str) -> None:
    assert spreadsheet_safe(text) == text


def _graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    subject = rdflib.URIRef("https://w3id.org/ketamine-kg/id/zoo")
    for text in HOSTILE + HARMLESS:
        graph.add((subject, rdflib.RDFS.comment, rdflib.Literal(text)))
    return graph


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_csv_and_tsv_neutralise_json_keeps_raw(engine: str) -> None:
    result = run_sparql(_graph(), QUERY, engine=engine)
    cells = [row[0] for row in csv.reader(io.StringIO(format_result(result, "csv"), newline=""))][1:]
    expected = sorted(HOSTILE + HARMLESS)
    assert cells == ["'" + t if t in HOSTILE else t for t in expected]
    tsv = format_result(result, "tsv").splitlines()[1:]
    assert "\"'=cmd|' /C calc'!A0\"" in tsv
    assert '"\'\\tleading tab"' in tsv and '"-0.5"' in tsv
    formulas = [line for line in tsv if line[1] in "=+-@" and line.strip('"') not in HARMLESS]
    assert formulas == []  # only plain numbers start with a sign
    document = json.loads(format_result(result, "json"))
    assert [b["v"]["value"] for b in document["results"]["bindings"]] == expected


def test_build_answers_are_neutralised(source_copy: Path) -> None:
    """The out/queries/*.csv of a build, with a hostile label on a drug target."""
    edit_table(source_copy, "entities", 7, "label", '=HYPERLINK("http://127.0.0.1/","NMDA")')
    answers = render_query_answers(build_knowledge_graph(source_copy, reason=False))
    rows = list(csv.DictReader(io.StringIO(answers["queries/drug_targets.csv"].decode("utf-8"))))
    labels = {row["targetLabel"] for row in rows}
    assert '\'=HYPERLINK("http://127.0.0.1/","NMDA")' in labels
    assert not [v for row in rows for v in row.values() if v[:1] in ("=", "+", "@")]
