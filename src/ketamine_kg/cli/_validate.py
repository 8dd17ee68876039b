"""Validators for CLI arguments: a bad value is refused with a message naming the option, never later.

Typer calls the first ones as option callbacks (``callback=positive_seconds``): they return the value
unchanged or raise ``typer.BadParameter`` (exit 2 with the option's name). The file checks run inside
a command and raise ``UserError``.
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path
from typing import Any

import typer

from ketamine_kg.errors import UserError
from ketamine_kg.limits import ENV_VARS, Limits

_LIMIT_HELP = {
    "max_input_bytes": "Largest RDF file or table read, in MiB",
    "max_nesting": "Deepest nesting of blank nodes, lists, JSON or XML in an RDF file",
    "max_query_chars": "Longest SPARQL query text, in KiB",
    "max_query_depth": "Deepest nesting of groups and parentheses in a SPARQL query",
    "max_path_steps": "Most property-path steps (/ or |) in a SPARQL query",
    "memory_bytes": "Memory (address space) of the process that runs the command, in MiB",
}

__all__ = ["input_file", "limit_option", "output_path", "positive_seconds", "read_query_file", "set_limits"]


def positive_seconds(value: float | None) -> float | None:
    """A finite, positive number of seconds (``nan``, ``inf``, 0 and negatives are refused)."""
    if value is None:
        return None
    if math.isnan(value) or math.isinf(value) or value <= 0:
        raise typer.BadParameter(f"must be a positive, finite number of seconds, not {value}")
    return value


def _name_too_long(path: Path) -> str | None:
    """Why ``path`` cannot be created because of its length, or None."""
    try:
        name_max = os.pathconf(path.parent if path.parent.exists() else ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    too_long = [part for part in path.parts if len(os.fsencode(part)) > name_max - 16]
    if too_long:
        return f"the name {too_long[0][:40]}... is longer than this file system allows ({name_max} bytes)"
    if len(os.fsencode(str(path.absolute()))) > os.pathconf("/", "PC_PATH_MAX") - 32:
        return "the path is longer than this system allows"
    return None


def output_path(value: Path | None) -> Path | None:
    """An output file: not an existing directory, not a path too long to create."""
    if value is None:
        return None
    reason = _name_too_long(value)
    if reason is None and value.is_dir():
        raise typer.BadParameter(f"{value} is a directory; give the name of the file to write")
    if reason is not None:
        raise typer.BadParameter(f"{value}: {reason}")
    return value


def input_file(path: Path, limits: Limits | None = None) -> Path:
    """A regular input file within the size limit (a FIFO, device or directory would hang or fail)."""
    limits = limits or Limits.from_env()
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a FIFO or device?)"
        raise UserError(f"{path} is {kind}; give a file")
    if info.st_size > limits.max_input_bytes:
        raise UserError(
            f"{path} is {info.st_size:,} bytes, over the limit of {limits.max_input_bytes:,}; "
            + limits.hint("max_input_bytes")
        )
    return path


def read_query_file(path: Path) -> str:
    """The UTF-8 text of a ``--file`` query (a regular file within the limits)."""
    input_file(path)
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def limit_option(field: str) -> Any:
    """The global option (for ``Annotated``) that raises the limit ``field`` (see ``ketamine_kg.limits``)."""
    var, unit, option = ENV_VARS[field]
    default = getattr(Limits(), field) // unit
    return typer.Option(option, min=1, help=f"{_LIMIT_HELP[field]} (default {default}; also {var}).")


def set_limits(*values: int | None) -> None:
    """Export the global limit options (in ``ENV_VARS`` order) for the library and child processes."""
    for (var, _unit, _option), value in zip(ENV_VARS.values(), values, strict=True):
        if value is not None:
            os.environ[var] = str(value)
