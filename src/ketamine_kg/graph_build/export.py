"""Export the built graph to the formats other tools read: RDF syntaxes, GraphML, GEXF, Cytoscape.js, KGX.

One module per format (``export_<format>.py``, with ``to_<format>(graph)`` and ``write_<format>``); this
module picks one. Every export is deterministic (sorted statements, blank-node labels as given, no timestamps), checks
that the format can carry all the text before anything is written, and writes atomically.

>>> from ketamine_kg.graph_build.export import format_from_path
>>> format_from_path(Path("kg.owl"))
'xml'
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.term import Node

from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.atomic import replace_folder_atomic, write_bytes_atomic
from ketamine_kg.graph_build.statements import RdfInput, as_dataset, asserted_dataset, sorted_triples
from ketamine_kg.terms import to_rdflib_exact
from ketamine_kg.vocab import KKG, OWL, PREFIXES, RDF

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "RDF_FORMATS",
    "ExportResult",
    "dataset_to_graph",
    "export",
    "format_from_path",
    "select_statements",
    "split_inferred",
    "to_bytes",
]

log = logging.getLogger(__name__)

RDF_FORMATS = ("turtle", "nt", "xml", "json-ld", "trig", "nquads")
GRAPH_FORMATS = ("graphml", "gexf", "cytoscape", "kgx")
FORMATS = RDF_FORMATS + GRAPH_FORMATS
#: format -> (module of graph_build, its ``to_<format>`` function)
_WRITERS = {
    "turtle": ("export_turtle", "to_turtle"),
    "nt": ("export_ntriples", "to_ntriples"),
    "xml": ("export_rdfxml", "to_rdfxml"),
    "json-ld": ("export_jsonld", "to_jsonld"),
    "trig": ("export_trig", "to_trig"),
    "nquads": ("export_nquads", "to_nquads"),
    "graphml": ("export_graphml", "to_graphml"),
    "gexf": ("export_gexf", "to_gexf"),
    "cytoscape": ("export_cytoscape", "to_cytoscape"),
    "kgx": ("export_kgx", "to_kgx"),
}

_SUFFIXES = (
    (".cytoscape.json", "cytoscape"),
    (".cyjs", "cytoscape"),
    (".ttl", "turtle"),
    (".nt", "nt"),
    (".owl", "xml"),
    (".rdf", "xml"),
    (".jsonld", "json-ld"),
    (".trig", "trig"),
    (".nq", "nquads"),
    (".graphml", "graphml"),
    (".gexf", "gexf"),
)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the format, the files and how many statements, nodes or edges."""

    format: str
    files: tuple[Path, ...]
    triples: int = 0
    nodes: int = 0
    edges: int = 0


def format_from_path(path: Path) -> str:
    """The export format implied by ``path``: its extension, or ``kgx`` for a directory."""
    name = path.name.lower()
    for suffix, fmt in _SUFFIXES:
        if name.endswith(suffix):
            return fmt
    if path.is_dir() or not path.suffix:
        return "kgx"
    known = ", ".join(s for s, _ in _SUFFIXES)
    raise ExportError(
        f"{path}: cannot tell the export format from the extension ({known}, or a directory "
        "for kgx); pass --format"
    )


def _is_true(term: Node) -> bool:
    return isinstance(term, Literal) and term.toPython() is True


def split_inferred(graph: Graph) -> tuple[Graph, Graph]:
    """Split into (asserted, inferred): inferred = triples whose only axioms say ``kkg:inferred true``.

    The inferred part carries those triples and their own ``owl:Axiom`` annotations.
    """
    inferred_axioms: dict[tuple[Node, Node, Node], list[Node]] = {}
    asserted_keys: set[tuple[Node, Node, Node]] = set()
    for axiom in set(graph.subjects(RDF.type, OWL.Axiom)):
        key = (
            graph.value(axiom, OWL.annotatedSource),
            graph.value(axiom, OWL.annotatedProperty),
            graph.value(axiom, OWL.annotatedTarget),
        )
        if any(_is_true(v) for v in graph.objects(axiom, KKG.inferred)):
            inferred_axioms.setdefault(key, []).append(axiom)  # type: ignore[arg-type]
        else:
            asserted_keys.add(key)  # type: ignore[arg-type]
    inferred = Graph()
    for key, axioms in inferred_axioms.items():
        if key not in asserted_keys and key in graph:
            inferred.add(key)
        for axiom in axioms:
            for p, o in graph.predicate_objects(axiom):
                inferred.add((axiom, p, o))
    asserted = Graph()
    for triple in graph:
        if triple not in inferred:
            asserted.add(triple)
    for graph_out in (asserted, inferred):
        for prefix, base in PREFIXES.items():
            graph_out.bind(prefix, base, override=True)
    return asserted, inferred


