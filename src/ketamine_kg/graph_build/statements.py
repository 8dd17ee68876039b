"""The statements every RDF export writes: a pyoxigraph dataset, split into asserted and inferred, sorted.

An rdflib graph (a fresh build) is copied into a dataset; RDF files (``--from-rdf``) are parsed straight
into one by ``rdf_files.load_dataset`` (a dataset, unlike a store, keeps lexical forms such as ``0.30``).
Blank-node labels are kept as they are (the build names them by a hash of their content, a file keeps
its own), so nothing is canonicalised on the way and the same input gives the same bytes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from ketamine_kg.errors import ExportError
from ketamine_kg.terms import rdflib_to_oxigraph
from ketamine_kg.vocab import KKG, OWL, RDF

__all__ = [
    "RdfInput",
    "as_dataset",
    "asserted_dataset",
    "check_xml_text",
    "convert_triples",
    "has_stable_blank_nodes",
    "sorted_triples",
    "split_dataset",
]

RdfInput = Graph | ox.Dataset

_STABLE_BNODE = re.compile(r"^b[0-9a-f]{20}$")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TYPE = ox.NamedNode(str(RDF.type))
_AXIOM = ox.NamedNode(str(OWL.Axiom))
_PARTS = tuple(
    ox.NamedNode(str(p)) for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget)
)
_INFERRED = ox.NamedNode(str(KKG.inferred))
_TRUE = {"true", "1"}


def as_dataset(graph: RdfInput) -> ox.Dataset:
    """``graph`` as a pyoxigraph dataset, lexical forms kept (a dataset is returned as it is).

    The build names its blank nodes by a hash of their content; an rdflib graph with any other blank
    node (parsed by rdflib, labels random per run) is given RDFC-1.0 canonical labels, in Rust.
    """
    if isinstance(graph, ox.Dataset):
        return graph
    dataset = convert_triples(graph)
    if not has_stable_blank_nodes(dataset):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


def convert_triples(triples: Iterable[tuple[Node, Node, Node]]) -> ox.Dataset:
    """rdflib triples as a pyoxigraph dataset, blank-node labels kept as they are."""
    return ox.Dataset(
        ox.Quad(rdflib_to_oxigraph(s), rdflib_to_oxigraph(p), rdflib_to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in triples
    )


def has_stable_blank_nodes(dataset: ox.Dataset) -> bool:
    """Whether every blank node has a build's content-hash label (so the labels are the same each run)."""
    labels = {t.value for q in dataset for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    return all(_STABLE_BNODE.match(label) for label in labels)


def sorted_triples(dataset: ox.Dataset) -> list[ox.Triple]:
    """Every triple (all graphs merged, duplicates once) in N-Triples lexical order."""
    unique = {ox.Triple(q.subject, q.predicate, q.object) for q in dataset}
    return sorted(unique, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _is_true(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.value.strip() in _TRUE


def split_dataset(dataset: ox.Dataset) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """(asserted, inferred), each sorted: inferred = triples whose only axioms say ``kkg:inferred true``.

    The inferred part carries those triples and their own ``owl:Axiom`` annotations (the rule of
    ``export.split_inferred``, on a dataset).
    """
    triples = sorted_triples(dataset)
    present = set(triples)
    by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        by_subject[t.subject].append(t)
    inferred_axioms: dict[ox.Triple, list[object]] = {}
    asserted_keys: set[ox.Triple] = set()
    for t in triples:
        if t.predicate != _TYPE or t.object != _AXIOM:
            continue
        values = {(u.predicate, u.object) for u in by_subject[t.subject]}
        parts = [next((o for p, o in sorted(values, key=str) if p == wanted), None) for wanted in _PARTS]
        s, p, o = parts
        if s is None or o is None or not isinstance(p, ox.NamedNode) or isinstance(s, ox.Literal):
            continue
        key = ox.Triple(s, p, o)
        if any(pred == _INFERRED and _is_true(obj) for pred, obj in values):
            inferred_axioms.setdefault(key, []).append(t.subject)
        else:
            asserted_keys.add(key)
    inferred: set[ox.Triple] = set()
    for key, axioms in inferred_axioms.items():
        if key not in asserted_keys and key in present:
            inferred.add(key)
        for axiom in axioms:
            inferred.update(by_subject[axiom])
    return [t for t in triples if t not in inferred], [t for t in triples if t in inferred]


def asserted_dataset(graph: RdfInput) -> ox.Dataset:
    """A dataset of the asserted statements only."""
    return ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in split_dataset(as_dataset(graph))[0])


def check_xml_text(text: str, where: str) -> None:
    """Refuse text that XML 1.0 cannot carry (most C0 controls, lone surrogates), naming ``where``."""
    match = _XML_FORBIDDEN.search(text)
    if match:
        raise ExportError(
            f"{where}: contains the control character U+{ord(match.group()):04X}, which XML cannot "
            "represent; fix the text or choose a format such as Turtle or N-Triples"
        )
