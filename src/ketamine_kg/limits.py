"""Bounds on hostile or careless input: sizes, nesting depths, memory. One place, one set of defaults.

Every limit has a default that ordinary data never reaches, and an environment variable that raises it
(the CLI's global options ``--max-input-mb``, ``--max-nesting``, ``--max-query-kb``,
``--max-query-depth``, ``--max-path-steps`` and ``--memory-mb`` set these variables for the command they precede).

>>> Limits.from_env({"KETAMINE_KG_MAX_NESTING": "50"}).max_nesting
50
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ketamine_kg.errors import UserError

__all__ = ["ENV_VARS", "Limits", "deeper_than", "nesting_depth", "path_steps"]

MIB = 1024 * 1024

#: field name -> (environment variable, unit multiplier, CLI option)
ENV_VARS: dict[str, tuple[str, int, str]] = {
    "max_input_bytes": ("KETAMINE_KG_MAX_INPUT_MB", MIB, "--max-input-mb"),
    "max_nesting": ("KETAMINE_KG_MAX_NESTING", 1, "--max-nesting"),
    "max_query_chars": ("KETAMINE_KG_MAX_QUERY_KB", 1024, "--max-query-kb"),
    "max_query_depth": ("KETAMINE_KG_MAX_QUERY_DEPTH", 1, "--max-query-depth"),
    "max_path_steps": ("KETAMINE_KG_MAX_PATH_STEPS", 1, "--max-path-steps"),
    "memory_bytes": ("KETAMINE_KG_MEMORY_MB", MIB, "--memory-mb"),
}

# What the nesting scanner stops at: quotes, comments, IRIs (or a less-than sign) and brackets.
_DEPTH_MARK = re.compile(r"\"\"\"|'''|[\"'#<(){}\[\]]")
_SHORT_STRING = {"'": re.compile(r"(?:[^'\\\n\r]|\\.)*'"), '"': re.compile(r'(?:[^"\\\n\r]|\\.)*"')}
_IRI_REST = re.compile(r"[^<>\"{}|^`\\\x00-\x20]*>")
_OPEN, _CLOSE = frozenset("({["), frozenset(")}]")
# Strings, IRIs and comments in one pattern, blanked out in C before brackets are counted (the fast path).
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\[\s\S]|\'(?!\'\'))*\'\'\''
    r"|\"(?:[^\"\\\n\r]|\\.)*\"|'(?:[^'\\\n\r]|\\.)*'|<[^<>\"{}|^`\\\x00-\x20]*>|#[^\n\r]*"
)
_NOT_BRACKET = re.compile(r"[^(){}\[\]]+")
_BRACKET_STEP = {ord(c): "\x02" for c in "({["} | {ord(c): "\x00" for c in ")}]"}


@dataclass(frozen=True)
class Limits:
    """The bounds in force. Sizes in bytes or characters."""

    max_input_bytes: int = 1024 * MIB  # one RDF file or one table
    max_nesting: int = 1_000  # blank nodes [ ], lists ( ), JSON objects/arrays, XML elements
    max_query_chars: int = 1024 * 1024  # the text of one SPARQL query
    max_query_depth: int = 128  # nested { } ( ) [ ] in one SPARQL query
    max_path_steps: int = 128  # property-path operators / and | in one SPARQL query (parsers are quadratic)
    memory_bytes: int = 8192 * MIB  # address space of the process that runs a command
    max_cell_chars: int = 100_000  # one cell of a source table
    max_entity_expansion: int = 1 * MIB  # characters XML entity references may add to a file

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, raised or lowered by the ``KETAMINE_KG_*`` environment variables."""
        env = os.environ if environ is None else environ
        changes: dict[str, int] = {}
        for field, (var, unit, option) in ENV_VARS.items():
            raw = env.get(var)
            if raw is None or not raw.strip():
                continue
            try:
                value = int(raw.strip())
            except ValueError:
                raise UserError(f"{option} / {var} must be a whole number, got {raw!r}") from None
            if value <= 0:
                raise UserError(f"{option} / {var} must be positive, got {value}")
            changes[field] = value * unit
        return dataclasses.replace(cls(), **changes)

    def hint(self, field: str) -> str:
        """How to raise the limit ``field``: the option and the variable."""
        var, _unit, option = ENV_VARS[field]
        return f"raise it with `ketamine-kg {option} N COMMAND ...` or {var}=N"


def nesting_depth(text: str, limit: int | None = None) -> tuple[int, int]:
    """The deepest nesting of ``( { [`` outside strings, IRIs and comments, and the offset reaching it.

    SPARQL, Turtle, TriG and JSON share these lexical rules. A linear scan with no backtracking; it stops as soon as the depth passes ``limit``.

    >>> nesting_depth('SELECT * { ?s ?p "(((" # (((\\n FILTER((1)) }')
    (3, 37)
    """
    depth = deepest = where = 0
    position = 0
    while (mark := _DEPTH_MARK.search(text, position)) is not None:
        token, position = mark.group(), mark.end()
        if token in _OPEN:
            depth += 1
            if depth > deepest:
                deepest, where = depth, mark.start()
                if limit is not None and deepest > limit:
                    break
        elif token in _CLOSE:
            depth = max(depth - 1, 0)
        elif token == "#":
            end = text.find("\n", position)
            position = len(text) if end < 0 else end
        elif token == "<":
            iri = _IRI_REST.match(text, position)
            position = iri.end() if iri else position  # else a less-than sign
        elif len(token) == 3:
            end = text.find(token, position)
            position = len(text) if end < 0 else end + 3
        else:
            string = _SHORT_STRING[token].match(text, position)
            position = string.end() if string else position
    return deepest, where


_PATH_STEP = re.compile(r"\|\||/|\|")  # `||` is a logical or, not a path step


def path_steps(text: str, limit: int) -> int | None:
    """The offset of the ``limit + 1``-th property-path operator (``/`` or ``|``) in a query, or None.

    Strings, IRIs and comments are blanked first (keeping offsets), so only operators count. A division
    counts too: a query with hundreds of them is as unusual as a path of hundreds of steps.

    >>> path_steps('SELECT * { ?s <a:p>/<a:q>|<a:r> ?o FILTER(?o || "/") }', 1)
    25
    """
    code = _NOT_CODE.sub(lambda m: " " * len(m.group()), text)
    steps = (m.start() for m in _PATH_STEP.finditer(code) if m.group() != "||")
    return next(itertools.islice(steps, limit, None), None)


def deeper_than(text: str, limit: int) -> bool:
    """Whether ``text`` nests ``( { [`` more than ``limit`` deep (outside strings, IRIs and comments).

    The fast form of ``nesting_depth`` for large files, with every loop in C: strings, IRIs and comments
    are removed, each remaining bracket becomes a step of +1 or -1 (stored as 2 or 0), and the depth
    after ``k`` steps is the running sum minus ``k``. (A stray closing bracket can only lower the
    figure; the parser stops at it anyway.)

    >>> deeper_than('{ "[[[[" [ ( ) ] }', 3), deeper_than('{ [ [ ( ) ] ] }', 3)
    (False, True)
    """
    steps = _NOT_BRACKET.sub("", _NOT_CODE.sub("", text)).translate(_BRACKET_STEP).encode("ascii")
    return max(map(operator.sub, itertools.accumulate(steps), itertools.count(1)), default=0) > limit
