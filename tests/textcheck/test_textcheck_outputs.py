"""The four outputs: JSON contract, Turtle of kkg:Claim records, claims.tsv rows the loader accepts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ketamine_kg.ontology.source import default_source_dir, load_source
from ketamine_kg.textcheck import report
from ketamine_kg.textcheck.check import TextChecker
from ketamine_kg.textcheck.model import Result
from ketamine_kg.vocab import SCHEMA_NS

TEXT = (
    "Ketamine, once an anaesthetic, is now studied in depression. It may lower cortisol secretion.\n"
    "Esketamine is a metabolite of ketamine. Esketamine can cause nausea. Its half-life is 7 to 12 hours."
)


@pytest.fixture(scope="module")
def result(checker: TextChecker) -> Result:
    return checker.check_text(TEXT, use_recorded_claims=True)


def test_json_contract(result: Result) -> None:
    data = json.loads(report.to_json(result))
    assert set(data) >= {"document", "sentences", "mentions", "claims"}
    assert data["document"]["text"] == TEXT
    assert [s["index"] for s in data["sentences"]] == list(range(len(data["sentences"])))
    assert {"start", "end", "text", "entity"} <= set(data["mentions"][0])
    keys = {"sentence", "start", "end", "subject", "predicate", "object", "negated", "hedged"}
    keys |= {"verdict", "reason", "sources", "recorded_claim"}
    for claim in data["claims"]:
        assert keys <= set(claim)
        assert claim["verdict"] in {"supported", "qualified", "contradicted", "not_in_graph"}
    e1 = next(c for c in data["claims"] if c["predicate"] == "hasMetabolite")
    assert e1["verdict"] == "contradicted" and e1["recorded_claim"].startswith("claim_e1")
    hedged = next(c for c in data["claims"] if c["object"] == "cortisol_secretion")
    assert hedged["hedged"] and hedged["subject"] == "ketamine" and hedged["verdict"] == "qualified"
    number = next(c for c in data["claims"] if c["predicate"] == "quantity")
    assert number["object"] is None and number["verdict"] == "supported"
    assert number["quantity"] == {"kind": "half_life", "min": 7.0, "max": 12.0, "unit": "h"}


def test_turtle_claim_records_are_deterministic(result: Result, checker: TextChecker) -> None:
    ttl = report.to_turtle(result)
    assert ttl == report.to_turtle(checker.check_text(TEXT, use_recorded_claims=True))
    g = Graph().parse(data=ttl, format="turtle")
    claims = set(g.subjects(RDF.type, URIRef(SCHEMA_NS + "Claim")))
    assert len(claims) == len(result.claims)
    starts = {int(str(o)) for o in g.objects(None, URIRef("http://www.w3.org/ns/oa#start"))}
    assert starts == {c.start for c in result.claims}


def test_tsv_rows_load_once_a_curator_fills_the_correction(result: Result, tmp_path: Path) -> None:
    source = tmp_path / "data"
    shutil.copytree(default_source_dir(), source)
    lines = report.to_tsv(result).splitlines()
    header = lines[0].split("\t")
    assert header == list(report.TSV_COLUMNS)
    filled = []
    for line in lines[1:]:
        cells = dict(zip(header, line.split("\t"), strict=True))
        cells["correction"] = "Checked by a curator against the cited sources."
        cells["decided_by"] = cells["decided_by"] or "src_spravato_label"
        filled.append("\t".join(cells[c] for c in header))
    with (source / "claims.tsv").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(filled) + "\n")
    loaded = load_source(source)
    ids = {c.id for c in loaded.claims}
    assert {report.claim_id(result, c) for c in result.claims} <= ids


def test_table_rows_name_sentence_claim_verdict_reason_sources(result: Result) -> None:
    rows = report.to_table_rows(result)
    assert len(rows) == len(result.claims)
    sentence, _claim, verdict, why, sources = next(r for r in rows if "hasMetabolite" in r[1])
    assert "metabolite" in sentence and verdict == "contradicted" and "disjoint" in why and sources
