"""The schema (TBox) as data: classes, properties, closed vocabularies and identifier prefixes."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ketamine_kg.errors import SourceValidationError
from ketamine_kg.ontology.tsv import read_table, split_list

__all__ = ["ClassDef", "PrefixDef", "PropertyDef", "Schema", "load_schema"]

CHARACTERISTICS = frozenset({"transitive", "symmetric", "asymmetric", "irreflexive", "functional"})


@dataclass(frozen=True)
class ClassDef:
    """An OWL class; ``category`` is the code used in entities.tsv ("" if not assignable)."""

    id: str
    label: str
    parent: str
    category: str
    disjoint_group: str
    biolink: str
    biolink_match: str
    definition: str


@dataclass(frozen=True)
class PropertyDef:
    """An OWL object property with its domain/range (class ids) and its RO/Biolink mappings."""

    id: str
    label: str
    domain: tuple[str, ...]
    range: tuple[str, ...]
    inverse: str
    characteristics: frozenset[str]
    super: str
    disjoint_with: tuple[str, ...]
    obo: str
    obo_match: str
    biolink: str
    biolink_match: str
    definition: str


@dataclass(frozen=True)
class PrefixDef:
    """An identifier prefix: IRI base and the pattern its local part must match."""

    prefix: str
    iri_base: str
    pattern: re.Pattern[str]
    name: str


@dataclass(frozen=True)
class Schema:
    """Everything closed: a value outside these tables is an error in the source tables."""

    classes: dict[str, ClassDef]
    properties: dict[str, PropertyDef]
    vocabularies: dict[str, dict[str, str]]
    prefixes: dict[str, PrefixDef]

    @functools.cached_property
    def by_category(self) -> dict[str, ClassDef]:
        """Category code -> class."""
        return {c.category: c for c in self.classes.values() if c.category}

    def ancestors(self, class_id: str) -> list[str]:
        """The class and its superclasses, nearest first."""
        chain: list[str] = []
        current = class_id
        while current and current not in chain:
            chain.append(current)
            current = self.classes[current].parent if current in self.classes else ""
        return chain

    def fits(self, class_id: str, allowed: tuple[str, ...]) -> bool:
        """True when ``class_id`` is one of ``allowed`` or a subclass of one."""
        return any(a in allowed for a in self.ancestors(class_id))

    def vocabulary(self, name: str) -> dict[str, str]:
        """Values of a closed vocabulary (value -> label); empty if the vocabulary is unknown."""
        return self.vocabularies.get(name, {})


def _schema_dir() -> Path:
    return Path(str(resources.files("ketamine_kg.ontology").joinpath("schema")))


@functools.cache
def load_schema(directory: Path | None = None) -> Schema:
    """Load and cross-check the packaged schema tables (cached: they are immutable package data)."""
    base = directory or _schema_dir()
    ct = read_table(
        base / "classes.tsv",
        ("id", "label", "parent", "category", "disjoint_group", "biolink", "biolink_match", "definition"),
    )
    pt = read_table(
        base / "properties.tsv",
        (
            "id", "label", "domain", "range", "inverse", "characteristics", "super", "disjoint_with",
            "obo", "obo_match", "biolink", "biolink_match", "definition",
        ),
    )  # fmt: skip
    vt = read_table(base / "vocabularies.tsv", ("vocabulary", "value", "label", "maps_to", "definition"))
    xt = read_table(base / "prefixes.tsv", ("prefix", "iri_base", "local_pattern", "name"))
    problems = [*ct.problems, *pt.problems, *vt.problems, *xt.problems]
    classes = {r.get("id"): ClassDef(**{k: r.get(k) for k in ClassDef.__dataclass_fields__}) for r in ct.rows}
    properties: dict[str, PropertyDef] = {}
    for r in pt.rows:
        chars = frozenset(split_list(r.get("characteristics")))
        for bad in sorted(chars - CHARACTERISTICS):
            problems.append(r.problem("characteristics", f"unknown characteristic '{bad}'"))
        for col in ("domain", "range"):
            for cid in split_list(r.get(col)):
                if cid not in classes:
                    problems.append(r.problem(col, f"unknown class '{cid}'"))
        properties[r.get("id")] = PropertyDef(
            id=r.get("id"),
            label=r.get("label"),
            domain=tuple(split_list(r.get("domain"))),
            range=tuple(split_list(r.get("range"))),
            inverse=r.get("inverse"),
            characteristics=chars,
            super=r.get("super"),
            disjoint_with=tuple(split_list(r.get("disjoint_with"))),
            obo=r.get("obo"),
            obo_match=r.get("obo_match"),
            biolink=r.get("biolink"),
            biolink_match=r.get("biolink_match"),
            definition=r.get("definition"),
        )
    for r in pt.rows:
        for col in ("inverse", "super"):
            ref = r.get(col)
            if ref and ref not in properties:
                problems.append(r.problem(col, f"unknown property '{ref}'"))
        for ref in split_list(r.get("disjoint_with")):
            if ref not in properties:
                problems.append(r.problem("disjoint_with", f"unknown property '{ref}'"))
    vocabularies: dict[str, dict[str, str]] = {}
    for r in vt.rows:
        vocabularies.setdefault(r.get("vocabulary"), {})[r.get("value")] = r.get("label")
    prefixes: dict[str, PrefixDef] = {}
    for r in xt.rows:
        try:
            pattern = re.compile(r.get("local_pattern"))
        except re.error as exc:
            problems.append(r.problem("local_pattern", f"invalid regular expression: {exc}"))
            continue
        prefixes[r.get("prefix")] = PrefixDef(r.get("prefix"), r.get("iri_base"), pattern, r.get("name"))
    if problems:
        raise SourceValidationError(problems)
    return Schema(classes, properties, vocabularies, prefixes)
