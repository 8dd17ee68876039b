"""Query engines: embedded Oxigraph (default), rdflib, and any SPARQL 1.1 endpoint over HTTP.

Each engine executes a :class:`PreparedQuery` with bound parameters and returns a :class:`RawResult`:
Oxigraph keeps its own terms (converted to rdflib only when a caller asks), the others give canonical
rdflib terms; both read alike through ``terms.term_parts``, so answers from different engines compare
equal. Parameters are never formatted into query text: Oxigraph gets ``substitutions``, rdflib
``initBindings``, and an endpoint a VALUES clause built from escaped, validated terms appended after the
query.
"""

from __future__ import annotations

import ctypes
import json
import logging
import queue
import threading
import urllib.error
import urllib.parse
import urllib.request
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from ketamine_kg.errors import EndpointError, QueryError, QueryTimeoutError
from ketamine_kg.queries.safety import PreparedQuery, prepare_query, tokens
from ketamine_kg.queries.terms import (
    from_oxigraph,
    from_sparql_json,
    normalise,
    sparql_safe_iri,
    to_oxigraph,
    to_sparql,
)
from ketamine_kg.vocab import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib
    from rdflib.term import Node

__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "ENGINES",
    "DeadlineRunner",
    "EndpointEngine",
    "Engine",
    "OxigraphEngine",
    "RawResult",
    "RdflibEngine",
    "inject_values",
    "run_with_deadline",
    "values_clause",
]

log = logging.getLogger(__name__)

ENGINES = ("oxigraph", "rdflib")
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 1_000_000
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_LABEL_CHUNK = 200
_STORE_LABEL_CHUNK = 2_000

T = TypeVar("T")
Row = tuple["Node | pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | None", ...]
Triple = tuple["Node", "Node", "Node"]


class _Cancelled(BaseException):
    """Raised inside an abandoned worker thread to stop it at its next Python instruction."""


@dataclass(frozen=True)
class RawResult:
    """An engine's answer: SELECT rows (Oxigraph's terms or rdflib's), an ASK boolean, or rdflib triples."""

    form: str
    columns: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    triples: tuple[Triple, ...] = ()


class Engine(Protocol):
    """What every engine offers: execute a prepared query, and look up labels for IRIs."""

    name: str
    prepared: dict[tuple[str, bool], PreparedQuery]
    deadline: DeadlineRunner

    def prepare(self, text: str, allow_network: bool) -> PreparedQuery:
        """Check ``text`` for safety and syntax as this engine needs it (callers cache it in ``prepared``)."""
        ...

    def execute(
        self, query: PreparedQuery, bindings: Mapping[str, Node], stop: threading.Event, max_rows: int
    ) -> RawResult:
        """Run ``query`` with ``bindings``; check ``stop`` between rows; refuse more than ``max_rows``."""
        ...

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """The rdfs:label of each IRI that has one (the smallest, if several)."""
        ...


def _check_row(count: int, stop: threading.Event, max_rows: int) -> None:
    if stop.is_set():
        raise _Cancelled
    if count >= max_rows:
        raise QueryError(f"the query returned more than {max_rows:,} rows; add LIMIT or narrow it")


def _reorder(columns: tuple[str, ...], engine_columns: list[str], rows: list[Row]) -> tuple[Row, ...]:
    """Put each row's values in ``columns`` order (engines may order SELECT * differently)."""
    if not columns or list(columns) == engine_columns:
        return tuple(rows)
    index = {name: i for i, name in enumerate(engine_columns)}
    return tuple(tuple(row[index[c]] if c in index else None for c in columns) for row in rows)


