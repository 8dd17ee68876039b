"""Check a SPARQL query with a lexer and Oxigraph's parser, refusing anything that reaches outside the graph.

A regex lexer (strings, IRIs and comments are single tokens, so keywords inside them are never misread)
decides safety from the keyword stream: any SPARQL update keyword is refused; SERVICE anywhere, and
FROM / FROM NAMED with a dereferenceable graph IRI, are refused unless the network is allowed.
Oxigraph's parser then checks the syntax (errors with line and column). Neither step imports rdflib
or pyparsing; the rdflib engine adds its own algebra-level check (``queries.rdflib_check``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ketamine_kg.errors import QueryError, UnsafeQueryError
from ketamine_kg.limits import Limits, nesting_depth, path_steps
from ketamine_kg.vocab import PREFIXES

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "PreparedQuery",
    "Token",
    "check_bounds",
    "check_tokens",
    "locate",
    "nesting_depth",
    "prepare_query",
    "tokens",
]

#: FROM / FROM NAMED IRIs with these schemes name a graph without being fetchable.
SAFE_GRAPH_SCHEMES = frozenset({"urn"})
_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "LOAD"}
)
_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
_CACHE_SIZE = 1024

# Classes spanning all of Unicode are slow to compile (~5 ms each), so "U+00C0 and up" is a negated range.
_HIGH = r"[^\x00-\xBF]"
_PN_CHARS = rf"(?:[0-9A-Za-z_\-\u00B7]|{_HIGH})"  # a superset of SPARQL's PN_CHARS
_PN_CHARS_DOT = rf"(?:[0-9A-Za-z_.\-\u00B7]|{_HIGH})"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_END = rf"(?:{_PN_CHARS}|:|{_PLX})"
_LOCAL = rf"{_LOCAL_END}(?:(?:{_PN_CHARS_DOT}|:|{_PLX})*{_LOCAL_END})?"
_TOKEN = re.compile(
    rf"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''|\"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\"
      |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$](?:[A-Za-z0-9_\u00B7]|{_HIGH})+)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:{_PN_CHARS}(?:{_PN_CHARS_DOT}*{_PN_CHARS})?)
  | (?P<pname>(?:(?:[A-Za-z]|{_HIGH})(?:{_PN_CHARS_DOT}{{0,62}}{_PN_CHARS})?)?:(?:{_LOCAL})?)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OXIGRAPH_POSITION = re.compile(r"^error at (\d+):(\d+):\s*")
_MAX_MESSAGE = 160
_POINTER_WIDTH = 100


@dataclass(frozen=True)
class Token:
    """A lexical token of a query: its kind, text and character offset."""

    kind: str
    text: str
    offset: int

    @property
    def keyword(self) -> str:
        """The upper-cased text of a bare word (SPARQL keywords are case-insensitive), else ''."""
        return self.text.upper() if self.kind == "word" else ""

    @property
    def end(self) -> int:
        """Offset just after the token."""
        return self.offset + len(self.text)


@dataclass(frozen=True)
class PreparedQuery:
    """A query that parsed and passed the safety checks, ready for any engine."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    columns: tuple[str, ...]  # projected variables of a SELECT in query order; () when unknown
    declared_prefixes: frozenset[str]
    allow_network: bool = False
    algebra: Query | None = None  # rdflib's translated query, set by the rdflib engine only
    # Project prefixes used but not declared (None: not known, e.g. after \u escapes; pass them all).
    used_prefixes: frozenset[str] | None = None


