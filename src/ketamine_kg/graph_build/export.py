"""Export the built graph to the formats other tools read: RDF syntaxes, GraphML, GEXF, Cytoscape.js, KGX.

One module per format (``export_<format>.py``, with ``to_<format>(graph)`` and ``write_<format>``); this
module picks one. Every export is deterministic (sorted statements, blank-node labels as given, no timestamps), checks
that the format can carry all the text before anything is written, and writes atomically.

>>> from ketamine_kg.graph_build.export import format_from_path
>>> format_from_path(Path("kg.owl"))
'xml'
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import pyoxigraph as ox
from rdflib import Graph

from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.atomic import replace_folder_atomic, write_bytes_atomic
from ketamine_kg.graph_build.statements import (
    RdfInput,
    as_dataset,
    asserted_dataset,
    sorted_triples,
    split_dataset,
)
from ketamine_kg.terms import to_rdflib_exact
from ketamine_kg.vocab import PREFIXES

__all__ = [
    "DIRECTORY_FORMATS",
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
GRAPH_FORMATS = ("graphml", "gexf", "cytoscape", "kgx", "neo4j", "sssom", "obographs")
#: Formats written as a folder of files.
DIRECTORY_FORMATS = ("kgx", "neo4j")
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
    "neo4j": ("export_neo4j", "to_neo4j"),
    "sssom": ("export_sssom", "to_sssom"),
    "obographs": ("export_obographs", "to_obographs"),
}

_SUFFIXES = (
    (".cytoscape.json", "cytoscape"),
    (".sssom.tsv", "sssom"),
    (".obographs.json", "obographs"),
    (".obo.json", "obographs"),
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


def split_inferred(graph: Graph) -> tuple[Graph, Graph]:
    """Split into (asserted, inferred): inferred = triples whose only axioms say ``kkg:inferred true``.

    The inferred part carries those triples and their own ``owl:Axiom`` annotations
    (``statements.split_dataset``, returned as rdflib graphs).
    """
    return tuple(_to_graph(part) for part in split_dataset(as_dataset(graph)))  # type: ignore[return-value]


def _to_graph(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base)
    for t in triples:
        graph.add((to_rdflib_exact(t.subject), to_rdflib_exact(t.predicate), to_rdflib_exact(t.object)))
    return graph


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
    return _to_graph(dataset)


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
    if fmt == "neo4j":  # CSV records, not lines: quoted text may hold line breaks
        return tuple(  # type: ignore[return-value]
            sum(1 for _ in csv.reader(io.StringIO(files[name].decode("utf-8")))) - 1
            for name in ("nodes.csv", "relationships.csv")
        )
    data = files[""]
    if fmt == "cytoscape":
        elements = json.loads(data)["elements"]
        return len(elements["nodes"]), len(elements["edges"])
    if fmt == "obographs":  # entities and relation edges (category classes and type edges left out)
        graph = json.loads(data)["graphs"][0]
        return (
            sum(1 for n in graph["nodes"] if n.get("type") == "INDIVIDUAL"),
            sum(1 for e in graph["edges"] if e.get("pred") != "type"),
        )
    if fmt == "sssom":
        rows = [line for line in data.splitlines() if line and not line.startswith(b"#")]
        return 0, len(rows) - 1
    return data.count(b"<node "), data.count(b"<edge ")