def _smallest_labels(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for iri, label in pairs:
        if iri not in labels or label < labels[iri]:
            labels[iri] = label
    return labels


def _prefixes_for(query: PreparedQuery) -> dict[str, str] | None:
    """Only the project prefixes the query needs (Oxigraph reads the whole mapping on every call)."""
    if query.used_prefixes is None:
        return dict(PREFIXES)
    return {p: PREFIXES[p] for p in query.used_prefixes} or None


class OxigraphEngine:
    """The embedded Oxigraph store (pyoxigraph): fast, and its evaluation releases the GIL."""

    name = "oxigraph"

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store
        self.prepared: dict[tuple[str, bool], PreparedQuery] = {}  # parse cache for this engine only
        self.deadline = DeadlineRunner()

    def prepare(self, text: str, allow_network: bool) -> PreparedQuery:
        """The lexer's safety check and Oxigraph's parse (no rdflib)."""
        return prepare_query(text, allow_network=allow_network)

    def execute(
        self, query: PreparedQuery, bindings: Mapping[str, Node], stop: threading.Event, max_rows: int
    ) -> RawResult:
        """Run the query with ``substitutions`` for the bound variables; rows keep pyoxigraph's terms."""
        import pyoxigraph as ox

        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(name): to_oxigraph(term) for name, term in bindings.items()
        }
        try:
            answer = self.store.query(
                query.text, prefixes=_prefixes_for(query), substitutions=substitutions or None
            )
            if isinstance(answer, ox.QueryBoolean):
                return RawResult(form="ASK", boolean=bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                names = [v.value for v in answer.variables]
                rows: list[Row] = []
                append = rows.append
                for solution in answer:
                    if stop.is_set() or len(rows) >= max_rows:
                        _check_row(len(rows), stop, max_rows)
                    append(tuple(solution))
                return RawResult(
                    form="SELECT",
                    columns=query.columns or tuple(names),
                    rows=_reorder(query.columns, names, rows),
                )
            triples: list[Triple] = []
            for triple in answer:
                _check_row(len(triples), stop, max_rows)
                triples.append(
                    (
                        from_oxigraph(triple.subject),
                        from_oxigraph(triple.predicate),
                        from_oxigraph(triple.object),
                    )
                )
            return RawResult(form=query.form, triples=tuple(triples))
        except SyntaxError as exc:
            raise QueryError(f"Oxigraph could not parse the query: {exc}") from None
        except RuntimeError as exc:  # e.g. a bound variable that the SELECT does not project
            raise QueryError(f"Oxigraph refused the query: {exc}") from None
        except OSError as exc:
            raise QueryError(f"Oxigraph failed to evaluate the query: {exc}") from None

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """Labels of all ``iris`` with one VALUES-bound query per chunk of a few thousand IRIs."""
        import pyoxigraph as ox

        todo = sorted(set(iris))
        pairs: list[tuple[str, str]] = []
        odd = [iri for iri in todo if not sparql_safe_iri(iri)]  # cannot be written <...>: ask the index
        label = ox.NamedNode(_RDFS_LABEL)
        for iri in odd:
            for quad in self.store.quads_for_pattern(ox.NamedNode(iri), label, None, ox.DefaultGraph()):
                if isinstance(quad.object, ox.Literal):
                    pairs.append((iri, quad.object.value))
        safe = [iri for iri in todo if sparql_safe_iri(iri)] if odd else todo
        for start in range(0, len(safe), _STORE_LABEL_CHUNK):
            chunk = " ".join(f"<{iri}>" for iri in safe[start : start + _STORE_LABEL_CHUNK])
            text = (
                f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {chunk} }} ?s <{_RDFS_LABEL}> ?label "
                "FILTER(isLiteral(?label)) }"
            )
            solutions = self.store.query(text, default_graph=ox.DefaultGraph())
            assert isinstance(solutions, ox.QuerySolutions)
            pairs.extend((s.value, label.value) for s, label in solutions)
        return _smallest_labels(pairs)


