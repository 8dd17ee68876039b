"""A cache of the built graph, so that ``query``, ``render``, ``export`` and ``check`` answer in a second.

A build is keyed by the SHA-256 of everything it depends on: the bytes of the source tables, of the
schema tables and of the package's build code, the package version and whether HermiT ran. The graph is
stored as sorted N-Triples (parsed by pyoxigraph in milliseconds, never by rdflib on the query path)
with a small JSON file holding the reasoner's verdict, under ``$XDG_CACHE_HOME/ketamine-kg`` (default
``~/.cache/ketamine-kg``). Both files are written atomically; the JSON is written last and names the
graph's digest, so a half-written or mismatched pair is a miss. Any change to an input gives a new key,
and the previous entry for the same source directory is deleted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ketamine_kg import __version__
from ketamine_kg.errors import UserError
from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.ontology.reason import DEFAULT_MAX_INFERRED, DEFAULT_TIMEOUT

if TYPE_CHECKING:  # the build modules are imported only when there is something to build
    from rdflib import Graph

    from ketamine_kg.pipeline import BuildResult, Progress

__all__ = ["CachedGraph", "cache_dir", "cache_key", "load_graph", "save_build"]

log = logging.getLogger(__name__)

_FORMAT_VERSION = "2"
# The modules whose code decides what a build produces (a change to them invalidates the cache).
_BUILD_CODE = ("ontology", "pipeline.py", "graph_build/rdf_files.py", "vocab.py")


@dataclass(frozen=True)
class CachedGraph:
    """A built graph as a pyoxigraph store, the reasoner's verdict, and whether it came from the cache.

    The store answers queries; ``rdf_graph`` is read from the N-Triples themselves, because a store keeps
    numbers in canonical form (``1.0`` comes back as ``1``) and exports must be byte-identical to a build's.
    """

    store: ox.Store
    ntriples: bytes
    reasoning_status: str
    reasoning_message: str
    from_cache: bool
    build: BuildResult | None = None  # the fresh build, when there was one

    def rdf_graph(self) -> Graph:
        """The same triples, with their lexical forms, as an rdflib Graph (projection, exports, SHACL)."""
        if self.build is not None:
            return self.build.graph
        from rdflib import Graph

        from ketamine_kg.graph_build.rdf_files import from_oxigraph_term

        graph = Graph(bind_namespaces="none")
        for triple in ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES):
            graph.add(
                (
                    from_oxigraph_term(triple.subject),
                    from_oxigraph_term(triple.predicate),
                    from_oxigraph_term(triple.object),
                )
            )
        return graph


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/ketamine-kg``; ``~/.cache/ketamine-kg`` when the variable is unset or relative."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "ketamine-kg"


def _package() -> Path:
    return Path(str(resources.files("ketamine_kg")))


def _files(directory: Path, pattern: str) -> list[Path]:
    return sorted(p for p in directory.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def cache_key(source_dir: Path | None, *, reason: bool) -> str:
    """The SHA-256 of the tables, the schema, the build code, the version and the reasoning switch."""
    package = _package()
    digest = hashlib.sha256(f"ketamine-kg {__version__} format {_FORMAT_VERSION} reason={reason}\n".encode())
    groups = [
        ("source", source_dir or package / "ontology" / "data", "*.tsv"),
        ("schema", package / "ontology" / "schema", "*.tsv"),
        *(("code", package / part, "*.py") for part in _BUILD_CODE),
    ]
    for tag, base, pattern in groups:
        paths = [base] if base.is_file() else _files(base, pattern)
        for path in paths:
            name = path.name if base.is_file() else path.relative_to(base).as_posix()
            digest.update(f"{tag}/{name}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _slot(source_dir: Path | None, reason: bool) -> str:
    """A short name for one source directory and reasoning switch: its entries replace each other."""
    where = str((source_dir or _package() / "ontology" / "data").resolve())
    return hashlib.sha256(f"{where}\0{reason}".encode()).hexdigest()[:16]


def _read(meta_path: Path, graph_path: Path, max_inferred: int) -> CachedGraph | None:
    """The cached graph, or None when it is missing, damaged, or inferred more than ``max_inferred`` allows."""
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = graph_path.read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("sha256") != hashlib.sha256(data).hexdigest():
        return None
    if not isinstance(meta.get("inferred"), int) or meta["inferred"] > max_inferred:
        return None  # a lower cap than the cached build's count must fail as a fresh build would
    store = ox.Store()
    try:
        store.bulk_extend(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))  # keeps the blank-node labels
    except SyntaxError:
        return None
    return CachedGraph(
        store, data, str(meta.get("status", "")), str(meta.get("message", "")), from_cache=True
    )


def _write(meta_path: Path, graph_path: Path, data: bytes, result: BuildResult) -> None:
    meta = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "status": result.reasoning.status,
        "message": result.reasoning.message,
        "triples": len(result.graph),
        "inferred": len(result.reasoning.inferred),
        "version": __version__,
    }
    write_bytes_atomic(graph_path, data)
    write_bytes_atomic(meta_path, json.dumps(meta, indent=1, sort_keys=True).encode("utf-8"))


def _ntriples(result: BuildResult) -> bytes:
    """The built graph as N-Triples, written by pyoxigraph from the build's dataset (the lines of a
    default-graph N-Quads file are N-Triples); no reader depends on their order."""
    return ox.serialize(result.as_dataset(), format=ox.RdfFormat.N_QUADS) or b""


def _paths(source_dir: Path | None, reason: bool, key: str) -> tuple[Path, Path]:
    name = f"{_slot(source_dir, reason)}-{key[:32]}"
    return cache_dir() / f"{name}.json", cache_dir() / f"{name}.nt"


def save_build(result: BuildResult, source_dir: Path | None, *, reason: bool) -> bytes:
    """Cache ``result`` (a build of ``source_dir`` without merged files); returns its N-Triples.

    Only a build that reasoned as asked is kept (not an unreasoned fallback for want of Java); a cache
    that cannot be written is reported in the log and otherwise ignored.
    """
    data = _ntriples(result)
    if result.merged_files or not (result.reasoning.ran or not reason):
        return data
    meta_path, graph_path = _paths(source_dir, reason, cache_key(source_dir, reason=reason))
    try:
        _write(meta_path, graph_path, data, result)
        for old in meta_path.parent.glob(f"{_slot(source_dir, reason)}-*"):
            if old not in (meta_path, graph_path):
                old.unlink(missing_ok=True)
    except (OSError, UserError) as exc:  # e.g. a file where the cache folder should be
        log.warning("could not write the graph cache in %s (%s); going on without it", cache_dir(), exc)
    return data


def load_graph(
    source_dir: Path | None = None,
    *,
    reason: bool = True,
    reasoner_timeout: float = DEFAULT_TIMEOUT,
    max_inferred: int = DEFAULT_MAX_INFERRED,
    progress: Progress | None = None,
    use_cache: bool = True,
) -> CachedGraph:
    """The built graph of ``source_dir``: from the cache when it is current, else built (and cached).

    Errors of the build (bad tables, an inconsistent ontology) propagate as from ``build_knowledge_graph``.
    """
    say = progress or (lambda _msg: None)
    if use_cache:
        hit = _read(*_paths(source_dir, reason, cache_key(source_dir, reason=reason)), max_inferred)
        if hit is not None:
            log.info("using the cached graph of %s", source_dir or "the packaged tables")
            return hit
    from ketamine_kg.pipeline import build_knowledge_graph

    result = build_knowledge_graph(
        source_dir,
        reason=reason,
        reasoner_timeout=reasoner_timeout,
        max_inferred=max_inferred,
        progress=progress,
    )
    if use_cache:
        say("saving the built graph in the cache")
        data = save_build(result, source_dir, reason=reason)
    else:
        data = _ntriples(result)
    store = ox.Store()
    store.bulk_extend(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    return CachedGraph(store, data, result.reasoning.status, result.reasoning.message, False, result)
