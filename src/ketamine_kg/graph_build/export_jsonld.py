"""JSON-LD export: flattened, one node object per subject, with an inline compact context (never remote)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.statements import RdfInput, as_dataset, sorted_triples
from ketamine_kg.terms import compress
from ketamine_kg.vocab import PREFIXES, RDF, XSD

__all__ = ["jsonld_context", "to_jsonld", "write_jsonld"]

_TYPE = str(RDF.type)
_STRING = str(XSD.string)


def jsonld_context() -> dict[str, str]:
    """The inline context: every curated prefix (their IRIs all end in ``/``, ``#`` or ``_``)."""
    return dict(PREFIXES)


def _compact(iri: str) -> str:
    return compress(iri, strict_local=False)


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Any:
    if isinstance(term, ox.NamedNode):
        return {"@id": _compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@language": term.language, "@value": term.value}
        if term.datatype.value != _STRING:
            return {"@type": _compact(term.datatype.value), "@value": term.value}
        return term.value
    raise TypeError(f"RDF-star triple terms cannot be written as JSON-LD: {term}")


def _nodes(triples: list[ox.Triple]) -> Iterator[dict[str, Any]]:
    by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
    order: list[str] = []
    for t in triples:
        key = _value(t.subject)["@id"]
        if key not in by_subject:
            order.append(key)
        by_subject[key].append(t)
    for key in order:
        node: dict[str, Any] = {"@id": key}
        values: dict[str, list[Any]] = defaultdict(list)
        types: list[str] = []
        for t in by_subject[key]:
            if t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode):
                types.append(_compact(t.object.value))
            else:
                values[_compact(t.predicate.value)].append(_value(t.object))
        if types:
            node["@type"] = types
        for name in sorted(values):
            node[name] = values[name]
        yield node


def to_jsonld(graph: RdfInput) -> bytes:
    """Flattened JSON-LD with the inline context; sorted, byte-identical for the same statements."""
    document = {"@context": jsonld_context(), "@graph": list(_nodes(sorted_triples(as_dataset(graph))))}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_jsonld(graph: RdfInput, path: Path) -> None:
    """Write ``to_jsonld(graph)`` atomically."""
    write_bytes_atomic(path, to_jsonld(graph))
