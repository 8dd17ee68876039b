"""OBO Graphs JSON (the JSON the OBO tools and oaklib read) of the network projection.

One graph: every entity is an ``INDIVIDUAL`` node with its label, definition, synonyms and identifier
xrefs, every category a ``CLASS`` node; edges are the relation assertions (``pred`` = the property IRI)
and each entity's category (``pred`` = ``type``). Inferred edges carry ``meta.basicPropertyValues``
``kkg:inferred true``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph

from ketamine_kg import __version__
from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.network_rows import sorted_edges, sorted_nodes
from ketamine_kg.ontology.metadata import DATA_LICENSE, VERSION_IRI
from ketamine_kg.ontology.schema import load_schema
from ketamine_kg.vocab import DCTERMS, KKG, ONTOLOGY_IRI, OWL, SCHEMA_NS

__all__ = ["to_obographs", "write_obographs"]

_INFERRED = str(KKG.inferred)
_EVIDENCE = str(KKG.evidenceLevel)
_ASSERTION = str(KKG.assertionId)


def _value(pred: str, val: str) -> dict[str, str]:
    return {"pred": pred, "val": val}


def _node(node: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if attrs.get("definition"):
        meta["definition"] = {"val": str(attrs["definition"])}
    synonyms = sorted({str(s) for s in attrs.get("synonyms") or []})
    if synonyms:
        meta["synonyms"] = [{"pred": "hasExactSynonym", "val": s} for s in synonyms]
    xrefs = sorted({str(i["curie"]) for i in attrs.get("identifiers") or [] if isinstance(i, Mapping)})
    if xrefs:
        meta["xrefs"] = [{"val": x} for x in xrefs]
    entry: dict[str, Any] = {"id": node, "lbl": str(attrs.get("label", node)), "type": "INDIVIDUAL"}
    if meta:
        entry["meta"] = meta
    return entry


def _edge(source: str, target: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    edge: dict[str, Any] = {"sub": source, "pred": str(attrs.get("predicate", "")), "obj": target}
    values = []
    if attrs.get("assertion_id"):
        values.append(_value(_ASSERTION, str(attrs["assertion_id"])))
    if attrs.get("evidence"):
        values.append(_value(_EVIDENCE, str(attrs["evidence"])))
    if attrs.get("inferred"):
        values.append(_value(_INFERRED, "true"))
    if values:
        edge["meta"] = {"basicPropertyValues": values}
    return edge


def to_obographs(graph: Graph) -> bytes:
    """The OBO Graphs JSON document; sorted, byte-identical for the same graph."""
    from ketamine_kg.graph_build.projection import to_network

    network = to_network(graph)
    nodes = [_node(n, a) for n, a in sorted_nodes(network)]
    classes = {c.category: SCHEMA_NS + c.id for c in load_schema().classes.values() if c.category}
    categories: dict[str, str] = {}
    edges = []
    for node, attrs in sorted_nodes(network):
        category = str(attrs.get("category", ""))
        if category:
            iri = classes.get(category, SCHEMA_NS + category)
            categories[iri] = str(attrs.get("category_label", category))
            edges.append({"sub": node, "pred": "type", "obj": iri})
    edges += [_edge(u, v, d) for u, v, _k, d in sorted_edges(network)]
    nodes += [{"id": iri, "lbl": label, "type": "CLASS"} for iri, label in sorted(categories.items())]
    document = {
        "graphs": [
            {
                "id": ONTOLOGY_IRI,
                "meta": {
                    "version": VERSION_IRI,
                    "basicPropertyValues": [
                        _value(str(OWL.versionInfo), __version__),
                        _value(str(DCTERMS.license), DATA_LICENSE),
                    ],
                },
                "nodes": nodes,
                "edges": edges,
            }
        ]
    }
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def write_obographs(graph: Graph, path: Path) -> None:
    """Write ``to_obographs(graph)`` atomically."""
    write_bytes_atomic(path, to_obographs(graph))
