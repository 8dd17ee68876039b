"""The build pipeline: tables -> validated source -> OWL (owlready2) -> HermiT -> RDF graph -> outputs."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ketamine_kg.graph_build.atomic import check_replaceable, replace_folder_atomic
from ketamine_kg.graph_build.export_rdfxml import rdfxml_of_sorted
from ketamine_kg.graph_build.rdf_files import load_rdf_files
from ketamine_kg.graph_build.serialize import to_turtle_triples
from ketamine_kg.graph_build.statements import (
    as_dataset,
    convert_triples,
    has_stable_blank_nodes,
    sorted_triples,
)
from ketamine_kg.ontology.reason import (
    CHECK_EVERY,
    DEFAULT_MAX_INFERRED,
    DEFAULT_TIMEOUT,
    Deadline,
    ReasoningReport,
    run_reasoner,
    skipped_report,
)
from ketamine_kg.ontology.schema import Schema, load_schema
from ketamine_kg.ontology.source import Source, load_source
from ketamine_kg.ontology.triples import annotate, bnode_for, schema_iri
from ketamine_kg.processes import in_forked_child
from ketamine_kg.vocab import DCTERMS, KKG, OWL, PROV, RDF, RDFS

__all__ = [
    "OWL_NAME",
    "TTL_NAME",
    "BuildResult",
    "Summary",
    "build_knowledge_graph",
    "check_out_dir",
    "render_outputs",
    "write_outputs",
]

log = logging.getLogger(__name__)

OWL_NAME = "ketamine-kg.owl"
TTL_NAME = "ketamine-kg.ttl"
HTML_NAME = "ketamine-kg.html"
Progress = Callable[[str], None]
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Summary:
    """Figures of one build, for the CLI summary and the README."""

    entities_per_category: dict[str, int]
    assertions: int
    sources: int
    claims_by_status: dict[str, int]
    identifiers_by_prefix: dict[str, int]
    quantities: int
    inferred: int
    triples: int


@dataclass(frozen=True)
class BuildResult:
    """Everything a build produced in memory; nothing is on disk until ``write_outputs``."""

    source: Source
    schema: Schema
    graph: Graph
    reasoning: ReasoningReport
    merged_files: tuple[Path, ...] = ()
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    #: ``graph`` as a pyoxigraph dataset when the build made it on the way (None: converted when needed)
    dataset: pyoxigraph.Dataset | None = field(default=None, compare=False, repr=False)

    def as_dataset(self) -> pyoxigraph.Dataset:
        """The graph as a pyoxigraph dataset, the one made during the build if the graph is unchanged."""
        if self.dataset is not None and len(self.dataset) == len(self.graph):
            return self.dataset
        return as_dataset(self.graph)

    @property
    def summary(self) -> Summary:
        src = self.source
        return Summary(
            entities_per_category=dict(sorted(Counter(e.category for e in src.entities).items())),
            assertions=len(src.relations),
            sources=len(src.sources),
            claims_by_status=dict(sorted(Counter(c.status for c in src.claims).items())),
            identifiers_by_prefix=dict(sorted(Counter(i.prefix for i in src.identifiers).items())),
            quantities=len(src.quantities),
            inferred=len(self.reasoning.inferred),
            triples=len(self.graph),
        )


def build_knowledge_graph(
    source_dir: Path | None = None,
    *,
    reason: bool = True,
    merge: Sequence[Path] = (),
    reasoner_timeout: float = DEFAULT_TIMEOUT,
    max_inferred: int = DEFAULT_MAX_INFERRED,
    progress: Progress | None = None,
) -> BuildResult:
    """Validate the tables, build the ontology, reason and return the annotated RDF graph.

    ``reasoner_timeout`` bounds the whole reasoning step, adding the inferred facts included; more than
    ``max_inferred`` new facts stop the build with a message (``ReasonerError``).

    >>> result = build_knowledge_graph(reason=False)
    >>> result.summary.entities_per_category["drug"] > 0
    True
    """
    from ketamine_kg.ontology.triples import source_to_graph

    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    say("reading and validating the source tables")
    schema = load_schema()
    source = load_source(source_dir, schema)
    graph = source_to_graph(source, schema)
    timings["load+triples"] = time.perf_counter() - start
    if merge:
        say(f"merging {len(merge)} RDF file(s)")
        graph += load_rdf_files(merge)
    dataset = None
    if reason:
        say("reasoning with HermiT")
        t0 = time.perf_counter()
        deadline = Deadline(reasoner_timeout)
        asserted: list[pyoxigraph.Dataset] = []

        def while_waiting() -> None:
            _import_output_modules()
            asserted.append(convert_triples(graph))  # the graph stays as it is until HermiT is done

        report = run_reasoner(
            graph, schema, deadline=deadline, max_inferred=max_inferred, while_waiting=while_waiting
        )
        if report.ran:  # the entailments HermiT leaves implicit, stated like the rest
            report = replace(report, inferred=report.inferred + metabolite_closure(graph, report.inferred))
        added = add_inferred_within(graph, report, deadline)
        if asserted:
            dataset = asserted[0]
            for quad in convert_triples(added):
                dataset.add(quad)
            if not has_stable_blank_nodes(dataset):  # merged files: canonical labels need the whole graph
                dataset = None
        timings["reasoning"] = time.perf_counter() - t0
        if not report.ran:
            log.warning(report.message)
    else:
        report = skipped_report()
    return BuildResult(
        source, schema, graph, report, tuple(merge), time.perf_counter() - start, timings, dataset
    )


def _import_output_modules() -> None:
    """Import what ``render_outputs`` needs while HermiT runs on the other core (saves ~0.3 s a build)."""
    import importlib

    for name in (
        "owlready2",
        "ketamine_kg.graph_build.projection",
        "ketamine_kg.queries",
        "ketamine_kg.visualize",
    ):
        importlib.import_module(name)


def add_inferred_within(graph: Graph, report: ReasoningReport, deadline: Deadline) -> list[Triple]:
    """``add_inferred`` in slices, stopping with ``ReasonerError`` once the reasoning step's time is up."""
    added: list[Triple] = []
    for start in range(0, len(report.inferred), CHECK_EVERY):
        deadline.check("adding the inferred facts to the graph")
        added += add_inferred(graph, replace(report, inferred=report.inferred[start : start + CHECK_EVERY]))
    return added


