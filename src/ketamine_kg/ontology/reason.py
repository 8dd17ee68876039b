"""Run HermiT (the copy shipped with owlready2) on Java with a timeout; explain inconsistencies.

owlready2's ``sync_reasoner`` has no timeout, leaks its temporary file when Java fails and raises an empty
error on inconsistency, so HermiT is started here directly, with owlready2's options, in a private
temporary directory and its own process group.

HermiT never follows ``owl:imports``: the import statements are taken out of what it is given (and listed
in a warning), and Java runs under a security policy that lets it read only its own classes and that one
folder, and open no socket at all. The timeout bounds the whole step (Java, reading its answer, adding the
inferred facts) and the number of inferred facts is capped.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from ketamine_kg.errors import InconsistentOntologyError, ReasonerError
from ketamine_kg.ontology.schema import Schema
from ketamine_kg.ontology.triples import schema_iri
from ketamine_kg.processes import parent_death_arm, process_alive
from ketamine_kg.vocab import OWL, PREFIXES, RDF, RDFS

__all__ = [
    "DEFAULT_MAX_INFERRED",
    "DEFAULT_TIMEOUT",
    "TEMP_PREFIX",
    "Deadline",
    "ReasoningReport",
    "declared_imports",
    "explain_inconsistency",
    "find_java",
    "remove_stale_folders",
    "run_reasoner",
    "skipped_report",
]

log = logging.getLogger(__name__)

Triple = tuple[Node, Node, Node]
DEFAULT_TIMEOUT = 120.0
DEFAULT_MAX_INFERRED = 20_000  # the curated data gives ~120; a 300-link metabolite chain ~90,000
TEMP_PREFIX = "ketamine-kg-reason-"  # + the owner's process id, so a later run can tell a stale folder
STALE_LEGACY_SECONDS = 3600.0  # folders named without a process id (older versions) count as stale after this
HERMIT_OPTIONS = ("-c", "-O", "-D", "-I", "-Y")  # as owlready2's sync_reasoner(infer_property_values=True)
PROPERTY_LINE = re.compile(r"^<([^>]+)> \(known instances:(.*?)\|\s*possible instances:", re.MULTILINE)
PAIR = re.compile(r"\(<([^>]+)>, <([^>]+)>\)")
TYPE_LINE = re.compile(r"^Type\( <([^>]+)> <([^>]+)> \)$", re.MULTILINE)
OWNED_FOLDER = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")
CORE_ANNOTATIONS = frozenset({RDFS.label, RDFS.comment, RDFS.seeAlso, OWL.versionInfo})
NO_SECURITY_MANAGER = b"Security Manager is not supported"  # Java 24 and later
CHECK_EVERY = 2000  # rows between two deadline checks in the Python part of the step


@dataclass(frozen=True)
class Deadline:
    """The moment (monotonic clock) by which the whole reasoning step must be over."""

    seconds: float
    start: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return max(0.0, self.start + self.seconds - time.monotonic())

    def check(self, doing: str) -> None:
        """Raise ``ReasonerError`` once the time is up; ``doing`` says which part was still running."""
        if self.remaining() <= 0.0:
            raise ReasonerError(
                f"the reasoning step did not finish within {self.seconds:g} s ({doing}) and was stopped; "
                "raise --reasoner-timeout or build with --no-reason"
            )


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


def hermit_home() -> Path:
    """The folder of the HermiT build that ships inside owlready2 (found without importing owlready2)."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise ReasonerError("owlready2 is not installed, so its HermiT cannot run; reinstall ketamine-kg")
    return Path(spec.origin).parent / "hermit"


def hermit_classpath() -> str:
    """The classpath of owlready2's HermiT."""
    base = hermit_home()
    return os.pathsep.join([str(base), str(base / "HermiT.jar")])


