"""The named-query catalogue: ``.rq`` files under ``queries/library`` with a comment header.

Header (comment lines at the top of the file, ``# key: value``)::

    # title: NMDA-receptor antagonists
    # question: Which drugs in the KG are NMDA-receptor antagonists?
    # competency: CQ1
    # param: drug | entity | default=esketamine | the drug: a label, synonym or CURIE
    # columns: drug, drugLabel

Parameter types: ``entity`` (a label, synonym, CURIE or IRI resolved to the entity's IRI), ``category``
(a class label such as ``drug`` or ``adverse_effect``, resolved to the class IRI), ``iri``, ``string``,
``integer``, ``decimal``. The third field is ``required``, ``optional`` (left unbound when not
given) or ``default=VALUE``. A parameter ``x`` is the variable ``?x`` in the query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ketamine_kg.errors import QueryError

__all__ = ["PARAMETER_TYPES", "NamedQuery", "Parameter", "get_query", "load_catalogue", "parse_named_query"]

PARAMETER_TYPES = ("entity", "category", "iri", "string", "integer", "decimal")
_HEADER = re.compile(r"^#\s*([a-z_]+)\s*:\s*(.*?)\s*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Parameter:
    """One query parameter: bound to the variable ``?name``."""

    name: str
    type: str
    required: bool
    default: str | None
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A named query from the library, with its header parsed."""

    name: str
    title: str
    question: str
    competency: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    text: str

    @property
    def runnable_without_input(self) -> bool:
        """True when no parameter is required (all have defaults or are optional)."""
        return not any(p.required for p in self.parameters)

    def to_dict(self) -> dict[str, object]:
        """The catalogue entry as JSON-ready data."""
        return {
            "name": self.name,
            "title": self.title,
            "question": self.question,
            "competency": list(self.competency),
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "default": p.default,
                    "description": p.description,
                }
                for p in self.parameters
            ],
            "columns": list(self.columns),
        }


def _parse_parameter(origin: str, value: str) -> Parameter:
    fields = [f.strip() for f in value.split("|")]
    if len(fields) != 4:
        raise QueryError(
            f"{origin}: a param line needs 4 fields 'name | type | required|optional|default=V | text'"
        )
    name, kind, presence, description = fields
    if not name.isidentifier():
        raise QueryError(f"{origin}: invalid parameter name {name!r}")
    if kind not in PARAMETER_TYPES:
        raise QueryError(f"{origin}: parameter {name!r} has unknown type {kind!r} (one of {PARAMETER_TYPES})")
    if presence == "required":
        return Parameter(name, kind, True, None, description)
    if presence == "optional":
        return Parameter(name, kind, False, None, description)
    if presence.startswith("default="):
        return Parameter(name, kind, False, presence.removeprefix("default="), description)
    raise QueryError(f"{origin}: parameter {name!r}: third field must be required, optional or default=VALUE")


def read_header(text: str) -> dict[str, list[str]]:
    """The ``# key: value`` lines of the comment header that opens a ``.rq`` file (key -> values)."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match:
            fields.setdefault(match.group(1), []).append(match.group(2))
    return fields


def parse_named_query(name: str, text: str, origin: str | None = None) -> NamedQuery:
    """Parse the header of a named query; errors name the file."""
    origin = origin or f"{name}.rq"
    fields = read_header(text)
    for key in ("title", "question", "columns"):
        if key not in fields:
            raise QueryError(f"{origin}: the header has no '# {key}:' line")
    parameters = tuple(_parse_parameter(origin, v) for v in fields.get("param", []))
    competency = tuple(c.strip() for v in fields.get("competency", []) for c in v.split(",") if c.strip())
    columns = tuple(c.strip() for c in fields["columns"][0].split(",") if c.strip())
    return NamedQuery(
        name=name,
        title=fields["title"][0],
        question=" ".join(fields["question"]),
        competency=competency,
        parameters=parameters,
        columns=columns,
        text=text,
    )


def library_dir() -> Path:
    """The directory of packaged ``.rq`` files."""
    return Path(str(resources.files("ketamine_kg.queries") / "library"))


def read_rq_files(directory: Path, what: str) -> Iterator[tuple[str, str, str]]:
    """(name, text, path) of every ``.rq`` file of ``directory``, sorted; names must be lower snake case."""
    for path in sorted(directory.glob("*.rq")):
        if not _NAME.match(path.stem):
            raise QueryError(f"{path}: {what} names are lower snake case")
        yield path.stem, path.read_text(encoding="utf-8"), str(path)


def load_catalogue(directory: Path | None = None) -> dict[str, NamedQuery]:
    """All named queries, sorted by name."""
    files = read_rq_files(directory or library_dir(), "query")
    return {name: parse_named_query(name, text, origin) for name, text, origin in files}


def get_query(name: str, directory: Path | None = None) -> NamedQuery:
    """One named query; an unknown name lists the close matches (``cq4`` finds ``cq04_metabolites``)."""
    from ketamine_kg.names import suggest

    catalogue = load_catalogue(directory)
    if name in catalogue:
        return catalogue[name]
    typed = re.sub(r"^cq(\d)(?!\d)", r"cq0\1", name.strip().lower().replace("-", "_").replace(" ", "_"))
    starts = [q for q in catalogue if q.startswith(typed)] if typed else []
    close = starts[:3] if 0 < len(starts) <= 3 else suggest(name, catalogue, limit=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `ketamine-kg queries` lists them"
    raise QueryError(f"no named query {name!r}{hint}")
