"""SSSOM TSV of every identifier mapping: entity (``kg:`` CURIE) -> standard identifier, with its SKOS
predicate, in the SSSOM 1.0 layout (YAML metadata block as ``#`` comment lines, then the table).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rdflib import Graph

from ketamine_kg import __version__
from ketamine_kg.errors import ExportError
from ketamine_kg.graph_build.atomic import write_bytes_atomic
from ketamine_kg.graph_build.network_rows import sorted_nodes
from ketamine_kg.ontology.metadata import CREATOR, DATA_LICENSE
from ketamine_kg.terms import identifier_prefix_map

__all__ = ["COLUMNS", "MAPPING_SET_ID", "to_sssom", "write_sssom"]

MAPPING_SET_ID = "https://w3id.org/ketamine-kg/mappings/ketamine-kg.sssom.tsv"
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "mapping_justification",
    "subject_category",
)
_PREDICATES = {
    "exact": "skos:exactMatch",
    "close": "skos:closeMatch",
    "broad": "skos:broadMatch",
    "narrow": "skos:narrowMatch",
    "related": "skos:relatedMatch",
}
_EXTRA = {"semapv": "https://w3id.org/semapv/vocab/", "skos": "http://www.w3.org/2004/02/skos/core#"}


def _cell(text: str, where: str) -> str:
    if any(c in text for c in "\t\r\n"):
        raise ExportError(f"{where}: contains a tab or line break, which SSSOM TSV cannot represent")
    return text


def _header(prefixes: Mapping[str, str]) -> list[str]:
    lines = [
        "# curie_map:",
        *(f'#   {prefix}: "{base}"' for prefix, base in sorted(prefixes.items())),
        f"# mapping_set_id: {MAPPING_SET_ID}",
        f"# mapping_set_version: {__version__}",
        "# mapping_set_title: Identifier mappings of the ketamine-kg entities",
        f"# license: {DATA_LICENSE}",
        f"# creator_label:\n#   - {CREATOR}",
    ]
    return "\n".join(lines).splitlines()


def to_sssom(graph: Graph) -> bytes:
    """The SSSOM TSV (metadata block + one row per entity identifier), rows sorted."""
    from ketamine_kg.graph_build.projection import to_network

    rows: list[list[str]] = []
    used: set[str] = {"skos", "semapv"}
    for node, attrs in sorted_nodes(to_network(graph)):
        subject = str(attrs.get("curie") or node)
        where = f"node {node}"
        for item in attrs.get("identifiers") or []:
            if (
                not isinstance(item, Mapping)
                or item.get("match") not in _PREDICATES
                or ":" not in str(item.get("curie", ""))
            ):
                continue
            used.update({subject.split(":", 1)[0], str(item["curie"]).split(":", 1)[0]})
            rows.append(
                [
                    _cell(subject, where),
                    _cell(str(attrs.get("label", "")), where),
                    _PREDICATES[str(item["match"])],
                    _cell(str(item["curie"]), where),
                    "semapv:ManualMappingCuration",
                    _cell(str(attrs.get("category_label", "")), where),
                ]
            )
    known = {**identifier_prefix_map(), **_EXTRA}
    prefixes = {p: known[p] for p in used if p in known}
    lines = _header(prefixes) + ["\t".join(COLUMNS)] + ["\t".join(r) for r in sorted(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_sssom(graph: Graph, path: Path) -> None:
    """Write ``to_sssom(graph)`` atomically."""
    write_bytes_atomic(path, to_sssom(graph))
