"""Load the curated source tables and validate them completely (every problem, with file:row:column)."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from ketamine_kg.errors import Problem, SourceValidationError
from ketamine_kg.ontology.schema import Schema, load_schema
from ketamine_kg.ontology.tsv import Row, Table, read_table, split_list

__all__ = [
    "Claim",
    "Entity",
    "Identifier",
    "Quantity",
    "Relation",
    "Source",
    "SourceRecord",
    "default_source_dir",
    "load_source",
]

ENTITY_ID = re.compile(r"^[a-z][a-z0-9_]*$")
SOURCE_ID = re.compile(r"^src_[a-z0-9_]+$")
RELATION_ID = re.compile(r"^R[0-9]+$")
QUANTITY_ID = re.compile(r"^q_[a-z0-9_]+$")
CLAIM_ID = re.compile(r"^claim_[a-z0-9_]+$")
CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9.]*):(.+)$")
DATE = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$")
QUALIFIER = re.compile(r"^([a-z_]+)=([A-Za-z0-9_]+)$")
# Characters an IRI may not contain (RFC 3987), so a DOI or URL with them cannot become a link.
_IRI_CHARS = r"[^\x00-\x20<>\"{}|\\^`\x7f-\x9f]"
DOI = re.compile(rf"^10\.[0-9]{{4,9}}/{_IRI_CHARS}+$")
URL = re.compile(rf"^https?://{_IRI_CHARS}+$")
# A plain decimal in ASCII digits; a magnitude of 10^-30 .. 10^30 (no quantity here comes close).
NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,9})?$", re.ASCII)
MAX_EXPONENT = 30
MAX_DIGITS = 40

SOURCE_COLUMNS = (("id", "type", "label", "citation"), ("year", "pmid", "doi", "pmcid", "nct", "url", "note"))
ENTITY_COLUMNS = (
    ("id", "category", "label", "definition", "definition_source"),
    ("synonyms", "note", "short_label"),
)
IDENTIFIER_COLUMNS = (("entity", "curie", "match", "status", "source"), ())
RELATION_COLUMNS = (
    ("id", "subject", "predicate", "object", "evidence", "sources"),
    ("approval_status", "date", "qualifiers", "note"),
)
QUANTITY_COLUMNS = (
    ("id", "about", "quantity", "unit", "evidence", "sources"),
    (
        "value",
        "min",
        "max",
        "context",
        "note",
        "comparator",
        "comparator_value",
        "comparator_min",
        "comparator_max",
        "qualifiers",
    ),
)
CLAIM_COLUMNS = (
    ("id", "label", "statement", "section", "status", "about", "decided_by"),
    ("correction", "error_code", "claim_subject", "claim_predicate", "claim_object", "note"),
)


@dataclass(frozen=True)
class SourceRecord:
    """A cited source: publication, trial, label, regulatory document, database, web page or the article."""

    id: str
    type: str
    label: str
    citation: str
    year: str = ""
    pmid: str = ""
    doi: str = ""
    pmcid: str = ""
    nct: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Entity:
    """A named thing of one category, with its own-words definition."""

    id: str
    category: str
    label: str
    synonyms: tuple[str, ...]
    definition: str
    definition_source: tuple[str, ...]
    note: str = ""
    short_label: str = ""


@dataclass(frozen=True)
class Identifier:
    """A verified (V1/V2) standard identifier attached to an entity."""

    entity: str
    prefix: str
    local: str
    iri: str
    match: str
    status: str
    sources: tuple[str, ...]

    @property
    def curie(self) -> str:
        return f"{self.prefix}:{self.local}"


@dataclass(frozen=True)
class Relation:
    """A cited assertion ``subject predicate object`` with its evidence level and qualifiers."""

    id: str
    subject: str
    predicate: str
    object: str
    evidence: str
    sources: tuple[str, ...]
    approval_status: str = ""
    date: str = ""
    qualifiers: tuple[tuple[str, str], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Quantity:
    """A number (or range) with a UCUM unit about an entity or a relation.

    A comparison (a frequency or rate with the same measure in a comparator arm) is one quantity: the
    comparator entity and its value or range sit on the same record, so they cannot be paired wrongly.
    """

    id: str
    about: str
    quantity: str
    value: Decimal | None
    min: Decimal | None
    max: Decimal | None
    unit: str
    context: str
    evidence: str
    sources: tuple[str, ...]
    note: str = ""
    comparator: str = ""
    comparator_value: Decimal | None = None
    comparator_min: Decimal | None = None
    comparator_max: Decimal | None = None
    qualifiers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Claim:
    """A claim of the source article with its status and the evidence that decides it."""

    id: str
    label: str
    statement: str
    section: str
    status: str
    about: tuple[str, ...]
    decided_by: tuple[str, ...]
    correction: str = ""
    error_code: str = ""
    claim_triple: tuple[str, str, str] | None = None
    note: str = ""


@dataclass(frozen=True)
class Source:
    """All curated records of one source directory."""

    directory: Path
    sources: tuple[SourceRecord, ...]
    entities: tuple[Entity, ...]
    identifiers: tuple[Identifier, ...]
    relations: tuple[Relation, ...]
    quantities: tuple[Quantity, ...]
    claims: tuple[Claim, ...]


def default_source_dir() -> Path:
    """The packaged curated tables."""
    return Path(str(resources.files("ketamine_kg.ontology").joinpath("data")))


class _Checker:
    """Collects problems while records are built, so that a run reports all of them at once."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.problems: list[Problem] = []

    def add(self, row: Row, column: str, message: str) -> None:
        self.problems.append(row.problem(column, message))

    def required(self, row: Row, columns: tuple[str, ...]) -> bool:
        ok = True
        for col in columns:
            if not row.get(col):
                self.add(row, col, "required value is empty")
                ok = False
        return ok

    def pattern(
        self, row: Row, column: str, regex: re.Pattern[str], what: str, expected: str | None = None
    ) -> None:
        value = row.get(column)
        if value and not regex.match(value):
            shown = value if len(value) <= 80 else value[:77] + "..."
            self.add(row, column, f"malformed {what} '{shown}' (expected {expected or regex.pattern})")

    def vocab(self, row: Row, column: str, vocabulary: str, value: str | None = None) -> None:
        value = row.get(column) if value is None else value
        allowed = self.schema.vocabulary(vocabulary)
        if value and value not in allowed:
            self.add(
                row,
                column,
                f"unknown {vocabulary.replace('_', ' ')} '{value}' (allowed: {', '.join(allowed)})",
            )

    def refs(self, row: Row, column: str, known: set[str] | dict[str, str], what: str) -> tuple[str, ...]:
        items = split_list(row.get(column))
        for item in items:
            if item not in known:
                self.add(row, column, f"reference to undeclared {what} '{item}'")
        return tuple(items)

    def duplicates(self, table: Table, key_columns: tuple[str, ...], what: str) -> None:
        seen: dict[tuple[str, ...], int] = {}
        for row in table.rows:
            key = tuple(row.get(c) for c in key_columns)
            if not all(key):
                continue
            if key in seen:
                self.add(row, key_columns[0], f"duplicate {what} (first at row {seen[key]})")
            else:
                seen[key] = row.line

    def duplicate_rows(self, table: Table) -> None:
        seen: dict[tuple[tuple[str, str], ...], int] = {}
        for row in table.rows:
            key = tuple(sorted((k, v) for k, v in row.cells.items() if k != "id"))
            if key in seen:
                self.add(row, "", f"duplicate row: same content as row {seen[key]}")
            else:
                seen[key] = row.line

    def decimal(self, row: Row, column: str) -> Decimal | None:
        value = row.get(column)
        if not value:
            return None
        if not NUMBER.match(value):
            self.add(
                row, column, f"not a number: '{value[:80]}' (write it with ASCII digits, e.g. 0.25 or 1e-6)"
            )
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:  # pragma: no cover - NUMBER admits only valid decimals
            self.add(row, column, f"not a number: '{value[:80]}'")
            return None
        digits = len(number.as_tuple().digits)
        if number and (abs(number.adjusted()) > MAX_EXPONENT or digits > MAX_DIGITS):
            self.add(
                row,
                column,
                f"number out of range: '{value[:80]}' (magnitude 1e-{MAX_EXPONENT} to 1e{MAX_EXPONENT}, "
                f"at most {MAX_DIGITS} digits)",
            )
            return None
        return number

    def date(self, row: Row, column: str) -> None:
        value = row.get(column)
        if not value or not DATE.match(value):
            self.pattern(row, column, DATE, "date")
            return
        if len(value) == 10:
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                self.add(row, column, f"no such date: '{value}' (that day does not exist in the calendar)")

    def unique_labels(self, table: Table) -> None:
        seen: dict[tuple[str, str], int] = {}
        for row in table.rows:
            key = (row.get("category"), row.get("label").casefold())
            if not all(key):
                continue
            if key in seen:
                self.add(
                    row,
                    "label",
                    f"label '{row.get('label')}' is already used in category '{key[0]}' (first at row "
                    f"{seen[key]}); labels are unique within a category",
                )
            else:
                seen[key] = row.line


