"""Parse a SPARQL query with rdflib's parser and refuse anything that reaches outside the graph.

The decision is made on the parsed algebra, not on the text: SERVICE anywhere (also inside EXISTS,
subqueries or OPTIONAL), FROM / FROM NAMED with a dereferenceable IRI, and every update (INSERT,
DELETE, LOAD, CLEAR, ...) are refused before any engine sees the query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ketamine_kg.errors import QueryError, UnsafeQueryError
from ketamine_kg.vocab import PREFIXES

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

__all__ = ["PreparedQuery", "locate", "prepare_query", "tokens"]

#: FROM / FROM NAMED IRIs with these schemes name a graph without being fetchable.
_SAFE_GRAPH_SCHEMES = frozenset({"urn"})

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*?:|:)
  | (?P<word>[A-Za-z_][\w\-]*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    """A lexical token of a query: its kind, text and character offset."""

    kind: str
    text: str
    offset: int


@dataclass(frozen=True)
class PreparedQuery:
    """A query that parsed and passed the safety checks, ready for any engine."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    columns: tuple[str, ...]  # projected variables of a SELECT, in query order
    declared_prefixes: frozenset[str]
    has_values_clause: bool
    algebra: Query


def tokens(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text``; strings, IRIs and comments are single tokens, so never misread."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        yield Token(kind, match.group(), match.start())


def locate(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _where(text: str, offset: int) -> str:
    line, column = locate(text, offset)
    source_line = text.splitlines()[line - 1] if text.splitlines() else ""
    return f"line {line}, column {column}\n  {source_line}\n  {' ' * (column - 1)}^"


def _keyword_offset(text: str, keyword: str, occurrence: int = 0) -> int | None:
    seen = 0
    for token in tokens(text):
        if token.kind == "word" and token.text.upper() == keyword:
            if seen == occurrence:
                return token.offset
            seen += 1
    return None


def _syntax_error(text: str, exc: Exception) -> QueryError:
    line = int(getattr(exc, "lineno", 1) or 1)
    column = int(getattr(exc, "col", 1) or 1)
    message = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)\s*$", "", str(exc)).strip()
    message = message or "invalid SPARQL"
    lines = text.splitlines() or [""]
    source_line = lines[min(line, len(lines)) - 1]
    return QueryError(
        f"SPARQL syntax error at line {line}, column {column}: {message}\n  {source_line}\n  "
        f"{' ' * (column - 1)}^"
    )


def _unknown_prefix_error(text: str, prefix: str) -> QueryError:
    for token in tokens(text):
        if token.kind == "pname" and token.text[:-1] == prefix:
            return QueryError(f"unknown prefix '{prefix}:' at {_where(text, token.offset)}")
    return QueryError(f"unknown prefix '{prefix}:'")


def _walk(node: object) -> Iterator[dict[str, object]]:
    """Every algebra / parse-tree node (rdflib CompValue) below ``node``."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _refuse_update(text: str) -> UnsafeQueryError | None:
    """An error if ``text`` is a SPARQL update (so it is refused, not reported as a syntax error)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(text)
    except Exception:
        return None
    operations = sorted({str(getattr(op, "name", "update")) for op in dict.get(update, "request", [])})
    names = ", ".join(re.sub(r"(Data|Where)$", r" \1", op).upper() for op in operations) or "update"
    return UnsafeQueryError(
        f"this is a SPARQL update ({names}); `query` only runs read-only queries "
        "(SELECT, ASK, CONSTRUCT, DESCRIBE) and never changes or loads data"
    )


def _check_safety(text: str, algebra: Query) -> None:
    services = [node for node in _walk(algebra.algebra) if getattr(node, "name", "") == "ServiceGraphPattern"]
    if services:
        offset = _keyword_offset(text, "SERVICE")
        target = dict.get(services[0], "term")
        shown = target.n3() if hasattr(target, "n3") else str(target)
        where = f" at {_where(text, offset)}" if offset is not None else ""
        raise UnsafeQueryError(
            f"SERVICE {shown} would send the query to another endpoint; refused{where}\n"
            "(pass --allow-network, or allow_network=True, to allow remote access)"
        )
    for index, clause in enumerate(algebra.algebra.get("datasetClause") or []):
        named = "named" in clause
        iri = str(dict.get(clause, "named" if named else "default", ""))
        scheme = iri.split(":", 1)[0].lower() if ":" in iri else ""
        if scheme not in _SAFE_GRAPH_SCHEMES:
            keyword = "FROM NAMED" if named else "FROM"
            offset = _keyword_offset(text, "FROM", index)
            where = f" at {_where(text, offset)}" if offset is not None else ""
            raise UnsafeQueryError(
                f"{keyword} <{iri}> would read a remote resource or a local file; refused{where}\n"
                "(only urn: graph names are allowed; pass --allow-network to allow it)"
            )


def _select_columns(text: str, algebra: Query) -> tuple[str, ...]:
    """Projected variables in the order they are written (SELECT * = order of first appearance)."""
    projected = [str(v) for v in algebra.algebra.get("PV") or []]
    order: dict[str, int] = {}
    for token in tokens(text):
        if token.kind == "var":
            order.setdefault(token.text[1:], len(order))
    return tuple(sorted(projected, key=lambda name: (order.get(name, len(order)), name)))


def prepare_query(text: str, *, allow_network: bool = False) -> PreparedQuery:
    """Parse ``text`` and check it is a read-only query that stays on the local graph.

    Raises QueryError (syntax error or unknown prefix, with line and column) or UnsafeQueryError.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    if not text.strip():
        raise QueryError("the query is empty")
    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        update = _refuse_update(text)
        raise (update or _syntax_error(text, exc)) from None
    except RecursionError:
        raise QueryError("the query is too deeply nested for the parser") from None
    try:
        algebra = translateQuery(parsed, initNs=dict(PREFIXES))
    except RecursionError:
        raise QueryError("the query is too deeply nested for the parser") from None
    except Exception as exc:
        match = re.match(r"Unknown namespace prefix : (.*)", str(exc))
        if match:
            raise _unknown_prefix_error(text, match.group(1)) from None
        raise QueryError(f"invalid query: {exc}") from None
    if not allow_network:
        _check_safety(text, algebra)
    form = str(algebra.algebra.name).removesuffix("Query").upper()
    columns = _select_columns(text, algebra) if form == "SELECT" else ()
    declared = frozenset(
        str(dict.get(decl, "prefix") or "") for decl in parsed[0] if decl.name == "PrefixDecl"
    )
    return PreparedQuery(
        text=text,
        form=form,
        columns=columns,
        declared_prefixes=declared,
        has_values_clause=dict.get(parsed[1], "valuesClause") is not None,
        algebra=algebra,
    )
