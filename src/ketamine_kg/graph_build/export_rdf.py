"""Deterministic RDF writers (N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) with refusal of unwritable text.

rdflib's own serialisers order output by hash and dict iteration, so these small writers sort every
statement themselves; Turtle comes from :mod:`ketamine_kg.graph_build.serialize`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ketamine_kg.errors import ExportError
from ketamine_kg.vocab import PREFIXES, RDF, XSD

__all__ = [
    "ASSERTED_GRAPH",
    "INFERRED_GRAPH",
    "Quad",
    "check_xml_text",
    "compact_iri",
    "expand_curie",
    "sorted_triples",
    "term_key",
    "to_jsonld",
    "to_nquads",
    "to_ntriples",
    "to_rdfxml",
    "to_trig",
]

#: Named graphs of the TriG and N-Quads exports.
ASSERTED_GRAPH = URIRef("https://w3id.org/ketamine-kg/graph/asserted")
INFERRED_GRAPH = URIRef("https://w3id.org/ketamine-kg/graph/inferred")

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, URIRef]

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PNAME_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_BNODE_LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def term_key(term: Node) -> tuple[int, str]:
    """Sort key for terms: IRIs, then blank nodes, then literals, each by their text."""
    if isinstance(term, URIRef):
        return (0, str(term))
    if isinstance(term, BNode):
        return (1, str(term))
    if isinstance(term, Literal):
        return (2, f"{term}\x00{term.language or ''}\x00{term.datatype or ''}")
    return (3, str(term))


def sorted_triples(graph: Graph) -> list[Triple]:
    """All triples of ``graph`` in a fixed order."""
    return sorted(graph, key=lambda t: (term_key(t[0]), term_key(t[1]), term_key(t[2])))


def _bnode_label(node: BNode) -> str:
    """A blank node label valid in every syntax (N-Triples, Turtle, XML NCName): must start with a letter."""
    text = str(node)
    if _BNODE_LABEL.match(text):
        return text
    return "b" + re.sub(r"[^A-Za-z0-9_]", "_", text)


def _escape_string(text: str) -> str:
    """Escape a literal's text for N-Triples, N-Quads and TriG (UTF-8 kept, controls as \\u escapes)."""
    out: list[str] = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def _iri(iri: str) -> str:
    return "<" + _IRI_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def _nt_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, BNode):
        return "_:" + _bnode_label(term)
    if isinstance(term, Literal):
        text = f'"{_escape_string(str(term))}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{_iri(str(term.datatype))}"
        return text
    raise ExportError(f"cannot write RDF term {term!r}")


def to_ntriples(graph: Graph) -> bytes:
    """Sorted N-Triples (blank node labels as given: canonicalise the graph first)."""
    lines = [f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} .\n" for s, p, o in graph]
    return "".join(sorted(lines)).encode("utf-8")


def to_nquads(quads: Iterable[Quad]) -> bytes:
    """Sorted N-Quads."""
    lines = {f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} {_nt_term(g)} .\n" for s, p, o, g in quads}
    return "".join(sorted(lines)).encode("utf-8")


def _pname(iri: str, prefixes: Mapping[str, str]) -> str | None:
    """``prefix:local`` when the local part is plainly safe in Turtle, else None."""
    best: tuple[int, str] | None = None
    for prefix, base in prefixes.items():
        if (
            iri.startswith(base)
            and _PNAME_LOCAL.match(iri[len(base) :])
            and (best is None or len(base) > best[0])
        ):
            best = (len(base), f"{prefix}:{iri[len(base) :]}")
    return best[1] if best else None


def _ttl_term(term: Node, prefixes: Mapping[str, str]) -> str:
    if isinstance(term, URIRef):
        return _pname(str(term), prefixes) or _iri(str(term))
    if isinstance(term, Literal) and term.datatype is not None and not term.language:
        if term.datatype == XSD.string:
            return f'"{_escape_string(str(term))}"'
        dt = _pname(str(term.datatype), prefixes) or _iri(str(term.datatype))
        return f'"{_escape_string(str(term))}"^^{dt}'
    return _nt_term(term)


def _turtle_block(triples: list[Triple], prefixes: Mapping[str, str], indent: str) -> list[str]:
    """Statements grouped by subject (``s p o ; p o .``) for the body of a TriG graph."""
    by_subject: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in triples:
        by_subject[s].append((p, o))
    lines: list[str] = []
    for subject in sorted(by_subject, key=term_key):
        pairs = by_subject[subject]
        lines.append(f"{indent}{_ttl_term(subject, prefixes)}")
        for index, (p, o) in enumerate(pairs):
            end = " ." if index == len(pairs) - 1 else " ;"
            pred = "a" if p == RDF.type else _ttl_term(p, prefixes)
            lines.append(f"{indent}    {pred} {_ttl_term(o, prefixes)}{end}")
    return lines


def to_trig(named: Mapping[URIRef, Graph]) -> bytes:
    """TriG with one block per named graph, in a fixed order, with the project prefixes."""
    lines = [f"@prefix {prefix}: <{base}> ." for prefix, base in PREFIXES.items()]
    for name in sorted(named, key=str):
        lines.append("")
        lines.append(f"{_iri(str(name))} {{")
        lines.extend(_turtle_block(sorted_triples(named[name]), PREFIXES, "    "))
        lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- XML ------------------------------------------------------------------------------------------


