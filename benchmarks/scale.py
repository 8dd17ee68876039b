"""Deterministic synthetic knowledge graphs in the project's schema, for benchmarks at 10k to 1M triples.

The graph has the shape of docs/data-model.md: a TBox from the schema tables (classes, object
properties, labels), named individuals of every core category (drugs, metabolites, receptors,
enzymes, pathways, conditions, adverse effects, sources), relation triples each annotated by an
``owl:Axiom`` blank node with ``kkg:assertionId``, ``kkg:evidenceLevel`` and ``dcterms:source``,
quantities tied to assertions, and reasoner-style inferred inverses (``kkg:inferred true``).
Everything is synthetic: labels are ``drug 000042``, identifiers use a ``SYNTH:`` prefix and mapping
IRIs live under ``https://example.org/synthetic/``, so nothing can be mistaken for a real identifier.

Same seed and size give byte-identical files. Usage::

    python benchmarks/scale.py --size 100k --format ttl      # -> benchmarks/data/scale-100k-s7.ttl
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

SCHEMA = "https://w3id.org/ketamine-kg/schema#"
ID = "https://w3id.org/ketamine-kg/id/"
SYNTH = "https://example.org/synthetic/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"
IAO_DEFINITION = "http://purl.obolibrary.org/obo/IAO_0000115"

DATA_DIR = Path(__file__).resolve().parent / "data"
SIZES: dict[str, int] = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
DEFAULT_SEED = 7
EVIDENCE = ("clinical", "preclinical", "in_vitro", "hypothesis", "reference")
APPROVAL = (
    "approved_for_condition",
    "fda_approved_for_condition",
    "not_approved_for_condition",
    "off_label_use",
)
TARGET_PROPS = ("isAntagonistOf", "isInhibitorOf", "molecularlyInteractsWith")
CAUSAL_PROPS = ("causallyUpstreamOfPositiveEffect", "causallyUpstreamOfNegativeEffect", "positivelyRegulates")
#: Counts of each kind of individual per drug "family"; shared pools keep the graph connected.
PER_FAMILY = {
    "metabolite": 2,
    "receptor": 1,
    "pathway": 0.5,
    "condition": 0.25,
    "adverse": 0.5,
    "enzyme": 0.1,
    "source": 0.5,
}

__all__ = [
    "DATA_DIR",
    "DEFAULT_SEED",
    "SIZES",
    "ScaleGraph",
    "data_path",
    "generate",
    "parse_size",
    "write_scale",
]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _s(text: str) -> ox.Literal:
    return ox.Literal(text)


A = _n(RDF + "type")
LABEL = _n(RDFS + "label")
NAMED = _n(OWL + "NamedIndividual")
AXIOM = _n(OWL + "Axiom")
ANN_SOURCE = _n(OWL + "annotatedSource")
ANN_PROPERTY = _n(OWL + "annotatedProperty")
ANN_TARGET = _n(OWL + "annotatedTarget")
SOURCE = _n(DCTERMS + "source")
TRUE = ox.Literal("true", datatype=_n(XSD + "boolean"))


def K(local: str) -> ox.NamedNode:
    """A schema term ``kkg:local``."""
    return _n(SCHEMA + local)


@dataclass
class ScaleGraph:
    """Triples grouped by subject in generation order, plus counters for the shape test."""

    subjects: dict[
        ox.NamedNode | ox.BlankNode, list[tuple[ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]]
    ]
    count: int = 0
    assertions: int = 0

    def add(
        self, s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        """Add one triple (the caller never repeats a triple)."""
        self.subjects.setdefault(s, []).append((p, o))
        self.count += 1

    def triples(self) -> Iterator[ox.Triple]:
        """All triples, subject by subject, in generation order."""
        for s, pairs in self.subjects.items():
            for p, o in pairs:
                yield ox.Triple(s, p, o)


def _tbox(g: ScaleGraph) -> None:
    """Classes and object properties of the schema tables, with labels (queries read property labels)."""
    from ketamine_kg.ontology.schema import load_schema

    schema = load_schema()
    g.add(_n("https://w3id.org/ketamine-kg/ketamine-kg.owl"), A, _n(OWL + "Ontology"))
    for cls in schema.classes.values():
        node = K(cls.id)
        g.add(node, A, _n(OWL + "Class"))
        g.add(node, LABEL, _s(cls.label))
        if cls.parent:
            g.add(node, _n(RDFS + "subClassOf"), K(cls.parent))
    for prop in schema.properties.values():
        node = K(prop.id)
        g.add(node, A, _n(OWL + "ObjectProperty"))
        g.add(node, LABEL, _s(prop.label))
        if prop.inverse:
            g.add(node, _n(OWL + "inverseOf"), K(prop.inverse))


class _Builder:
    """Writes individuals and annotated assertions into a ScaleGraph from one seeded RNG."""

    def __init__(self, graph: ScaleGraph, rng: random.Random) -> None:
        self.g = graph
        self.rng = rng
        self.sources: list[ox.NamedNode] = []

    def entity(self, kind: str, cls: str, index: int, *, xref: bool = False) -> ox.NamedNode:
        node = _n(f"{ID}{kind}_{index:06d}")
        g = self.g
        g.add(node, A, NAMED)
        g.add(node, A, K(cls))
        g.add(node, LABEL, _s(f"{kind} {index:06d}"))
        g.add(node, _n(IAO_DEFINITION), _s(f"Synthetic {kind} number {index} generated for benchmarks."))
        if xref:
            g.add(node, _n(OBOINOWL + "hasExactSynonym"), _s(f"{kind}-{index}"))
            g.add(node, _n(OBOINOWL + "hasDbXref"), _s(f"SYNTH:{kind[0].upper()}{index:06d}"))
            g.add(node, _n(SKOS + "exactMatch"), _n(f"{SYNTH}{kind}/{index:06d}"))
        if self.sources:
            g.add(node, K("definitionSource"), self.rng.choice(self.sources))
        return node

    def source(self, index: int) -> ox.NamedNode:
        node = _n(f"{ID}src_synthetic_{index:06d}")
        g = self.g
        g.add(node, A, NAMED)
        g.add(node, A, K("Publication"))
        g.add(node, LABEL, _s(f"Synthetic et al. {1990 + index % 35}, {index}"))
        g.add(
            node,
            _n(DCTERMS + "bibliographicCitation"),
            _s(f"Synthetic A, Example B. A made-up paper {index}."),
        )
        g.add(node, _n(DCTERMS + "identifier"), _s(f"SYNTH:src{index:06d}"))
        self.sources.append(node)
        return node

    def assertion(
        self,
        s: ox.NamedNode,
        prop: str,
        o: ox.NamedNode,
        *,
        extra: dict[ox.NamedNode, ox.Literal] | None = None,
    ) -> str:
        """The plain triple plus its owl:Axiom annotation; returns the assertion id."""
        g = self.g
        g.assertions += 1
        rid = f"R{g.assertions:07d}"
        p = K(prop)
        g.add(s, p, o)
        ax = ox.BlankNode(f"ax{g.assertions:07d}")
        g.add(ax, A, AXIOM)
        g.add(ax, ANN_SOURCE, s)
        g.add(ax, ANN_PROPERTY, p)
        g.add(ax, ANN_TARGET, o)
        g.add(ax, K("assertionId"), _s(rid))
        g.add(ax, K("evidenceLevel"), _s(self.rng.choice(EVIDENCE)))
        for src in sorted(set(self.rng.sample(self.sources, 2)), key=str):
            g.add(ax, SOURCE, src)
        for key, value in (extra or {}).items():
            g.add(ax, key, value)
        return rid

    def inferred(self, s: ox.NamedNode, prop: str, o: ox.NamedNode) -> None:
        """A reasoner-style inferred triple with its inferred-axiom annotation."""
        g = self.g
        p = K(prop)
        g.add(s, p, o)
        ax = ox.BlankNode(f"inf{g.count:08d}")
        g.add(ax, A, AXIOM)
        g.add(ax, ANN_SOURCE, s)
        g.add(ax, ANN_PROPERTY, p)
        g.add(ax, ANN_TARGET, o)
        g.add(ax, _n(PROV + "wasGeneratedBy"), K("hermitReasoning"))
        g.add(ax, K("inferred"), TRUE)

    def quantity(self, about: ox.NamedNode, rid: str, kind: str, value: str, unit: str) -> None:
        g = self.g
        node = _n(f"{ID}q_{kind}_{rid}")
        g.add(node, A, NAMED)
        g.add(node, A, K("Quantity"))
        g.add(node, LABEL, _s(f"{kind} for assertion {rid}"))
        g.add(node, K("quantityOf"), about)
        g.add(node, K("assertionRef"), _s(rid))
        g.add(node, K("quantityKind"), _s(kind))
        g.add(node, K("value"), ox.Literal(value, datatype=_n(XSD + "decimal")))
        g.add(node, K("unit"), _s(unit))
        g.add(node, K("evidenceLevel"), _s("in_vitro" if kind == "ki" else "clinical"))
        g.add(node, SOURCE, self.rng.choice(self.sources))


def _decimal(units: int, places: int) -> str:
    """``units / 10**places`` in canonical xsd:decimal form (as Oxigraph stores it: ``12.3``, ``12``)."""
    return format(Decimal(units).scaleb(-places).normalize(), "f")


def _pool(builder: _Builder, kind: str, cls: str, pool: list[ox.NamedNode], wanted: int) -> None:
    """Grow ``pool`` to ``wanted`` individuals of ``cls``."""
    while len(pool) < wanted:
        pool.append(builder.entity(kind, cls, len(pool)))


def generate(target: int, seed: int = DEFAULT_SEED) -> ScaleGraph:
    """A graph of about ``target`` triples (stops at the first drug family that reaches it)."""
    enabled = gc.isenabled()
    gc.disable()  # millions of long-lived small objects: the cyclic collector only costs time here
    try:
        return _generate(target, seed)
    finally:
        if enabled:
            gc.enable()


def _generate(target: int, seed: int) -> ScaleGraph:
    rng = random.Random(seed)
    g = ScaleGraph(subjects={})
    _tbox(g)
    b = _Builder(g, rng)
    for i in range(3):
        b.source(i)
    pools: dict[str, list[ox.NamedNode]] = {k: [] for k in PER_FAMILY}
    classes = {"metabolite": "Metabolite", "receptor": "Receptor", "pathway": "Pathway", "condition": "Condition",
               "adverse": "AdverseEffect", "enzyme": "Enzyme"}  # fmt: skip
    family = 0
    while g.count < target:
        wanted = {k: 1 + int(family * share) for k, share in PER_FAMILY.items()}
        while len(b.sources) < wanted["source"] + 2:
            b.source(len(b.sources))
        for kind in ("receptor", "pathway", "condition", "adverse", "enzyme"):
            before = len(pools[kind])
            _pool(
                b, "adverse_effect" if kind == "adverse" else kind, classes[kind], pools[kind], wanted[kind]
            )
            for j in range(before, len(pools[kind])):
                _link_new(b, kind, j, pools)
        drug = b.entity("drug", "Drug", family, xref=True)
        targets = rng.sample(pools["receptor"], min(3, len(pools["receptor"])))
        for target_node in sorted(targets, key=str):  # with an affinity for about half of them
            rid = b.assertion(
                drug,
                rng.choice(TARGET_PROPS),
                target_node,
                extra={K("mechanism"): _s("non_competitive_antagonism")},
            )
            if rng.random() < 0.5:
                b.quantity(drug, rid, "ki", _decimal(rng.randint(1, 9999), 2), "umol/L")
        parent = drug
        for m in range(2):  # a metabolite chain: drug -> m0 -> m1
            met = b.entity("metabolite", "Metabolite", 2 * family + m)
            b.assertion(parent, "hasMetabolite", met)
            b.inferred(met, "isMetaboliteOf", parent)
            b.assertion(met, "isAntagonistOf", rng.choice(pools["receptor"]))
            parent = met
        condition = rng.choice(pools["condition"])
        date = ox.Literal(
            f"{2000 + family % 24}-{1 + family % 12:02d}-{1 + family % 28:02d}", datatype=_n(XSD + "date")
        )
        b.assertion(
            drug,
            "treats",
            condition,
            extra={K("approvalStatus"): _s(rng.choice(APPROVAL)), _n(DCTERMS + "date"): date},
        )
        b.assertion(drug, "studiedToTreat", rng.choice(pools["condition"]))
        for effect in sorted(set(rng.sample(pools["adverse"], min(3, len(pools["adverse"])))), key=str):
            rid = b.assertion(drug, "hasAdverseEvent", effect)
            b.inferred(effect, "isAdverseEventOf", drug)
            b.quantity(drug, rid, "frequency", _decimal(rng.randint(1, 500), 1), "%")
        family += 1
    return g


def _link_new(b: _Builder, kind: str, j: int, pools: dict[str, list[ox.NamedNode]]) -> None:
    """Relations a freshly created pool member takes part in (causal chains and subtype trees)."""
    node = pools[kind][j]
    rng = b.rng
    if kind == "receptor" and pools["pathway"]:
        b.assertion(node, rng.choice(CAUSAL_PROPS), rng.choice(pools["pathway"]))
    elif kind == "pathway" and j > 0:
        b.assertion(node, rng.choice(CAUSAL_PROPS), pools["pathway"][rng.randrange(j)])
    elif kind == "condition" and j > 0:
        b.assertion(node, "isSubtypeOf", pools["condition"][(j - 1) // 3])
    elif kind == "adverse" and j > 0:
        b.assertion(node, "isSubtypeOf", pools["adverse"][(j - 1) // 4])


def serialize(graph: ScaleGraph, fmt: str) -> bytes:
    """Turtle (curated prefixes, fixed prefix order) or N-Triples, in generation order."""
    from ketamine_kg.graph_build.serialize import fix_prefix_order
    from ketamine_kg.vocab import PREFIXES

    if fmt == "nt":
        data = ox.serialize(graph.triples(), format=ox.RdfFormat.N_TRIPLES)
        assert data is not None
        return data
    data = ox.serialize(graph.triples(), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    assert data is not None
    return fix_prefix_order(data)


def parse_size(text: str) -> int:
    """``10k`` / ``1m`` / ``2500`` -> a triple count."""
    key = text.strip().lower()
    if key in SIZES:
        return SIZES[key]
    multiplier = {"k": 1_000, "m": 1_000_000}.get(key[-1:], 1)
    return int(float(key.rstrip("km")) * multiplier)


def data_path(size: str, seed: int = DEFAULT_SEED, fmt: str = "ttl", directory: Path = DATA_DIR) -> Path:
    """Where the file for ``size``/``seed``/``fmt`` is written."""
    return directory / f"scale-{size.lower()}-s{seed}.{fmt}"


def write_scale(
    size: str, seed: int = DEFAULT_SEED, fmt: str = "ttl", directory: Path = DATA_DIR, *, force: bool = False
) -> Path:
    """Generate and write the file atomically (skipped when it already exists unless ``force``)."""
    from ketamine_kg.graph_build.atomic import write_bytes_atomic

    path = data_path(size, seed, fmt, directory)
    if path.exists() and not force:
        return path
    write_bytes_atomic(path, serialize(generate(parse_size(size), seed), fmt))
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: write one or more scale files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append", help="10k, 100k, 1m or a number (repeatable; default 10k)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--format", choices=("ttl", "nt"), default="ttl")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--force", action="store_true", help="regenerate even if the file exists")
    args = parser.parse_args(argv)
    for size in args.size or ["10k"]:
        start = time.perf_counter()
        path = write_scale(size, args.seed, args.format, args.out, force=args.force)
        print(f"{path}  ({path.stat().st_size:,} bytes, {time.perf_counter() - start:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