def load_source(directory: Path | None = None, schema: Schema | None = None) -> Source:
    """Read and validate the six tables of ``directory`` (default: the packaged data).

    Raises ``SourceValidationError`` listing every problem, each with file, row and column.
    """
    base = directory or default_source_dir()
    schema = schema or load_schema()
    if not base.is_dir():
        raise SourceValidationError([Problem(str(base), 0, "", "source directory does not exist")])
    chk = _Checker(schema)
    tables = {
        name: read_table(base / f"{name}.tsv", cols[0], cols[1], display_name=str(base / f"{name}.tsv"))
        for name, cols in (
            ("sources", SOURCE_COLUMNS),
            ("entities", ENTITY_COLUMNS),
            ("identifiers", IDENTIFIER_COLUMNS),
            ("relations", RELATION_COLUMNS),
            ("quantities", QUANTITY_COLUMNS),
            ("claims", CLAIM_COLUMNS),
        )
    }
    for table in tables.values():
        chk.problems.extend(table.problems)

    sources = _load_sources(chk, tables["sources"])
    source_ids = {s.id for s in sources}
    entities = _load_entities(chk, tables["entities"], source_ids)
    categories = {e.id: e.category for e in entities}
    for e in entities:
        if e.id in source_ids:
            row = next(r for r in tables["entities"].rows if r.get("id") == e.id)
            chk.add(row, "id", f"id '{e.id}' is already used by a source")
    # A clinical-trial source can be the subject of trial properties.
    node_categories = dict(categories)
    node_categories.update({s.id: s.type for s in sources if s.type == "clinical_trial"})
    identifiers = _load_identifiers(chk, tables["identifiers"], categories, source_ids)
    relations = _load_relations(chk, tables["relations"], node_categories, source_ids)
    relation_subjects = {r.id: r.subject for r in relations}
    quantities = _load_quantities(chk, tables["quantities"], categories, relation_subjects, source_ids)
    claims = _load_claims(chk, tables["claims"], categories, source_ids)
    if chk.problems:
        raise SourceValidationError(chk.problems)
    return Source(base, sources, entities, identifiers, relations, quantities, claims)


