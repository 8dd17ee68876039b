"""Normalisation, entity matching, the pattern table, negation and hedging (no graph needed)."""

from __future__ import annotations

import pytest

from ketamine_kg.errors import UserError
from ketamine_kg.textcheck.extract import is_hedged, is_negated
from ketamine_kg.textcheck.matcher import Alias, EntityMatcher
from ketamine_kg.textcheck.normalise import fold, fold_key, plural_variants
from ketamine_kg.textcheck.patterns import load_patterns, parse_patterns


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("(S)-ketamine", "S-ketamine"),
        ("S(+)-ketamine", "S-ketamine"),
        ("(S)-(+)-ketamine", "S-ketamine"),
        ("s ketamine", "S-ketamine"),
        ("(±)-ketamine", "(RS)-ketamine"),
        ("α7 nAChR", "alpha7 nAChR"),
        ("GSK-3β", "GSK 3beta"),
        ("intravenous anaesthetic", "intravenous anesthetic"),
        ("BDNF–TrkB signalling", "bdnf trkb signaling"),
        ("haematuria", "hematuria"),
        ("Hypothalamic-Pituitary-Adrenal (HPA) axis", "hypothalamic pituitary adrenal axis"),
        ("behaviour", "behavior"),
    ],
)
def test_variants_fold_to_one_key(variant: str, canonical: str) -> None:
    assert fold_key(variant) == fold_key(canonical)


def test_fold_keeps_a_map_to_original_offsets() -> None:
    text = "The α7 receptor (HPA) axis"
    folded = fold(text)
    start = folded.text.index("alpha7")
    assert folded.span(start, start + len("alpha7")) == (4, 6)
    axis = folded.text.index("axis")
    assert text[slice(*folded.span(axis, axis + 4))] == "axis"


def test_plural_variants() -> None:
    assert plural_variants("nmda receptor") == {"nmda receptor", "nmda receptors"}
    assert plural_variants("therapy") == {"therapy", "therapies"}
    assert "benzodiazepines" in plural_variants("benzodiazepine")


@pytest.fixture(scope="module")
def matcher() -> EntityMatcher:
    aliases = [
        Alias("esketamine", "esketamine", "drug"),
        Alias("(S)-ketamine", "esketamine", "drug"),
        Alias("ketamine", "ketamine", "drug"),
        Alias("NMDA receptor", "nmda_receptor", "receptor"),
        Alias("major depressive disorder", "mdd", "condition"),
        Alias("NET", "slc6a2", "protein"),
        Alias("dysuria", "dysuria", "adverse_effect"),
        Alias("pain when you pee", "dysuria", "adverse_effect"),
        Alias("CHEBI:6121", "ketamine", "drug"),
    ]
    return EntityMatcher(aliases, {"20724638": "src_li2010"})


def found(matcher: EntityMatcher, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.entity) for m in matcher.find(text)]


def test_matches_on_characters_with_stereo_prefixes(matcher: EntityMatcher) -> None:
    text = "S(+)-ketamine and (S)-ketamine and S-ketamine differ from ketamine."
    assert found(matcher, text) == [
        ("S(+)-ketamine", "esketamine"),
        ("(S)-ketamine", "esketamine"),
        ("S-ketamine", "esketamine"),
        ("ketamine", "ketamine"),
    ]


def test_plural_case_and_word_boundaries(matcher: EntityMatcher) -> None:
    assert found(matcher, "It blocks NMDA Receptors.") == [("NMDA Receptors", "nmda_receptor")]
    assert found(matcher, "a safety net, then NET") == [("NET", "slc6a2")]
    assert found(matcher, "ketamines ketaminergic") == [("ketamines", "ketamine")]


def test_abbreviation_defined_in_brackets(matcher: EntityMatcher) -> None:
    text = "Major depressive disorder (MDD) is common; MDD recurs."
    assert found(matcher, text) == [("Major depressive disorder", "mdd"), ("MDD", "mdd")]


def test_identifiers_pmids_and_lay_synonyms(matcher: EntityMatcher) -> None:
    text = "CHEBI:6121 (PMID: 20724638) can cause pain when you pee."
    assert found(matcher, text) == [
        ("CHEBI:6121", "ketamine"),
        ("PMID: 20724638", "src_li2010"),
        ("pain when you pee", "dysuria"),
    ]


@pytest.mark.parametrize(
    ("stretch", "negated"),
    [
        (" does not act on ", True),
        (" doesn't block ", True),
        (" has no effect on ", True),
        (" fails to reduce ", True),
        (" not only blocks ", False),
        (" blocks ", False),
    ],
)
def test_negation_cues(stretch: str, negated: bool) -> None:
    assert is_negated(stretch) is negated


@pytest.mark.parametrize(
    ("sentence", "hedged"),
    [
        ("Ketamine may reduce inflammation.", True),
        ("Studies suggest that it lowers cortisol.", True),
        ("A potential mechanism is AMPA activation.", True),
        ("Ketamine blocks NMDA receptors.", False),
    ],
)
def test_hedging_cues(sentence: str, hedged: bool) -> None:
    assert is_hedged(sentence) is hedged


def test_shipped_table_covers_every_family_and_schema_predicates(
    real_build_schema_properties: set[str],
) -> None:
    patterns = load_patterns()
    families = {p.family for p in patterns}
    assert {"metabolite", "enantiomer", "antagonist", "treatment", "approval", "off_label"} <= families
    assert {"adverse_effect", "increase", "decrease", "role", "binding", "prevention"} <= families
    for p in patterns:
        assert p.predicate in real_build_schema_properties, p
        for a in p.accept:
            assert a.lstrip("^") in real_build_schema_properties, p


def test_malformed_pattern_table_names_row_and_column() -> None:
    header = "family\tscope\ttrigger\tpredicate\tdirection\tleft\tright\taccept\tframing\timplicit_subject"
    with pytest.raises(UserError, match=r"patterns.tsv:2: column 'trigger'"):
        parse_patterns(header + "\nx\ttrigger\t(unclosed\ttreats\tforward\tdrug\tcondition\t\t\tno\n")
    with pytest.raises(UserError, match=r"patterns.tsv:2: column 'direction'"):
        parse_patterns(header + "\nx\ttrigger\tcures\ttreats\tsideways\tdrug\tcondition\t\t\tno\n")


@pytest.fixture(scope="module")
def real_build_schema_properties() -> set[str]:
    from ketamine_kg.ontology.schema import load_schema

    return set(load_schema().properties)


def test_near_misses_are_suggestions_not_mentions(matcher: EntityMatcher) -> None:
    text = "Esketamin differs from ketamine; the dysurria was mild."
    mentions = matcher.find(text)
    assert [m.entity for m in mentions] == ["ketamine"]
    assert [(x.text, x.entity) for x in matcher.near_misses(text, mentions)] == [
        ("Esketamin", "esketamine"),
        ("dysurria", "dysuria"),
    ]
    assert matcher.near_misses("Patients improved markedly over several weeks.", []) == []
