"""The benchmark scale generator: byte-identical output per seed, and the project's RDF shape."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

from ketamine_kg.ontology.schema import load_schema

SCHEMA = "https://w3id.org/ketamine-kg/schema#"
PREFIXES = """
PREFIX kkg: <https://w3id.org/ketamine-kg/schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
SIZE = 3_000


def _load_scale() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "scale.py"
    spec = importlib.util.spec_from_file_location("kkg_bench_scale", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


scale = _load_scale()


@pytest.fixture(scope="module")
def turtle() -> bytes:
    data: bytes = scale.serialize(scale.generate(SIZE, seed=11), "ttl")
    return data


@pytest.fixture(scope="module")
def store(turtle: bytes) -> ox.Store:
    result = ox.Store()
    result.bulk_load(turtle, format=ox.RdfFormat.TURTLE)
    return result


def _rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value for term in row) for row in store.query(PREFIXES + query)]  # type: ignore[union-attr]


def _ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))


def test_same_seed_and_size_give_identical_bytes(turtle: bytes) -> None:
    assert scale.serialize(scale.generate(SIZE, seed=11), "ttl") == turtle
    nt = scale.serialize(scale.generate(SIZE, seed=11), "nt")
    assert scale.serialize(scale.generate(SIZE, seed=11), "nt") == nt
    assert scale.serialize(scale.generate(SIZE, seed=12), "ttl") != turtle


def test_written_files_are_identical_and_parse(tmp_path: Path) -> None:
    first = scale.write_scale("2k", seed=5, fmt="ttl", directory=tmp_path / "a")
    second = scale.write_scale("2k", seed=5, fmt="ttl", directory=tmp_path / "b")
    assert first.name == "scale-2k-s5.ttl"
    assert first.read_bytes() == second.read_bytes()
    nt = scale.write_scale("2k", seed=5, fmt="nt", directory=tmp_path / "a")
    assert len(list(ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES))) == len(
        list(ox.parse(path=first, format=ox.RdfFormat.TURTLE))
    )
    assert first.read_bytes().startswith(b"@prefix kg: <https://w3id.org/ketamine-kg/id/> .\n@prefix kkg:")


def test_size_is_close_to_the_target(store: ox.Store) -> None:
    assert SIZE <= len(store) < SIZE + 400  # stops after the drug family that reaches the target
    assert scale.generate(SIZE, seed=11).count == len(store)  # no triple is generated twice
    assert scale.parse_size("10k") == 10_000
    assert scale.parse_size("1m") == 1_000_000
    assert scale.parse_size("2500") == 2_500


def test_every_core_category_is_present(store: ox.Store) -> None:
    rows = _rows(
        store,
        "SELECT ?c (STR(COUNT(?e)) AS ?n) WHERE { ?e a owl:NamedIndividual ; a ?c . FILTER(?c != owl:NamedIndividual) } GROUP BY ?c",
    )
    counts = {row[0]: row[1] for row in rows}
    for cls in (
        "Drug",
        "Metabolite",
        "Receptor",
        "Pathway",
        "Condition",
        "AdverseEffect",
        "Publication",
        "Quantity",
    ):
        assert int(counts.get(SCHEMA + cls, "0")) >= 2, cls


def test_classes_and_properties_come_from_the_schema_tables(store: ox.Store) -> None:
    schema = load_schema()
    types = {row[0] for row in _rows(store, "SELECT DISTINCT ?c WHERE { ?e a owl:NamedIndividual ; a ?c }")}
    assert {t.removeprefix(SCHEMA) for t in types if t.startswith(SCHEMA)} <= set(schema.classes)
    links = _rows(
        store,
        """SELECT DISTINCT ?p ?sc ?oc WHERE {
             ?s ?p ?o . ?s a owl:NamedIndividual, ?sc . ?o a owl:NamedIndividual, ?oc .
             FILTER(STRSTARTS(STR(?p), STR(kkg:)) && ?sc != owl:NamedIndividual && ?oc != owl:NamedIndividual)
             FILTER(?sc NOT IN (kkg:Quantity, kkg:Publication) && ?oc != kkg:Publication)
           }""",
    )
    assert len({p for p, _, _ in links}) >= 10
    for p, sc, oc in links:
        prop = schema.properties[p.removeprefix(SCHEMA)]
        assert schema.fits(sc.removeprefix(SCHEMA), prop.domain), (p, sc)
        assert schema.fits(oc.removeprefix(SCHEMA), prop.range), (p, oc)


