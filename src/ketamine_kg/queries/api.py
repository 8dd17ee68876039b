"""Run named or ad-hoc SPARQL on a graph, a store, a build result or a remote endpoint.

>>> from ketamine_kg.queries import run_query
>>> result = run_query(graph, "drug_targets", drug="esketamine")   # doctest: +SKIP
>>> result.as_dicts()[0]["targetLabel"]                             # doctest: +SKIP
'NMDA receptor'
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from ketamine_kg.errors import QueryError
from ketamine_kg.names import name_key, suggest
from ketamine_kg.queries.catalogue import NamedQuery, Parameter, get_query, load_catalogue
from ketamine_kg.queries.engines import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    ENGINES,
    EndpointEngine,
    Engine,
    OxigraphEngine,
    RawResult,
    RdflibEngine,
)
from ketamine_kg.queries.results import Cell, LabelBook, QueryResult, format_result
from ketamine_kg.queries.safety import PreparedQuery
from ketamine_kg.queries.terms import from_oxigraph, sparql_safe_iri, term_value, to_oxigraph
from ketamine_kg.terms import expand

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib
    from rdflib.term import Node

__all__ = [
    "open_endpoint",
    "open_engine",
    "render_query_answers",
    "resolve_entity",
    "run_query",
    "run_sparql",
]

log = logging.getLogger(__name__)

_RESERVED = frozenset({"engine", "timeout", "allow_network", "max_rows"})

_LOOKUP = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oboInOwl: <http://www.geneontology.org/formats/oboInOwl#>
SELECT DISTINCT ?entity ?how ?text WHERE {
  { ?entity rdfs:label ?text . BIND("label" AS ?how) }
  UNION { ?entity oboInOwl:hasExactSynonym ?text . BIND("synonym" AS ?how) }
  UNION { ?entity oboInOwl:hasDbXref ?text . BIND("identifier" AS ?how) }
  FILTER(isIRI(?entity))
}
"""
_ALL_NAMES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oboInOwl: <http://www.geneontology.org/formats/oboInOwl#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX kkg: <https://w3id.org/ketamine-kg/schema#>
SELECT DISTINCT ?entity ?name ?how WHERE {
  ?entity a owl:NamedIndividual .
  { ?entity rdfs:label ?name . BIND("label" AS ?how) }
  UNION { ?entity oboInOwl:hasExactSynonym ?name . BIND("synonym" AS ?how) }
  UNION { ?entity oboInOwl:hasDbXref ?name . BIND("identifier" AS ?how) }
  # quantities, claims and sources have labels too, but are not what an entity parameter names
  # MINUS (one hash join), not FILTER NOT EXISTS, which walks the class path again for every name
  MINUS { ?entity a/rdfs:subClassOf* ?root . VALUES ?root { kkg:Quantity kkg:Claim kkg:Source } }
}
"""
_CLASSES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?class ?label WHERE { ?class a owl:Class ; rdfs:label ?label . FILTER(isIRI(?class)) }
"""
_MAPPED = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?entity ?iri WHERE {
  { ?entity skos:exactMatch ?iri } UNION { ?entity skos:closeMatch ?iri } UNION { ?entity skos:broadMatch ?iri }
  UNION { ?entity skos:narrowMatch ?iri } UNION { ?entity skos:relatedMatch ?iri }
}
"""
_EXISTS = "SELECT ?entity ?p WHERE { ?entity ?p ?o } LIMIT 1"
# A product's active ingredient, as the base compound when the ingredient is a salt (Spravato -> esketamine).
_INGREDIENT = """
PREFIX kkg: <https://w3id.org/ketamine-kg/schema#>
SELECT DISTINCT ?product ?ingredient WHERE {
  ?product kkg:hasActiveIngredient ?salt .
  OPTIONAL { ?salt kkg:isSaltFormOf ?base }
  BIND(COALESCE(?base, ?salt) AS ?ingredient)
}
"""
_DRUG_PARAMETERS = frozenset({"drug"})
_HOW_RANK = {"label": 0, "synonym": 1, "identifier": 2}
_ENGINE_TYPES = (OxigraphEngine, RdflibEngine, EndpointEngine)


def _graph_of(graph: object) -> object:
    """Unwrap a BuildResult (anything with an rdflib ``.graph``)."""
    inner = getattr(graph, "graph", None)
    return inner if inner is not None and not isinstance(graph, OxigraphEngine | RdflibEngine) else graph


def _store_from_graph(graph: rdflib.Graph) -> pyoxigraph.Store:
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.DefaultGraph())  # type: ignore[arg-type]
        for s, p, o in graph
    )
    return store


def _graph_from_store(store: pyoxigraph.Store) -> rdflib.Graph:
    import pyoxigraph as ox
    import rdflib

    graph = rdflib.Graph(bind_namespaces="none")
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        graph.add((from_oxigraph(quad.subject), from_oxigraph(quad.predicate), from_oxigraph(quad.object)))
    return graph


def open_engine(graph: object, engine: str = "oxigraph") -> Engine:
    """An engine over ``graph`` (rdflib.Graph, pyoxigraph.Store, BuildResult or an engine already).

    Open it once and pass it to ``run_query`` many times to avoid converting the graph each call.
    """
    if isinstance(graph, _ENGINE_TYPES):  # checked first: this is the path of every repeated query
        return graph
    import pyoxigraph as ox
    import rdflib

    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    inner = _graph_of(graph)
    if isinstance(inner, ox.Store):
        return OxigraphEngine(inner) if engine == "oxigraph" else RdflibEngine(_graph_from_store(inner))
    if isinstance(inner, rdflib.Graph):
        return RdflibEngine(inner) if engine == "rdflib" else OxigraphEngine(_store_from_graph(inner))
    raise QueryError(
        f"cannot query a {type(graph).__name__}: pass an rdflib.Graph, a pyoxigraph.Store or a BuildResult"
    )


def open_endpoint(url: str, *, timeout: float | None = DEFAULT_TIMEOUT) -> EndpointEngine:
    """An engine that sends queries to a SPARQL 1.1 endpoint."""
    return EndpointEngine(url, timeout=timeout)


def _prepare(engine: Engine, text: str, allow_network: bool = False) -> PreparedQuery:
    """Check ``text`` once per engine (the rdflib engine also parses it with rdflib, tens of milliseconds)."""
    key = (text, allow_network)
    if key not in engine.prepared:
        engine.prepared[key] = engine.prepare(text, allow_network)
    return engine.prepared[key]


def _execute(
    engine: Engine,
    prepared: PreparedQuery,
    bindings: Mapping[str, Node],
    timeout: float | None,
    max_rows: int,
) -> RawResult:
    return engine.deadline.run(lambda stop: engine.execute(prepared, bindings, stop, max_rows), timeout)


def _with_labels(engine: Engine, raw: RawResult) -> QueryResult:
    """Wrap each term in a Cell; labels are looked up for all the IRIs at once, when first asked for."""
    book = LabelBook(engine.labels, raw.rows)
    rows = tuple([tuple([None if t is None else Cell(t, None, book) for t in row]) for row in raw.rows])
    return QueryResult(raw.form, raw.columns, rows, raw.boolean, raw.triples, engine.name)


def _expand_curie(text: str) -> str | None:
    """A full IRI for ``<iri>``, ``http(s)://...`` or a CURIE with a project prefix; else None."""
    iri = _as_iri(text)
    return iri if iri is not None and sparql_safe_iri(iri) else None  # else looked up as a label


