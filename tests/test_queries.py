"""Named-query library: catalogue, expected answers, competency questions, engine agreement, API."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ketamine_kg.errors import QueryError
from ketamine_kg.pipeline import BuildResult, write_outputs
from ketamine_kg.queries import (
    QueryResult,
    format_result,
    load_catalogue,
    open_engine,
    prepare_query,
    render_query_answers,
    run_query,
    run_sparql,
)
from ketamine_kg.queries.engines import OxigraphEngine

EXPECTED = Path(__file__).parent / "expected"
CATALOGUE = load_catalogue()
NAMES = sorted(CATALOGUE)
CQS = [
    c.strip()
    for c in [
        "CQ1",
        "CQ2",
        "CQ4",
        "CQ7",
        "CQ8",
        "CQ9",
        "CQ10",
        "CQ11",
        "CQ13",
        "CQ14",
        "CQ18",
        "CQ20",
        "CQ22",
        "CQ23",
        "CQ24",
        "CQ26",
        "CQ29",
        "CQ30",
    ]
]


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def fixture_engines(fixture_build: BuildResult) -> dict[str, object]:
    return {name: open_engine(fixture_build, name) for name in ("oxigraph", "rdflib")}


@pytest.fixture(scope="module")
def real_engines(real_build: BuildResult) -> dict[str, object]:
    return {name: open_engine(real_build, name) for name in ("oxigraph", "rdflib")}


def test_library_has_at_least_25_queries_and_every_cq() -> None:
    assert len(CATALOGUE) >= 25
    covered = {cq for q in CATALOGUE.values() for cq in q.competency}
    assert set(CQS) <= covered


@pytest.mark.parametrize("name", NAMES)
def test_every_query_has_an_expected_answer(name: str) -> None:
    assert (EXPECTED / f"{name}.json").is_file(), f"add tests/expected/{name}.json"
    assert "fixture" in _expected(name)


def test_no_expected_answer_without_a_query() -> None:
    assert {p.stem for p in EXPECTED.glob("*.json")} == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_header_matches_query(name: str) -> None:
    query = CATALOGUE[name]
    prepared = prepare_query(query.text)
    assert prepared.form == "SELECT"
    assert prepared.columns == query.columns, "the '# columns:' header must list the projected variables"
    assert "ORDER BY" in query.text, "answers must have a deterministic order"
    for param in query.parameters:
        assert param.name in prepared.columns, f"parameter ?{param.name} must be projected (Oxigraph binding)"
        assert param.name not in {"engine", "timeout", "allow_network", "max_rows"}


@pytest.mark.parametrize("name", NAMES)
def test_fixture_answers(name: str, fixture_engines: dict[str, object]) -> None:
    expected = _expected(name)["fixture"]
    result = run_query(fixture_engines["oxigraph"], name, **expected["params"])
    assert len(result.rows) == expected["rows"]
    values = sorted({v for v in result.column(str(expected["column"])) if v is not None})
    assert values == expected["values"]


@pytest.mark.parametrize("name", [n for n in NAMES if "real" in _expected(n)])
def test_competency_answers_on_real_data(name: str, real_engines: dict[str, object]) -> None:
    expected = _expected(name)["real"]
    result = run_query(real_engines["oxigraph"], name, **expected["params"])
    values = [v for v in result.column(str(expected["column"])) if v]
    missing = [c for c in expected["contains"] if not any(str(c).casefold() in v.casefold() for v in values)]
    assert not missing, (
        f"{name}: expected {missing} in column {expected['column']}, got {sorted(set(values))}"
    )


def _gold_cell(cell: Any) -> str | None:
    """A result cell as gold answers spell it: an IRI as its CURIE, a number in plain canonical form."""
    if cell is None:
        return None
    kind, value, datatype, _ = cell.parts
    if kind == "uri":
        return str(cell.curie)
    if datatype and datatype.rsplit("#", 1)[-1] in {"decimal", "integer", "double", "float"}:
        return format(Decimal(value).normalize(), "f")
    return str(value)


@pytest.mark.parametrize("name", NAMES)
def test_every_query_has_a_reviewed_gold_answer(name: str) -> None:
    gold = _expected(name).get("gold")
    assert gold, f"tests/expected/{name}.json needs a 'gold' answer written from the fact sheet"
    assert gold["columns"] and set(gold["columns"]) <= set(CATALOGUE[name].columns)
    assert all(len(row) == len(gold["columns"]) for row in gold["rows"])


@pytest.mark.parametrize("name", [n for n in NAMES if "gold" in _expected(n)])
def test_gold_answers_on_real_data(name: str, real_engines: dict[str, object]) -> None:
    """The whole answer, row for row (pairings and qualifiers included), equals the reviewed gold answer."""
    gold = _expected(name)["gold"]
    result = run_query(real_engines["oxigraph"], name, **gold["params"])
    index = [result.columns.index(c) for c in gold["columns"]]
    actual = sorted({tuple(_gold_cell(row[i]) for i in index) for row in result.rows}, key=repr)
    expected = sorted({tuple(row) for row in gold["rows"]}, key=repr)
    assert len(expected) == len(gold["rows"]), "duplicate rows in the gold answer"
    missing = [r for r in expected if r not in actual]
    extra = [r for r in actual if r not in expected]
    assert not missing and not extra, f"{name}: missing {missing}; unexpected {extra}"


def test_cq_regression_guards(real_engines: dict[str, object]) -> None:
    engine = real_engines["oxigraph"]
    structural = run_query(engine, "cq02_structural_relations")
    pairs = {
        (r, o) for r, o in zip(structural.column("relation"), structural.column("otherLabel"), strict=True)
    }
    assert ("is enantiomer of", "arketamine") in pairs and ("part of", "ketamine") in pairs
    assert not any(r == "is metabolite of" and o == "ketamine" for r, o in pairs)  # E1: not a metabolite
    metabolites = run_query(engine, "cq04_metabolites").column("metaboliteLabel")
    assert "esketamine" not in metabolites and "arketamine" not in metabolites
    claims = run_query(engine, "cq24_article_adverse_effects")
    assert "true" not in claims.column("treatsEdge")  # anxiety/euphoria never framed as treated
    approvals = run_query(engine, "cq07_fda_approvals")
    assert "2019-03-05" in approvals.column("date")
    ketamine = run_query(engine, "cq08_approval_status")
    statuses = dict(zip(ketamine.column("conditionLabel"), ketamine.column("approvalStatus"), strict=True))
    assert statuses.get("major depressive disorder") == "off_label_use"
    assert "treatment-resistant depression" not in [
        c for c, s in statuses.items() if s == "fda_approved_for_condition"
    ]


@pytest.mark.parametrize("name", NAMES)
def test_engines_agree_on_real_data(name: str, real_engines: dict[str, object]) -> None:
    params = _expected(name)["fixture"]["params"]
    answers = [
        format_result(run_query(real_engines[e], name, **params), "csv") for e in ("oxigraph", "rdflib")
    ]
    assert answers[0] == answers[1]


@pytest.mark.parametrize("name", NAMES)
def test_engines_agree_on_fixture(name: str, fixture_engines: dict[str, object]) -> None:
    params = _expected(name)["fixture"]["params"]
    answers = [
        format_result(run_query(fixture_engines[e], name, **params), "json") for e in ("oxigraph", "rdflib")
    ]
    assert answers[0] == answers[1]


def test_parameters_accept_label_synonym_and_curie(fixture_engines: dict[str, object]) -> None:
    engine = fixture_engines["oxigraph"]
    answers = {
        format_result(run_query(engine, "drug_targets", drug=value), "csv")
        for value in (
            "esketamine",
            "(S)-ketamine",
            "CHEBI:60799",
            "kg:esketamine",
            "obo:CHEBI_60799",
            "ESKETAMINE",
        )
    }
    assert len(answers) == 1 and "nmda_receptor" in answers.pop()


def test_parameter_text_is_never_query_text(fixture_engines: dict[str, object]) -> None:
    nasty = 'x") } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o FILTER("'
    result = run_query(fixture_engines["oxigraph"], "search", text=nasty)
    assert result.rows == ()
    assert run_query(fixture_engines["rdflib"], "search", text=nasty).rows == ()


def test_bad_parameters_are_clear(fixture_engines: dict[str, object]) -> None:
    engine = fixture_engines["oxigraph"]
    with pytest.raises(QueryError, match="did you mean 'esketamine'") as typo:
        run_query(engine, "drug_targets", drug="esketamin")
    # only entities are suggested, never the labels of quantities, claims or sources
    assert not any(word in str(typo.value) for word in ("frequency", "constant", "metabolite", "Ki"))
    with pytest.raises(QueryError, match="needs --param text"):
        run_query(engine, "search")
    with pytest.raises(QueryError, match="no parameter colour"):
        run_query(engine, "drug_targets", colour="red")
    with pytest.raises(QueryError, match="did you mean drug_targets"):
        run_query(engine, "drug_target")
    with pytest.raises(QueryError, match="must be a number"):
        run_query(engine, "cq23_frequent_adverse_effects", threshold="ten")


def test_run_query_accepts_graph_store_and_build(fixture_build: BuildResult) -> None:
    from_build = run_query(fixture_build, "drug_targets")
    from_graph = run_query(fixture_build.graph, "drug_targets", engine="rdflib")
    engine = open_engine(fixture_build)
    assert isinstance(engine, OxigraphEngine)
    from_store = run_query(engine.store, "drug_targets")
    assert isinstance(from_build, QueryResult)
    assert from_build.as_dicts() == from_graph.as_dicts() == from_store.as_dicts()
    row = from_build.as_dicts()[0]
    assert row["targetLabel"] == "NMDA receptor"
    assert row["target"] == "NMDA receptor (kg:nmda_receptor)"
    assert from_build.as_dicts(labels=False)[0]["target"] == "https://w3id.org/ketamine-kg/id/nmda_receptor"


def test_formats(fixture_build: BuildResult) -> None:
    result = run_sparql(
        fixture_build,
        "SELECT ?d ?v WHERE { ?q kkg:qualifiesAssertion/owl:annotatedSource ?d ; kkg:value ?v } ORDER BY ?v",
    )
    document = json.loads(format_result(result, "json"))
    assert document["head"]["vars"] == ["d", "v"]
    first = document["results"]["bindings"][0]
    assert first["d"]["type"] == "uri" and first["v"]["datatype"].endswith("#decimal")
    assert format_result(result, "csv").startswith("d,v\r\n")
    assert format_result(result, "tsv").splitlines()[0] == "?d\t?v"
    table = format_result(result, "table")
    assert "esketamine (kg:esketamine)" in table
    ask = run_sparql(fixture_build, "ASK { kg:esketamine kkg:isAntagonistOf kg:nmda_receptor }")
    assert json.loads(format_result(ask, "json")) == {"head": {}, "boolean": True}
    graph = run_sparql(
        fixture_build, "CONSTRUCT { ?d kkg:isAntagonistOf ?t } WHERE { ?d kkg:isAntagonistOf ?t }"
    )
    assert "kg:esketamine kkg:isAntagonistOf kg:nmda_receptor" in format_result(graph, "ttl")
    with pytest.raises(QueryError, match="use --format ttl"):
        format_result(graph, "csv")


def write_query_answers(build: BuildResult, out_dir: Path) -> list[Path]:
    return write_outputs(render_query_answers(build), out_dir)


def test_write_query_answers(fixture_build: BuildResult, tmp_path: Path) -> None:
    written = write_query_answers(fixture_build, tmp_path)
    runnable = sorted(n for n, q in CATALOGUE.items() if q.runnable_without_input)
    assert sorted(p.stem for p in written) == runnable
    assert all(p.parent == tmp_path / "queries" for p in written)
    first = {p.name: p.read_bytes() for p in written}
    again = write_query_answers(fixture_build, tmp_path)
    assert {p.name: p.read_bytes() for p in again} == first  # deterministic
    assert (tmp_path / "queries" / "drug_targets.csv").read_text().startswith("drug,target,targetLabel")
    assert not list((tmp_path / "queries").glob(".*.tmp"))


def test_build_answers_skip_queries_whose_default_entity_is_absent(source_copy: Path) -> None:
    """Regression: a user's tables without an entity labelled 'ketamine' used to make `build` fail."""
    from conftest import edit_table
    from ketamine_kg.pipeline import build_knowledge_graph

    edit_table(source_copy, "entities", 2, "label", "ketamine (racemic)")
    edit_table(source_copy, "entities", 2, "synonyms", "")
    answers = render_query_answers(build_knowledge_graph(source_copy, reason=False))
    assert "queries/drug_targets.csv" in answers
    assert "queries/cq04_metabolites.csv" not in answers  # its default entity 'ketamine' is not there