def _load_sources(chk: _Checker, table: Table) -> tuple[SourceRecord, ...]:
    out: list[SourceRecord] = []
    types = {c.category for c in chk.schema.classes.values() if c.parent == "Source"}
    chk.duplicates(table, ("id",), "source id")
    chk.duplicate_rows(table)
    for row in table.rows:
        chk.required(row, SOURCE_COLUMNS[0])
        chk.pattern(row, "id", SOURCE_ID, "source id")
        if row.get("type") and row.get("type") not in types:
            chk.add(
                row, "type", f"unknown source type '{row.get('type')}' (allowed: {', '.join(sorted(types))})"
            )
        chk.pattern(row, "year", re.compile(r"^[0-9]{4}$"), "year")
        chk.pattern(row, "pmid", re.compile(r"^[0-9]+$"), "PMID")
        chk.pattern(row, "doi", DOI, "DOI", "10.NNNN/suffix, without spaces, quotes, <, > or braces")
        chk.pattern(row, "pmcid", re.compile(r"^PMC[0-9]+$"), "PMCID")
        chk.pattern(row, "nct", re.compile(r"^NCT[0-9]{8}$"), "NCT id")
        chk.pattern(row, "url", URL, "URL", "http(s)://..., without spaces, quotes, <, > or braces")
        out.append(SourceRecord(**{k: row.get(k) for k in SourceRecord.__dataclass_fields__}))
    return tuple(out)