def _as_iri(text: str) -> str | None:
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if text.startswith(("http://", "https://", "urn:")):
        return text
    return None if " " in text else expand(text)


def resolve_entity(engine: Engine, text: str, *, timeout: float | None = DEFAULT_TIMEOUT) -> URIRef:
    """The IRI of the entity named by ``text``: an IRI, a project CURIE, a label, a synonym or an identifier.

    Exact matches are looked up first (label, then synonym, then identifier such as ``CHEBI:60799``);
    then a case-insensitive match. Raises QueryError when nothing or more than one entity matches.
    """
    text = str(text).strip()
    if not text:
        raise QueryError("an entity parameter is empty")
    iri = _expand_curie(text)
    if iri is not None:
        found = _execute(engine, _prepare(engine, _EXISTS), {"entity": URIRef(iri)}, timeout, 1)
        if found.rows:
            return URIRef(iri)
        mapped = _execute(engine, _prepare(engine, _MAPPED), {"iri": URIRef(iri)}, timeout, DEFAULT_MAX_ROWS)
        entities = sorted({term_value(row[0]) for row in mapped.rows})
        if len(entities) == 1:
            return URIRef(entities[0])
        if entities:
            shown = ", ".join(f"<{e}>" for e in entities)
            raise QueryError(f"{text!r} is mapped to {len(entities)} entities ({shown}); use a kg: CURIE")
        raise QueryError(f"{text!r} (<{iri}>) is not in the graph")
    exact = _execute(engine, _prepare(engine, _LOOKUP), {"text": Literal(text)}, timeout, DEFAULT_MAX_ROWS)
    matches = [(_HOW_RANK[term_value(row[1])], term_value(row[0])) for row in exact.rows]
    if not matches:
        everything = _execute(engine, _prepare(engine, _ALL_NAMES), {}, timeout, DEFAULT_MAX_ROWS)
        names = [(term_value(e), term_value(n), _HOW_RANK[term_value(h)]) for e, n, h in everything.rows]
        folded, key = text.casefold(), name_key(text)
        # case-insensitive first; then the same name up to hyphens, Greek letters and British spelling
        matches = [(rank, entity) for entity, name, rank in names if name.casefold() == folded]
        matches = matches or [(3 + rank, entity) for entity, name, rank in names if name_key(name) == key]
        if not matches:
            close = suggest(text, [name for _, name, rank in names if rank < _HOW_RANK["identifier"]])
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise QueryError(f"no entity has the label, synonym or identifier {text!r}{hint}")
    best = min(rank for rank, _ in matches)
    candidates = sorted({iri for rank, iri in matches if rank == best})
    if len(candidates) > 1:
        shown = ", ".join(f"<{c}>" for c in candidates)
        raise QueryError(f"{text!r} names {len(candidates)} entities ({shown}); use a CURIE such as kg:...")
    return URIRef(candidates[0])


