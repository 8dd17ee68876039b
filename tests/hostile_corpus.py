"""A malformed-input corpus, generated: RDF files, tables, SPARQL texts and CLI arguments.

Each case names the files it writes, the command line (``{dir}`` is the case folder, ``{canary}`` the
URL of a local server that must never be asked), the exit code and a fragment of the message that
locates the problem. Large inputs are generated here, not stored.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

FIXTURE_SOURCE = Path(__file__).parent / "fixtures" / "source"
EX = "http://ex.org/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@dataclass(frozen=True)
class Case:
    """One hostile input: files, arguments, expected exit code and message fragment."""

    id: str
    args: tuple[str, ...]
    fragment: str
    files: dict[str, str] = field(default_factory=dict)
    code: int = 2
    source_edit: tuple[str, int, str, str] | None = None  # table, row, column, value (copy of the fixture)


def _xml(body: str, doctype: str = "") -> str:
    return f'<?xml version="1.0"?>\n{doctype}<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="{EX}">\n{body}\n</rdf:RDF>\n'


def rdf_files() -> dict[str, tuple[str, str]]:
    """name -> (file text, message fragment)."""
    laughs = "".join(
        f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(10)) if i else "lol"}">\n' for i in range(9)
    )
    big = "B" * 100_000
    return {
        "laughs.rdf": (
            _xml(
                f'<rdf:Description rdf:about="{EX}s"><ex:p>&l8;</ex:p></rdf:Description>',
                f"<!DOCTYPE rdf:RDF [\n{laughs}]>\n",
            ),
            "laughs.rdf:4: entity 'l1'",
        ),
        "quadratic.rdf": (
            _xml(
                f'<rdf:Description rdf:about="{EX}s"><ex:p>{"&b;" * 50_000}</ex:p></rdf:Description>',
                f'<!DOCTYPE rdf:RDF [\n<!ENTITY b "{big}">\n]>\n',
            ),
            "quadratic.rdf:3: entity references would expand",
        ),
        "xxe.rdf": (
            _xml(
                f'<rdf:Description rdf:about="{EX}s"><ex:p>&x;</ex:p></rdf:Description>',
                '<!DOCTYPE rdf:RDF [\n<!ENTITY x SYSTEM "{canary}/xxe">\n]>\n',
            ),
            "xxe.rdf:3: an external entity",
        ),
        "xxe-file.rdf": (
            _xml(
                f'<rdf:Description rdf:about="{EX}s"><ex:p>&x;</ex:p></rdf:Description>',
                '<!DOCTYPE rdf:RDF [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n',
            ),
            "xxe-file.rdf:3: an external entity",
        ),
        "param.rdf": (
            _xml("", '<!DOCTYPE rdf:RDF [\n<!ENTITY % p SYSTEM "{canary}/dtd">\n%p;\n]>\n'),
            "param.rdf:3: a parameter entity",
        ),
        "dtd.rdf": (
            _xml("", '<!DOCTYPE rdf:RDF SYSTEM "{canary}/rdf.dtd">\n'),
            "dtd.rdf:2: the DOCTYPE names an external DTD",
        ),
        "deep.rdf": (
            _xml(
                f'<rdf:Description rdf:about="{EX}s">'
                + "<ex:p><rdf:Description>" * 3000
                + "<ex:p>x</ex:p>"
                + "</rdf:Description></ex:p>" * 3000
                + "</rdf:Description>"
            ),
            "deep.rdf:3:",
        ),
        "deep-bnodes.ttl": (
            f"@prefix : <{EX}> .\n:s :p " + "[ :p " * 100_000 + ":o" + " ]" * 100_000 + " .\n",
            "deep-bnodes.ttl:2:",
        ),
        "deep-lists.ttl": (
            f"@prefix : <{EX}> .\n:s :p " + "( " * 100_000 + ":o" + " )" * 100_000 + " .\n",
            "deep-lists.ttl:2:",
        ),
        "deep.trig": (
            f"@prefix : <{EX}> .\n:g {{ :s :p " + "[ :p " * 5_000 + ":o" + " ]" * 5_000 + " . }\n",
            "deep.trig:2:",
        ),
        "deep.jsonld": (
            f'{{"@id": "{EX}s", "{EX}p": ' + f'{{"{EX}p": ' * 20_000 + "1" + "}" * 20_001 + "\n",
            "deep.jsonld:1:",
        ),
        "remote-context.jsonld": (
            f'{{"@context": "{{canary}}/context.jsonld", "@id": "{EX}s", "p": "x"}}\n',
            "remote-context.jsonld: the JSON-LD @context is a remote document",
        ),
        "remote-import-context.jsonld": (
            f'{{"@context": {{"@import": "{{canary}}/ctx"}}, "@id": "{EX}s", "p": "x"}}\n',
            "remote-import-context.jsonld",
        ),
        "ill-integer.ttl": (
            f'@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n<{EX}s> <{EX}p> "1" .\n<{EX}s> <{EX}q> "abc"^^xsd:integer .\n',
            "ill-integer.ttl:3: ill-typed literal",
        ),
        "ill-date.nt": (
            f'<{EX}s> <{EX}p> "2019-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
            "ill-date.nt:1: ill-typed literal",
        ),
        "ill-byte.rdf": (
            _xml(
                f'<rdf:Description rdf:about="{EX}s"><ex:p rdf:datatype="http://www.w3.org/2001/XMLSchema#byte">300</ex:p></rdf:Description>'
            ),
            "ill-byte.rdf:3: ill-typed literal",
        ),
        "ill-boolean.jsonld": (
            f'{{"@id": "{EX}s", "{EX}p": {{"@value": "maybe", "@type": "http://www.w3.org/2001/XMLSchema#boolean"}}}}\n',
            "ill-boolean.jsonld:1: ill-typed literal",
        ),
        "huge-literal.nt": (
            f'<{EX}s> <{EX}p> "' + "L" * 17_000_000 + '" .\n',
            "huge-literal.nt: a literal or IRI is longer",
        ),
        "syntax.ttl": (f"@prefix : <{EX}> .\n:s :p :o .\n:s :p\n", "syntax.ttl:4:"),
        "bad-utf8.nt": ('<http://ex.org/s> <http://ex.org/p> "\udcff" .\n', "bad-utf8.nt:1:"),
        "unknown.xyz": ("hello\n", "unknown RDF file extension"),
    }


def _rdf_cases() -> list[Case]:
    cases: list[Case] = []
    commands: dict[str, tuple[str, ...]] = {
        "query": ("query", "--sparql", "ASK { ?s ?p ?o }", "--data"),
        "render": ("render", "--out", "{dir}/view.html", "--data"),
        "check": ("check", "--no-reason", "--no-shacl", "--data"),
        "export": ("export", "--out", "{dir}/out.ttl", "--from-rdf"),
    }
    for name, (text, fragment) in rdf_files().items():
        for command, args in commands.items():
            cases.append(Case(f"{command}-{name}", (*args, f"{{dir}}/{name}"), fragment, {name: text}))
    for name in ("laughs.rdf", "xxe.rdf", "deep-bnodes.ttl", "ill-integer.ttl", "remote-context.jsonld"):
        text, fragment = rdf_files()[name]
        build = ("build", "--source", str(FIXTURE_SOURCE), "--no-reason", "--out", "{dir}/out", "--merge")
        cases.append(Case(f"merge-{name}", (*build, f"{{dir}}/{name}"), fragment, {name: text}))
    for name in ("laughs.rdf", "xxe.rdf", "deep-lists.ttl", "ill-date.nt", "remote-context.jsonld"):
        text, fragment = rdf_files()[name]
        publish = ("publish", "--store", "{canary}/store", "--graph", "urn:x:g", "--from-rdf")
        cases.append(Case(f"publish-{name}", (*publish, f"{{dir}}/{name}"), fragment, {name: text}))
    return cases


def _table_cases() -> list[Case]:
    edits = [
        ("relations", 2, "date", "2019-02-30", "relations.tsv:2: column 'date': no such date"),
        ("sources", 3, "doi", '10.1124/a"b', "sources.tsv:3: column 'doi': malformed DOI"),
        ("sources", 3, "doi", "10.1124/a>b", "sources.tsv:3: column 'doi': malformed DOI"),
        ("sources", 2, "url", "https://x.org/<script>", "sources.tsv:2: column 'url': malformed URL"),
        ("quantities", 2, "value", "٣٫٥", "quantities.tsv:2: column 'value': not a number"),
        ("quantities", 2, "value", "1e400", "quantities.tsv:2: column 'value': number out of range"),
        ("quantities", 3, "value", "NaN", "quantities.tsv:3: column 'value': not a number"),
        ("entities", 3, "label", "ketamine", "entities.tsv:3: column 'label': label 'ketamine'"),
        ("entities", 2, "definition", "d" * 200_000, "entities.tsv:2: column 'definition': cell is"),
        ("entities", 2, "note", "x" * 50_000_000, "entities.tsv:2: column 'note': cell is"),
        ("entities", 2, "note", "a\x00b", "entities.tsv:2: column 'note': control character U+0000"),
        ("entities", 2, "note", "a\u0085b", "entities.tsv:2: column 'note': control character U+0085"),
        ("relations", 2, "qualifiers", "mechanism", "relations.tsv:2: column 'qualifiers'"),
        ("identifiers", 2, "curie", "CHEBI:abc", "identifiers.tsv:2: column 'curie'"),
    ]
    cases = [
        Case(
            f"table-{table}-{column}-{i}",
            ("build", "--source", "{dir}/source", "--no-reason", "--out", "{dir}/out"),
            fragment,
            source_edit=(table, row, column, value),
        )
        for i, (table, row, column, value, fragment) in enumerate(edits)
    ]
    # A separator inside a cell must not shift the row reported for a later problem (line 4 in an editor).
    for i, sep in enumerate(["\u2028", "\u0085", "\f", "\x1e"]):
        cases.append(
            Case(
                f"table-line-numbers-{i}",
                ("build", "--source", "{dir}/source", "--no-reason", "--out", "{dir}/out"),
                "relations.tsv:4: column 'date'",
                source_edit=("relations", 2, "note", f"one{sep}two"),
                files={"relations-date": "4\t2019-02-31"},
            )
        )
    return cases


def _sparql_cases() -> list[Case]:
    base = ("query", "--data", "{dir}/small.nt", "--timeout", "3", "--sparql")
    small = {"small.nt": f'<{EX}s> <{EX}p> "{"a" * 30}b" .\n<{EX}s> <{EX}q> <{EX}o> .\n'}
    texts = [
        ("groups", "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000, "more than 128 deep at line 1"),
        (
            "parens",
            "SELECT * WHERE { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
            "more than 128 deep",
        ),
        (
            "optionals",
            "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 500 + "}" * 501,
            "more than 128 deep",
        ),
        ("5mb", "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5_000_000, "characters long"),
        ("path", "SELECT * WHERE { ?s " + "/".join([f"<{EX}p>"] * 5000) + " ?o }", "property-path steps"),
        ("unterminated", "SELECT * WHERE { ?s ?p '''" + "x" * 500_000, "SPARQL syntax error"),
        ("service", "SELECT * WHERE { SERVICE <{canary}/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("from", "SELECT * FROM <{canary}/g> WHERE { ?s ?p ?o }", "FROM <"),
        ("load", "LOAD <{canary}/data>", "SPARQL update"),
        ("insert", "INSERT DATA { <a:s> <a:p> <a:o> }", "SPARQL update"),
        ("syntax", "SELECT * WHERE {\n ?s ?p\n}", "line 3, column 1"),
        ("prefix", "SELECT * WHERE { zz:s ?p ?o }", "unknown prefix 'zz:'"),
        ("empty", "   ", "the query is empty"),
        ("regex", 'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(?o, "^(a+)+$")) }', "did not finish within 3 s"),
        (
            "cartesian",
            "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(30)) + " }",
            "did not finish within 3 s",
        ),
    ]
    cases = []
    for name, text, fragment in texts:
        engine = ("--engine", "rdflib") if name in {"regex", "cartesian"} else ()
        cases.append(Case(f"sparql-{name}", (*base, text, *engine), fragment, dict(small)))
    cases.append(
        Case(
            "sparql-rdflib-groups",
            (*base, "SELECT * WHERE " + "{" * 3000 + "}" * 3000, "--engine", "rdflib"),
            "more than 128 deep",
            dict(small),
        )
    )
    return cases


def _cli_cases() -> list[Case]:
    small = {"small.nt": f'<{EX}s> <{EX}p> "o" .\n', "q.rq": "SELECT * WHERE { ?s ?p ?o }\n"}
    q = ("query", "--data", "{dir}/small.nt")
    return [
        Case("cli-timeout-nan", (*q, "--sparql", "ASK {}", "--timeout", "nan"), "'--timeout'", dict(small)),
        Case("cli-timeout-inf", (*q, "--sparql", "ASK {}", "--timeout", "inf"), "'--timeout'", dict(small)),
        Case(
            "cli-timeout-negative", (*q, "--sparql", "ASK {}", "--timeout", "-3"), "'--timeout'", dict(small)
        ),
        Case(
            "cli-reasoner-timeout-nan",
            ("build", "--reasoner-timeout", "nan", "--out", "{dir}/out"),
            "'--reasoner-timeout'",
        ),
        Case("cli-file-fifo", (*q, "--file", "{dir}/fifo.rq"), "not a regular file", dict(small)),
        Case("cli-file-dir", (*q, "--file", "{dir}"), "is a directory", dict(small)),
        Case("cli-file-missing", (*q, "--file", "{dir}/nope.rq"), "no such file", dict(small)),
        Case(
            "cli-file-binary",
            (*q, "--file", "{dir}/bin.rq"),
            "not UTF-8",
            {**small, "bin.rq": "\udcff\udcfe"},
        ),
        Case("cli-data-missing", (*q[:-1], "{dir}/nope.ttl", "--sparql", "ASK {}"), "no such", dict(small)),
        Case(
            "cli-data-dir", ("query", "--data", "{dir}/d.ttl", "--sparql", "ASK {}"), "d.ttl", {"d.ttl/x": ""}
        ),
        Case(
            "cli-render-out-dir",
            ("render", "--data", "{dir}/small.nt", "--out", "{dir}"),
            "is a directory",
            dict(small),
        ),
        Case(
            "cli-render-out-long",
            ("render", "--data", "{dir}/small.nt", "--out", "{dir}/" + "n" * 300 + ".html"),
            "longer than",
            dict(small),
        ),
        Case(
            "cli-param-no-equals",
            ("query", "drug_targets", "--param", "drug", "--data", "{dir}/small.nt"),
            "KEY=VALUE",
            dict(small),
        ),
        Case(
            "cli-limit-bad",
            ("--max-nesting", "0", "query", "--data", "{dir}/small.nt", "--sparql", "ASK {}"),
            "--max-nesting",
            dict(small),
        ),
        Case(
            "cli-limit-low",
            ("--max-nesting", "2", "query", "--data", "{dir}/n.ttl", "--sparql", "ASK {}"),
            "n.ttl:1:",
            {"n.ttl": f"<{EX}s> <{EX}p> [ <{EX}p> [ <{EX}p> [ <{EX}p> 1 ] ] ] .\n"},
        ),
        Case(
            "cli-query-limit-low",
            ("--max-query-kb", "1", "query", "--data", "{dir}/small.nt", "--sparql", "ASK {} #" + "x" * 2000),
            "characters long",
            dict(small),
        ),
        Case("cli-unknown-format", (*q, "--sparql", "ASK {}", "--format", "xml"), "--format", dict(small)),
        Case("cli-unknown-engine", (*q, "--sparql", "ASK {}", "--engine", "jena"), "--engine", dict(small)),
        Case(
            "cli-endpoint-scheme",
            ("query", "--sparql", "ASK {}", "--endpoint", "file:///etc/passwd"),
            "http(s) URL",
        ),
    ]


def _text_cases() -> list[Case]:
    """Documents for check-text: binary, not UTF-8, huge, a folder, deeply nested HTML, a broken PDF, a
    space-free run that made the tokenizer quadratic, and a page whose images and styles must not load."""
    page = (
        '<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><head>'
        '<link rel="stylesheet" href="{canary}/s.css"><script src="{canary}/s.js"></script></head>'
        '<body><img src="{canary}/i.png"><p>&x; Esketamine blocks NMDA receptors.</p></body></html>'
    )
    documents = [
        ("binary", "d.txt", "esketamine \x00\x01 blocks", "binary data", 2),
        ("not-utf8", "d.txt", "esketamine \udcff blocks", "byte 11: not UTF-8", 2),
        ("huge", "d.txt", "esketamine blocks NMDA. " * 1_000_000, "larger than 20 MiB", 2),
        ("folder", "d.md/x", "", "a directory, not a document", 2),
        ("deep", "d.html", "<div>" * 100_000 + "text" + "</div>" * 100_000, "no main text", 2),
        ("pdf", "d.pdf", "%PDF-1.4\n1 0 obj << /Length 99999999 >> stream\nxx", "not a readable PDF", 2),
        ("run", "d.md", "Esketamine blocks NMDA receptors. " + "*" * 100_000, "SUPPORTED", 0),
        ("remote", "d.html", page, "SUPPORTED", 0),
        ("empty", "d.txt", " \n\t\n", "no text to check", 2),
        ("format", "d.docx", "esketamine", "unknown document format", 2),
    ]
    return [
        Case(
            f"text-{name}", ("check-text", f"{{dir}}/{file.removesuffix('/x')}"), fragment, {file: text}, code
        )
        for name, file, text, fragment, code in documents
    ]


def all_cases() -> list[Case]:
    return [*_rdf_cases(), *_table_cases(), *_sparql_cases(), *_cli_cases(), *_text_cases()]


def materialise(case: Case, directory: Path, canary: str) -> None:
    """Write the case's files into ``directory`` (and a copy of the fixture tables if it edits one).

    Two names are instructions, not files: ``relations-date`` ("LINE<tab>DATE") sets a second cell of
    relations.tsv, and a name ending in ``/x`` only creates its folder (a directory named like a file).
    """
    import os

    for name, text in case.files.items():
        if name == "relations-date":
            continue
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith("/x"):
            continue
        path.write_bytes(text.replace("{canary}", canary).encode("utf-8", "surrogateescape"))
    if case.id == "cli-file-fifo":
        os.mkfifo(directory / "fifo.rq")
    if case.source_edit is not None:
        from conftest import edit_table

        target = directory / "source"
        shutil.copytree(FIXTURE_SOURCE, target)
        if "relations-date" in case.files:  # first: edit_table splits lines as str.splitlines does
            line, date = case.files["relations-date"].split("\t")
            edit_table(target, "relations", int(line), "date", date)
        table, row, column, value = case.source_edit
        edit_table(target, table, row, column, value)
