"""Publish the graph to a SPARQL 1.1 Graph Store (Oxigraph, Virtuoso, Fuseki, GraphDB) and verify it.

The named graph is replaced with one HTTP PUT (N-Triples, which every Turtle parser also reads), then
the remote triple count is checked through the SPARQL query endpoint. Standard library only: urllib
with digest and basic authentication. Running it twice leaves the same graph.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph

from ketamine_kg.errors import PublishError

__all__ = [
    "PublishResult",
    "chunk_ntriples",
    "count_remote_triples",
    "default_query_endpoint",
    "graph_store_url",
    "publish_graph",
    "select_remote",
]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class PublishResult:
    """What was published where, and what the store reported back."""

    store: str
    graph: str
    query_endpoint: str
    triples: int
    remote_triples: int
    http_status: int


def default_query_endpoint(store_url: str) -> str:
    """The SPARQL query endpoint beside a Graph Store URL (Oxigraph ``/store`` → ``/query``,
    Virtuoso ``/sparql-graph-crud[-auth]`` → ``/sparql``, Fuseki ``/ds/data`` → ``/ds/query``)."""
    parts = urllib.parse.urlsplit(store_url)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if last == "store":
        new = f"{head}/query"
    elif last.startswith("sparql-graph-crud"):
        new = f"{head}/sparql"
    elif last == "data":
        new = f"{head}/query"
    elif last == "statements" and "/repositories/" in path:  # GraphDB / RDF4J
        new = head
    else:
        raise PublishError(f"cannot derive the SPARQL query endpoint from {store_url}; pass --query-endpoint")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new, "", ""))


def graph_store_url(store_url: str, graph_iri: str) -> str:
    """``store_url`` with the ``graph`` parameter naming ``graph_iri`` (indirect graph identification)."""
    separator = "&" if urllib.parse.urlsplit(store_url).query else "?"
    return f"{store_url}{separator}{urllib.parse.urlencode({'graph': graph_iri})}"


def _credentials(url: str, user: str, password: str | None) -> urllib.request.HTTPPasswordMgrWithDefaultRealm:
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, user, password or "")
    return manager


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    """An opener that answers digest or basic challenges with the credentials, when given."""
    handlers: list[urllib.request.BaseHandler] = []
    if user is not None:
        manager = _credentials(url, user, password)
        handlers += [
            urllib.request.HTTPDigestAuthHandler(manager),
            urllib.request.HTTPBasicAuthHandler(manager),
        ]
    return urllib.request.build_opener(*handlers)


def _authorise(
    request: urllib.request.Request, user: str | None, password: str | None, timeout: float
) -> None:
    """Put the credentials on ``request`` before its body is sent, after checking them.

    urllib answers a digest challenge only after a first, unauthenticated attempt; with a body of more
    than a few megabytes the server (Virtuoso) sends its 401 and closes the connection while the body is
    still being written, and the upload fails with "connection reset". Body-less HEAD requests fetch the
    challenge and try the credentials first, so the upload goes out once, authenticated, and wrong
    credentials are reported as such.
    """
    if user is None:
        return
    try:
        with urllib.request.build_opener().open(
            urllib.request.Request(request.full_url, method="HEAD"), timeout=timeout
        ):
            return  # no authentication asked for
    except urllib.error.HTTPError as exc:
        challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
    except (urllib.error.URLError, TimeoutError, ValueError, OSError):
        return  # the upload itself will report it
    if not challenge:
        return
    check = urllib.request.Request(request.full_url, method="HEAD")
    check.add_unredirected_header("Authorization", _answer(check, challenge, user, password))
    try:
        with urllib.request.build_opener().open(check, timeout=timeout):
            pass
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise PublishError(
                f"publish: {request.full_url} refused the credentials (HTTP {exc.code}); check --user and "
                "--password-env"
            ) from None
    except (urllib.error.URLError, TimeoutError, ValueError, OSError):
        return
    request.add_unredirected_header("Authorization", _answer(request, challenge, user, password))


def _answer(request: urllib.request.Request, challenge: str, user: str, password: str | None) -> str:
    """The Authorization header answering a Digest or Basic ``challenge`` for ``request``."""
    scheme, _, rest = challenge.partition(" ")
    if scheme.lower() == "digest":
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        handler = urllib.request.HTTPDigestAuthHandler(_credentials(request.full_url, user, password))
        answer = handler.get_authorization(request, fields)
        if answer:
            return f"Digest {answer}"
    return "Basic " + base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")


def _short(body: bytes) -> str:
    """The first few hundred characters of an error body, tags stripped (Virtuoso answers in HTML)."""
    text = html.unescape(_TAGS.sub(" ", body.decode("utf-8", "replace")))
    text = " ".join(text.split())
    return text[:400] + ("…" if len(text) > 400 else "")


def _request(
    request: urllib.request.Request, opener: urllib.request.OpenerDirector, timeout: float, what: str
) -> tuple[int, bytes]:
    """Send ``request``; every failure becomes a PublishError that says what went wrong where."""
    url = request.full_url
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        body = _short(exc.read() or b"")
        if exc.code in (401, 403):
            raise PublishError(
                f"{what}: {url} refused the credentials (HTTP {exc.code}); check --user and --password-env"
                + (f": {body}" if body else "")
            ) from None
        raise PublishError(
            f"{what}: {url} answered HTTP {exc.code} {exc.reason}: {body or 'no details'}"
        ) from None
    except urllib.error.URLError as exc:
        raise PublishError(f"{what}: cannot reach {url}: {exc.reason}") from None
    except TimeoutError:
        raise PublishError(f"{what}: {url} did not answer within {timeout:g} s") from None
    except (ValueError, OSError) as exc:
        raise PublishError(f"{what}: cannot use {url}: {exc}") from None


def select_remote(
    query_endpoint: str,
    query: str,
    *,
    user: str | None = None,
    password: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[dict[str, dict[str, str]]]:
    """Run a SELECT by HTTP GET (Virtuoso hangs on POSTed queries) and return the JSON bindings."""
    url = f"{query_endpoint}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    _, body = _request(request, _opener(url, user, password), timeout, "query")
    try:
        bindings: list[dict[str, dict[str, str]]] = json.loads(body)["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as exc:
        raise PublishError(
            f"query: {query_endpoint} did not return SPARQL JSON results: {_short(body)}"
        ) from exc
    return bindings


def count_remote_triples(
    query_endpoint: str,
    graph_iri: str,
    *,
    user: str | None = None,
    password: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> int:
    """Number of triples in the named graph ``graph_iri`` on the server."""
    iri = graph_iri.replace(">", "%3E")
    rows = select_remote(
        query_endpoint,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}",
        user=user,
        password=password,
        timeout=timeout,
    )
    try:
        return int(rows[0]["n"]["value"])
    except (IndexError, KeyError, ValueError) as exc:
        raise PublishError(f"query: {query_endpoint} returned no triple count: {rows!r:.200}") from exc


def _check_graph_iri(graph_iri: str) -> None:
    parts = urllib.parse.urlsplit(graph_iri)
    if not parts.scheme or any(c in graph_iri for c in ' <>"{}|^`\\'):
        raise PublishError(
            f"--graph {graph_iri!r} is not an absolute IRI (for example https://example.org/kg)"
        )


#: Largest request body sent at once. Virtuoso 7 keeps only the first ~100 MB of a larger PUT (it loaded
#: 872,543 of 1,000,242 triples of a 118 MB body and answered 201), so a large graph goes in parts.
CHUNK_BYTES = 16 * 1024 * 1024
_BNODE = re.compile(rb"_:[A-Za-z0-9_.\-]+")


def chunk_ntriples(body: bytes, limit: int = CHUNK_BYTES) -> list[bytes]:
    """``body`` (N-Triples) cut at line ends into parts of at most ``limit`` bytes (a longer statement
    group makes a part of its own); every statement that mentions a blank node is in the same part as all
    others that mention it, since a blank node label means one node only within one request."""
    lines = body.splitlines(keepends=True)
    parent: dict[bytes, bytes] = {}

    def root(label: bytes) -> bytes:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    line_labels: list[list[bytes]] = []
    for line in lines:
        labels = []
        if line.startswith(b"_:"):
            labels.append(line.split(b" ", 1)[0])
        last = line.rstrip()[:-1].rstrip().rsplit(b" ", 1)[-1]  # the object term, or a literal's tail
        if _BNODE.fullmatch(last):
            labels.append(last)
        for other in labels[1:]:
            parent[root(other)] = root(labels[0])
        line_labels.append(labels)
    groups: dict[bytes, list[int]] = {}
    for index, labels in enumerate(line_labels):
        if labels:
            groups.setdefault(root(labels[0]), []).append(index)
    parts: list[bytes] = []
    current: list[bytes] = []
    size = 0
    done: set[bytes] = set()
    for index, labels in enumerate(line_labels):
        if labels:
            group = root(labels[0])
            if group in done:
                continue
            done.add(group)
            unit = [lines[i] for i in groups[group]]
        else:
            unit = [lines[index]]
        unit_size = sum(map(len, unit))
        if current and size + unit_size > limit:
            parts.append(b"".join(current))
            current, size = [], 0
        current += unit
        size += unit_size
    if current or not parts:
        parts.append(b"".join(current))
    return parts


def publish_graph(
    graph: Graph | ox.Dataset,
    store_url: str,
    graph_iri: str,
    *,
    user: str | None = None,
    password: str | None = None,
    query_endpoint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    chunk_bytes: int = CHUNK_BYTES,
) -> PublishResult:
    """Replace ``graph_iri`` on the Graph Store at ``store_url`` with ``graph`` and verify the count.

    Up to ``chunk_bytes`` of N-Triples go in one PUT; a larger graph is a PUT of its first part and a POST
    (add) of each other part, so the remote graph is complete only when the last part has arrived.
    """
    from ketamine_kg.graph_build.export_ntriples import to_ntriples
    from ketamine_kg.graph_build.statements import as_dataset

    _check_graph_iri(graph_iri)
    if urllib.parse.urlsplit(store_url).scheme not in ("http", "https"):
        raise PublishError(f"--store {store_url!r} is not an http(s) URL")
    endpoint = query_endpoint or default_query_endpoint(store_url)
    body = to_ntriples(as_dataset(graph))
    count = body.count(b"\n")
    url = graph_store_url(store_url, graph_iri)
    parts = chunk_ntriples(body, chunk_bytes)
    opener = _opener(url, user, password)
    status = 0
    for number, part in enumerate(parts):
        # N-Triples is a subset of Turtle; text/turtle is the one type every Graph Store accepts.
        request = urllib.request.Request(
            url,
            data=part,
            method="PUT" if number == 0 else "POST",
            headers={"Content-Type": "text/turtle; charset=utf-8"},
        )
        log.info("%s part %d of %d (%d bytes) to %s", request.method, number + 1, len(parts), len(part), url)
        _authorise(request, user, password, timeout)
        try:
            answer, _ = _request(request, opener, timeout, "publish")
        except PublishError as exc:
            if number == 0:
                raise
            raise PublishError(
                f"{exc}\n<{graph_iri}> now holds only parts 1-{number} of {len(parts)}; publish again"
            ) from None
        status = status or answer
    remote = count_remote_triples(endpoint, graph_iri, user=user, password=password, timeout=timeout)
    if remote != count:
        raise PublishError(
            f"published {count} triples to <{graph_iri}> but {endpoint} counts {remote} in that graph"
        )
    return PublishResult(store_url, graph_iri, endpoint, count, remote, status)
