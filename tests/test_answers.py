"""Regression tests for answers an expert review found wrong (issue 10), written from the fact sheet.

1. a quantity that qualifies an assertion is linked to that assertion, not posed as a property of its
   subject (the time course of the antidepressant effect is not the blood-pressure peak);
2. a frequency and its comparator value are one observation (no cross-paired study arms), ranges stay ranges;
3. an inferred inverse carries the qualifiers of the assertion it mirrors.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ketamine_kg.errors import SourceValidationError
from ketamine_kg.ontology.source import load_source
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.queries import open_engine, run_query, run_sparql

PREFIXES = """
PREFIX kkg: <https://w3id.org/ketamine-kg/schema#>
PREFIX kg: <https://w3id.org/ketamine-kg/id/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


@pytest.fixture(scope="module")
def engine(real_build: BuildResult) -> object:
    return open_engine(real_build, "oxigraph")


def _num(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value).normalize()


def _rows(engine: object, name: str, columns: tuple[str, ...], **params: Any) -> list[tuple[object, ...]]:
    result = run_query(engine, name, **params)
    cols = [result.column(c) for c in columns]
    return [tuple(_num(v) if _is_number(v) else v for v in row) for row in zip(*cols, strict=True)]


def _is_number(value: str | None) -> bool:
    if value is None:
        return False
    try:
        Decimal(value)
    except ArithmeticError:
        return False
    return True


# 1. Time course -------------------------------------------------------------------------------------------


def test_time_course_of_esketamine_is_not_its_blood_pressure_peak_or_dissociation(engine: object) -> None:
    # Fact sheet §6/§7: the 40 min blood-pressure peak and the <= 2 h dissociation window qualify adverse
    # events of esketamine; the graph records no time course of esketamine's antidepressant effect.
    assert run_query(engine, "cq14_time_course", drug="esketamine").rows == ()


def test_time_course_of_ketamine_is_the_antidepressant_effect(engine: object) -> None:
    # Fact sheet §7: onset within 40 min, largest effect at about 24 h, effect lasting about 3 to 7 days.
    rows = _rows(engine, "cq14_time_course", ("kind", "value", "minValue", "maxValue", "unit"))
    assert sorted(rows, key=str) == sorted(
        [
            ("onset", Decimal(40), None, None, "min"),
            ("peak_effect_time", Decimal(24), None, None, "h"),
            ("duration_of_effect", None, Decimal(3), Decimal(7), "d"),
        ],
        key=str,
    )


def test_no_quantity_of_an_assertion_poses_as_a_property_of_its_subject(engine: object) -> None:
    query = (
        PREFIXES
        + """
        SELECT ?q WHERE { ?q kkg:assertionRef ?rid . { ?q kkg:quantityOf ?x } UNION
          { FILTER NOT EXISTS { ?q kkg:qualifiesAssertion ?ax . ?ax kkg:assertionId ?rid } } }"""
    )
    assert run_sparql(engine, query).rows == ()


def test_blood_pressure_peak_is_reachable_from_its_assertion_and_object(engine: object) -> None:
    query = (
        PREFIXES
        + """
        SELECT ?subject ?value ?unit WHERE {
          ?q kkg:quantityKind "peak_effect_time" ; kkg:value ?value ; kkg:unit ?unit ;
             kkg:qualifiesAssertion ?ax .
          ?ax owl:annotatedSource ?subject ; owl:annotatedTarget kg:increased_blood_pressure }"""
    )
    result = run_sparql(engine, query)
    columns = (result.column(c) for c in ("subject", "value", "unit"))
    found = [(s, _num(v), u) for s, v, u in zip(*columns, strict=True)]
    assert found == [("https://w3id.org/ketamine-kg/id/esketamine", Decimal(40), "min")]


# 2. Observations ------------------------------------------------------------------------------------------

OBSERVATION = (
    "effectLabel",
    "frequency",
    "frequencyMin",
    "frequencyMax",
    "comparatorLabel",
    "comparatorFrequency",
)


def test_dissociation_frequencies_keep_their_own_placebo_arm(engine: object) -> None:
    # Fact sheet §6: 33.9% vs 5.8% placebo (ASPIRE pooled) and 38.6% vs 8.0% (pooled trials): two
    # observations, never 33.9 with 8.0 or 38.6 with 5.8, and one row each.
    rows = [r for r in _rows(engine, "adverse_effects", OBSERVATION) if r[0] == "dissociation"]
    assert sorted(rows, key=str) == [
        ("dissociation", Decimal("33.9"), None, None, "placebo", Decimal("5.8")),
        ("dissociation", Decimal("38.6"), None, None, "placebo", Decimal(8)),
    ]