def sandbox_policy(readable: Iterable[Path]) -> str:
    """A Java security policy: read these folders (and what is in them) and system properties; nothing else.

    No ``SocketPermission`` is granted, so any connection or name lookup fails, and no file outside the
    folders can be opened: an import that slipped through could be neither fetched nor read.
    """

    def quoted(path: Path) -> str:
        return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'

    grants = [
        f'  permission java.io.FilePermission {quoted(folder / suffix)}, "read";'
        for folder in readable
        for suffix in ("", "-")
    ]
    return "\n".join(
        [
            "grant {",
            *grants,
            '  permission java.util.PropertyPermission "*", "read";',
            '  permission java.util.PropertyPermission "entityExpansionLimit", "write";',
            "};",
            "",
        ]
    )


def hermit_command(java: str, ontology: Path, tmp: Path, *, policy: Path | None = None) -> list[str]:
    """owlready2's HermiT invocation (same classification options), sandboxed by ``policy`` when given.

    HermiT's command line scans the folder of its input for other ontologies, so ``ontology`` must sit
    alone in a private folder.
    """
    sandbox = [] if policy is None else ["-Djava.security.manager", f"-Djava.security.policy=={policy}"]
    return [
        java,
        "-Xmx2000M",
        "-XX:TieredStopAtLevel=1",  # a short run: the quick JIT tier starts faster and finishes sooner
        "-XX:-UsePerfData",  # no hsperfdata file in /tmp that a kill would leave behind
        f"-Djava.io.tmpdir={tmp}",
        *sandbox,
        "-cp",
        hermit_classpath(),
        "org.semanticweb.HermiT.cli.CommandLine",
        *HERMIT_OPTIONS,
        ontology.resolve().as_uri(),
    ]


def remove_stale_folders(root: Path | None = None) -> list[Path]:
    """Delete the reasoning folders that killed runs left in the temp folder; return what was removed.

    A folder is stale when the process named in it is gone (or, for the names of older versions, when it
    is more than an hour old). Folders of runs still going are left alone.
    """
    base = Path(root or tempfile.gettempdir())
    removed: list[Path] = []
    for path in sorted(base.glob(f"{TEMP_PREFIX}*")):
        if not path.is_dir() or path.is_symlink():
            continue
        owner = OWNED_FOLDER.match(path.name)
        try:
            stale = (
                not process_alive(int(owner.group(1)))
                if owner
                else time.time() - path.stat().st_mtime > STALE_LEGACY_SECONDS
            )
            if stale:
                shutil.rmtree(path)
                removed.append(path)
        except OSError as exc:  # another user's folder, or one removed meanwhile
            log.debug("could not remove %s: %s", path, exc)
    if removed:
        log.info("removed %d stale reasoning folder(s) left by killed runs", len(removed))
    return removed


def declared_imports(graph: Graph) -> tuple[str, ...]:
    """The IRIs named by ``owl:imports`` in ``graph``, sorted: never followed by this project."""
    return tuple(sorted({str(o) for o in graph.objects(None, OWL.imports)}))


def run_reasoner(
    graph: Graph,
    schema: Schema,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_inferred: int = DEFAULT_MAX_INFERRED,
    deadline: Deadline | None = None,
    while_waiting: Callable[[], object] | None = None,
) -> ReasoningReport:
    """Check consistency with HermiT and return the new entailments (never asserted ones).

    ``deadline`` (default: ``timeout`` seconds from now) bounds Java and the reading of its answer; pass
    the same one on to whatever adds the facts. ``while_waiting`` runs in this process while HermiT runs
    on Java (e.g. importing what comes next).

    Raises ``InconsistentOntologyError`` naming the culprits, ``ReasonerError`` on timeout, Java failure
    or more than ``max_inferred`` new facts. Without Java the build goes on: the report says why
    reasoning did not run.
    """
    deadline = deadline or Deadline(timeout)
    java = find_java()
    if java is None:
        return ReasoningReport(
            "unavailable",
            "HermiT needs Java, which was not found: install openjdk-17-jre-headless "
            "(or set KETAMINE_KG_JAVA); the graph is written unreasoned",
        )
    imports = declared_imports(graph)
    if imports:
        log.warning(
            "owl:imports not followed: %s (HermiT reasons over the given files only; "
            "merge an imported ontology's file with --merge to include it)",
            ", ".join(imports),
        )
    remove_stale_folders()
    with tempfile.TemporaryDirectory(prefix=f"{TEMP_PREFIX}{os.getpid()}-") as tmp:
        out, err, returncode = _run_java(java, logical_axioms(graph), Path(tmp), deadline, while_waiting)
    seconds = time.monotonic() - deadline.start
    if returncode != 0:
        if b"InconsistentOntologyException" in err + out:
            culprits = explain_inconsistency(graph, schema)
            detail = "\n".join(f"  - {c}" for c in culprits) or (
                "  (no simple cause found: look for individuals in disjoint classes or pairs linked by "
                "disjoint properties)"
            )
            raise InconsistentOntologyError(f"HermiT found the ontology inconsistent:\n{detail}", culprits)
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ReasonerError("HermiT failed: " + (" | ".join(tail) or f"exit code {returncode}"))
    deadline.check("reading HermiT's answer")
    entailed = parse_hermit_output(out.decode("utf-8", "replace"))
    inferred = _new_facts(graph, entailed, deadline)
    if len(inferred) > max_inferred:
        raise ReasonerError(
            f"HermiT inferred {len(inferred):,} new facts, more than the cap of {max_inferred:,}; "
            "nothing was written. Raise --max-inferred (time and memory grow with it) or build with "
            "--no-reason"
        )
    inferred.sort(key=lambda t: tuple(str(x) for x in t))
    log.info("HermiT: consistent, %d inferred facts in %.2f s", len(inferred), seconds)
    return ReasoningReport("consistent", "consistent (HermiT)", tuple(inferred), seconds)


