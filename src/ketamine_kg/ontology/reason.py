"""Run HermiT (the copy shipped with owlready2) on Java with a timeout; explain inconsistencies.

owlready2's ``sync_reasoner`` has no timeout, leaks its temporary file when Java fails and raises an empty
error on inconsistency, so HermiT is started here directly, with owlready2's options, in a private
temporary directory and its own process group.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from ketamine_kg.errors import InconsistentOntologyError, ReasonerError
from ketamine_kg.ontology.schema import Schema
from ketamine_kg.ontology.triples import schema_iri
from ketamine_kg.vocab import OWL, PREFIXES, RDF, RDFS

__all__ = ["ReasoningReport", "explain_inconsistency", "find_java", "run_reasoner", "skipped_report"]

log = logging.getLogger(__name__)

Triple = tuple[Node, Node, Node]
DEFAULT_TIMEOUT = 120.0
HERMIT_OPTIONS = ("-c", "-O", "-D", "-I", "-Y")  # as owlready2's sync_reasoner(infer_property_values=True)
PROPERTY_LINE = re.compile(r"^<([^>]+)> \(known instances:(.*?)\|\s*possible instances:", re.MULTILINE)
PAIR = re.compile(r"\(<([^>]+)>, <([^>]+)>\)")
TYPE_LINE = re.compile(r"^Type\( <([^>]+)> <([^>]+)> \)$", re.MULTILINE)
CORE_ANNOTATIONS = frozenset({RDFS.label, RDFS.comment, RDFS.seeAlso, OWL.versionInfo})


@dataclass(frozen=True)
class ReasoningReport:
    """Outcome of the reasoning step: ``status`` is consistent, skipped or unavailable."""

    status: str
    message: str
    inferred: tuple[Triple, ...] = ()
    seconds: float = 0.0

    @property
    def ran(self) -> bool:
        return self.status == "consistent"


def skipped_report() -> ReasoningReport:
    """The report for ``--no-reason``."""
    return ReasoningReport("skipped", "reasoning skipped (--no-reason)")


def find_java() -> str | None:
    """The java executable HermiT will use (``KETAMINE_KG_JAVA`` overrides PATH), or None."""
    candidate = os.environ.get("KETAMINE_KG_JAVA", "java")
    return shutil.which(candidate)


def hermit_classpath() -> str:
    """The classpath of the HermiT build that ships inside owlready2 (found without importing owlready2)."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise ReasonerError("owlready2 is not installed, so its HermiT cannot run; reinstall ketamine-kg")
    base = Path(spec.origin).parent / "hermit"
    return os.pathsep.join([str(base), str(base / "HermiT.jar")])


def hermit_command(java: str, ontology: Path, tmp: Path) -> list[str]:
    """owlready2's HermiT invocation (same classification options) with a JIT setting for short runs."""
    return [
        java,
        "-Xmx2000M",
        "-XX:TieredStopAtLevel=1",  # a short run: the quick JIT tier starts faster and finishes sooner
        f"-Djava.io.tmpdir={tmp}",
        "-cp",
        hermit_classpath(),
        "org.semanticweb.HermiT.cli.CommandLine",
        *HERMIT_OPTIONS,
        ontology.resolve().as_uri(),
    ]