#: Annotations an inferred triple inherits from the asserted axiom it mirrors (qualifiers and provenance).
MIRRORED_ANNOTATIONS = (
    URIRef(KKG.evidenceLevel),
    URIRef(KKG.approvalStatus),
    URIRef(KKG.mechanism),
    URIRef(KKG.regimen),
    URIRef(KKG.route),
    URIRef(KKG.region),
    URIRef(KKG.directness),
    URIRef(KKG.population),
    URIRef(KKG.interaction),
    URIRef(KKG.site),
    DCTERMS.source,
    DCTERMS.date,
)


def metabolite_closure(graph: Graph, inferred: Sequence[Triple]) -> tuple[Triple, ...]:
    """The direct ``hasDownstreamMetabolite`` edges the reasoner leaves implicit (it reports new facts only).

    ``hasMetabolite`` is a sub-property of the transitive ``hasDownstreamMetabolite``; stating its direct
    edges lets a query without a reasoner find norketamine downstream of ketamine.
    """
    known = set(inferred)
    down = schema_iri("hasDownstreamMetabolite")
    edges = {(s, down, o) for s, o in graph.subject_objects(schema_iri("hasMetabolite"))}
    return tuple(
        sorted((t for t in edges if t not in known and t not in graph), key=lambda t: [str(x) for x in t])
    )


def add_inferred(graph: Graph, report: ReasoningReport) -> list[Triple]:
    """Add the reasoner's entailments, each marked by an axiom annotation as inferred by HermiT (returned).

    An entailment that mirrors a curated assertion (the inverse ``mdd isTreatedBy ketamine`` of ``ketamine
    treats mdd``, or a super-property of it) gets one inferred axiom per mirrored assertion, carrying that
    assertion's qualifiers, evidence and sources plus ``kkg:mirrorsAssertion`` with its id: an inferred
    statement is never less qualified than the assertion it restates. Direct-metabolite closure edges are
    marked as generated by ``kkg:metaboliteClosure`` instead of HermiT.
    """
    mirrors = _mirror_index(graph)
    closure = set(metabolite_closure(graph, ()))
    added: list[Triple] = []

    def put(triple: Triple) -> None:
        graph.add(triple)
        added.append(triple)

    for s, p, o in report.inferred:
        step = KKG.metaboliteClosure if (s, p, o) in closure else KKG.hermitReasoning
        marks = [(URIRef(PROV.wasGeneratedBy), URIRef(step)), (URIRef(KKG.inferred), Literal(True))]
        put((s, p, o))
        mirrored = mirrors.get((s, p, o), [])
        if not mirrored:
            for triple in annotate(s, p, o, bnode_for("inferred", s, p, o), marks):
                put(triple)
        for rid, axiom in mirrored:
            notes = [*marks, (URIRef(KKG.mirrorsAssertion), rid)]
            notes += [
                (ap, v) for ap in MIRRORED_ANNOTATIONS for v in sorted(graph.objects(axiom, ap), key=str)
            ]
            for triple in annotate(s, p, o, bnode_for("inferred", s, p, o, rid), notes):
                put(triple)
    return added


