"""Export the built graph to the formats other tools read: RDF syntaxes, GraphML, GEXF, Cytoscape.js, KGX.

Every export is deterministic (sorted statements, canonical blank-node labels, no timestamps), checks
that the format can carry all the text before anything is written, and writes atomically.

>>> from ketamine_kg.graph_build.export import format_from_path
>>> format_from_path(Path("kg.owl"))
'xml'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal
from rdflib.term import Node

from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.atomic import replace_folder_atomic, write_bytes_atomic
from ketamine_kg.vocab import KKG, OWL, PREFIXES, RDF

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "RDF_FORMATS",
    "ExportResult",
    "canonical",
    "export",
    "format_from_path",
    "select_statements",
    "split_inferred",
    "to_rdf_bytes",
]

log = logging.getLogger(__name__)

RDF_FORMATS = ("turtle", "nt", "xml", "json-ld", "trig", "nquads")
GRAPH_FORMATS = ("graphml", "gexf", "cytoscape", "kgx")
FORMATS = RDF_FORMATS + GRAPH_FORMATS

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


def select_statements(graph: Graph, *, inferred: bool) -> Graph:
    """The graph itself with ``inferred=True``; only its asserted part otherwise."""
    return graph if inferred else split_inferred(graph)[0]


_STABLE_BNODE = re.compile(r"^b[0-9a-f]{20}$")


def canonical(graph: Graph) -> Graph:
    """The graph with deterministic blank-node labels.

    The build already names its axiom blank nodes by a hash of their content; any other blank node
    (merged or hand-written RDF) makes the whole graph go through rdflib's canonical labelling.
    """
    from ketamine_kg.graph_build import serialize

    canonical_bnodes: Callable[[Graph], Graph] | None = getattr(serialize, "canonical_bnodes", None)
    if canonical_bnodes is not None:
        return canonical_bnodes(graph)
    bnodes = {t for triple in graph for t in triple if isinstance(t, BNode)}
    if all(_STABLE_BNODE.match(str(b)) for b in bnodes):
        return graph
    from rdflib.compare import to_canonical_graph

    return to_canonical_graph(graph)


def _turtle(graph: Graph) -> bytes:
    from ketamine_kg.graph_build.serialize import to_turtle

    return to_turtle(graph)


def to_rdf_bytes(graph: Graph, fmt: str) -> bytes:
    """Serialise an (already selected) graph in one of ``RDF_FORMATS``; deterministic bytes."""
    from ketamine_kg.graph_build import export_rdf

    graph = canonical(graph)
    if fmt == "turtle":
        return _turtle(graph)
    if fmt == "nt":
        return export_rdf.to_ntriples(graph)
    if fmt == "xml":
        return export_rdf.to_rdfxml(graph)
    if fmt == "json-ld":
        return export_rdf.to_jsonld(graph)
    asserted, inferred = split_inferred(graph)
    named = {export_rdf.ASSERTED_GRAPH: asserted}
    if len(inferred):
        named[export_rdf.INFERRED_GRAPH] = inferred
    if fmt == "trig":
        return export_rdf.to_trig(named)
    if fmt == "nquads":
        return export_rdf.to_nquads((s, p, o, name) for name, g in named.items() for s, p, o in g)
    raise ExportError(f"unknown RDF format {fmt!r}; choose one of {', '.join(RDF_FORMATS)}")


def _network(graph: Graph) -> nx.MultiDiGraph:
    from ketamine_kg.graph_build.projection import to_network

    return to_network(graph)


def export(
    graph: Graph,
    fmt: str,
    out: Path,
    *,
    inferred: bool = True,
    network_factory: Callable[[Graph], nx.MultiDiGraph] | None = None,
) -> ExportResult:
    """Write ``graph`` (with or without its inferred statements) to ``out`` in format ``fmt``.

    Nothing is written when the format cannot carry the data; every file is replaced atomically.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    selected = select_statements(graph, inferred=inferred)
    if fmt in RDF_FORMATS:
        data = to_rdf_bytes(selected, fmt)
        write_bytes_atomic(out, data)
        log.info("wrote %s (%d triples) to %s", fmt, len(selected), out)
        return ExportResult(fmt, (out,), triples=len(selected))
    from ketamine_kg.graph_build import export_network

    network = (network_factory or _network)(selected)
    if not inferred:
        network = export_network.without_inferred(network)
    files = export_network.render(network, fmt, graph=selected)
    targets = {out / name if fmt == "kgx" else out: data for name, data in files.items()}
    if fmt == "kgx":  # nodes.tsv and edges.tsv belong together: the folder is replaced as one set
        replace_folder_atomic(out, files)
    else:
        for path, data in targets.items():
            write_bytes_atomic(path, data)
    return ExportResult(
        fmt,
        tuple(targets),
        nodes=network.number_of_nodes(),
        edges=network.number_of_edges(),
    )
