"""What the built graph knows, indexed for checking text: entities and names, facts with provenance.

Facts are read from the built graph (asserted and inferred triples alike); the provenance of an asserted
triple (sources, evidence level, approval status, qualifiers) comes from its relation rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import URIRef

from ketamine_kg.textcheck.matcher import Alias
from ketamine_kg.textcheck.quantities import StoredQuantity, stored_interval
from ketamine_kg.vocab import ID_NS, SCHEMA_NS

if TYPE_CHECKING:
    from ketamine_kg.pipeline import BuildResult

__all__ = ["Fact", "Knowledge", "RecordedClaim", "knowledge_from_build"]


@dataclass(frozen=True)
class Fact:
    subject: str
    predicate: str
    object: str
    evidence: str
    sources: tuple[str, ...] = ()
    approval_status: str = ""
    qualifiers: tuple[tuple[str, str], ...] = ()
    assertion: str = ""  # relation id; "" for an inferred triple

    def qualifier(self, key: str) -> str:
        return dict(self.qualifiers).get(key, "")


@dataclass(frozen=True)
class RecordedClaim:
    id: str
    status: str
    subject: str
    predicate: str
    object: str
    correction: str
    decided_by: tuple[str, ...]


@dataclass(frozen=True)
class PropertyInfo:
    id: str
    label: str
    inverse: str
    supers: tuple[str, ...]
    disjoint_with: tuple[str, ...]
    domain: tuple[str, ...]
    range: tuple[str, ...]
    characteristics: frozenset[str] = frozenset()


class Knowledge:
    """Indexes over entities, facts, property metadata and recorded claims."""

    def __init__(
        self,
        *,
        labels: dict[str, str],
        categories: dict[str, str],
        aliases: tuple[Alias, ...],
        pmids: dict[str, str],
        facts: tuple[Fact, ...],
        properties: dict[str, PropertyInfo],
        class_of_category: dict[str, str],
        class_parents: dict[str, str],
        disjoint_groups: dict[str, str],
        claims: tuple[RecordedClaim, ...],
        quantities: tuple[StoredQuantity, ...] = (),
    ) -> None:
        self.labels = labels
        self.categories = categories
        self.aliases = aliases
        self.pmids = pmids
        self.facts = facts
        self.properties = properties
        self.class_of_category = class_of_category
        self.class_parents = class_parents
        self.disjoint_groups = disjoint_groups
        self.claims = claims
        self.quantities = quantities
        self._by_subject: dict[str, list[Fact]] = defaultdict(list)
        for f in facts:
            self._by_subject[f.subject].append(f)
        self._parents: dict[str, set[str]] = defaultdict(set)
        for f in facts:
            if f.predicate == "isSubtypeOf":
                self._parents[f.subject].add(f.object)

    def label(self, entity: str) -> str:
        return self.labels.get(entity, entity)

    def about(self, entity: str) -> list[Fact]:
        return self._by_subject.get(entity, [])

    def between(self, a: str, b: str) -> list[Fact]:
        return [f for f in self.about(a) if f.object == b]

    def ancestors(self, entity: str) -> set[str]:
        """The entity's supertypes over ``isSubtypeOf`` (transitive), without itself."""
        seen: set[str] = set()
        todo = list(self._parents.get(entity, ()))
        while todo:
            e = todo.pop()
            if e not in seen:
                seen.add(e)
                todo.extend(self._parents.get(e, ()))
        return seen

    def sub_properties(self, prop: str) -> set[str]:
        """``prop`` and every property below it."""
        return {p for p, info in self.properties.items() if p == prop or prop in self.super_chain(info.id)}

    def super_chain(self, prop: str) -> tuple[str, ...]:
        chain: list[str] = []
        info = self.properties.get(prop)
        while info and info.supers:
            nxt = info.supers[0]
            if nxt in chain:
                break
            chain.append(nxt)
            info = self.properties.get(nxt)
        return tuple(chain)

    def classes_disjoint(self, a: str, b: str) -> bool:
        """True when no class is below both: siblings of one disjoint group."""
        if a == b or a in self.class_ancestry_of_class(b) or b in self.class_ancestry_of_class(a):
            return False
        line_a, line_b = self.class_ancestry_of_class(a), self.class_ancestry_of_class(b)
        for x in line_a:
            for y in line_b:
                if x != y and self.class_parents.get(x, "") == self.class_parents.get(y, ""):
                    group_x, group_y = self.disjoint_groups.get(x), self.disjoint_groups.get(y)
                    if group_x and group_x == group_y:
                        return True
        return False

    def class_ancestry_of_class(self, cls: str) -> list[str]:
        out: list[str] = []
        while cls and cls not in out:
            out.append(cls)
            cls = self.class_parents.get(cls, "")
        return out

    def recorded(self, subject: str, predicate: str, obj: str) -> RecordedClaim | None:
        inverse = self.properties.get(predicate)
        for c in self.claims:
            if (c.subject, c.predicate, c.object) == (subject, predicate, obj):
                return c
            if (
                inverse
                and inverse.inverse
                and (c.subject, c.predicate, c.object) == (obj, inverse.inverse, subject)
            ):
                return c
        return None


