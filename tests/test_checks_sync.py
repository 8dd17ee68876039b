"""The tables encoded in the checks and shapes (prefixes, vocabularies, categories) match the schema tables."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from rdflib import Graph, Namespace, URIRef

from ketamine_kg.ontology.schema import load_schema
from ketamine_kg.queries.quality import checks_dir

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Path(str(resources.files("ketamine_kg.ontology") / "shapes.ttl"))
VOCAB_PROPERTY = {
    "evidence_level": "evidenceLevel",
    "claim_status": "claimStatus",
    "approval_status": "approvalStatus",
    "id_status": "verificationStatus",
    "quantity_kind": "quantityKind",
    "unit": "unit",
}


def check_text(name: str) -> str:
    return (checks_dir() / f"{name}.rq").read_text(encoding="utf-8")


def expected_prefix_rows() -> list[tuple[str, str, str]]:
    return [(p.prefix, p.iri_base, p.pattern.pattern) for p in load_schema().prefixes.values()]


def expected_vocabulary_pairs() -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for name, values in load_schema().vocabularies.items():
        prop = VOCAB_PROPERTY.get(name) or (name.split(":", 1)[1] if name.startswith("qualifier:") else None)
        pairs.update((prop, v) for v in values if prop)
    return pairs


def test_identifier_check_prefix_tables_match_prefixes_tsv() -> None:
    rows = re.findall(r'\("([^"]+)" "([^"]+)" "((?:[^"\\]|\\.)*)"\)', check_text("malformed_identifier"))
    unescaped = [(p, b, pat.replace("\\\\", "\\")) for p, b, pat in rows]
    expected = expected_prefix_rows()
    assert unescaped == expected + expected, "paste schema/prefixes.tsv into both VALUES tables"


def test_vocabulary_check_matches_vocabularies_tsv() -> None:
    pairs = set(re.findall(r'\(kkg:(\w+) "([^"]*)"\)', check_text("value_outside_vocabulary")))
    assert pairs == expected_vocabulary_pairs()


def test_category_lists_match_classes_tsv() -> None:
    categories = {c.id for c in load_schema().classes.values() if c.category}
    for name in ("entity_without_category", "duplicate_label"):
        text = check_text(name)
        listed = set(re.findall(r"kkg:([A-Z]\w+)", text.split("WHERE", 1)[1]))
        assert categories <= listed, (name, categories - listed)
        assert listed - categories <= {"Claim", "Quantity"}, name


def test_shapes_identifier_patterns_match_prefixes_tsv() -> None:
    shapes = Graph().parse(SHAPES, format="turtle")
    patterns = {str(o) for o in shapes.objects(None, SH.pattern)}

    def strip(p: str) -> str:
        return p.replace("$|^", "|").removeprefix("^").removesuffix("$")

    rows = expected_prefix_rows()
    curie = "^(" + "|".join(p.replace(".", "\\.") + ":(" + strip(pat) + ")" for p, _b, pat in rows) + ")$"
    iri = "^(" + "|".join(b.replace(".", "\\.") + "(" + strip(pat) + ")" for _p, b, pat in rows) + ")$"
    assert curie in patterns
    assert iri in patterns


def test_shapes_vocabularies_match_vocabularies_tsv() -> None:
    shapes = Graph().parse(SHAPES, format="turtle")
    pairs: set[tuple[str, str]] = set()
    for prop_shape, values in shapes.subject_objects(SH["in"]):
        path = shapes.value(prop_shape, SH.path)
        assert isinstance(path, URIRef)
        items = shapes.collection(values)
        pairs.update((str(path).rsplit("#", 1)[1], str(v)) for v in items)
    assert pairs == expected_vocabulary_pairs()


def test_every_shape_names_a_check() -> None:
    from ketamine_kg.queries.quality import SHAPES_NS, load_checks

    shapes = Graph().parse(SHAPES, format="turtle")
    names = {str(o) for o in shapes.objects(None, URIRef(SHAPES_NS + "check"))}
    for shape in shapes.subjects(None, SH.NodeShape):
        assert shapes.value(shape, URIRef(SHAPES_NS + "check")) is not None, shape
    assert names <= set(load_checks())
    assert set(load_checks()) - names == {"undeclared_term"}


def ucum_unit_pattern() -> str:
    """A regular expression for UCUM unit codes, built from the UCUM essence file that ucumvert ships.

    Components are a (prefixed, if metric) atom with an optional exponent, a ``{annotation}`` or an integer
    factor, joined by ``.`` or ``/`` (a leading ``/`` is allowed); parentheses are not used by this project.
    """
    import xml.etree.ElementTree as ET

    essence = resources.files("ucumvert") / "vendor" / "ucum-essence.xml"
    root = ET.fromstring(essence.read_bytes())
    ns = "{http://unitsofmeasure.org/ucum-essence}"

    def alternatives(codes: list[str]) -> str:
        return "|".join(re.escape(c) for c in sorted(set(codes), key=lambda c: (-len(c), c)))

    prefixes = [e.get("Code", "") for e in root.iter(f"{ns}prefix")]
    metric = [e.get("Code", "") for e in root.iter(f"{ns}base-unit")]
    metric += [e.get("Code", "") for e in root.iter(f"{ns}unit") if e.get("isMetric") == "yes"]
    other = [e.get("Code", "") for e in root.iter(f"{ns}unit") if e.get("isMetric") != "yes"]
    atom = f"(?:(?:{alternatives(prefixes)})?(?:{alternatives(metric)})|(?:{alternatives(other)}))"
    component = f"(?:{atom}(?:[+-]?[0-9]+)?(?:\\{{[^{{}}]*\\}})?|\\{{[^{{}}]*\\}}|[0-9]+)"
    return f"^/?{component}(?:[./]{component})*$"


def _quoted(pattern: str) -> str:
    """The pattern as a SPARQL or Turtle string literal body (backslashes and quotes escaped)."""
    return pattern.replace("\\", "\\\\").replace('"', '\\"')


def test_ucum_check_and_shape_use_the_ucum_essence_pattern() -> None:
    quoted = _quoted(ucum_unit_pattern())
    assert f'"{quoted}"' in check_text("non_ucum_unit"), "regenerate the pattern from ucum_unit_pattern()"
    assert f'"{quoted}"' in SHAPES.read_text(encoding="utf-8"), "regenerate the NonUcumUnit sh:pattern"


def test_ucum_pattern_accepts_the_vocabulary_and_rejects_traps() -> None:
    pattern = re.compile(ucum_unit_pattern())
    for unit in load_schema().vocabulary("unit"):
        assert pattern.fullmatch(unit), unit
    for bad in ("uM", "nM", "mmHg", "µM", "hr", "mg kg", "mins"):
        assert not pattern.fullmatch(bad), bad
