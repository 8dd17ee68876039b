"""The one flag vocabulary of every command: names, short forms, metavars, format names and suggestions.

Every command spells the same thing the same way: ``--data/-d FILE`` (input RDF), ``--out/-o PATH``,
``--format/-f FORMAT``, ``--source DIR`` (the tables), ``--reason/--no-reason``. Old spellings stay as
hidden aliases (``--from-rdf``). Format names are normalised here, so ``ttl`` and ``turtle`` are both
accepted wherever Turtle is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from ketamine_kg.errors import UserError

# Spellings people use -> the name the command knows (Turtle in both directions: query says ttl).
_FORMAT_ALIASES = {
    "turtle": ("ttl", "turtle"),
    "nt": ("nt", "ntriples", "n-triples"),
    "xml": ("xml", "owl", "rdf", "rdfxml", "rdf/xml", "rdf-xml"),
    "json-ld": ("json-ld", "jsonld"),
    "nquads": ("nquads", "nq", "n-quads"),
    "cytoscape": ("cytoscape", "cyjs", "cytoscape.js"),
}


def data_option(help: str) -> Any:
    """``--data/-d FILE`` (repeatable): RDF files to read instead of building the graph."""
    return typer.Option("--data", "-d", metavar="FILE", help=f"{help} Repeatable.")


def from_rdf_alias() -> Any:
    """The old spelling ``--from-rdf`` of ``--data``, hidden from the help."""
    return typer.Option("--from-rdf", hidden=True, metavar="FILE")


def out_option(help: str, callback: Any = None) -> Any:
    """``--out/-o PATH`` (``callback`` checks the path before anything runs)."""
    return typer.Option("--out", "-o", metavar="PATH", help=help, callback=callback)


def format_option(help: str) -> Any:
    """``--format/-f FORMAT``."""
    return typer.Option("--format", "-f", metavar="FORMAT", help=help)


def source_option() -> Any:
    """``--source DIR``: the table directory to build from."""
    return typer.Option(
        "--source",
        metavar="DIR",
        help="Build from the six tables in this directory (default: packaged data).",
    )


def reasoner_timeout_option() -> Any:
    """``--reasoner-timeout SECONDS``: the bound on the whole reasoning step (None: the default 120 s)."""
    from ketamine_kg.cli._validate import positive_seconds

    return typer.Option(
        "--reasoner-timeout",
        metavar="SECONDS",
        min=1,
        help="Stop HermiT after this long (default 120).",
        callback=positive_seconds,
    )


def max_inferred_option(help: str) -> Any:
    """``--max-inferred N``: the cap on new facts from HermiT (None: the default 20000)."""
    return typer.Option("--max-inferred", metavar="N", min=0, help=help)


def reason_option() -> Any:
    """``--reason/--no-reason``."""
    return typer.Option("--reason/--no-reason", help="Reason with HermiT when building (needs Java).")


def merged_inputs(data: Sequence[Path] | None, alias: Sequence[Path] | None) -> list[Path]:
    """``--data`` and its hidden alias together, in the order given."""
    return [*(data or ()), *(alias or ())]


def canonical(value: str, choices: Sequence[str]) -> str | None:
    """The one of ``choices`` that ``value`` names (case-insensitive, format aliases accepted), or None."""
    key = value.strip().lower()
    if key in choices:
        return key
    for name, spellings in _FORMAT_ALIASES.items():
        if key in spellings:
            for candidate in (name, *spellings):
                if candidate in choices:
                    return candidate
    return None


def hint(value: str, choices: Sequence[str]) -> str:
    """``; did you mean X?`` for the closest choices, or nothing."""
    from ketamine_kg.names import suggest

    close = suggest(value, choices, limit=2)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def choose(option: str, value: str, choices: Sequence[str]) -> str:
    """``value`` if it names one of ``choices`` (see ``canonical``), else a UserError with suggestions."""
    found = canonical(value, choices)
    if found is not None:
        return found
    listed = f"{', '.join(choices[:-1])} or {choices[-1]}" if len(choices) > 1 else choices[0]
    raise UserError(f"{option} must be {listed}, not {value!r}{hint(value, choices)}")


def needs(option: str, given: bool, other: str, present: bool) -> None:
    """Refuse an option that has no effect without another."""
    if given and not present:
        raise UserError(f"{option} has no effect without {other}")
