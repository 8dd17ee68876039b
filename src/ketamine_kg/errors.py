"""Exception hierarchy. The library raises these; only the CLI turns them into exit codes."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CheckFailedError",
    "EndpointError",
    "ExportError",
    "InconsistentOntologyError",
    "KetamineKGError",
    "Problem",
    "PublishError",
    "QueryError",
    "QueryTimeoutError",
    "RDFParseError",
    "ReasonerError",
    "SourceValidationError",
    "UnsafeQueryError",
    "UserError",
]


class KetamineKGError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with (2 = user error, 1 = check failure)."""

    exit_code = 1


class UserError(KetamineKGError):
    """Bad input from the user: a file, an option or a query. Exit code 2."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One validation problem located in a table: file, 1-based row (header = row 1) and column."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        if self.column:
            where += f": column '{self.column}'"
        return f"{where}: {self.message}"


class SourceValidationError(UserError):
    """The source tables have one or more problems; all of them are listed, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the source tables:\n{lines}")

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:  # intact across a process boundary
        return type(self), (self.problems,)


class RDFParseError(UserError):
    """An RDF file could not be parsed; nothing from it was loaded."""

    def __init__(self, file: str, line: int | None, column: int | None, message: str) -> None:
        self.file, self.line, self.column, self.message = file, line, column, message
        where = file
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, int | None, int | None, str]]:
        return type(self), (self.file, self.line, self.column, self.message)


class ReasonerError(KetamineKGError):
    """The reasoner failed to run (timeout, Java error). Exit code 1."""


class InconsistentOntologyError(KetamineKGError):
    """The reasoner proved the ontology inconsistent; ``culprits`` names the entities and axioms."""

    def __init__(self, message: str, culprits: list[str]) -> None:
        self.culprits = culprits
        super().__init__(message)

    def __reduce__(self) -> tuple[type, tuple[str, list[str]]]:
        return type(self), (str(self), self.culprits)


class CheckFailedError(KetamineKGError):
    """Quality checks found violations. Exit code 1."""


class QueryError(UserError):
    """A query is malformed, unknown or has bad parameters."""


class QueryTimeoutError(QueryError):
    """The query ran longer than its time limit and was stopped."""


class UnsafeQueryError(UserError):
    """A query would reach the network or the file system, or would update data."""


class EndpointError(UserError):
    """A remote SPARQL endpoint or graph store could not be used."""


class ExportError(UserError):
    """An export could not be written as asked (for example text the format cannot represent)."""


class PublishError(EndpointError):
    """Publishing to a graph store failed or could not be verified."""
