"""Read user RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) safely: the one entry for
every RDF input (``--data``, ``--merge``, ``check --data``, ``--from-rdf``).

Before pyoxigraph parses a file, it is checked against the limits (``ketamine_kg.limits``): its size,
the nesting depth of blank nodes, lists, JSON or XML elements (a linear scan), and, for RDF/XML, its
entity declarations (external entities, parameter entities and entities built from other entities are
refused; the expansion of the rest is bounded). pyoxigraph never fetches remote JSON-LD contexts; a file
that needs one is refused with a message. After parsing, ``owl:imports`` statements are listed in a
warning (kept as data, never followed), and an ill-typed literal (``"abc"^^xsd:integer``) is refused with
the file and line. All files are checked and parsed before anything is returned, so a bad file loads
nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ketamine_kg.errors import RDFParseError, UserError
from ketamine_kg.limits import Limits, deeper_than, nesting_depth
from ketamine_kg.processes import in_forked_child

if TYPE_CHECKING:  # rdflib is imported lazily: `query --data` on the Oxigraph path never needs it
    from rdflib import Graph
    from rdflib.term import Node

__all__ = [
    "check_file",
    "from_oxigraph_term",
    "ill_typed",
    "load_dataset",
    "load_rdf_files",
    "load_store",
    "parse_file",
    "rdf_format",
    "stream_file",
]

log = logging.getLogger(__name__)

XSD = "http://www.w3.org/2001/XMLSchema#"
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}
_BRACKETED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD)
# Bytes that never open or close a bracket, string, IRI or comment: deleted before the nesting scan,
# which leaves the same structure in a text a fraction of the size.
_NOT_SYNTAX = bytes(b for b in range(256) if b not in b"()[]{}\"'<>#\\\n\r")

# Lexical forms of the XSD datatypes whose ill-typed literals break later stages (numbers, booleans, dates).
_INT = r"[+-]?[0-9]+"
_DEC = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_FLOAT = rf"({_DEC}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)"
_TZ = r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?"
_DATE = r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?"
_LEXICAL: dict[str, re.Pattern[str]] = {
    XSD + name: re.compile(f"(?:{pattern})\\Z", re.ASCII)
    for name, pattern in {
        "integer": _INT,
        "int": _INT,
        "long": _INT,
        "short": _INT,
        "byte": _INT,
        "nonNegativeInteger": _INT,
        "positiveInteger": _INT,
        "nonPositiveInteger": _INT,
        "negativeInteger": _INT,
        "unsignedInt": _INT,
        "unsignedLong": _INT,
        "unsignedShort": _INT,
        "unsignedByte": _INT,
        "decimal": _DEC,
        "double": _FLOAT,
        "float": _FLOAT,
        "boolean": r"true|false|1|0",
        "date": _DATE + _TZ,
        "dateTime": f"{_DATE}T({_TIME}){_TZ}",
        "time": f"({_TIME}){_TZ}",
        "gYear": r"-?[0-9]{4,}" + _TZ,
        "gYearMonth": r"-?[0-9]{4,}-(0[1-9]|1[0-2])" + _TZ,
    }.items()
}
_RANGES: dict[str, tuple[int | None, int | None]] = {
    XSD + "int": (-(2**31), 2**31 - 1),
    XSD + "long": (-(2**63), 2**63 - 1),
    XSD + "short": (-(2**15), 2**15 - 1),
    XSD + "byte": (-128, 127),
    XSD + "nonNegativeInteger": (0, None),
    XSD + "positiveInteger": (1, None),
    XSD + "nonPositiveInteger": (None, 0),
    XSD + "negativeInteger": (None, -1),
    XSD + "unsignedInt": (0, 2**32 - 1),
    XSD + "unsignedLong": (0, 2**64 - 1),
    XSD + "unsignedShort": (0, 2**16 - 1),
    XSD + "unsignedByte": (0, 255),
}
_MAX_INT_DIGITS = 4000  # Python refuses to convert longer digit strings

# RDF/XML prolog: the DOCTYPE, its internal subset, and the entity declarations in it.
_DOCTYPE = re.compile(r"<!DOCTYPE\b(?P<head>[^\[>]*)(?:\[(?P<subset>.*?)\])?\s*>", re.S)
_ENTITY = re.compile(r"<!ENTITY\s+(?P<param>%\s+)?(?P<name>\S+)\s+(?P<rest>[^>]*)>", re.S)
_XML_MARK = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[?!][^>]*>|</[^>]*>|<[^>]*?/>|<[^>]*>", re.S)


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of ``path`` from its extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UserError(
            f"{path}: unknown RDF file extension '{path.suffix}' (use one of {', '.join(FORMATS)})"
        )
    return fmt


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _xml_depth(text: str, limit: int) -> tuple[int, int]:
    """The deepest element nesting of an XML text (stops past ``limit``) and the offset reaching it."""
    depth = deepest = where = 0
    for mark in _XML_MARK.finditer(text):
        tag = mark.group()
        if tag.startswith(("<!", "<?")) or tag.endswith("/>"):
            continue
        if tag.startswith("</"):
            depth = max(depth - 1, 0)
            continue
        depth += 1
        if depth > deepest:
            deepest, where = depth, mark.start()
            if deepest > limit:
                break
    return deepest, where


def _check_entities(path: Path, text: str, limits: Limits) -> None:
    """Refuse external, parameter and nested XML entities; bound what the others may expand to."""
    doctype = _DOCTYPE.search(text, 0, 1 << 20)
    if doctype is None:
        return
    if re.search(r"\b(SYSTEM|PUBLIC)\b", doctype.group("head")):
        raise RDFParseError(
            str(path),
            _line(text, doctype.start()),
            None,
            "the DOCTYPE names an external DTD, which would be read from a file or the network; refused "
            "(remove the SYSTEM/PUBLIC part)",
        )
    subset = doctype.group("subset") or ""
    base = doctype.start("subset") if doctype.group("subset") is not None else doctype.start()
    budget = max(limits.max_entity_expansion, 4 * len(text))
    expansion = 0
    for entity in _ENTITY.finditer(subset):
        line = _line(text, base + entity.start())
        name, rest = entity.group("name"), entity.group("rest").strip()
        if entity.group("param") or re.match(r"(SYSTEM|PUBLIC)\b", rest):
            kind = "a parameter entity" if entity.group("param") else "an external entity"
            raise RDFParseError(
                str(path),
                line,
                None,
                f"{kind} ('{name}') would be read from a file or the network; refused (declare its text inline)",
            )
        value = rest[1:-1] if len(rest) >= 2 and rest[0] == rest[-1] and rest[0] in "'\"" else rest
        if "&" in value or "<" in value:
            raise RDFParseError(
                str(path),
                line,
                None,
                f"entity '{name}' is built from other entities or markup, the shape of an entity-expansion "
                "bomb; refused (declare plain text only)",
            )
        expansion += len(value) * text.count(f"&{name};")
        if expansion > budget:
            raise RDFParseError(
                str(path),
                line,
                None,
                f"entity references would expand the file by more than {budget:,} characters (entity "
                f"'{name}'); refused",
            )


def check_file(path: Path, fmt: ox.RdfFormat, limits: Limits) -> None:
    """Size, nesting and (RDF/XML) entity checks, before any parser sees the file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror or exc}") from None
    if size > limits.max_input_bytes:
        raise UserError(
            f"{path}: the file is {size:,} bytes, over the limit of {limits.max_input_bytes:,}; "
            + limits.hint("max_input_bytes")
        )
    is_xml = fmt == ox.RdfFormat.RDF_XML
    if fmt not in _BRACKETED and not is_xml:
        return  # N-Triples and N-Quads do not nest
    data = path.read_bytes()
    opens = data.count(b"<") if is_xml else data.count(b"[") + data.count(b"(") + data.count(b"{")
    if opens <= limits.max_nesting and not (is_xml and b"<!DOCTYPE" in data):
        return  # too few brackets to nest that deep, and no entities
    if not is_xml and not deeper_than(data.translate(None, _NOT_SYNTAX).decode("ascii"), limits.max_nesting):
        return
    text = data.decode("utf-8", "replace")
    if is_xml:
        _check_entities(path, text, limits)
        depth, offset = _xml_depth(text, limits.max_nesting)
    else:
        depth, offset = nesting_depth(text, limits.max_nesting)  # the exact scan, for the location
    if depth > limits.max_nesting:
        line = _line(text, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise RDFParseError(
            str(path),
            line,
            column,
            f"nested more than {limits.max_nesting} levels deep (blank nodes, lists or elements); "
            + limits.hint("max_nesting"),
        )


def ill_typed(literal: ox.Literal) -> str | None:
    """Why ``literal`` is not a valid value of its XSD datatype (numbers, booleans, dates), or None."""
    datatype = literal.datatype.value
    pattern = _LEXICAL.get(datatype)
    if pattern is None:
        return None
    value = literal.value
    if not pattern.match(value):
        return f"not a valid xsd:{datatype.removeprefix(XSD)}"
    if datatype in _RANGES:
        if len(value) > _MAX_INT_DIGITS:
            return f"too many digits for xsd:{datatype.removeprefix(XSD)}"
        low, high = _RANGES[datatype]
        number = int(value)
        if (low is not None and number < low) or (high is not None and number > high):
            return f"out of the range of xsd:{datatype.removeprefix(XSD)}"
    if datatype in (XSD + "date", XSD + "dateTime") and value[4:5] == "-":
        try:
            datetime.date.fromisoformat(value[:10])
        except ValueError:
            return f"no such date for xsd:{datatype.removeprefix(XSD)}"
    return None


def _where_in_file(path: Path, value: str) -> int | None:
    """The line where ``value`` first appears in the file, quoted if possible (for messages)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for needle in (f'"{value}"', f"'{value}'", f">{value}<", value):
        offset = text.find(needle)
        if offset >= 0:
            return _line(text, offset)
    return None


def _refuse_ill_typed(path: Path, literal: ox.Literal, reason: str) -> RDFParseError:
    shown = literal.value if len(literal.value) <= 60 else literal.value[:57] + "..."
    return RDFParseError(
        str(path),
        _where_in_file(path, literal.value),
        None,
        f'ill-typed literal "{shown}"^^<{literal.datatype.value}>: {reason}; fix the value or its datatype',
    )


def _report_imports(path: Path, targets: Iterable[str]) -> None:
    for target in sorted(set(targets)):
        log.warning(
            "%s: owl:imports <%s> is kept as a statement but not followed (no network access)",
            path,
            target,
        )


def _screened(path: Path, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """``quads`` as they come, reporting owl:imports statements and refusing ill-typed literals."""
    imports: list[str] = []
    yield from _screening(path, quads, imports)
    _report_imports(path, imports)


def _screening(path: Path, quads: Iterable[ox.Quad], imports: list[str]) -> Iterator[ox.Quad]:
    """``quads`` as they come, refusing ill-typed literals; the owl:imports targets go to ``imports``."""
    checked: set[tuple[str, str]] = set()
    for quad in quads:
        if quad.predicate.value == OWL_IMPORTS:
            imports.append(getattr(quad.object, "value", str(quad.object)))
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.datatype.value in _LEXICAL:
            key = (obj.value, obj.datatype.value)
            if key not in checked:
                reason = ill_typed(obj)
                if reason is not None:
                    raise _refuse_ill_typed(path, obj, reason)
                checked.add(key)
        yield quad


def _parse(path: Path, fmt: ox.RdfFormat) -> Iterator[ox.Quad]:
    """pyoxigraph's parser over ``path``: IRIs resolved against the file, its blank-node labels kept."""
    return ox.parse(path=path, format=fmt, base_iri=path.resolve().as_uri())


def _screen_file(path: Path, fmt: ox.RdfFormat) -> list[str]:
    """Parse ``path`` once more only to screen it: its owl:imports targets, or the error a streamed load
    would meet first (an ill-typed literal or a syntax error, in file order)."""
    imports: list[str] = []

    def screen() -> None:
        parsed = _parse(path, fmt)
        for _ in _screening(path, parsed, imports):
            pass

    _parse_errors(path, screen)
    return imports


def _parse_errors(path: Path, parse: Callable[[], None]) -> None:
    """Run ``parse``, turning the parser's errors into an RDFParseError located in ``path``."""
    try:
        parse()
    except SyntaxError as exc:
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        if message.startswith("Parser error"):
            message = message.split(": ", 1)[-1]
        if "LoadDocumentCallback" in message or "remote context" in message:
            message = (
                "the JSON-LD @context is a remote document, which is never fetched; put the context inline"
            )
        elif "ENTITY" in message:
            message = f"{message} (only inline entity text is allowed)"
        raise RDFParseError(str(path), exc.lineno, exc.offset, message) from None
    except MemoryError as exc:
        if "buffer maximal size" in str(exc):
            raise RDFParseError(
                str(path),
                None,
                None,
                "a literal or IRI is longer than the parser's limit of 16 MiB; shorten it or split it up",
            ) from None
        raise UserError(f"{path}: ran out of memory while parsing; split the file") from None
    except (OSError, ValueError) as exc:
        raise RDFParseError(str(path), None, None, str(exc)) from None


def _opened(path: Path, limits: Limits) -> ox.RdfFormat:
    fmt = rdf_format(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file" if not path.exists() else f"{path}: not a regular file")
    check_file(path, fmt, limits)
    return fmt


def stream_file(path: Path, limits: Limits | None = None) -> Iterator[ox.Quad]:
    """The quads of one checked file as the parser yields them, with the file's own blank-node labels.

    For callers that stream one file into a store or dataset themselves (``ox.Dataset(stream_file(p))``):
    the same checks as ``parse_file`` (limits before parsing, ill-typed literals, owl:imports reported)
    and the same located errors, raised while the quads are consumed.
    """
    fmt = _opened(path, limits or Limits.from_env())
    quads = _screened(path, _parse(path, fmt))
    chunk: list[ox.Quad] = []

    def more() -> None:
        chunk.extend(itertools.islice(quads, 4096))

    while True:
        chunk.clear()
        _parse_errors(path, more)
        if not chunk:
            return
        yield from list(chunk)


def parse_file(path: Path, limits: Limits | None = None) -> list[ox.Quad]:
    """All quads of one checked file; blank nodes are prefixed per file so files never share them."""
    tag = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    return [_retag(q, tag) for q in stream_file(path, limits)]


def _retag(quad: ox.Quad, tag: str) -> ox.Quad:
    def fix(
        term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple,
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
        return ox.BlankNode(f"f{tag}{term.value}") if isinstance(term, ox.BlankNode) else term

    if not isinstance(quad.subject, ox.BlankNode) and not isinstance(quad.object, ox.BlankNode):
        return quad
    return ox.Quad(fix(quad.subject), quad.predicate, fix(quad.object), quad.graph_name)  # type: ignore[arg-type]


def load_store(paths: Sequence[Path], limits: Limits | None = None) -> ox.Store:
    """An in-memory pyoxigraph store with the triples of every checked file (named graphs kept)."""
    limits = limits or Limits.from_env()
    store = ox.Store()
    if len(paths) == 1 and rdf_format(paths[0]) in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE):
        path = paths[0]
        fmt = _opened(path, limits)
        # The fast path: the parser streams straight into a fresh store while a forked copy of this process
        # screens the same file on the other core (the screen in Python costs ~a third of the load). Unlike
        # Store.bulk_load, which gives every blank node a new random id on each load, ox.parse keeps the
        # file's labels, so exports of the store (serialize.to_turtle_store) are byte-identical.
        with in_forked_child(lambda: _screen_file(path, fmt)) as screened:

            def load() -> None:
                store.bulk_extend(_parse(path, fmt))

            try:
                _parse_errors(path, load)
            except RDFParseError:
                screened()  # the screen's error comes first in the file when there is one
                raise
            imports = screened()
        _report_imports(path, imports)
        return store
    quads = [q for path in paths for q in parse_file(path, limits)]
    store.extend(quads)
    return store


def load_dataset(paths: Sequence[Path], limits: Limits | None = None) -> ox.Dataset:
    """An in-memory pyoxigraph dataset of every checked file, lexical forms kept (a store would rewrite
    ``0.30`` as ``0.3``): what ``export``/``publish --data`` write from, never through rdflib.

    One Turtle or N-Triples file (a build's output) keeps its own blank-node labels, so its exports are
    byte-identical from one run to the next; other inputs are tagged per file (``parse_file``).
    """
    limits = limits or Limits.from_env()
    if len(paths) == 1 and rdf_format(paths[0]) in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE):
        path = paths[0]
        fmt = _opened(path, limits)
        dataset = ox.Dataset()

        def parse() -> None:
            parsed = _parse(path, fmt)
            for quad in _screened(path, parsed):
                dataset.add(quad)

        _parse_errors(path, parse)
        return dataset
    return ox.Dataset(q for path in paths for q in parse_file(path, limits))


def from_oxigraph_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """Convert a pyoxigraph term to rdflib, lexical form kept (``ketamine_kg.terms``, imported lazily
    with rdflib)."""
    from ketamine_kg.terms import to_rdflib_exact

    return to_rdflib_exact(term)


def load_rdf_files(paths: Sequence[Path], limits: Limits | None = None) -> Graph:
    """An rdflib graph (named graphs flattened) with the triples of every checked file."""
    from rdflib import Graph

    from ketamine_kg.vocab import PREFIXES

    limits = limits or Limits.from_env()
    quads = [q for path in paths for q in parse_file(path, limits)]
    graph = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for q in quads:
        graph.add(
            (from_oxigraph_term(q.subject), from_oxigraph_term(q.predicate), from_oxigraph_term(q.object))
        )
    return graph