class RdflibEngine:
    """rdflib's pure-Python SPARQL engine on an in-memory graph (the reference implementation)."""

    name = "rdflib"

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self.prepared: dict[tuple[str, bool], PreparedQuery] = {}  # parse cache for this engine only
        self.deadline = DeadlineRunner()

    def prepare(self, text: str, allow_network: bool) -> PreparedQuery:
        """Both checks: the lexer and Oxigraph's parse, then rdflib's parse and a check of its algebra."""
        from ketamine_kg.queries.rdflib_check import translate_for_rdflib

        return translate_for_rdflib(prepare_query(text, allow_network=allow_network))

    def execute(
        self, query: PreparedQuery, bindings: Mapping[str, Node], stop: threading.Event, max_rows: int
    ) -> RawResult:
        """Run the already-translated algebra with ``initBindings``."""
        from rdflib.term import Variable

        if query.algebra is None:
            query = self.prepare(query.text, query.allow_network)
        try:
            result = self.graph.query(
                query.algebra,  # type: ignore[arg-type]
                initBindings={Variable(k): v for k, v in bindings.items()},  # type: ignore[misc]
            )
            if result.type == "ASK":
                return RawResult(form="ASK", boolean=bool(result.askAnswer))
            if result.type == "SELECT":
                names = [str(v) for v in result.vars or []]
                rows: list[Row] = []
                for row in result:
                    _check_row(len(rows), stop, max_rows)
                    values = tuple(row)  # type: ignore[arg-type]
                    rows.append(tuple(None if v is None else normalise(v) for v in values))
                return RawResult(
                    form="SELECT",
                    columns=query.columns or tuple(names),
                    rows=_reorder(query.columns, names, rows),
                )
            triples: list[Triple] = []
            for s, p, o in result.graph or []:
                _check_row(len(triples), stop, max_rows)
                triples.append((s, p, normalise(o)))
            return RawResult(form=query.form, triples=tuple(triples))
        except (QueryError, _Cancelled):
            raise
        except RecursionError:
            raise QueryError(
                "rdflib ran out of recursion depth on this query; try --engine oxigraph"
            ) from None
        except Exception as exc:
            raise QueryError(f"rdflib failed to evaluate the query: {exc}") from None

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """Labels from the graph."""
        from rdflib import URIRef
        from rdflib.namespace import RDFS

        return _smallest_labels(
            (iri, str(label)) for iri in iris for label in self.graph.objects(URIRef(iri), RDFS.label)
        )


def _where_brace(query: PreparedQuery) -> int:
    """Offset of the ``{`` that opens the top-level WHERE group."""
    paren = brace = 0
    after_where = query.form != "CONSTRUCT"
    for token in tokens(query.text):
        if token.kind == "word" and token.text.upper() == "WHERE" and brace == 0:
            after_where = True
        elif token.text == "(":
            paren += 1
        elif token.text == ")":
            paren -= 1
        elif token.text == "{":
            if brace == 0 and paren == 0 and after_where:
                return token.offset
            brace += 1
        elif token.text == "}":
            brace -= 1
            if brace == 0 and paren == 0 and query.form == "CONSTRUCT":
                after_where = False  # the template closed; wait for WHERE
    raise QueryError("cannot find the WHERE clause to bind parameters into")


def inject_values(query: PreparedQuery, bindings: Mapping[str, Node]) -> str:
    """``query.text`` with ``VALUES (...) { (...) }`` opening its WHERE group (escaped terms only)."""
    if not bindings:
        return query.text
    text = query.text
    start = _where_brace(query) + 1
    block = values_clause(bindings)
    following = next((t for t in tokens(text[start:]) if t.kind != "comment"), None)
    if following is not None and following.kind == "word" and following.text.upper() == "SELECT":
        end = _matching_brace(text, start - 1)
        return f"{text[:start]} {block} {{{text[start:end]}}} {text[end:]}"
    return f"{text[:start]} {block}\n{text[start:]}"


def _matching_brace(text: str, open_offset: int) -> int:
    depth = 0
    for token in tokens(text[open_offset:]):
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth == 0:
                return open_offset + token.offset
    raise QueryError("unbalanced braces in the query")


def values_clause(bindings: Mapping[str, Node]) -> str:
    """A SPARQL VALUES clause binding each variable to one escaped, validated term."""
    if not bindings:
        return ""
    names = sorted(bindings)
    for name in names:
        if not name.isidentifier():
            raise QueryError(f"invalid parameter name {name!r}")
    variables = " ".join(f"?{name}" for name in names)
    values = " ".join(to_sparql(bindings[name]) for name in names)
    return f"VALUES ({variables}) {{ ({values}) }}"


