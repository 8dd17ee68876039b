"""Readers: plain text, Markdown, HTML main text (navigation and footer dropped) and PDF."""

from __future__ import annotations

from pathlib import Path

from ketamine_kg.textcheck.readers import read_document

PAGE = """<!DOCTYPE html><html><head><title>Ketamine notes</title>
<script src="https://cdn.example.org/tracker.js"></script></head><body>
<nav><a href="/">Home</a> | <a href="/drugs">Drug index</a> | Esketamine cures everything</nav>
<article><h1>How ketamine works</h1>
<p>Ketamine blocks NMDA receptors in the brain, and researchers have studied this for many years in
several careful clinical trials with patients who had not improved on other medicines.</p>
<p>Esketamine is given as a nasal spray under supervision in a clinic, where staff watch for side
effects such as dizziness and a rise in blood pressure during the first two hours.</p>
</article>
<footer>Copyright 2026. Contact us. Esketamine cures everything.</footer></body></html>"""


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose content stream shows ``text`` (Helvetica), with a correct xref table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_html_main_text_only(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = read_document(path)
    assert doc.format == "html"
    assert "Ketamine blocks NMDA receptors" in doc.text and "dizziness" in doc.text
    assert "cures everything" not in doc.text and "Drug index" not in doc.text and "tracker" not in doc.text


def test_markdown_and_text_keep_offsets_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Title\r\n\r\nKetamine blocks *NMDA receptors*.\r\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.format == "markdown" and doc.text == "# Title\n\nKetamine blocks *NMDA receptors*.\n"


def test_pdf_text(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(minimal_pdf("Esketamine blocks NMDA receptors."))
    doc = read_document(path)
    assert doc.format == "pdf" and "Esketamine blocks NMDA receptors." in doc.text