def test_ranges_are_shown_as_ranges(engine: object) -> None:
    rows = {r[0]: r for r in _rows(engine, "adverse_effects", OBSERVATION)}
    assert rows["vertigo"][1:4] == (None, Decimal(6), Decimal(23))  # 6-23%, not 6%
    assert rows["anxiety"][1:4] == (None, Decimal("10.1"), Decimal("14.9"))


def test_frequent_adverse_effects_need_the_placebo_arm_of_the_same_observation(engine: object) -> None:
    # Fact sheet §6, >= 10% and above placebo in the same report: dissociation (both reports), dizziness,
    # nausea, increased blood pressure, vomiting, euphoria, anxiety (10.1-14.9 vs 6.2-7.6). Sedation,
    # paresthesia, dysgeusia, hypoesthesia, blurred vision and vertigo have no placebo value: not listed.
    columns = ("effectLabel", "frequency", "frequencyMin", "placeboFrequency", "placeboMax")
    rows = _rows(engine, "cq23_frequent_adverse_effects", columns)
    assert sorted(rows, key=str) == sorted(
        [
            ("dissociation", Decimal("38.6"), None, Decimal(8), None),
            ("dissociation", Decimal("33.9"), None, Decimal("5.8"), None),
            ("dizziness", Decimal("38.3"), None, Decimal("13.8"), None),
            ("nausea", Decimal("26.9"), None, Decimal("13.8"), None),
            ("increased blood pressure", Decimal("11.5"), None, Decimal(4), None),
            ("vomiting", Decimal("11.5"), None, Decimal("5.3"), None),
            ("euphoria", Decimal("11.4"), None, Decimal("0.9"), None),
            ("anxiety", None, Decimal("10.1"), None, Decimal("7.6")),
        ],
        key=str,
    )


# 3. Qualified inferred inverses ---------------------------------------------------------------------------


def _inferred_qualifiers(engine: object, subject: str, prop: str, obj: str) -> set[tuple[str, ...]]:
    query = (
        PREFIXES
        + f"""
        SELECT ?rid ?status ?route ?regimen ?region WHERE {{
          ?ax kkg:inferred true ; owl:annotatedSource kg:{subject} ; owl:annotatedProperty kkg:{prop} ;
              owl:annotatedTarget kg:{obj} ; kkg:mirrorsAssertion ?rid .
          OPTIONAL {{ ?ax kkg:approvalStatus ?status }} OPTIONAL {{ ?ax kkg:route ?route }}
          OPTIONAL {{ ?ax kkg:regimen ?regimen }} OPTIONAL {{ ?ax kkg:region ?region }} }}"""
    )
    result = run_sparql(engine, query)
    columns = [result.column(c) for c in ("rid", "status", "route", "regimen", "region")]
    return {tuple(v or "" for v in row) for row in zip(*columns, strict=True)}


def test_inferred_is_treated_by_keeps_the_off_label_status(engine: object) -> None:
    # Fact sheet §5: racemic ketamine in depression is off-label (R0226, intravenous).
    assert _inferred_qualifiers(engine, "mdd", "isTreatedBy", "ketamine") == {
        ("R0226", "off_label_use", "intravenous", "", "")
    }


def test_inferred_is_treated_by_keeps_each_approval_apart(engine: object) -> None:
    # Fact sheet §5: esketamine for TRD: US 2019 with an oral antidepressant, US 2025 monotherapy, EU 2019.
    assert _inferred_qualifiers(engine, "trd", "isTreatedBy", "esketamine") == {
        ("R0216", "fda_approved_for_condition", "intranasal", "adjunct_to_oral_antidepressant", "US"),
        ("R0217", "fda_approved_for_condition", "intranasal", "monotherapy", "US"),
        ("R0219", "approved_for_condition", "intranasal", "adjunct_to_oral_antidepressant", "EU"),
    }


def test_no_inferred_statement_is_less_qualified_than_its_mirror(real_build: BuildResult) -> None:
    from ketamine_kg.queries.quality import run_checks

    results = {r.check.name: r.rows for r in run_checks(real_build.graph)}
    assert results["inferred_less_qualified"] == ()


# 5-10. Data fixes --------------------------------------------------------------------------------------------