def _writer(fmt: str) -> Callable[[Any], bytes] | Callable[[Any], dict[str, bytes]]:
    """The ``to_<format>`` function of the module that writes ``fmt``."""
    module_name, function = _WRITERS[fmt]
    module = importlib.import_module(f"ketamine_kg.graph_build.{module_name}")
    writer: Callable[[Any], bytes] | Callable[[Any], dict[str, bytes]] = getattr(module, function)
    return writer


def to_bytes(graph: RdfInput, fmt: str) -> dict[str, bytes]:
    """The files of ``fmt`` for ``graph``: ``{"": bytes}`` for a one-file format, ``{name: bytes}`` for a folder."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt not in RDF_FORMATS and isinstance(graph, ox.Dataset):
        graph = dataset_to_graph(graph)
    data = _writer(fmt)(graph)
    return data if isinstance(data, dict) else {"": data}


def dataset_to_graph(dataset: ox.Dataset) -> Graph:
    """An rdflib graph (named graphs merged) of a dataset, terms kept exactly; for the network projection."""
    graph = Graph(bind_namespaces="none")
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base)
    for quad in dataset:
        graph.add(
            (to_rdflib_exact(quad.subject), to_rdflib_exact(quad.predicate), to_rdflib_exact(quad.object))
        )
    return graph


@overload
def select_statements(graph: Graph, *, inferred: bool) -> Graph: ...
@overload
def select_statements(graph: ox.Dataset, *, inferred: bool) -> ox.Dataset: ...
def select_statements(graph: RdfInput, *, inferred: bool) -> RdfInput:
    """The graph itself with ``inferred=True``; only its asserted part otherwise (an rdflib graph or a dataset)."""
    if inferred:
        return graph
    if isinstance(graph, Graph):
        return split_inferred(graph)[0]
    return asserted_dataset(graph)


def export(graph: RdfInput, fmt: str, out: Path, *, inferred: bool = True) -> ExportResult:
    """Write ``graph`` (with or without its inferred statements) to ``out`` in format ``fmt``.

    ``graph`` is an rdflib graph (a build) or a pyoxigraph dataset (RDF files read with ``--from-rdf``):
    RDF formats are written from a dataset without going through rdflib. Nothing is written when the format
    cannot carry the data; every file is replaced atomically.
    """
    selected = select_statements(graph, inferred=inferred)
    files = to_bytes(selected, fmt)
    targets = {out / name if name else out: data for name, data in files.items()}
    if "" in files:
        write_bytes_atomic(out, files[""])
    else:  # a folder format (KGX, Neo4j): its files belong together and are replaced as one set
        replace_folder_atomic(out, files)
    if fmt in RDF_FORMATS:
        triples = len(sorted_triples(as_dataset(selected)))
        log.info("wrote %s (%d statements) to %s", fmt, triples, out)
        return ExportResult(fmt, tuple(targets), triples=triples)
    counts = _network_counts(fmt, files)
    return ExportResult(fmt, tuple(targets), nodes=counts[0], edges=counts[1])


def _network_counts(fmt: str, files: dict[str, bytes]) -> tuple[int, int]:
    """Nodes and edges written: the data lines of the node and edge tables, or the XML/JSON elements."""
    if fmt == "kgx":
        return (files["nodes.tsv"].count(b"\n") - 1, files["edges.tsv"].count(b"\n") - 1)
    if fmt == "neo4j":
        return (files["nodes.csv"].count(b"\n") - 1, files["relationships.csv"].count(b"\n") - 1)
    data = files[""]
    if fmt == "cytoscape":
        elements = json.loads(data)["elements"]
        return len(elements["nodes"]), len(elements["edges"])
    if fmt == "obographs":
        graph = json.loads(data)["graphs"][0]
        return len(graph.get("nodes", [])), len(graph.get("edges", []))
    if fmt == "sssom":
        rows = [line for line in data.splitlines() if line and not line.startswith(b"#")]
        return 0, len(rows) - 1
    return data.count(b"<node "), data.count(b"<edge ")
