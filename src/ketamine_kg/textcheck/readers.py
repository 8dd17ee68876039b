"""Read a document to check: plain text, Markdown, HTML (main text only) or PDF, all offline."""

from __future__ import annotations

import logging
from pathlib import Path

from ketamine_kg.errors import UserError
from ketamine_kg.textcheck.model import Document

__all__ = ["FORMATS", "read_document"]

log = logging.getLogger(__name__)
FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
MAX_BYTES = 20 * 1024 * 1024


def read_document(path: Path) -> Document:
    """The document's text; an unreadable, empty, binary or unknown file is a UserError naming it."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UserError(f"{path}: unknown document format '{path.suffix}' (use .txt, .md, .html or .pdf)")
    if path.is_dir():
        raise UserError(f"{path}: a directory, not a document; name a file")
    if not path.is_file():
        raise UserError(f"{path}: no such file" if not path.exists() else f"{path}: not a regular file")
    if path.stat().st_size > MAX_BYTES:
        raise UserError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MiB")
    data = path.read_bytes()
    if kind == "pdf":
        text = _pdf_text(path, data)
    else:
        try:
            raw = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UserError(f"{path}: byte {exc.start}: not UTF-8 text") from None
        if "\x00" in raw:
            raise UserError(f"{path}: binary data in a text file")
        text = _html_text(path, raw) if kind == "html" else raw
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UserError(f"{path}: no text to check")
    return Document(str(path), kind, text)


def _html_text(path: Path, raw: str) -> str:
    """Main text of a web page (navigation, footers and scripts dropped); no request is ever made."""
    try:
        import trafilatura
    except ImportError:
        from ketamine_kg.textcheck.nlp import INSTALL_HINT

        raise UserError(INSTALL_HINT) from None
    text = trafilatura.extract(raw, include_comments=False, include_tables=False, favor_precision=True)
    if text is None:
        raise UserError(f"{path}: no main text found in the HTML")
    return str(text)


def _pdf_text(path: Path, data: bytes) -> str:
    try:
        import pypdf
    except ImportError:
        from ketamine_kg.textcheck.nlp import INSTALL_HINT

        raise UserError(INSTALL_HINT) from None
    import io

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    except Exception as exc:  # pypdf raises many types for a broken file
        raise UserError(f"{path}: not a readable PDF ({type(exc).__name__})") from None