def _ask(engine: object, pattern: str) -> bool:
    result = run_sparql(engine, PREFIXES + "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + pattern)
    return bool(result.boolean)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # §4.1: ketamine inhibits HCN1 and so causes hypnosis: HCN1 works against hypnosis
        ("ASK { kg:hcn1 kkg:causallyUpstreamOfNegativeEffect kg:anaesthetic_hypnosis }", True),
        ("ASK { kg:hcn1 kkg:causallyUpstreamOfPositiveEffect kg:anaesthetic_hypnosis }", False),
        # drug-induced liver injury is one kind of hepatobiliary injury, not the reverse
        ("ASK { kg:drug_induced_liver_injury kkg:isSubtypeOf kg:hepatobiliary_injury }", True),
        ("ASK { kg:hepatobiliary_injury kkg:isSubtypeOf kg:drug_induced_liver_injury }", False),
        ("ASK { kg:ketamine_biliary_dilatation kkg:isSubtypeOf kg:drug_induced_liver_injury }", False),
        # cortisol secretion is part of the HPA axis; loss of consciousness is not a kind of sedation
        ("ASK { kg:cortisol_secretion kkg:partOf kg:hpa_axis }", True),
        ("ASK { kg:cortisol_secretion kkg:isSubtypeOf kg:hpa_axis }", False),
        ("ASK { kg:loss_of_consciousness kkg:isSubtypeOf kg:sedation }", False),
        # modelling: complex, activity, comparator, induced state, subunit selectivity, uropathy
        ("ASK { kg:mtorc1 a kkg:ProteinComplex }", True),
        ("ASK { kg:mtorc1 a kkg:Receptor }", False),
        ("ASK { kg:eef2k_activity a kkg:MolecularActivity }", True),
        ("ASK { kg:placebo a kkg:Drug }", False),
        ("ASK { kg:ketamine kkg:indicatedFor kg:general_anaesthesia }", True),
        ("ASK { kg:ketamine kkg:treats kg:general_anaesthesia }", False),
        ("ASK { kg:ketamine kkg:isAntagonistOf kg:grin2b }", False),
        ("ASK { kg:ketamine_uropathy kkg:hasPhenotype kg:dysuria }", True),
        ("ASK { kg:cystitis kkg:hasPhenotype ?phenotype }", False),
        # honest RO/BFO mappings: has part is asymmetric and not transitive; RO causal relations are
        # process-to-process, used here with chemicals
        ("ASK { kkg:hasPart skos:exactMatch <http://purl.obolibrary.org/obo/BFO_0000051> }", False),
        ("ASK { kkg:causallyUpstreamOfPositiveEffect skos:exactMatch ?ro }", False),
        # §10 errata: the IJNP 2018 paper is Shirayama & Hashimoto
        ('ASK { kg:src_yang2018 kkg:doi "10.1093/ijnp/pyx108" }', True),
        # closure: a query without a reasoner finds norketamine downstream of ketamine, with provenance
        (
            "ASK { kg:ketamine kkg:hasDownstreamMetabolite kg:norketamine . ?ax owl:annotatedSource kg:ketamine ;"
            " owl:annotatedProperty kkg:hasDownstreamMetabolite ; owl:annotatedTarget kg:norketamine ;"
            ' kkg:mirrorsAssertion "R0038" ; kkg:evidenceLevel "clinical" }',
            True,
        ),
        # units are UCUM: micromole per litre, never "uM" (micro-mega)
        ('ASK { ?q kkg:unit ?u . FILTER(?u IN ("uM", "nM")) }', False),
        ('ASK { kg:q_ki_esketamine kkg:unit "umol/L" }', True),
        # route is a structured qualifier of bioavailability
        ('ASK { kg:q_ketamine_f_oral kkg:route "oral" ; kkg:quantityKind "bioavailability" }', True),
    ],
)
def test_reviewed_data_fixes(engine: object, pattern: str, expected: bool) -> None:
    assert _ask(engine, pattern) is expected


def test_every_unit_is_valid_ucum() -> None:
    from ucumvert import get_ucum_parser

    from ketamine_kg.ontology.schema import load_schema

    parser = get_ucum_parser()
    units = sorted(load_schema().vocabulary("unit"))
    assert "umol/L" in units
    for unit in units:
        parser.parse(unit)  # raises on a code outside the UCUM grammar
    with pytest.raises(Exception, match="No terminal matches 'M'"):
        parser.parse("uM")  # the old code: not UCUM


def test_loader_keeps_a_comparator_and_its_value_together(source_copy: Path) -> None:
    path = source_copy / "quantities.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += "\tcomparator\tcomparator_value\tcomparator_min\tcomparator_max\tqualifiers"
    lines[2] += "\tarketamine\t\t\t\t"  # a comparator arm without its value
    lines.append("q_bad\tR0012\tfrequency\t5\t\t\t%\t\tclinical\tsrc_label\t\t\t3\t\t\troute=nasal")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceValidationError) as caught:
        load_source(source_copy)
    text = str(caught.value)
    assert "quantities.tsv:3: column 'comparator_value': comparator 'arketamine' needs its value" in text
    assert "quantities.tsv:5: column 'comparator': a comparator value needs the comparator" in text
    assert "quantities.tsv:5: column 'qualifiers'" in text and "nasal" in text
