"""``ketamine-kg check-text``: check an article, abstract or web page against the graph."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ketamine_kg.cli import app
from ketamine_kg.cli._common import handle_errors, status
from ketamine_kg.cli._options import choose, format_option, out_option, reason_option, source_option
from ketamine_kg.cli._watchdog import bounded

FORMATS = ("table", "json", "html", "ttl", "tsv")


def _table(rows: list[tuple[str, str, str, str, str]]) -> str:
    if not rows:
        return "no relation claims found"
    lines = []
    for sentence, claim, verdict, why, sources in rows:
        short = sentence if len(sentence) <= 100 else sentence[:97] + "..."
        lines.append(f"{verdict.upper():<13} {claim}\n  sentence: {short}\n  why: {why}")
        if sources:
            lines.append(f"  sources: {sources}")
    return "\n".join(lines)


@app.command("check-text")
@bounded
@handle_errors
def check_text(
    file: Annotated[Path, typer.Argument(metavar="FILE", hidden=True)],
    fmt: Annotated[str, format_option("table, json, html, ttl (alias turtle) or tsv.")] = "table",
    out: Annotated[Path | None, out_option("Write the report here instead of to standard output.")] = None,
    ignore_recorded_claims: Annotated[
        bool,
        typer.Option(
            "--ignore-recorded-claims",
            help="Decide on the graph's facts alone, not on the recorded article claims.",
        ),
    ] = False,
    source: Annotated[Path | None, source_option()] = None,
    reason: Annotated[bool, reason_option()] = True,
) -> None:
    """Check FILE (plain text, Markdown, HTML or PDF) against the graph: find its mentions and
    relation claims and decide each claim (supported, qualified, contradicted or not_in_graph) with
    the deciding facts. Exit 1 when something is contradicted."""
    fmt = choose("--format", fmt, FORMATS)
    from ketamine_kg.textcheck.nlp import load_nlp
    from ketamine_kg.textcheck.readers import read_document

    document = read_document(file)
    load_nlp()  # fail early, in one line, without the extra
    from ketamine_kg.pipeline import build_knowledge_graph
    from ketamine_kg.textcheck.check import TextChecker

    result = TextChecker.from_build(build_knowledge_graph(source, reason=reason, progress=status)).check(
        document, use_recorded_claims=not ignore_recorded_claims
    )
    from ketamine_kg.textcheck import report

    if fmt == "json":
        text = report.to_json(result)
    elif fmt == "ttl":
        text = report.to_turtle(result)
    elif fmt == "tsv":
        text = report.to_tsv(result)
    elif fmt == "html":
        from ketamine_kg.textcheck.html_report import to_html

        text = to_html(result)
    else:
        text = _table(report.to_table_rows(result)) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        from ketamine_kg.graph_build.atomic import write_text_atomic

        write_text_atomic(out, text)
        typer.echo(f"wrote {out} ({fmt}, {len(result.claims)} claims)", err=True)
    if result.contradicted:
        raise typer.Exit(1)