class EndpointEngine:
    """A remote SPARQL 1.1 endpoint, reached with the SPARQL protocol over urllib (POST, form-encoded)."""

    name = "endpoint"

    def __init__(self, url: str, *, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in {"http", "https"}:
            raise EndpointError(f"the endpoint must be an http(s) URL, got {url!r}")
        self.url = url
        self.timeout = timeout
        self.prepared: dict[tuple[str, bool], PreparedQuery] = {}  # parse cache for this engine only
        self.deadline = DeadlineRunner()

    def prepare(self, text: str, allow_network: bool) -> PreparedQuery:
        """The lexer's safety check and Oxigraph's parse; the endpoint parses the query again."""
        return prepare_query(text, allow_network=allow_network)

    def request_text(self, query: PreparedQuery, bindings: Mapping[str, Node]) -> str:
        """The text sent: missing project PREFIX lines, then the query with a VALUES block for the bindings.

        The VALUES block opens the top-level WHERE group, so FILTERs and OPTIONALs there see the bound
        values exactly as with rdflib's initBindings and Oxigraph's substitutions. The result is parsed
        again and checked before it is sent.
        """
        prologue = "".join(
            f"PREFIX {prefix}: {to_sparql_iri(ns)}\n"
            for prefix, ns in PREFIXES.items()
            if prefix not in query.declared_prefixes
        )
        text = inject_values(query, bindings)
        if bindings:
            try:  # the injected text must still parse (safety was checked on the original)
                prepare_query(text, allow_network=True)
            except QueryError:
                raise QueryError(
                    "cannot bind parameters into this query for an endpoint (CONSTRUCT WHERE short form?)"
                ) from None
        return f"{prologue}{text}\n"

    def _post(self, text: str, accept: str) -> bytes:
        data = urllib.parse.urlencode({"query": text}).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=data,
            method="POST",
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:500]
            raise EndpointError(f"{self.url} answered HTTP {exc.code}: {detail or exc.reason}") from None
        except urllib.error.URLError as exc:
            raise EndpointError(f"cannot reach {self.url}: {exc.reason}") from None
        except TimeoutError:
            raise QueryTimeoutError(f"{self.url} did not answer within {self.timeout:g} s") from None

    def execute(
        self, query: PreparedQuery, bindings: Mapping[str, Node], stop: threading.Event, max_rows: int
    ) -> RawResult:
        """Send the query and parse SPARQL JSON results (SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE)."""
        text = self.request_text(query, bindings)
        if query.form in {"CONSTRUCT", "DESCRIBE"}:
            return self._graph_result(query, self._post(text, "application/n-triples"), stop, max_rows)
        body = self._post(text, "application/sparql-results+json")
        try:
            document = json.loads(body)
        except ValueError:
            raise EndpointError(f"{self.url} did not return SPARQL JSON results") from None
        if "boolean" in document:
            return RawResult(form="ASK", boolean=bool(document["boolean"]))
        names = list(document.get("head", {}).get("vars", []))
        rows: list[Row] = []
        for binding in document.get("results", {}).get("bindings", []):
            _check_row(len(rows), stop, max_rows)
            rows.append(tuple(from_sparql_json(binding[n]) if n in binding else None for n in names))
        return RawResult(
            form="SELECT", columns=query.columns or tuple(names), rows=_reorder(query.columns, names, rows)
        )

    def _graph_result(
        self, query: PreparedQuery, body: bytes, stop: threading.Event, max_rows: int
    ) -> RawResult:
        import rdflib

        graph = rdflib.Graph()
        try:
            graph.parse(data=body.decode("utf-8"), format="nt")
        except Exception as exc:
            raise EndpointError(f"{self.url} returned triples that could not be parsed: {exc}") from None
        triples: list[Triple] = []
        for s, p, o in graph:
            _check_row(len(triples), stop, max_rows)
            triples.append((s, p, normalise(o)))
        return RawResult(form=query.form, triples=tuple(triples))

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """Labels fetched with one VALUES-bound query per chunk of IRIs."""
        from rdflib import URIRef

        todo = sorted(set(iris))
        pairs: list[tuple[str, str]] = []
        for start in range(0, len(todo), _LABEL_CHUNK):
            chunk = " ".join(to_sparql(URIRef(iri)) for iri in todo[start : start + _LABEL_CHUNK])
            text = f"SELECT ?s ?label WHERE {{ ?s <{_RDFS_LABEL}> ?label }}\nVALUES ?s {{ {chunk} }}\n"
            document = json.loads(self._post(text, "application/sparql-results+json"))
            for binding in document.get("results", {}).get("bindings", []):
                pairs.append((binding["s"]["value"], binding["label"]["value"]))
        return _smallest_labels(pairs)


