"""Run the coverage-guided fuzz harness (tests/fuzz_harness.py, atheris) for a bounded time per target.

Seeds are small valid inputs of every syntax plus hostile shapes from the corpus; libFuzzer mutates them.
Any exception other than a KetamineKGError, a libFuzzer timeout (20 s per input) or an RSS over 2 GiB
fails the run, and the input that caused it is left in the test's folder as crash-*/timeout-*/oom-*.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import IN_CI
from hostile_corpus import rdf_files

HARNESS = Path(__file__).parent / "fuzz_harness.py"
SECONDS = 10
SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".rdf", ".jsonld")  # the harness's first-byte order

RDF_SEEDS = [
    '.ttl:@prefix : <http://ex.org/> .\n:s :p [ :q ( 1 2 ) ] ; :r "x"@en , "2"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
    '.nt:<http://ex.org/s> <http://ex.org/p> "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
    ".nq:<http://ex.org/s> <http://ex.org/p> _:b <http://ex.org/g> .\n",
    ".trig:@prefix : <http://ex.org/> .\n:g { :s :p :o . }\n",
    '.rdf:<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY e "http://ex.org/">]>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/"><rdf:Description rdf:about="&e;s"><ex:p rdf:parseType="Resource"><ex:q>1</ex:q></ex:p></rdf:Description></rdf:RDF>\n',
    '.jsonld:{"@context": {"ex": "http://ex.org/"}, "@id": "ex:s", "ex:p": [{"@value": "true", "@type": "http://www.w3.org/2001/XMLSchema#boolean"}, {"@list": [1, 2]}]}\n',
]
SPARQL_SEEDS = [
    "PREFIX ex: <http://ex.org/> SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ex:p ?o OPTIONAL { ?o ex:q ?v FILTER(?v > 1) } } GROUP BY ?s",
    "ASK { ?s <http://ex.org/p>/<http://ex.org/q>* ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } } LIMIT 5",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), '^(a|b)*$')) }",
    "DESCRIBE <http://ex.org/s>",
    'SELECT ?x WHERE { VALUES ?x { \'a\' """b""" <http://ex.org/s> } } ORDER BY DESC(?x)',
]


def _seeds(folder: Path, target: str) -> Path:
    folder.mkdir()
    if target == "rdf":
        small_hostile = {n: t for n, (t, _f) in rdf_files().items() if len(t) < 4000 and "{canary}" not in t}
        texts = [seed.split(":", 1) for seed in RDF_SEEDS]
        texts += [["." + name.rsplit(".", 1)[1], text] for name, text in small_hostile.items()]
        for i, (suffix, text) in enumerate(texts):
            if suffix in SUFFIXES:
                data = bytes([SUFFIXES.index(suffix)]) + text.encode("utf-8", "surrogateescape")
                (folder / f"seed{i}").write_bytes(data)
    else:
        for i, text in enumerate(SPARQL_SEEDS):
            (folder / f"seed{i}").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("target", ["rdf", "sparql"])
def test_fuzzing_finds_no_crash(target: str, tmp_path: Path) -> None:
    if importlib.util.find_spec("atheris") is None:
        if IN_CI:
            pytest.fail("atheris is not installed (it is in the test extra)")
        pytest.skip("atheris is not installed")
    seeds = _seeds(tmp_path / "seeds", target)
    done = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            target,
            f"-max_total_time={SECONDS}",
            "-timeout=20",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={tmp_path}/",
            str(seeds),
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS * 4 + 60,
        cwd=tmp_path,
    )
    runs = re.search(r"Done (\d+) runs in (\d+) second", done.stderr)
    artefacts = sorted(
        p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))
    )
    assert done.returncode == 0 and not artefacts, done.stderr[-3000:]
    assert runs is not None and int(runs.group(1)) > 100, done.stderr[-2000:]
    print(f"fuzz {target}: {runs.group(1)} inputs in {runs.group(2)} s, no crash")
