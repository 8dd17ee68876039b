"""Query results with labels, and their text formats: table, CSV, TSV, SPARQL JSON, Turtle."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef

from ketamine_kg.errors import QueryError
from ketamine_kg.queries.terms import compact_iri
from ketamine_kg.vocab import PREFIXES

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node

__all__ = ["FORMATS", "Cell", "QueryResult", "format_result"]

FORMATS = ("table", "csv", "tsv", "json", "ttl")
_MAX_TABLE_CELL = 80


@dataclass(frozen=True)
class Cell:
    """One value of a result row: the RDF term and, for an IRI, its label if the graph has one."""

    term: Node
    label: str | None = None

    @property
    def value(self) -> str:
        """The IRI, the literal's lexical form, or the blank node id."""
        return str(self.term)

    @property
    def curie(self) -> str:
        """The IRI compacted with the project prefixes (other terms: their value)."""
        return compact_iri(self.value) if isinstance(self.term, URIRef) else self.value

    def display(self) -> str:
        """For people: ``label (curie)`` for a labelled IRI, the CURIE for another IRI, else the value."""
        if isinstance(self.term, URIRef):
            return f"{self.label} ({self.curie})" if self.label else self.curie
        if isinstance(self.term, BNode):
            return f"_:{self.term}"
        return self.value

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


def _csv_value(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if isinstance(cell.term, BNode):
        return f"_:{cell.term}"
    return cell.value


def _tsv_value(cell: Cell | None) -> str:
    if cell is None:
        return ""
    term = cell.term
    if isinstance(term, Literal):
        lexical = str(term).replace("\\", "\\\\").replace('"', '\\"')
        lexical = lexical.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None:
            return f'"{lexical}"^^<{term.datatype}>'
        return f'"{lexical}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    return f"<{term}>"


def _json_value(cell: Cell) -> dict[str, str]:
    term = cell.term
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal):
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype is not None:
            value["datatype"] = str(term.datatype)
    return value


def _table(result: QueryResult) -> str:
    if result.form == "ASK":
        return "true\n" if result.boolean else "false\n"

    def clip(text: str) -> str:
        text = text.replace("\n", " ")
        return text if len(text) <= _MAX_TABLE_CELL else text[: _MAX_TABLE_CELL - 1] + "…"

    cells = [[clip("" if c is None else c.display()) for c in row] for row in result.rows]
    widths = [max([len(col), *(len(r[i]) for r in cells)]) for i, col in enumerate(result.columns)]
    lines = ["  ".join(col.ljust(w) for col, w in zip(result.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _turtle(result: QueryResult) -> str:
    return result.to_graph().serialize(format="turtle")


def format_result(result: QueryResult, fmt: str) -> str:
    """Render ``result`` as ``table``, ``csv``, ``tsv``, ``json`` (SPARQL 1.1 JSON) or ``ttl``."""
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