def to_sparql_iri(iri: str) -> str:
    """``<iri>``, validated."""
    from rdflib import URIRef

    return to_sparql(URIRef(iri))


def _interrupt(thread: threading.Thread) -> None:
    """Ask CPython to raise _Cancelled in ``thread`` at its next Python instruction."""
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(_Cancelled))


class _Job:
    """One call handed to a worker thread, and its outcome; ``done`` is held until the call returns."""

    __slots__ = ("done", "error", "stop", "value", "work")

    def __init__(self, work: Callable[[threading.Event], object]) -> None:
        self.work: Callable[[threading.Event], object] | None = work
        self.stop = threading.Event()
        self.done = threading.Lock()  # a bare lock wakes the caller much sooner than an Event
        self.done.acquire()
        self.value: object = None
        self.error: BaseException | None = None


class _Worker:
    """A daemon thread that runs jobs from its queue until it gets None or is interrupted."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name="ketamine-kg-query", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        try:
            while (job := self.jobs.get()) is not None:
                try:
                    job.value = job.work(job.stop)  # type: ignore[misc]
                except _Cancelled:
                    raise
                except BaseException as exc:
                    job.error = exc
                job.work = None  # drop the query (and its engine) before waiting for the next job
                job.done.release()
                del job
        except _Cancelled:
            log.debug("abandoned query stopped")


def _stop_workers(idle: list[_Worker]) -> None:
    """Let the idle worker threads of a discarded engine end."""
    while idle:
        idle.pop().jobs.put(None)


class DeadlineRunner:
    """Runs calls with a deadline on long-lived worker threads owned by one engine.

    A worker is reused call after call (no thread start per query). On timeout the call's worker is told
    to stop (event checked per row, plus an asynchronous exception for pure-Python code) and abandoned;
    the caller gets QueryTimeoutError at once. Oxigraph releases the GIL while it evaluates, so the wait
    is never blocked by it. Concurrent calls each take their own worker.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._unstoppable = threading.Event()  # handed to calls without a deadline; never set
        weakref.finalize(self, _stop_workers, self._idle)

    def run(self, work: Callable[[threading.Event], T], timeout: float | None) -> T:
        """``work(stop)`` on a worker thread, waiting at most ``timeout`` seconds (None: in this thread)."""
        if timeout is None:
            return work(self._unstoppable)
        if timeout <= 0:
            raise QueryError(f"the timeout must be positive, got {timeout:g}")
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        if worker is None:
            worker = _Worker()
        job = _Job(work)
        worker.jobs.put(job)
        if not job.done.acquire(timeout=timeout):
            job.stop.set()
            _interrupt(worker.thread)
            worker.jobs.put(None)  # ends the thread once the abandoned query returns, if not interrupted
            raise QueryTimeoutError(
                f"the query did not finish within {timeout:g} s and was stopped; "
                "narrow it (more specific patterns, LIMIT) or raise --timeout"
            )
        with self._lock:
            self._idle.append(worker)
        if job.error is not None:
            raise job.error
        return job.value  # type: ignore[return-value]


def run_with_deadline(work: Callable[[threading.Event], T], timeout: float | None) -> T:
    """Run ``work(stop)`` with a deadline on a one-off worker (engines reuse theirs: ``engine.deadline``)."""
    return DeadlineRunner().run(work, timeout)