def knowledge_from_build(result: BuildResult) -> Knowledge:
    """Index the built graph (asserted and inferred facts) and the tables it was built from."""
    source, schema, graph = result.source, result.schema, result.graph
    labels = {e.id: e.label for e in source.entities}
    categories = {e.id: e.category for e in source.entities}
    aliases: list[Alias] = []
    for e in source.entities:
        for name in (e.label, *e.synonyms):
            if name:
                aliases.append(Alias(name, e.id, e.category))
    for ident in source.identifiers:
        aliases.append(Alias(f"{ident.prefix}:{ident.local}", ident.entity, categories.get(ident.entity, "")))
    pmids = {s.pmid.removeprefix("PMID:"): s.id for s in source.sources if s.pmid}
    rows: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    for r in source.relations:
        rows[(r.subject, r.predicate, r.object)].append(
            Fact(
                r.subject, r.predicate, r.object, r.evidence, r.sources, r.approval_status, r.qualifiers, r.id
            )
        )
    facts: list[Fact] = []
    for prop in schema.properties:
        for s, o in graph.subject_objects(URIRef(SCHEMA_NS + prop)):
            if not (isinstance(s, URIRef) and isinstance(o, URIRef)):
                continue
            if not (str(s).startswith(ID_NS) and str(o).startswith(ID_NS)):
                continue
            key = (str(s)[len(ID_NS) :], prop, str(o)[len(ID_NS) :])
            facts.extend(rows.get(key) or [Fact(*key, evidence="inferred")])
    properties = {
        p.id: PropertyInfo(
            p.id,
            p.label,
            p.inverse,
            (p.super,) if p.super else (),
            p.disjoint_with,
            p.domain,
            p.range,
            p.characteristics,
        )
        for p in schema.properties.values()
    }
    claims = tuple(
        RecordedClaim(c.id, c.status, *c.claim_triple, c.correction, c.decided_by)
        for c in source.claims
        if c.claim_triple
    )
    quantities = []
    # a number that qualifies an assertion (a dose schedule of "esketamine treats TRD") is read as a
    # number about the assertion's subject, the entity a sentence names
    subject_of = {r.id: r.subject for r in source.relations}
    for q in source.quantities:
        interval = stored_interval(q.value, q.min, q.max, q.unit)
        entity = subject_of.get(q.about, q.about)
        if entity in categories and interval is not None:
            quantities.append(StoredQuantity(q.id, entity, q.quantity, *interval, q.evidence, q.sources))
    return Knowledge(
        quantities=tuple(quantities),
        labels=labels,
        categories=categories,
        aliases=tuple(aliases),
        pmids=pmids,
        facts=tuple(sorted(set(facts), key=lambda f: (f.subject, f.predicate, f.object, f.assertion))),
        properties=properties,
        class_of_category={c.category: c.id for c in schema.classes.values() if c.category},
        class_parents={c.id: c.parent for c in schema.classes.values() if c.parent},
        disjoint_groups={c.id: c.disjoint_group for c in schema.classes.values() if c.disjoint_group},
        claims=claims,
    )
