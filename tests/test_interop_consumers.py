"""Real consumers read the exports of the real build: kgx (transform + validate, offline), pronto,
py-horned-owl, rdflib and oaklib (OWL), graphology-gexf (GEXF, in node), PyLD (JSON-LD 1.1), sssom-py
(SSSOM) and oaklib (OBO Graphs JSON).

kgx and oaklib live in ``.venv-tools`` and graphology in ``tests/js/node_modules`` (both made by
``scripts/setup.sh --test``); when one is missing the test fails in CI and is skipped elsewhere.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from ketamine_kg.graph_build.export import export
from ketamine_kg.graph_build.export_jsonld import jsonld_context
from ketamine_kg.pipeline import OWL_NAME, BuildResult, render_outputs
from ketamine_kg.vocab import ONTOLOGY_IRI, OWL, RDF

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / ".venv-tools" / "bin"
JS = ROOT / "tests" / "js"
FILES = {
    "kgx": "kgx",
    "xml": "kg.owl",
    "gexf": "kg.gexf",
    "json-ld": "kg.jsonld",
    "nt": "kg.nt",
    "sssom": "kg.sssom.tsv",
    "obographs": "kg.obographs.json",
}
PUBLICATION = re.compile(r"^(PMID:[0-9]+|doi:10\.[0-9]+/\S+|PMCID:PMC[0-9]+)$")


def require(path: Path, what: str) -> None:
    """Fail in CI, skip elsewhere, when a consumer ``scripts/setup.sh --test`` installs is missing."""
    if path.exists():
        return
    message = f"{path} is missing ({what}): run scripts/setup.sh --test"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@cache
def _can_unshare() -> bool:
    unshare = shutil.which("unshare")
    return (
        bool(unshare) and subprocess.run([str(unshare), "-rn", "true"], capture_output=True).returncode == 0
    )


def offline(command: list[str]) -> list[str]:
    """``command`` in a network namespace of its own (no network at all) where the kernel allows it."""
    return ["unshare", "-rn", *command] if _can_unshare() else command


def run(command: list[str], timeout: float = 300) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def exported(real_build: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("interop")
    for fmt, name in FILES.items():
        export(real_build.graph, fmt, out / name)
    return out


def test_kgx_transform_keeps_every_assertion_and_validate_finds_no_error(
    exported: Path, real_build: BuildResult, tmp_path: Path
) -> None:
    require(TOOLS / "python", "kgx")
    script = str(ROOT / "tests" / "tools" / "kgx_offline.py")
    kgx = exported / "kgx"
    nodes, edges = read_tsv(kgx / "nodes.tsv"), read_tsv(kgx / "edges.tsv")
    # `kgx transform` itself (not streaming: its graph keys edges by subject-predicate-object)
    out = tmp_path / "kg"
    transform = ["transform", "--input-format", "tsv", "--output-format", "jsonl", "--output", str(out)]
    run(
        offline(
            [str(TOOLS / "python"), script, "cli", *transform, str(kgx / "nodes.tsv"), str(kgx / "edges.tsv")]
        )
    )
    lines = (tmp_path / "kg_edges.jsonl").read_text(encoding="utf-8").splitlines()
    back = {(e["subject"], e["predicate"], e["object"], e["id"]) for e in map(json.loads, lines)}
    assert len(lines) == len(edges)
    assert back == {(e["subject"], e["predicate"], e["object"], e["id"]) for e in edges}
    assert len((tmp_path / "kg_nodes.jsonl").read_text(encoding="utf-8").splitlines()) == len(nodes)
    report = json.loads(run(offline([str(TOOLS / "python"), script, str(kgx), "kg"])))
    assert (report["nodes"], report["edges"]) == (len(nodes), len(edges))
    assert report["edge_ids"] == sorted(e["id"] for e in edges)
    # every cited assertion of the tables is carried by one KGX edge
    carried = [a for e in edges for a in e["assertion_ids"].split("|") if a]
    assert sorted(carried) == sorted(r.id for r in real_build.source.relations)
    # kgx validate against the bundled Biolink model: no error, with kg: (the shipped prefix map) known
    assert report["errors"] == {}, json.dumps(report["sample"])[:3000]
    assert report["model"] == "4.4.6"
    # without the kg: prefix, the only errors are the entities that have no verified standard identifier
    bare = json.loads(run(offline([str(TOOLS / "python"), script, str(exported / "kgx")])))
    local = sum(1 for n in nodes if n["id"].startswith("kg:"))
    assert set(bare["sample"].get("ERROR", {})) <= {
        "INVALID_NODE_PROPERTY_VALUE",
        "INVALID_EDGE_PROPERTY_VALUE",
    }
    assert len(bare["sample"]["ERROR"]["INVALID_NODE_PROPERTY_VALUE"]) == local


def test_kgx_ids_publications_qualifiers_follow_biolink(exported: Path) -> None:
    nodes = {n["iri"]: n for n in read_tsv(exported / "kgx" / "nodes.tsv")}
    edges = read_tsv(exported / "kgx" / "edges.tsv")
    # fact sheet: esketamine CHEBI:60799 (V2), ketamine CHEBI:6121 (V1)
    assert nodes["https://w3id.org/ketamine-kg/id/esketamine"]["id"] == "CHEBI:60799"
    assert nodes["https://w3id.org/ketamine-kg/id/ketamine"]["id"] == "CHEBI:6121"
    assert all(PUBLICATION.match(p) for e in edges for p in e["publications"].split("|") if p)
    xrefs = [x for n in nodes.values() for x in n["xref"].split("|") if x]
    assert not [x for x in xrefs if re.match(r"^(PMC|NCT)[0-9]", x)]
    # both FDA approvals of esketamine for TRD (fact sheet: 2019-03-05, 2025-01-21) are on the treats edge
    treats = [e for e in edges if e["subject"] == "CHEBI:60799" and e["predicate"] == "biolink:treats"]
    approvals = " ".join(e["qualifiers"] for e in treats)
    assert "date=2019-03-05" in approvals and "date=2025-01-21" in approvals
    # signed effects carry Biolink direction qualifiers
    signed = [e for e in edges if e["original_predicate"].startswith("kkg:causallyUpstreamOfPositiveEffect")]
    assert signed and all(e["object_direction_qualifier"] == "increased" for e in signed)
    assert all(e["qualified_predicate"] == "biolink:causes" for e in signed)
    # no inferred inverse restates a cited edge backwards (with fewer qualifiers)
    forward = {(e["subject"], e["object"]) for e in edges if e["agent_type"] == "manual_agent"}
    backwards = [
        e for e in edges if e["agent_type"] == "automated_agent" and (e["object"], e["subject"]) in forward
    ]
    assert not [e for e in backwards if e["predicate"] in {"biolink:treated_by", "biolink:is_metabolite_of"}]
    metadata = json.loads((exported / "kgx" / "graph_metadata.json").read_text(encoding="utf-8"))
    assert (metadata["node_count"], metadata["edge_count"]) == (len(nodes), len(edges))
    assert metadata["id"] == "infores:ketamine-kg" and metadata["license"].startswith(
        "https://creativecommons"
    )


def _named(real_build: BuildResult, cls: Any) -> int:
    return len({s for s in real_build.graph.subjects(RDF.type, cls) if isinstance(s, URIRef)})


def test_owl_export_is_the_build_owl_and_opens_in_owl_readers(
    exported: Path, real_build: BuildResult
) -> None:
    import pyhornedowl
    from pronto.ontology import Ontology
    from rdflib import Graph

    path = exported / "kg.owl"
    assert path.read_bytes() == render_outputs(real_build)[OWL_NAME]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        onto = Ontology(str(path))
    assert onto.metadata.ontology == ONTOLOGY_IRI
    classes = _named(real_build, OWL.Class)
    assert len(list(onto.terms())) == classes
    horned = pyhornedowl.open_ontology(str(path))
    assert len(horned.get_classes()) == classes
    assert len(horned.get_named_individuals()) == _named(real_build, OWL.NamedIndividual)
    assert len(Graph().parse(path, format="xml")) == len(real_build.graph)


def test_runoak_reads_labels_by_project_curie_without_prefix_options(exported: Path) -> None:
    require(TOOLS / "runoak", "oaklib")
    out = run(offline([str(TOOLS / "runoak"), "-i", str(exported / "kg.owl"), "labels", "kg:esketamine"]))
    assert "kg:esketamine\tesketamine" in out.splitlines()


def test_sssom_py_validates_and_parses_the_mappings(exported: Path, tmp_path: Path) -> None:
    require(TOOLS / "sssom", "sssom-py")
    path = exported / "kg.sssom.tsv"
    run(offline([str(TOOLS / "sssom"), "validate", str(path)]))  # exit 1 on any schema violation
    parsed = tmp_path / "parsed.sssom.tsv"
    run(offline([str(TOOLS / "sssom"), "parse", str(path), "-o", str(parsed)]))
    mine = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    back = [line for line in parsed.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert len(back) == len(mine) > 100


def test_oaklib_reads_obographs_relationships(exported: Path) -> None:
    require(TOOLS / "runoak", "oaklib")
    esketamine = "https://w3id.org/ketamine-kg/id/esketamine"
    out = run(
        offline(
            [str(TOOLS / "runoak"), "-i", str(exported / "kg.obographs.json"), "relationships", esketamine]
        )
    )
    rows = [line.split("\t") for line in out.splitlines()[1:]]
    treats = "https://w3id.org/ketamine-kg/schema#treats"
    assert [esketamine, treats, "https://w3id.org/ketamine-kg/id/trd"] in [r[:3] for r in rows]
    assert any(r[1] == "type" and r[2].endswith("schema#Drug") for r in rows)


def test_graphology_reads_gexf_attribute_names(exported: Path) -> None:
    require(JS / "node_modules" / "graphology-gexf", "graphology-gexf")
    node = shutil.which("node")
    assert node, "node is missing: scripts/setup.sh --test installs nodejs"
    report = json.loads(run([node, str(JS / "read_gexf.js"), str(exported / "kg.gexf")]))
    gexf = (exported / "kg.gexf").read_text(encoding="utf-8")
    assert (report["order"], report["size"]) == (gexf.count("<node "), gexf.count("<edge "))
    assert {"category", "curie", "identifiers", "definition"} <= set(report["nodeAttributes"])
    assert {"predicate", "evidence", "inferred", "sources"} <= set(report["edgeAttributes"])
    assert not [
        n for n in report["nodeAttributes"] + report["edgeAttributes"] if re.fullmatch(r"[ne][0-9]+", n)
    ]


def test_jsonld_is_read_the_same_by_two_json_ld_1_1_processors(exported: Path) -> None:
    from pyld import jsonld

    # JSON-LD 1.1 uses a simple term as a prefix only when its IRI ends in a gen-delim character
    assert all(base[-1] in "/#:" for base in jsonld_context().values())
    expected = ox.Dataset(ox.parse(path=exported / "kg.nt", format=ox.RdfFormat.N_TRIPLES))
    document = json.loads((exported / "kg.jsonld").read_text(encoding="utf-8"))
    quads = jsonld.to_rdf(document, {"format": "application/n-quads", "processingMode": "json-ld-1.1"})
    readers = {
        "pyld": ox.Dataset(ox.parse(quads, format=ox.RdfFormat.N_QUADS)),
        "oxigraph": ox.Dataset(ox.parse(path=exported / "kg.jsonld", format=ox.RdfFormat.JSON_LD)),
    }
    expected.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    for name, dataset in readers.items():
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        assert {str(q) for q in dataset} == {str(q) for q in expected}, name
    # the shipped JSON-LD context (kgx/context.jsonld) expands standard CURIEs under 1.1 too
    context = json.loads((exported / "kgx" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    probe = {"@context": context, "@id": "CHEBI:60799", "rdfs:seeAlso": {"@id": "kg:esketamine"}}
    line = jsonld.to_rdf(probe, {"format": "application/n-quads", "processingMode": "json-ld-1.1"}).strip()
    assert line == (
        "<http://purl.obolibrary.org/obo/CHEBI_60799> <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
        "<https://w3id.org/ketamine-kg/id/esketamine> ."
    )


def test_from_rdf_exports_never_parse_with_rdflib(tmp_path: Path, exported: Path) -> None:
    """``export --from-rdf`` of RDF formats reads and writes through pyoxigraph (issue 17 item 4)."""
    code = (
        "import sys, rdflib.plugins.parsers.notation3 as n3, rdflib.graph as g\n"
        "def refuse(*a, **k): raise SystemExit('rdflib parser used')\n"
        "g.Graph.parse = refuse\n"
        "from ketamine_kg.cli import main\n"
        "sys.argv = ['ketamine-kg', 'export', '--from-rdf', sys.argv[1], '--out', sys.argv[2]]\n"
        "main()\n"
    )
    for name in ("kg.nt", "kg.jsonld", "kg.nq", "kg.owl"):
        done = subprocess.run(
            [sys.executable, "-c", code, str(exported / "kg.nt"), str(tmp_path / name)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "kg.nt").read_bytes() == (exported / "kg.nt").read_bytes()
    assert (tmp_path / "kg.owl").read_bytes() == (exported / "kg.owl").read_bytes()