def test_every_entity_has_a_label_and_one_category(store: ox.Store) -> None:
    assert not _ask(store, "ASK { ?e a owl:NamedIndividual . FILTER NOT EXISTS { ?e rdfs:label ?l } }")
    assert not _ask(
        store,
        "ASK { ?e a owl:NamedIndividual, ?a, ?b . FILTER(?a != owl:NamedIndividual && ?b != owl:NamedIndividual && ?a != ?b) }",
    )


def test_assertions_carry_provenance_and_annotate_real_triples(store: ox.Store) -> None:
    schema = load_schema()
    axioms = _rows(
        store,
        """SELECT ?id ?ev (COUNT(DISTINCT ?src) AS ?n) WHERE {
             ?ax a owl:Axiom ; kkg:assertionId ?id ; kkg:evidenceLevel ?ev ; dcterms:source ?src .
             ?src a kkg:Publication ; rdfs:label ?label .
           } GROUP BY ?id ?ev""",
    )
    assert len(axioms) > 100
    assert len({a[0] for a in axioms}) == len(axioms)  # one evidence level per assertion id, ids unique
    assert {a[1] for a in axioms} <= set(schema.vocabulary("evidence_level"))
    assert not _ask(
        store,
        """ASK { ?ax a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o .
                 FILTER NOT EXISTS { ?s ?p ?o } }""",
    )
    assert not _ask(
        store,
        "ASK { ?ax a owl:Axiom . FILTER NOT EXISTS { ?ax kkg:assertionId ?i } FILTER NOT EXISTS { ?ax kkg:inferred true } }",
    )
    assert not _ask(store, "ASK { ?ax kkg:inferred true ; kkg:assertionId ?i }")
    assert _ask(store, "ASK { ?ax kkg:inferred true ; owl:annotatedProperty kkg:isAdverseEventOf }")
    statuses = {
        row[0]
        for row in _rows(store, "SELECT DISTINCT ?s WHERE { ?ax kkg:approvalStatus ?s ; kkg:assertionId ?i }")
    }
    assert statuses and statuses <= set(schema.vocabulary("approval_status"))
    assert _ask(
        store,
        "ASK { ?ax owl:annotatedProperty kkg:treats ; dcterms:date ?d . FILTER(DATATYPE(?d) = xsd:date) }",
    )


def test_quantities_refer_to_assertions(store: ox.Store) -> None:
    schema = load_schema()
    rows = _rows(
        store,
        """SELECT ?q ?kind ?unit ?ref WHERE {
             ?q a kkg:Quantity ; kkg:quantityKind ?kind ; kkg:unit ?unit ; kkg:assertionRef ?ref ;
                kkg:value ?v ; kkg:quantityOf ?about ; dcterms:source ?src .
             FILTER(DATATYPE(?v) = xsd:decimal)
           }""",
    )
    assert len(rows) > 50
    assert {r[1] for r in rows} <= set(schema.vocabulary("quantity_kind"))
    assert {r[2] for r in rows} <= set(schema.vocabulary("unit"))
    assert not _ask(
        store, "ASK { ?q kkg:assertionRef ?ref . FILTER NOT EXISTS { ?ax kkg:assertionId ?ref } }"
    )
    total = _rows(store, "SELECT (STR(COUNT(?q)) AS ?n) WHERE { ?q a kkg:Quantity }")[0][0]
    assert int(total) == len(rows)


def test_tbox_labels_the_properties_the_named_queries_read(store: ox.Store) -> None:
    assert _ask(store, 'ASK { kkg:isAntagonistOf a owl:ObjectProperty ; rdfs:label "is antagonist of" }')
    assert _ask(store, "ASK { kkg:Drug a owl:Class ; rdfs:subClassOf kkg:ChemicalEntity }")
    # a metabolite chain deep enough for property paths: drug -> metabolite -> metabolite
    assert _ask(store, "ASK { ?d a kkg:Drug ; kkg:hasMetabolite/kkg:hasMetabolite ?m }")