def _load_entities(chk: _Checker, table: Table, source_ids: set[str]) -> tuple[Entity, ...]:
    out: list[Entity] = []
    chk.duplicates(table, ("id",), "entity id")
    chk.duplicate_rows(table)
    chk.unique_labels(table)
    for row in table.rows:
        chk.required(row, ENTITY_COLUMNS[0])
        chk.pattern(row, "id", ENTITY_ID, "entity id")
        category = row.get("category")
        if category and category not in chk.schema.by_category:
            allowed = ", ".join(c for c, d in chk.schema.by_category.items() if d.parent != "Source")
            chk.add(row, "category", f"unknown category '{category}' (allowed: {allowed})")
        elif category and chk.schema.by_category[category].parent == "Source":
            chk.add(row, "category", f"'{category}' is a source type: put it in sources.tsv")
        defs = chk.refs(row, "definition_source", source_ids, "source")
        out.append(
            Entity(
                id=row.get("id"),
                category=category,
                label=row.get("label"),
                synonyms=tuple(split_list(row.get("synonyms"))),
                definition=row.get("definition"),
                definition_source=defs,
                note=row.get("note"),
                short_label=row.get("short_label"),
            )
        )
    return tuple(out)


def _load_identifiers(
    chk: _Checker, table: Table, categories: dict[str, str], source_ids: set[str]
) -> tuple[Identifier, ...]:
    out: list[Identifier] = []
    chk.duplicates(table, ("entity", "curie"), "identifier for this entity")
    for row in table.rows:
        chk.required(row, IDENTIFIER_COLUMNS[0])
        chk.refs(row, "entity", categories, "entity")
        chk.vocab(row, "match", "match")
        status = row.get("status")
        if status and status not in chk.schema.vocabulary("id_status"):
            chk.add(row, "status", f"identifier status '{status}' is not shippable (only V1 or V2)")
        curie = row.get("curie")
        m = CURIE.match(curie)
        if curie and not m:
            chk.add(row, "curie", f"malformed identifier '{curie}' (expected PREFIX:local)")
            continue
        if not m:
            continue
        prefix, local = m.group(1), m.group(2)
        pdef = chk.schema.prefixes.get(prefix)
        if pdef is None:
            chk.add(row, "curie", f"unknown identifier prefix '{prefix}' in '{curie}'")
            continue
        if not pdef.pattern.match(local):
            chk.add(
                row,
                "curie",
                f"malformed {prefix} identifier '{curie}' (local part must match {pdef.pattern.pattern})",
            )
            continue
        sources = chk.refs(row, "source", source_ids, "source")
        out.append(
            Identifier(
                row.get("entity"), prefix, local, pdef.iri_base + local, row.get("match"), status, sources
            )
        )
    return tuple(out)


