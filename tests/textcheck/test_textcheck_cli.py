"""``ketamine-kg check-text`` end to end: offline (sockets disabled), exit codes 0/1/2, no extra."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import shared_file

NO_NETWORK = """
import socket, sys
def _refuse(*args, **kwargs):
    raise RuntimeError("network access attempted")
class _NoSocket(socket.socket):
    def __init__(self, family=-1, *args, **kwargs):
        if family in (socket.AF_INET, socket.AF_INET6):
            _refuse()
        super().__init__(family, *args, **kwargs)
socket.socket = _NoSocket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""
NO_SPACY = "import sys\nsys.modules['spacy'] = None\n"


def run(tmp_path: Path, *args: str | Path, prelude: str = NO_NETWORK) -> subprocess.CompletedProcess[str]:
    code = prelude + "\nfrom ketamine_kg.cli import main\nsys.argv = ['ketamine-kg', *sys.argv[1:]]\nmain()\n"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )


@pytest.mark.slow
def test_article_json_offline_exits_1_on_contradictions(tmp_path: Path) -> None:
    article = shared_file("source-article.txt")
    proc = run(tmp_path, "check-text", article, "--format", "json", "--ignore-recorded-claims")
    assert proc.returncode == 1, proc.stderr
    assert "network access attempted" not in proc.stderr
    data = json.loads(proc.stdout)
    assert data["document"]["text"] == article.read_text(encoding="utf-8")
    assert any(c["verdict"] == "contradicted" for c in data["claims"])
    assert all(c["recorded_claim"] is None for c in data["claims"])


@pytest.mark.slow
def test_clean_text_exits_0_and_writes_html_atomically(tmp_path: Path) -> None:
    doc = tmp_path / "note.md"
    doc.write_text("# Note\n\nEsketamine blocks NMDA receptors. It can cause dizziness.\n", encoding="utf-8")
    out = tmp_path / "report.html"
    proc = run(tmp_path, "check-text", doc, "--format", "html", "--out", out, "--no-reason")
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    assert 'data-verdict="supported"' in page and "Content-Security-Policy" in page
    assert not list(tmp_path.glob(".report.html.*"))


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        (
            "a.txt",
            b"Ketamine.",
            ("--format", "yaml"),
            "--format must be table, json, html, ttl or tsv, not 'yaml'",
        ),
        ("a.docx", b"Ketamine.", (), "unknown document format '.docx'"),
        ("a.txt", b"\xff\xfe\x00bad", (), "not UTF-8"),
        ("a.txt", b"   \n", (), "no text to check"),
        ("a.pdf", b"%PDF-1.4 broken", (), "not a readable PDF"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    tmp_path: Path, name: str, content: bytes, args: tuple[str, ...], message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    proc = run(tmp_path, "check-text", path, *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    proc = run(tmp_path, "check-text", tmp_path / "absent.txt")
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr


def test_without_the_extra_one_line_says_how_to_install_it(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Ketamine blocks NMDA receptors.", encoding="utf-8")
    proc = run(tmp_path, "check-text", path, prelude=NO_SPACY)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "scripts/setup.sh" in lines[0] and "[text]" in lines[0]


def test_only_textcheck_imports_the_text_extra() -> None:
    package = Path(__file__).resolve().parents[2] / "src" / "ketamine_kg"
    extra = ("spacy", "ahocorasick", "trafilatura", "pypdf")
    for path in package.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        if any(n.split(".")[0] in extra for n in names):
            assert path.parent.name == "textcheck", path