def _run_java(
    java: str, axioms: Graph, tmp: Path, deadline: Deadline, while_waiting: Callable[[], object] | None
) -> tuple[bytes, bytes, int]:
    """HermiT's stdout, stderr and exit code, sandboxed (unsandboxed only on a Java with no policy support)."""
    tmp = tmp.resolve()  # Java checks the resolved path it is given against the policy
    in_path = tmp / "ontology.nt"
    in_path.write_bytes(axioms.serialize(format="nt", encoding="utf-8"))
    policy = tmp / "policy" / "java.policy"  # a sub-folder: HermiT scans only the input's own folder
    policy.parent.mkdir()
    policy.write_text(sandbox_policy([hermit_home().resolve(), tmp]), encoding="utf-8")
    out, err, code = _communicate(hermit_command(java, in_path, tmp, policy=policy), deadline, while_waiting)
    if code != 0 and NO_SECURITY_MANAGER in err:
        log.warning("this Java cannot sandbox HermiT (no security manager); it runs on the import-free input")
        out, err, code = _communicate(hermit_command(java, in_path, tmp), deadline, None)
    return out, err, code


def _communicate(
    command: list[str], deadline: Deadline, while_waiting: Callable[[], object] | None
) -> tuple[bytes, bytes, int]:
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=parent_death_arm(),  # only prctl runs in the child (safe after fork)
    )
    if while_waiting is not None:
        while_waiting()
    try:
        out, err = proc.communicate(timeout=deadline.remaining())
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ReasonerError(
            f"HermiT did not finish within {deadline.seconds:g} s and was stopped; "
            "raise --reasoner-timeout or build with --no-reason"
        ) from None
    return out, err, proc.returncode


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
    HermiT's parse and property-value classification faster. ``owl:imports`` is left out too, so that
    HermiT never loads another document.
    """
    annotation_properties = set(graph.subjects(RDF.type, OWL.AnnotationProperty))
    axiom_nodes = set(graph.subjects(RDF.type, OWL.Axiom))
    slim = Graph()
    for s, p, o in graph:
        if p in annotation_properties or p in CORE_ANNOTATIONS or p == OWL.imports or s in axiom_nodes:
            continue
        slim.add((s, p, o))
    return slim


def _new_facts(graph: Graph, entailed: list[Triple], deadline: Deadline) -> list[Triple]:
    """Entailed triples about project individuals that are not already asserted."""
    ids = PREFIXES["kg"]
    trivial = {OWL.Thing, OWL.NamedIndividual}
    out: list[Triple] = []
    for i, (s, p, o) in enumerate(entailed):
        if i % CHECK_EVERY == 0:
            deadline.check("comparing HermiT's answer with the graph")
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