def _term_zoo() -> Any:
    """A graph with every kind of value a result can hold, in non-canonical lexical forms."""
    import rdflib
    from rdflib.namespace import RDFS, XSD

    graph = rdflib.Graph()
    ex = rdflib.Namespace("https://w3id.org/ketamine-kg/id/")
    subject = ex.zoo
    graph.add((subject, RDFS.label, rdflib.Literal("zoo")))
    values = [
        rdflib.Literal("01.50", datatype=XSD.decimal),
        rdflib.Literal("1e3", datatype=XSD.double),
        rdflib.Literal("007", datatype=XSD.integer),
        rdflib.Literal("1", datatype=XSD.boolean),
        rdflib.Literal("2019-03-05", datatype=XSD.date),
        rdflib.Literal("plain"),
        rdflib.Literal('tab\there "quoted"\nnew line', lang="EN-GB"),
        ex.unlabelled,
        ex.zoo,
    ]
    for value in values:
        graph.add((subject, RDFS.seeAlso, value))
    return graph


ZOO_QUERY = "SELECT ?s ?o WHERE { ?s rdfs:seeAlso ?o } ORDER BY STR(?o)"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
def test_engines_format_every_kind_of_term_alike(fmt: str) -> None:
    graph = _term_zoo()
    answers = [format_result(run_sparql(graph, ZOO_QUERY, engine=e), fmt) for e in ("oxigraph", "rdflib")]
    assert answers[0] == answers[1]