def _resolve_category(engine: Engine, text: str, timeout: float | None) -> URIRef:
    iri = _expand_curie(text)
    if iri is not None:
        return URIRef(iri)
    key = name_key(text)
    rows = _execute(engine, _prepare(engine, _CLASSES), {}, timeout, DEFAULT_MAX_ROWS).rows
    found = sorted({term_value(cls) for cls, label in rows if name_key(term_value(label)) == key})
    if len(found) == 1:
        return URIRef(found[0])
    labels = sorted({term_value(label).replace(" ", "_") for _, label in rows})
    singular = [c for c in labels if name_key(c) == key.removesuffix("s")]
    close = singular or suggest(text, labels)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise QueryError(f"no category {text!r}{hint}")


def _convert(engine: Engine, param: Parameter, value: object, timeout: float | None) -> Node:
    text = str(value)
    if param.type == "entity":
        return resolve_entity(engine, text, timeout=timeout)
    if param.type == "category":
        return _resolve_category(engine, text, timeout)
    if param.type == "iri":
        iri = _expand_curie(text)
        if iri is None:
            raise QueryError(f"parameter {param.name!r}: {text!r} is not an IRI or a project CURIE")
        return URIRef(iri)
    if param.type == "integer":
        try:
            return Literal(int(text))
        except ValueError:
            raise QueryError(f"parameter {param.name!r} must be an integer, got {text!r}") from None
    if param.type == "decimal":
        try:
            return Literal(Decimal(text))
        except InvalidOperation:
            raise QueryError(f"parameter {param.name!r} must be a number, got {text!r}") from None
    return Literal(text)