def tokens(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text``; strings, IRIs and comments are single tokens, so never misread."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        yield Token(kind, match.group(), match.start())


def _split_keyword_pnames(raw: Sequence[Token]) -> list[Token]:
    """Significant tokens, with ``SERVICE:x {`` and top-level ``FROM:g`` split as SPARQL parsers read them.

    Oxigraph and rdflib both read ``SERVICE:x {`` as the keyword SERVICE and the name ``:x``, even when a
    ``service:`` prefix is declared; ``service:x`` used as a subject or object stays a prefixed name.
    """
    significant = [t for t in raw if t.kind != "comment"]
    result: list[Token] = []
    depth = 0
    for index, token in enumerate(significant):
        if token.text in {"{", "("}:
            depth += 1
        elif token.text in {"}", ")"}:
            depth -= 1
        prefix, _, local = token.text.partition(":")
        keyword = prefix.upper() if token.kind == "pname" else ""
        following = significant[index + 1].text if index + 1 < len(significant) else ""
        previous = result[-1].keyword if result else ""
        splits = (keyword == "SERVICE" and following == "{" and previous != "GRAPH") or (
            keyword in {"FROM", "NAMED"} and depth == 0 and previous != "PREFIX"
        )
        if splits:
            result.append(Token("word", prefix, token.offset))
            result.append(Token("pname", ":" + local, token.offset + len(prefix)))
        else:
            result.append(token)
    return result


def locate(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _pointer(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    source_line = lines[min(max(line, 1), len(lines)) - 1].rstrip("\r")
    start = max(column - 1 - _POINTER_WIDTH // 2, 0)  # a window around the column of a long line
    shown = source_line[start : start + _POINTER_WIDTH]
    return f"line {line}, column {column}\n  {shown}\n  {' ' * max(column - 1 - start, 0)}^"


def _where(text: str, offset: int) -> str:
    return _pointer(text, *locate(text, offset))


def _declared_prefixes(significant: Sequence[Token]) -> dict[str, str]:
    """PREFIX declarations of the query: prefix (without colon) -> namespace IRI."""
    declared: dict[str, str] = {}
    for first, second, third in zip(significant, significant[1:], significant[2:], strict=False):
        if first.keyword == "PREFIX" and second.kind == "pname" and third.kind == "iri":
            declared[second.text[:-1]] = third.text[1:-1]
    return declared


def _expand(token: Token, declared: Mapping[str, str]) -> str | None:
    """The IRI of an ``<iri>`` or prefixed-name token (None for an unknown prefix)."""
    if token.kind == "iri":
        return token.text[1:-1]
    prefix, _, local = token.text.partition(":")
    namespace = declared.get(prefix, PREFIXES.get(prefix))
    return None if namespace is None else namespace + re.sub(r"\\(.)", r"\1", local)


def _refuse_update(text: str, significant: Sequence[Token]) -> None:
    found = sorted({t.keyword for t in significant if t.keyword in _UPDATE_KEYWORDS})
    if found:
        raise UnsafeQueryError(
            f"this is a SPARQL update ({', '.join(found)}); `query` only runs read-only queries "
            "(SELECT, ASK, CONSTRUCT, DESCRIBE) and never changes or loads data"
        )


def _refuse_network(text: str, significant: Sequence[Token], declared: Mapping[str, str]) -> None:
    for index, token in enumerate(significant):
        if token.keyword not in {"SERVICE", "FROM"}:
            continue
        following = significant[index + 1 : index + 4]
        if token.keyword == "SERVICE":
            target = next((t for t in following if t.keyword != "SILENT"), None)
            shown = "" if target is None else f" {target.text}"
            raise UnsafeQueryError(
                f"SERVICE{shown} would send the query to another endpoint; refused at "
                f"{_where(text, token.offset)}\n(pass --allow-network, or allow_network=True, to allow remote access)"
            )
        named = bool(following) and following[0].keyword == "NAMED"
        target = following[1 if named else 0] if len(following) > int(named) else None
        if target is None or target.kind not in {"iri", "pname"}:
            continue  # not a dataset clause: the parser reports the syntax error
        iri = _expand(target, declared)
        if iri is None:
            continue  # unknown prefix: reported by the prefix check
        refuse_unsafe_dataset(iri, named, f" at {_where(text, token.offset)}")


def refuse_unsafe_dataset(iri: str, named: bool, where: str) -> None:
    """Refuse a FROM / FROM NAMED graph whose IRI would be fetched (anything but a ``urn:`` name)."""
    scheme = iri.split(":", 1)[0].lower() if ":" in iri else ""
    if scheme not in SAFE_GRAPH_SCHEMES:
        keyword = "FROM NAMED" if named else "FROM"
        raise UnsafeQueryError(
            f"{keyword} <{iri}> would read a remote resource or a local file; refused{where}\n"
            "(only urn: graph names are allowed; pass --allow-network to allow it)"
        )


def _refuse_unknown_prefixes(text: str, significant: Sequence[Token], declared: Mapping[str, str]) -> None:
    for previous, token in zip([None, *significant], significant, strict=False):
        if token.kind != "pname" or (previous is not None and previous.keyword == "PREFIX"):
            continue
        prefix = token.text.partition(":")[0]
        if prefix not in declared and prefix not in PREFIXES:
            raise QueryError(f"unknown prefix '{prefix}:' at {_where(text, token.offset)}")


def _undeclared_project_prefixes(text: str, significant: Sequence[Token]) -> frozenset[str] | None:
    """The project prefixes the query uses without declaring them (None if ``\\u`` escapes hide names)."""
    if _UNICODE_ESCAPE.search(text):
        return None
    declared = _declared_prefixes(significant)
    used = {
        token.text.partition(":")[0]
        for previous, token in zip([None, *significant], significant, strict=False)
        if token.kind == "pname" and (previous is None or previous.keyword != "PREFIX")
    }
    return frozenset(p for p in used if p in PREFIXES and p not in declared)


def check_tokens(text: str, *, allow_network: bool = False) -> list[Token]:
    """Refuse updates (always) and SERVICE / remote FROM (unless allowed); return the significant tokens.

    ``\\u`` escapes are also decoded and the result checked, since some parsers (rdflib) decode them
    before parsing.
    """
    significant = _split_keyword_pnames(list(tokens(text)))
    declared = _declared_prefixes(significant)
    _refuse_update(text, significant)
    if not allow_network:
        _refuse_network(text, significant, declared)
    decoded = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    if decoded != text:
        try:
            check_tokens(decoded, allow_network=allow_network)
        except UnsafeQueryError as exc:
            raise UnsafeQueryError(f"after decoding \\u escapes: {exc}") from None
        except ValueError:  # a surrogate or out-of-range code point: the parser rejects it
            pass
    _refuse_unknown_prefixes(text, significant, declared)
    return significant


def _syntax_error(text: str, significant: Sequence[Token], exc: SyntaxError) -> QueryError:
    """A QueryError pointing at the token Oxigraph stopped on (it reports the position just after it)."""
    message = str(exc.msg if getattr(exc, "msg", None) else exc)
    match = _OXIGRAPH_POSITION.match(message)
    message = " ".join(_OXIGRAPH_POSITION.sub("", message).split())
    message = "unexpected text" if message in {"", "expected [_]"} else message
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    if match is None:
        return QueryError(f"SPARQL syntax error: {message}")
    line, column = int(match.group(1)), int(match.group(2))
    lines = text.split("\n")
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
    before = next((t for t in significant if t.end == offset), None)
    if before is not None:
        line, column = locate(text, before.offset)
    return QueryError(f"SPARQL syntax error at {_pointer(text, line, column)}\n{message}")


def _columns(text: str, significant: Sequence[Token], projected: Sequence[str]) -> tuple[str, ...]:
    """Projected variables in the order they are written (SELECT * = order of first appearance)."""
    order: dict[str, int] = {}
    for token in significant:
        if token.kind == "var":
            order.setdefault(token.text[1:], len(order))
    return tuple(sorted(projected, key=lambda name: (order.get(name, len(order)), name)))


def _parse_with_oxigraph(text: str, significant: Sequence[Token]) -> tuple[str, ...]:
    """Parse ``text`` with Oxigraph (on an empty store) and return the projected variables of a SELECT."""
    import pyoxigraph as ox

    try:
        answer = ox.Store().query(text, prefixes=dict(PREFIXES))
    except SyntaxError as exc:
        raise _syntax_error(text, significant, exc) from None
    except (OSError, RuntimeError, ValueError):
        return ()  # it parsed; evaluating it on an empty store failed, which the engine will report
    if isinstance(answer, ox.QuerySolutions):
        return tuple(v.value for v in answer.variables)
    return ()


def check_bounds(text: str, limits: Limits | None = None) -> None:
    """Refuse a query text that is too long or nested too deeply, before any lexer or parser sees it."""
    limits = limits or Limits.from_env()
    if len(text) > limits.max_query_chars:
        raise QueryError(
            f"the query is {len(text):,} characters long, over the limit of {limits.max_query_chars:,}; "
            + limits.hint("max_query_chars")
        )
    if sum(text.count(c) for c in "/|") > limits.max_path_steps:
        step = path_steps(text, limits.max_path_steps)
        if step is not None:
            raise QueryError(
                f"the query has more than {limits.max_path_steps} property-path steps (/ or |); the "
                f"{limits.max_path_steps + 1}th is at {_where(text, step)}\nsplit the path, or "
                + limits.hint("max_path_steps")
            )
    if sum(text.count(c) for c in "({[") <= limits.max_query_depth:
        return  # too few brackets to nest that deep
    depth, offset = nesting_depth(text, limits.max_query_depth)
    if depth > limits.max_query_depth:
        raise QueryError(
            f"the query nests groups or parentheses more than {limits.max_query_depth} deep at "
            f"{_where(text, offset)}\n{limits.hint('max_query_depth')}"
        )


def prepare_query(text: str, *, allow_network: bool = False, limits: Limits | None = None) -> PreparedQuery:
    """Check that ``text`` is a read-only query that stays on the local graph, and that it parses.

    Raises QueryError (too long or deep, syntax error or unknown prefix, with line and column) or
    UnsafeQueryError. The result is cached per text, so each named query is checked once per process.
    """
    check_bounds(text, limits)
    return _prepare(text, allow_network)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _prepare(text: str, allow_network: bool) -> PreparedQuery:
    """prepare_query as a pure function of its arguments, so that it can be cached (errors are not)."""
    if not text.strip():
        raise QueryError("the query is empty")
    significant = check_tokens(text, allow_network=allow_network)
    form = next((t.keyword for t in significant if t.keyword in _FORMS), "")
    has_service = any(t.keyword == "SERVICE" for t in significant)
    # Oxigraph evaluates while it parses, so a query with an allowed SERVICE is left to the engine.
    projected = () if has_service else _parse_with_oxigraph(text, significant)
    if not form:
        raise QueryError(
            f"not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE at {_where(text, 0)}"
        )
    return PreparedQuery(
        text=text,
        form=form,
        columns=_columns(text, significant, projected) if form == "SELECT" else (),
        declared_prefixes=frozenset(_declared_prefixes(significant)),
        allow_network=allow_network,
        used_prefixes=_undeclared_project_prefixes(text, significant),
    )