def check_xml_text(text: str, where: str) -> None:
    """Refuse text that XML 1.0 cannot carry (most C0 controls, lone surrogates), naming ``where``."""
    match = _XML_FORBIDDEN.search(text)
    if match:
        raise ExportError(
            f"{where}: contains the control character U+{ord(match.group()):04X}, which XML cannot "
            "represent; fix the text or choose a format such as Turtle or N-Triples"
        )


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _xml_attr(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _split_predicate(iri: str) -> tuple[str, str]:
    """Namespace and local name of a predicate for an RDF/XML element name."""
    for base in sorted(PREFIXES.values(), key=len, reverse=True):
        if iri.startswith(base) and _NCNAME.match(iri[len(base) :]):
            return base, iri[len(base) :]
    match = re.search(r"[A-Za-z_][A-Za-z0-9_.\-]*$", iri)
    if not match or match.start() == 0:
        raise ExportError(f"predicate <{iri}>: RDF/XML cannot write it (no XML local name at its end)")
    return iri[: match.start()], match.group()


def _describe(subject: Node) -> str:
    return f"<{subject}>" if isinstance(subject, URIRef) else f"blank node _:{subject}"


def to_rdfxml(graph: Graph) -> bytes:
    """RDF/XML (one ``rdf:Description`` per subject, sorted); refuses text XML cannot carry."""
    triples = sorted_triples(graph)
    for s, p, o in triples:
        for term in (s, p, o):
            check_xml_text(str(term), f"{_describe(s)} {p}")
    known = {base: prefix for prefix, base in PREFIXES.items()}
    bases = sorted({_split_predicate(str(p))[0] for _, p, _ in triples} | {str(RDF)})
    other = iter(f"ns{index}" for index in range(1, len(bases) + 1))
    used = {base: known.get(base) or next(other) for base in bases}
    decls = "".join(
        f'\n    xmlns:{prefix}="{_xml_attr(base)}"'
        for base, prefix in sorted(used.items(), key=lambda i: i[1])
    )
    out = ['<?xml version="1.0" encoding="utf-8"?>', f"<rdf:RDF{decls}>"]
    current: Node | None = None
    for s, p, o in triples:
        if s != current:
            if current is not None:
                out.append("  </rdf:Description>")
            if isinstance(s, BNode):
                about = f'rdf:nodeID="{_bnode_label(s)}"'
            else:
                about = f'rdf:about="{_xml_attr(str(s))}"'
            out.append(f"  <rdf:Description {about}>")
            current = s
        base, local = _split_predicate(str(p))
        tag = f"{used[base]}:{local}"
        if isinstance(o, URIRef):
            out.append(f'    <{tag} rdf:resource="{_xml_attr(str(o))}"/>')
        elif isinstance(o, BNode):
            out.append(f'    <{tag} rdf:nodeID="{_bnode_label(o)}"/>')
        else:
            assert isinstance(o, Literal)
            if o.language:
                attrs = f' xml:lang="{_xml_attr(o.language)}"'
            elif o.datatype is not None and o.datatype != XSD.string:
                attrs = f' rdf:datatype="{_xml_attr(str(o.datatype))}"'
            else:
                attrs = ""
            out.append(f"    <{tag}{attrs}>{_xml_text(str(o))}</{tag}>")
    if current is not None:
        out.append("  </rdf:Description>")
    out.append("</rdf:RDF>")
    return ("\n".join(out) + "\n").encode("utf-8")


# --- JSON-LD --------------------------------------------------------------------------------------


def compact_iri(iri: str) -> str:
    """A compact IRI under the project context (longest matching namespace), or the IRI itself."""
    best: tuple[int, str] | None = None
    for prefix, base in PREFIXES.items():
        local = iri[len(base) :]
        if (
            iri.startswith(base)
            and local
            and not local.startswith("//")
            and (best is None or len(base) > best[0])
        ):
            best = (len(base), f"{prefix}:{local}")
    return best[1] if best else iri


def expand_curie(curie: str) -> str:
    """Expand a ``kg:x`` style CURIE with the project prefixes; other text comes back unchanged."""
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return curie


def _jsonld_value(term: Node) -> Any:
    if isinstance(term, URIRef):
        return {"@id": compact_iri(str(term))}
    if isinstance(term, BNode):
        return {"@id": "_:" + _bnode_label(term)}
    assert isinstance(term, Literal)
    if term.language:
        return {"@language": term.language, "@value": str(term)}
    if term.datatype is not None and term.datatype != XSD.string:
        return {"@type": compact_iri(str(term.datatype)), "@value": str(term)}
    return str(term)


def _jsonld_nodes(triples: list[Triple]) -> Iterator[dict[str, Any]]:
    by_subject: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in triples:
        by_subject[s].append((p, o))
    for subject in sorted(by_subject, key=term_key):
        node: dict[str, Any] = {"@id": _jsonld_value(subject)["@id"]}
        types = [o for p, o in by_subject[subject] if p == RDF.type and isinstance(o, URIRef)]
        if types:
            node["@type"] = [compact_iri(str(t)) for t in types]
        values: dict[str, list[Any]] = defaultdict(list)
        for p, o in by_subject[subject]:
            if p == RDF.type and isinstance(o, URIRef):
                continue
            values[compact_iri(str(p))].append(_jsonld_value(o))
        for key in sorted(values):
            node[key] = values[key]
        yield node


def to_jsonld(graph: Graph) -> bytes:
    """Flattened JSON-LD with an inline compact context of the project prefixes (no remote context)."""
    document = {"@context": dict(PREFIXES), "@graph": list(_jsonld_nodes(sorted_triples(graph)))}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