def _load_relations(
    chk: _Checker, table: Table, categories: dict[str, str], source_ids: set[str]
) -> tuple[Relation, ...]:
    out: list[Relation] = []
    schema = chk.schema
    chk.duplicates(table, ("id",), "relation id")
    chk.duplicate_rows(table)
    keys = Counter[tuple[str, ...]]()
    for row in table.rows:
        chk.required(row, RELATION_COLUMNS[0])
        chk.pattern(row, "id", RELATION_ID, "relation id")
        subject, predicate, obj = row.get("subject"), row.get("predicate"), row.get("object")
        prop = schema.properties.get(predicate)
        if predicate and prop is None:
            chk.add(row, "predicate", f"unknown property '{predicate}'")
        for col, ref in (("subject", subject), ("object", obj)):
            if ref and ref not in categories:
                chk.add(row, col, f"reference to undeclared entity '{ref}'")
        if prop is not None:
            for col, ref, allowed in (("subject", subject, prop.domain), ("object", obj, prop.range)):
                if allowed and categories.get(ref) in schema.by_category:
                    cls = schema.by_category[categories[ref]].id
                    if not schema.fits(cls, allowed):
                        side = "domain" if col == "subject" else "range"
                        chk.add(
                            row,
                            col,
                            f"{side} violation: '{ref}' is a {categories[ref]}, but {predicate} "
                            f"{'applies to' if side == 'domain' else 'points to'} {' or '.join(allowed)}",
                        )
        if subject and subject == obj and prop is not None and "irreflexive" in prop.characteristics:
            chk.add(row, "object", f"{predicate} is irreflexive: subject and object are both '{subject}'")
        chk.vocab(row, "evidence", "evidence_level")
        chk.vocab(row, "approval_status", "approval_status")
        chk.date(row, "date")
        qualifiers = _qualifiers(chk, row)
        sources = chk.refs(row, "sources", source_ids, "source")
        key = (subject, predicate, obj, row.get("approval_status"), row.get("date"), row.get("qualifiers"))
        keys[key] += 1
        if keys[key] == 2:
            chk.add(row, "subject", "the same assertion with the same qualifiers appears twice")
        out.append(
            Relation(
                id=row.get("id"),
                subject=subject,
                predicate=predicate,
                object=obj,
                evidence=row.get("evidence"),
                sources=sources,
                approval_status=row.get("approval_status"),
                date=row.get("date"),
                qualifiers=qualifiers,
                note=row.get("note"),
            )
        )
    return tuple(out)


def _qualifiers(chk: _Checker, row: Row) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for item in (p.strip() for p in row.get("qualifiers").split(";") if p.strip()):
        m = QUALIFIER.match(item)
        if not m:
            chk.add(row, "qualifiers", f"malformed qualifier '{item}' (expected key=value)")
            continue
        key, value = m.group(1), m.group(2)
        if key not in chk.schema.vocabulary("qualifier_key"):
            chk.add(row, "qualifiers", f"unknown qualifier key '{key}'")
            continue
        chk.vocab(row, "qualifiers", f"qualifier:{key}", value)
        pairs.append((key, value))
    return tuple(sorted(pairs))


