"""rdflib's parse of a query, and a second safety check on its algebra, for the rdflib engine only.

rdflib really executes SERVICE and FROM, so its engine checks the parsed algebra as well as the token
stream (belt and braces): SERVICE anywhere (also inside EXISTS, subqueries or OPTIONAL) and FROM /
FROM NAMED with a dereferenceable IRI are refused. Importing this module costs rdflib and pyparsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ketamine_kg.errors import QueryError, UnsafeQueryError
from ketamine_kg.queries.safety import PreparedQuery, locate, refuse_unsafe_dataset, tokens
from ketamine_kg.vocab import PREFIXES

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

__all__ = ["translate_for_rdflib"]


def _where(text: str, keyword: str, occurrence: int = 0) -> str:
    seen = 0
    for token in tokens(text):
        if token.kind == "word" and token.text.upper() == keyword:
            if seen == occurrence:
                line, column = locate(text, token.offset)
                return f" at line {line}, column {column}"
            seen += 1
    return ""


def _syntax_error(exc: Exception) -> QueryError:
    line = int(getattr(exc, "lineno", 1) or 1)
    column = int(getattr(exc, "col", 1) or 1)
    message = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)\s*$", "", str(exc)).strip()
    return QueryError(
        f"rdflib cannot parse the query at line {line}, column {column}: {message or 'invalid'}"
    )


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


def _check_algebra(text: str, algebra: Query) -> None:
    services = [node for node in _walk(algebra.algebra) if getattr(node, "name", "") == "ServiceGraphPattern"]
    if services:
        target = dict.get(services[0], "term")
        shown = target.n3() if hasattr(target, "n3") else str(target)
        raise UnsafeQueryError(
            f"SERVICE {shown} would send the query to another endpoint; refused{_where(text, 'SERVICE')}\n"
            "(pass --allow-network, or allow_network=True, to allow remote access)"
        )
    for index, clause in enumerate(algebra.algebra.get("datasetClause") or []):
        named = "named" in clause
        iri = str(dict.get(clause, "named" if named else "default", ""))
        refuse_unsafe_dataset(iri, named, _where(text, "FROM", index))


def _ordered_projection(text: str, algebra: Query) -> tuple[str, ...]:
    projected = [str(v) for v in algebra.algebra.get("PV") or []]
    order: dict[str, int] = {}
    for token in tokens(text):
        if token.kind == "var":
            order.setdefault(token.text[1:], len(order))
    return tuple(sorted(projected, key=lambda name: (order.get(name, len(order)), name)))


def translate_for_rdflib(query: PreparedQuery) -> PreparedQuery:
    """``query`` with rdflib's algebra attached, after checking that algebra too (unless network is allowed)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(query.text), initNs=dict(PREFIXES))
    except ParseBaseException as exc:
        raise _syntax_error(exc) from None
    except RecursionError:
        raise QueryError(
            "the query is too deeply nested for rdflib's parser; try --engine oxigraph"
        ) from None
    except Exception as exc:
        raise QueryError(f"rdflib cannot translate the query: {exc}") from None
    if not query.allow_network:
        _check_algebra(query.text, algebra)
    columns = query.columns
    if query.form == "SELECT" and not columns:
        columns = _ordered_projection(query.text, algebra)
    return PreparedQuery(
        text=query.text,
        form=query.form,
        columns=columns,
        declared_prefixes=query.declared_prefixes,
        allow_network=query.allow_network,
        algebra=algebra,
        used_prefixes=query.used_prefixes,
    )
