"""Query results with labels, and their text formats: table, CSV, TSV, SPARQL JSON, Turtle."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ketamine_kg.errors import QueryError
from ketamine_kg.queries.terms import compact_iri, from_oxigraph, is_iri, term_parts, term_value
from ketamine_kg.vocab import PREFIXES

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = ["FORMATS", "Cell", "LabelBook", "QueryResult", "format_result", "spreadsheet_safe"]

FORMATS = ("table", "csv", "tsv", "json", "ttl")
_OX_TERMS = (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)
# OWASP "CSV injection": a spreadsheet runs a cell that starts with one of these as a formula
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class LabelBook:
    """The labels of every IRI in one result, fetched in one go the first time any label is asked for."""

    __slots__ = ("_fetch", "_labels", "_rows")

    def __init__(
        self, fetch: Callable[[Iterable[str]], dict[str, str]], rows: Iterable[Iterable[object]]
    ) -> None:
        self._fetch: Callable[[Iterable[str]], dict[str, str]] | None = fetch
        self._rows: Iterable[Iterable[object]] | None = rows
        self._labels: dict[str, str] = {}

    def get(self, iri: str) -> str | None:
        """The label of ``iri``, or None; the first call looks up all the result's IRIs at once."""
        if self._fetch is not None and self._rows is not None:
            iris = {term_value(t) for row in self._rows for t in row if is_iri(t)}
            self._labels = self._fetch(sorted(iris)) if iris else {}
            self._fetch = self._rows = None
        return self._labels.get(iri)


class Cell:
    """One value of a result row: the RDF term and, for an IRI, its label if the graph has one.

    The engine's own term is kept (pyoxigraph for Oxigraph): the rdflib ``term`` and the ``label`` are only
    made when asked for, and the text formats read the engine's term directly.
    """

    __slots__ = ("_book", "_label", "_term", "raw")

    def __init__(self, term: object, label: str | None = None, book: LabelBook | None = None) -> None:
        self.raw = term
        self._label = label
        self._book = book
        self._term: Node | None = None

    @property
    def term(self) -> Node:
        """The value as an rdflib term (canonical numeric forms, as every engine gives)."""
        if self._term is None:
            self._term = from_oxigraph(self.raw) if isinstance(self.raw, _OX_TERMS) else self.raw  # type: ignore[assignment]
        return self._term  # type: ignore[return-value]

    @property
    def label(self) -> str | None:
        """The rdfs:label of an IRI (the smallest, if several), else None."""
        if self._label is None and self._book is not None and is_iri(self.raw):
            return self._book.get(term_value(self.raw))
        return self._label

    @property
    def parts(self) -> tuple[str, str, str | None, str | None]:
        """``(kind, value, datatype, language)`` as SPARQL JSON results name them."""
        return term_parts(self.raw)

    @property
    def value(self) -> str:
        """The IRI, the literal's lexical form, or the blank node id."""
        return term_value(self.raw)

    @property
    def curie(self) -> str:
        """The IRI compacted with the project prefixes (other terms: their value)."""
        return compact_iri(self.value) if is_iri(self.raw) else self.value

    def display(self) -> str:
        """For people: ``label (curie)`` for a labelled IRI, the CURIE for another IRI, else the value."""
        kind, value, _, _ = self.parts
        if kind == "uri":
            label = self.label
            curie = compact_iri(value)
            return f"{label} ({curie})" if label else curie
        if kind == "bnode":
            return f"_:{value}"
        return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cell):
            return NotImplemented
        return (self.term, self.label) == (other.term, other.label)

    def __hash__(self) -> int:
        return hash((self.term, self.label))

    def __repr__(self) -> str:
        return f"Cell(term={self.term!r}, label={self.label!r})"

    def __str__(self) -> str:
        return self.display()