def test_oxigraph_values_are_canonical_without_rdflib_terms() -> None:
    result = run_sparql(_term_zoo(), ZOO_QUERY)
    tsv = format_result(result, "tsv")
    for expected in (
        '"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>',
        '"1000.0E0"^^<http://www.w3.org/2001/XMLSchema#double>',
        '"7"^^<http://www.w3.org/2001/XMLSchema#integer>',
        '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
        '"plain"',
        '"tab\\there \\"quoted\\"\\nnew line"@en-gb',
    ):
        assert any(line.endswith(f"\t{expected}") for line in tsv.splitlines()), expected
    assert "zoo (kg:zoo)" in format_result(result, "table")


def test_cells_keep_oxigraph_terms_and_convert_on_request() -> None:
    import pyoxigraph as ox
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    result = run_sparql(
        _term_zoo(), "SELECT ?o WHERE { ?s rdfs:seeAlso ?o FILTER(isNumeric(?o)) } ORDER BY ?o"
    )
    cells = [row[0] for row in result.rows]
    assert all(cell is not None and isinstance(cell.raw, ox.Literal) for cell in cells)
    assert [c.term for c in cells if c is not None] == [
        Literal("1.5", datatype=XSD.decimal, normalize=False),
        Literal("7", datatype=XSD.integer, normalize=False),
        Literal("1000.0E0", datatype=XSD.double, normalize=False),
    ]
    iri = run_sparql(_term_zoo(), "SELECT ?s WHERE { ?s rdfs:label 'zoo' }").rows[0][0]
    assert iri is not None and iri.term == URIRef("https://w3id.org/ketamine-kg/id/zoo")


