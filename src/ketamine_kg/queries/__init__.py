"""Named SPARQL queries (``library/*.rq``), ad-hoc queries, safe by default, on Oxigraph, rdflib or an endpoint.

>>> from ketamine_kg.queries import run_query
>>> run_query(build_result, "nmda_antagonists").as_dicts()   # doctest: +SKIP
"""

from ketamine_kg.errors import QueryTimeoutError
from ketamine_kg.queries.api import (
    bind_parameters,
    open_endpoint,
    open_engine,
    render_query_answers,
    resolve_entity,
    run_query,
    run_sparql,
)
from ketamine_kg.queries.catalogue import NamedQuery, Parameter, get_query, load_catalogue
from ketamine_kg.queries.engines import DEFAULT_TIMEOUT, ENGINES
from ketamine_kg.queries.results import FORMATS, Cell, QueryResult, format_result
from ketamine_kg.queries.safety import prepare_query

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENGINES",
    "FORMATS",
    "Cell",
    "NamedQuery",
    "Parameter",
    "QueryResult",
    "QueryTimeoutError",
    "bind_parameters",
    "format_result",
    "get_query",
    "load_catalogue",
    "open_endpoint",
    "open_engine",
    "prepare_query",
    "render_query_answers",
    "resolve_entity",
    "run_query",
    "run_sparql",
]