def _load_quantities(
    chk: _Checker,
    table: Table,
    categories: dict[str, str],
    relation_subjects: dict[str, str],
    source_ids: set[str],
) -> tuple[Quantity, ...]:
    out: list[Quantity] = []
    chk.duplicates(table, ("id",), "quantity id")
    chk.duplicate_rows(table)
    for row in table.rows:
        chk.required(row, QUANTITY_COLUMNS[0])
        chk.pattern(row, "id", QUANTITY_ID, "quantity id")
        about = row.get("about")
        if about and about not in categories and about not in relation_subjects:
            chk.add(row, "about", f"reference to undeclared entity or relation '{about}'")
        chk.vocab(row, "quantity", "quantity_kind")
        chk.vocab(row, "unit", "unit")
        chk.vocab(row, "evidence", "evidence_level")
        value, low, high = _number_or_range(chk, row, "value", "min", "max", required=True)
        cvalue, clow, chigh = _number_or_range(
            chk, row, "comparator_value", "comparator_min", "comparator_max"
        )
        comparator = row.get("comparator")
        has_comparator_number = any(x is not None for x in (cvalue, clow, chigh))
        if comparator and comparator not in categories:
            chk.add(row, "comparator", f"reference to undeclared entity '{comparator}'")
        if comparator and not has_comparator_number:
            chk.add(row, "comparator_value", f"comparator '{comparator}' needs its value (or min and/or max)")
        elif has_comparator_number and not comparator:
            chk.add(row, "comparator", "a comparator value needs the comparator it was measured with")
        sources = chk.refs(row, "sources", source_ids, "source")
        out.append(
            Quantity(
                id=row.get("id"),
                about=about,
                quantity=row.get("quantity"),
                value=value,
                min=low,
                max=high,
                unit=row.get("unit"),
                context=row.get("context"),
                evidence=row.get("evidence"),
                sources=sources,
                note=row.get("note"),
                comparator=comparator,
                comparator_value=cvalue,
                comparator_min=clow,
                comparator_max=chigh,
                qualifiers=_qualifiers(chk, row),
            )
        )
    return tuple(out)


def _number_or_range(
    chk: _Checker, row: Row, exact: str, low_col: str, high_col: str, *, required: bool = False
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """An exact number or a range (either bound may be open) from three cells, validated."""
    value, low, high = chk.decimal(row, exact), chk.decimal(row, low_col), chk.decimal(row, high_col)
    has_range = bool(row.get(low_col) or row.get(high_col))
    if row.get(exact) and has_range:
        chk.add(row, exact, f"give either {exact} or {low_col}/{high_col}, not both")
    elif required and not row.get(exact) and not has_range:
        chk.add(row, exact, f"required {exact} is empty (give {exact}, or {low_col} and/or {high_col})")
    if low is not None and high is not None and low > high:
        chk.add(row, low_col, f"{low_col} {low} is greater than {high_col} {high}")
    return value, low, high


def _load_claims(
    chk: _Checker, table: Table, categories: dict[str, str], source_ids: set[str]
) -> tuple[Claim, ...]:
    out: list[Claim] = []
    chk.duplicates(table, ("id",), "claim id")
    chk.duplicate_rows(table)
    for row in table.rows:
        chk.required(row, CLAIM_COLUMNS[0])
        chk.pattern(row, "id", CLAIM_ID, "claim id")
        chk.vocab(row, "status", "claim_status")
        if row.get("status") in {"refuted", "qualified"} and not row.get("correction"):
            chk.add(row, "correction", f"a {row.get('status')} claim needs a correction")
        chk.pattern(row, "error_code", re.compile(r"^E[0-9]+$"), "error code")
        about = chk.refs(row, "about", categories, "entity")
        decided = chk.refs(row, "decided_by", source_ids, "source")
        parts = (row.get("claim_subject"), row.get("claim_predicate"), row.get("claim_object"))
        triple: tuple[str, str, str] | None = None
        if any(parts) and not all(parts):
            chk.add(row, "claim_subject", "give claim_subject, claim_predicate and claim_object together")
        elif all(parts):
            for col, ref in (("claim_subject", parts[0]), ("claim_object", parts[2])):
                if ref not in categories:
                    chk.add(row, col, f"reference to undeclared entity '{ref}'")
            if parts[1] not in chk.schema.properties:
                chk.add(row, "claim_predicate", f"unknown property '{parts[1]}'")
            triple = (parts[0], parts[1], parts[2])
        out.append(
            Claim(
                id=row.get("id"),
                label=row.get("label"),
                statement=row.get("statement"),
                section=row.get("section"),
                status=row.get("status"),
                about=about,
                decided_by=decided,
                correction=row.get("correction"),
                error_code=row.get("error_code"),
                claim_triple=triple,
                note=row.get("note"),
            )
        )
    return tuple(out)