def test_labels_are_looked_up_once_per_result_and_only_when_shown(fixture_build: BuildResult) -> None:
    engine = open_engine(fixture_build)
    asked: list[list[str]] = []
    lookup = engine.labels

    def counting(iris: Any) -> dict[str, str]:
        asked.append(list(iris))
        return lookup(iris)

    engine.labels = counting  # type: ignore[method-assign]
    result = run_sparql(engine, "SELECT ?s ?c WHERE { ?s a ?c FILTER(isIRI(?s)) } ORDER BY ?s ?c LIMIT 20")
    assert len(result.rows) > 1
    format_result(result, "csv")
    format_result(result, "json")
    result.as_dicts(labels=False)
    assert asked == []  # raw values never need labels
    shown = result.as_dicts()
    format_result(result, "table")
    assert len(asked) == 1  # one lookup for every IRI of the result
    assert set(asked[0]) == {c.value for row in result.rows for c in row if c is not None}
    assert any(row["s"] and row["s"].endswith(")") and " (kg:" in row["s"] for row in shown)


def test_entity_names_leave_out_quantities_claims_and_sources(real_build: BuildResult) -> None:
    """The names a typo is matched against: every named individual's, except quantities, claims, sources.

    Regression: the query walked the class hierarchy once per name (16 s per typo on the real graph).
    """
    from rdflib import OWL, RDF, RDFS, Namespace, URIRef

    from ketamine_kg.queries import api
    from ketamine_kg.queries.terms import term_value

    graph = real_build.graph
    kkg, obo = (
        Namespace("https://w3id.org/ketamine-kg/schema#"),
        Namespace("http://www.geneontology.org/formats/oboInOwl#"),
    )
    roots = {kkg.Quantity, kkg.Claim, kkg.Source}
    left_out = {
        s
        for s in graph.subjects(RDF.type, OWL.NamedIndividual)
        if any(roots & set(graph.transitive_objects(t, RDFS.subClassOf)) for t in graph.objects(s, RDF.type))
    }
    expected = {
        (str(s), str(name), how)
        for s in set(graph.subjects(RDF.type, OWL.NamedIndividual)) - left_out
        if isinstance(s, URIRef)
        for how, p in (("label", RDFS.label), ("synonym", obo.hasExactSynonym), ("identifier", obo.hasDbXref))
        for name in graph.objects(s, p)
    }
    engine = open_engine(real_build)
    rows = api._execute(engine, api._prepare(engine, api._ALL_NAMES), {}, None, 10**6).rows
    assert left_out and {tuple(map(term_value, row)) for row in rows} == expected
