"""``build --merge``: the user's RDF joins the graph; bad files name file:line:column; nothing is fetched."""

from __future__ import annotations

import http.server
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

EX = "https://example.org/merge/"


class _Canary(http.server.BaseHTTPRequestHandler):
    """Counts every request; answers with a tiny valid document so a fetch would succeed if attempted."""

    hits: list[str]

    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        body = b'{"@context": {"name": "http://schema.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def canary() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records the paths requested from it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.hits  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _built(out: Path) -> Graph:
    return Graph().parse(out / "ketamine-kg.ttl", format="turtle")


def test_merged_triples_from_four_syntaxes_are_in_the_output(
    run_cli: Any, fixture_source_dir: Path, tmp_path: Path
) -> None:
    files = [
        _write(tmp_path, "a.ttl", f'@prefix ex: <{EX}> .\nex:a ex:note "from Turtle — ünïcode 💊" .\n'),
        _write(tmp_path, "b.nt", f'<{EX}b> <{EX}note> "from N-Triples\\nsecond line" .\n'),
        _write(
            tmp_path,
            "c.rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns:ex="{EX}">\n  <rdf:Description rdf:about="{EX}c"><ex:note>from RDF/XML</ex:note>'
            "</rdf:Description>\n</rdf:RDF>\n",
        ),
        _write(tmp_path, "d.jsonld", f'{{"@id": "{EX}d", "{EX}note": "from JSON-LD"}}\n'),
    ]
    out = tmp_path / "out"
    args = ["build", "--source", fixture_source_dir, "--out", out, "--no-reason"]
    for path in files:
        args += ["--merge", path]
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    graph = _built(out)
    note = URIRef(f"{EX}note")
    assert (URIRef(f"{EX}a"), note, Literal("from Turtle — ünïcode 💊")) in graph
    assert (URIRef(f"{EX}b"), note, Literal("from N-Triples\nsecond line")) in graph
    assert (URIRef(f"{EX}c"), note, Literal("from RDF/XML")) in graph
    assert (URIRef(f"{EX}d"), note, Literal("from JSON-LD")) in graph
    assert any(s == URIRef("https://w3id.org/ketamine-kg/ketamine-kg.owl") for s in graph.subjects())


def test_parse_error_names_file_line_column_and_keeps_earlier_outputs(
    run_cli: Any, fixture_source_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = run_cli("build", "--source", fixture_source_dir, "--out", out, "--no-reason")
    assert done.returncode == 0, done.stderr
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.rglob("*")) if p.is_file()}
    good = _write(tmp_path, "good.ttl", f'@prefix ex: <{EX}> .\nex:a ex:note "fine" .\n')
    broken = _write(
        tmp_path, "broken.ttl", f'@prefix ex: <{EX}> .\nex:a ex:note "ok" .\nex:b ex:note "unterminated .\n'
    )
    done = run_cli(
        "build",
        "--source",
        fixture_source_dir,
        "--out",
        out,
        "--no-reason",
        "--merge",
        good,
        "--merge",
        broken,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "broken.ttl:3:" in done.stderr  # file:line:column
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before
    assert not any(p.name.endswith(".tmp") for p in out.rglob("*"))


def test_owl_imports_is_merged_as_data_and_never_fetched(
    run_cli: Any, fixture_source_dir: Path, tmp_path: Path, canary: tuple[str, list[str]]
) -> None:
    base, hits = canary
    imported = f"{base}/imported-ontology.ttl"
    extra = _write(
        tmp_path,
        "imports.ttl",
        f"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<{EX}onto> a owl:Ontology ; owl:imports <{imported}> .\n",
    )
    out = tmp_path / "out"
    done = run_cli("build", "--source", fixture_source_dir, "--out", out, "--no-reason", "--merge", extra)
    assert done.returncode == 0, done.stderr
    assert (URIRef(f"{EX}onto"), OWL.imports, URIRef(imported)) in _built(out)
    assert hits == []
    with urllib.request.urlopen(imported, timeout=10):  # the canary does count a real fetch
        pass
    assert hits == ["/imported-ontology.ttl"]


def test_jsonld_remote_context_is_never_fetched(
    run_cli: Any, fixture_source_dir: Path, tmp_path: Path, canary: tuple[str, list[str]]
) -> None:
    base, hits = canary
    remote = _write(
        tmp_path, "remote.jsonld", f'{{"@context": "{base}/context.jsonld", "@id": "{EX}x", "name": "x"}}\n'
    )
    out = tmp_path / "out"
    done = run_cli("build", "--source", fixture_source_dir, "--out", out, "--no-reason", "--merge", remote)
    assert hits == []
    assert done.returncode == 2
    assert "remote.jsonld" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_inline_jsonld_context_works_offline(
    run_cli: Any, fixture_source_dir: Path, tmp_path: Path, canary: tuple[str, list[str]]
) -> None:
    base, hits = canary
    doc = _write(
        tmp_path,
        "inline.jsonld",
        f'{{"@context": {{"label": "{RDFS.label}"}}, "@id": "{EX}y", "label": "inline context",'
        f' "{RDFS.seeAlso}": {{"@id": "{base}/not-fetched"}}}}\n',
    )
    out = tmp_path / "out"
    done = run_cli("build", "--source", fixture_source_dir, "--out", out, "--no-reason", "--merge", doc)
    assert done.returncode == 0, done.stderr
    assert (URIRef(f"{EX}y"), RDFS.label, Literal("inline context")) in _built(out)
    assert hits == []