def bind_parameters(
    engine: Engine,
    query: NamedQuery,
    params: Mapping[str, object],
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> dict[str, Node]:
    """Check ``params`` against the query's header and turn each into an RDF term (entities resolved)."""
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(params) - set(known))
    if unknown:
        expected = ", ".join(known) or "none"
        raise QueryError(
            f"query {query.name!r} has no parameter {', '.join(unknown)} (parameters: {expected})"
        )
    bindings: dict[str, Node] = {}
    for param in query.parameters:
        value = params.get(param.name, param.default)
        if value is None:
            if param.required:
                raise QueryError(f"query {query.name!r} needs --param {param.name}=... ({param.description})")
            continue
        bindings[param.name] = _convert(engine, param, value, timeout)
    return bindings


def run_sparql(
    graph: object,
    text: str,
    *,
    engine: str = "oxigraph",
    bindings: Mapping[str, Node] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_network: bool = False,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> QueryResult:
    """Run SPARQL text (checked for safety first) and return the rows with labels."""
    runner = open_engine(graph, engine)
    prepared = _prepare(runner, text, allow_network)
    return _with_labels(runner, _execute(runner, prepared, dict(bindings or {}), timeout, max_rows))


def run_query(
    graph: object,
    name: str,
    *,
    engine: str = "oxigraph",
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_network: bool = False,
    max_rows: int = DEFAULT_MAX_ROWS,
    **params: Any,
) -> QueryResult:
    """Run the named query ``name`` with ``params`` (labels, synonyms or CURIEs for entities).

    ``graph`` is an rdflib.Graph, a pyoxigraph.Store, a BuildResult, or an engine from ``open_engine`` /
    ``open_endpoint``.
    """
    query = get_query(name)
    return _run_named(open_engine(graph, engine), query, params, timeout, allow_network, max_rows)


def _run_named(
    runner: Engine,
    query: NamedQuery,
    params: Mapping[str, Any],
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_network: bool = False,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> QueryResult:
    prepared = _prepare(runner, query.text, allow_network)
    bindings = bind_parameters(runner, query, params, timeout=timeout)
    result = _with_labels(runner, _execute(runner, prepared, bindings, timeout, max_rows))
    if result.rows or result.form != "SELECT":
        return result
    swapped, notes = _products_as_ingredients(runner, query, bindings, timeout)
    if not notes:
        return result
    answer = _with_labels(runner, _execute(runner, prepared, swapped, timeout, max_rows))
    return dataclasses.replace(answer, notes=(*answer.notes, *notes))


def _products_as_ingredients(
    engine: Engine, query: NamedQuery, bindings: Mapping[str, Node], timeout: float | None
) -> tuple[dict[str, Node], list[str]]:
    """For a drug parameter bound to a product (Spravato), its active ingredient, and a note saying so."""
    swapped = dict(bindings)
    notes: list[str] = []
    for param in query.parameters:
        value = bindings.get(param.name)
        if param.type != "entity" or param.name not in _DRUG_PARAMETERS or not isinstance(value, URIRef):
            continue
        rows = _execute(engine, _prepare(engine, _INGREDIENT), {"product": value}, timeout, 10).rows
        ingredients = sorted({term_value(row[1]) for row in rows})
        if len(ingredients) != 1:
            continue
        swapped[param.name] = URIRef(ingredients[0])
        labels = engine.labels([str(value), ingredients[0]])
        product, ingredient = labels.get(str(value), str(value)), labels.get(ingredients[0], ingredients[0])
        notes.append(
            f"{product} is a product: nothing is stated about it here, so this is the answer for "
            f"its active ingredient, {ingredient}"
        )
    return swapped, notes


def render_query_answers(graph: object, *, engine: str = "oxigraph") -> dict[str, bytes]:
    """``queries/NAME.csv`` -> SPARQL CSV bytes for every named query that needs no input.

    A query whose default entity is not in this graph (e.g. a user's own tables) is skipped with a warning.
    """
    runner = open_engine(graph, engine)
    files: dict[str, bytes] = {}
    for name, query in load_catalogue().items():
        if not query.runnable_without_input:
            continue
        try:
            result = _run_named(runner, query, {})  # the catalogue is read once, not once per query
        except QueryError as exc:
            log.warning("query %s not answered: its default parameters do not fit this graph (%s)", name, exc)
            continue
        if result.form != "SELECT":
            continue
        files[f"queries/{name}.csv"] = format_result(result, "csv").encode("utf-8")
    return files