@dataclass(frozen=True)
class QueryResult:
    """Rows (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE), with labels for IRIs."""

    form: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell | None, ...], ...]
    boolean: bool | None = None
    triples: tuple[tuple[Node, Node, Node], ...] = ()
    engine: str = ""
    notes: tuple[str, ...] = ()  # what the answer assumed, e.g. a product read as its active ingredient

    def __len__(self) -> int:
        return len(self.triples) if self.form in {"CONSTRUCT", "DESCRIBE"} else len(self.rows)

    def __iter__(self) -> Iterator[tuple[Cell | None, ...]]:
        return iter(self.rows)

    def as_dicts(self, *, labels: bool = True) -> list[dict[str, str | None]]:
        """Rows as plain dicts (no pandas): ``label (curie)`` for IRIs, or raw values with ``labels=False``."""
        return [
            {
                column: None if cell is None else (cell.display() if labels else cell.value)
                for column, cell in zip(self.columns, row, strict=True)
            }
            for row in self.rows
        ]

    def column(self, name: str, *, labels: bool = False) -> list[str | None]:
        """All values of one column."""
        if name not in self.columns:
            raise QueryError(f"no column {name!r}; columns are {', '.join(self.columns)}")
        index = self.columns.index(name)
        return [
            None if row[index] is None else (row[index].display() if labels else row[index].value)  # type: ignore[union-attr]
            for row in self.rows
        ]

    def to_graph(self) -> rdflib.Graph:
        """CONSTRUCT/DESCRIBE triples as an rdflib Graph with the project prefixes bound."""
        import rdflib

        graph = rdflib.Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        for triple in self.triples:
            graph.add(triple)
        return graph


def spreadsheet_safe(text: str) -> str:
    """``text`` with a single quote in front when a spreadsheet would run it as a formula (OWASP advice).

    Plain numbers such as ``-0.5`` are left alone: a spreadsheet reads them as numbers, never as formulas.

    >>> spreadsheet_safe("=SUM(A1:A9)"), spreadsheet_safe("-0.5"), spreadsheet_safe("NMDA receptor")
    ("'=SUM(A1:A9)", '-0.5', 'NMDA receptor')
    """
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv_value(cell: Cell | None) -> str:
    if cell is None:
        return ""
    kind, value, _, _ = cell.parts
    return f"_:{value}" if kind == "bnode" else spreadsheet_safe(value)


def _tsv_value(cell: Cell | None) -> str:
    if cell is None:
        return ""
    kind, value, datatype, language = cell.parts
    if kind == "literal":
        lexical = spreadsheet_safe(value).replace("\\", "\\\\").replace('"', '\\"')
        lexical = lexical.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        if language:
            return f'"{lexical}"@{language}'
        if datatype is not None:
            return f'"{lexical}"^^<{datatype}>'
        return f'"{lexical}"'
    if kind == "bnode":
        return f"_:{value}"
    return f"<{value}>"


def _json_value(cell: Cell) -> dict[str, str]:
    kind, value, datatype, language = cell.parts
    if kind != "literal":
        return {"type": kind, "value": value}
    document: dict[str, str] = {"type": "literal", "value": value}
    if language:
        document["xml:lang"] = language
    elif datatype is not None:
        document["datatype"] = datatype
    return document


def _table(result: QueryResult) -> str:
    """The table for people, every column unwrapped (the CLI fits it to the terminal: ``display``)."""
    from ketamine_kg.queries.display import render_table

    return render_table(result, width=None)


def _turtle(result: QueryResult) -> str:
    return result.to_graph().serialize(format="turtle")


def format_result(result: QueryResult, fmt: str) -> str:
    """Render ``result`` as ``table``, ``csv``, ``tsv``, ``json`` (SPARQL 1.1 JSON) or ``ttl``.

    CSV and TSV are meant for spreadsheets, so a value that would start a formula gets a leading single
    quote (see ``spreadsheet_safe``); JSON and Turtle keep every value exactly as it is in the graph.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if result.form in {"CONSTRUCT", "DESCRIBE"}:
        if fmt not in {"ttl", "table"}:
            raise QueryError(f"{result.form} returns triples; use --format ttl (not {fmt})")
        return _turtle(result)
    if fmt == "ttl":
        raise QueryError(f"--format ttl is for CONSTRUCT and DESCRIBE; this is a {result.form} query")
    if fmt == "table":
        return _table(result)
    if fmt == "json":
        if result.form == "ASK":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
        document = {
            "head": {"vars": list(result.columns)},
            "results": {
                "bindings": [
                    {col: _json_value(cell) for col, cell in zip(result.columns, row, strict=True) if cell}
                    for row in result.rows
                ]
            },
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(result.columns)
        writer.writerows([_csv_value(c) for c in row] for row in result.rows)
        return buffer.getvalue()
    lines = ["\t".join(f"?{c}" for c in result.columns)]
    lines += ["\t".join(_tsv_value(c) for c in row) for row in result.rows]
    return "\n".join(lines) + "\n"