def _mirror_index(graph: Graph) -> dict[tuple[Node, Node, Node], list[tuple[Node, Node]]]:
    """(s, p, o) -> [(assertion id, axiom)] of curated axioms whose triple entails ``s p o`` directly.

    Entailed: the same pair under a super-property (``isAntagonistOf`` -> ``molecularlyInteractsWith``),
    or the reversed pair under the inverse (or, for symmetric properties, the same) property.
    """
    supers: dict[Node, set[Node]] = {}
    for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
        supers.setdefault(sub, set()).add(sup)
    inverses: dict[Node, set[Node]] = {}
    for a, b in graph.subject_objects(OWL.inverseOf):
        inverses.setdefault(a, set()).add(b)
        inverses.setdefault(b, set()).add(a)
    for prop in graph.subjects(RDF.type, OWL.SymmetricProperty):
        inverses.setdefault(prop, set()).add(prop)

    def closure(prop: Node) -> set[Node]:
        seen, todo = {prop}, [prop]
        while todo:
            for sup in supers.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    index: dict[tuple[Node, Node, Node], list[tuple[Node, Node]]] = {}
    for axiom, rid in sorted(graph.subject_objects(URIRef(KKG.assertionId)), key=lambda pair: str(pair[1])):
        s = graph.value(axiom, OWL.annotatedSource)
        p = graph.value(axiom, OWL.annotatedProperty)
        o = graph.value(axiom, OWL.annotatedTarget)
        if s is None or p is None or o is None:
            continue
        for sup in closure(p):
            index.setdefault((s, sup, o), []).append((rid, axiom))
            for inverse in inverses.get(sup, ()):
                index.setdefault((o, inverse, s), []).append((rid, axiom))
    return index


def render_outputs(result: BuildResult, progress: Progress | None = None) -> dict[str, bytes]:
    """File name -> bytes for every output of the main job (rendered fully before anything is written)."""
    say = progress or (lambda _msg: None)
    from ketamine_kg.graph_build.projection import to_network
    from ketamine_kg.queries import render_query_answers
    from ketamine_kg.visualize import render_html

    dataset = result.as_dataset()  # converted once for Turtle, OWL and the query store
    say("serialising Turtle and OWL, drawing the network view")
    with in_forked_child(lambda: _rdf_files(dataset)) as rdf_files:  # on the other core
        html = render_html(
            to_network(result.graph), title="ketamine-kg: ketamine and esketamine in depression"
        )
        say("answering the named queries")
        store = pyoxigraph.Store()
        store.extend(dataset)
        answers = render_query_answers(store)
        turtle, owl = rdf_files()
    return {OWL_NAME: owl, TTL_NAME: turtle, HTML_NAME: html.encode("utf-8"), **answers}


def _rdf_files(dataset: pyoxigraph.Dataset) -> tuple[bytes, bytes]:
    """Turtle and OWL (RDF/XML) of ``dataset``, sorted once for both."""
    ordered = sorted_triples(dataset)
    return to_turtle_triples(ordered), rdfxml_of_sorted(ordered)


def check_out_dir(out_dir: Path) -> None:
    """Fail early (``UserError``) when ``write_outputs`` would refuse ``out_dir``: it holds others' files."""
    check_replaceable(out_dir, (OWL_NAME, TTL_NAME, HTML_NAME, "queries/"))


def write_outputs(files: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Replace the contents of ``out_dir`` with ``files`` as one set (names may contain sub-folders).

    Readers and killed runs see the whole earlier set or the whole new one, never a mix.
    """
    return replace_folder_atomic(out_dir, files)