def run_reasoner(
    graph: Graph,
    schema: Schema,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    while_waiting: Callable[[], object] | None = None,
) -> ReasoningReport:
    """Check consistency with HermiT and return the new entailments (never asserted ones).

    ``while_waiting`` runs in this process while HermiT runs on Java (e.g. importing what comes next).

    Raises ``InconsistentOntologyError`` naming the culprits, ``ReasonerError`` on timeout or Java failure.
    Without Java the build goes on: the report says why reasoning did not run.
    """
    java = find_java()
    if java is None:
        return ReasoningReport(
            "unavailable",
            "HermiT needs Java, which was not found: install openjdk-17-jre-headless "
            "(or set KETAMINE_KG_JAVA); the graph is written unreasoned",
        )
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ketamine-kg-reason-") as tmp:
        in_path = Path(tmp) / "ontology.nt"
        in_path.write_bytes(logical_axioms(graph).serialize(format="nt", encoding="utf-8"))
        proc = subprocess.Popen(
            hermit_command(java, in_path, Path(tmp)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        if while_waiting is not None:
            while_waiting()
        try:
            out, err = proc.communicate(timeout=max(0.0, timeout - (time.perf_counter() - start)))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ReasonerError(
                f"HermiT did not finish within {timeout:g} s and was stopped; "
                "raise --reasoner-timeout or build with --no-reason"
            ) from None
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        if b"InconsistentOntologyException" in err + out:
            culprits = explain_inconsistency(graph, schema)
            detail = "\n".join(f"  - {c}" for c in culprits) or (
                "  (no simple cause found: look for individuals in disjoint classes or pairs linked by "
                "disjoint properties)"
            )
            raise InconsistentOntologyError(f"HermiT found the ontology inconsistent:\n{detail}", culprits)
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ReasonerError("HermiT failed: " + (" | ".join(tail) or f"exit code {proc.returncode}"))
    entailed = parse_hermit_output(out.decode("utf-8", "replace"))
    inferred = tuple(sorted(_new_facts(graph, entailed), key=lambda t: tuple(str(x) for x in t)))
    log.info("HermiT: consistent, %d inferred facts in %.2f s", len(inferred), seconds)
    return ReasoningReport("consistent", "consistent (HermiT)", inferred, seconds)


def parse_hermit_output(text: str) -> list[Triple]:
    """Property values (``-Y``) and direct types of individuals (``-I``) from HermiT's output."""
    facts: list[Triple] = []
    for prop, known in PROPERTY_LINE.findall(text):
        facts += [(URIRef(s), URIRef(prop), URIRef(o)) for s, o in PAIR.findall(known)]
    facts += [(URIRef(i), RDF.type, URIRef(c)) for i, c in TYPE_LINE.findall(text)]
    return facts


def logical_axioms(graph: Graph) -> Graph:
    """The graph without annotations (labels, provenance, axiom annotations): what HermiT reasons over.

    Annotations carry no logical meaning in OWL 2, so dropping them changes no entailment; it makes
    HermiT's parse and property-value classification faster.
    """
    annotation_properties = set(graph.subjects(RDF.type, OWL.AnnotationProperty))
    axiom_nodes = set(graph.subjects(RDF.type, OWL.Axiom))
    slim = Graph()
    for s, p, o in graph:
        if p in annotation_properties or p in CORE_ANNOTATIONS or s in axiom_nodes:
            continue
        slim.add((s, p, o))
    return slim


def _new_facts(graph: Graph, entailed: list[Triple]) -> list[Triple]:
    """Entailed triples about project individuals that are not already asserted."""
    ids = PREFIXES["kg"]
    trivial = {OWL.Thing, OWL.NamedIndividual}
    out: list[Triple] = []
    for s, p, o in entailed:
        if not str(s).startswith(ids) or (p == RDF.type and o in trivial):
            continue
        if (s, p, o) not in graph:
            out.append((s, p, o))
    return out


def explain_inconsistency(graph: Graph, schema: Schema) -> list[str]:
    """Name the individuals and axioms behind the usual causes of inconsistency in this schema."""

    def name(node: Node) -> str:
        label = graph.value(node, RDFS.label)
        short = str(node).replace(PREFIXES["kg"], "kg:")
        return f"{label} ({short})" if label else short

    by_iri = {schema_iri(p.id): p for p in schema.properties.values()}
    pairs: dict[str, set[tuple[Node, Node]]] = defaultdict(set)
    for iri, prop in by_iri.items():
        for s, o in graph.subject_objects(iri):
            pairs[prop.id].add((s, o))
            if prop.inverse:
                pairs[prop.inverse].add((o, s))
    culprits: list[str] = []
    for prop in schema.properties.values():
        for other in prop.disjoint_with:
            for s, o in sorted(pairs[prop.id] & pairs[other]):
                culprits.append(
                    f"{name(s)} {prop.label} {name(o)} and {name(s)} {schema.properties[other].label} {name(o)}: "
                    f"the properties {prop.id} and {other} are disjoint"
                )
        if "asymmetric" in prop.characteristics:
            for s, o in sorted(pairs[prop.id]):
                if (o, s) in pairs[prop.id] and str(s) < str(o):
                    culprits.append(f"{name(s)} and {name(o)} are linked both ways by asymmetric {prop.id}")
        if "irreflexive" in prop.characteristics:
            culprits += [
                f"{name(s)} {prop.id} itself, but {prop.id} is irreflexive"
                for s, o in pairs[prop.id]
                if s == o
            ]
    culprits += _disjoint_types(graph, schema, pairs, name)
    return culprits


def _disjoint_types(
    graph: Graph, schema: Schema, pairs: dict[str, set[tuple[Node, Node]]], name: object
) -> list[str]:
    """Individuals that end up in two disjoint classes through asserted types, domains and ranges."""
    assert callable(name)
    iri_to_class = {schema_iri(c.id): c.id for c in schema.classes.values()}
    reasons: dict[Node, dict[str, str]] = defaultdict(dict)
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(o, URIRef) and o in iri_to_class:
            reasons[s].setdefault(iri_to_class[o], "asserted type")
    for pid, links in pairs.items():
        prop = schema.properties[pid]
        for s, o in links:
            if len(prop.domain) == 1:
                reasons[s].setdefault(prop.domain[0], f"subject of {pid} {name(o)}")
            if len(prop.range) == 1:
                reasons[o].setdefault(prop.range[0], f"object of {name(s)} {pid}")
    out: list[str] = []
    for node, classes in sorted(reasons.items(), key=lambda kv: str(kv[0])):
        found = sorted(classes)
        for i, a in enumerate(found):
            for b in found[i + 1 :]:
                if _disjoint(schema, a, b):
                    out.append(
                        f"{name(node)} is both a {schema.classes[a].label} ({classes[a]}) and a "
                        f"{schema.classes[b].label} ({classes[b]}), which are disjoint"
                    )
    return out


def _disjoint(schema: Schema, a: str, b: str) -> bool:
    """Two classes are disjoint when they sit (or have ancestors) in one disjoint group but differ there."""
    chain_a, chain_b = schema.ancestors(a), schema.ancestors(b)
    if a in chain_b or b in chain_a:
        return False
    for x in chain_a:
        for y in chain_b:
            if x != y and schema.classes[x].disjoint_group == schema.classes[y].disjoint_group:
                return True
    return False
