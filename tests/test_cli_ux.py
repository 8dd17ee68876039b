"""The CLI as a new user meets it: cached builds, tables that fit, one flag vocabulary, names that resolve."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.core
import typer.main
from rdflib import RDFS
from typer.testing import CliRunner

from conftest import RunCli, edit_table
from ketamine_kg.cli import app
from ketamine_kg.graph_build.serialize import write_turtle
from ketamine_kg.graph_cache import cache_dir, cache_key, load_graph
from ketamine_kg.names import name_key, normalise_name, suggest
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.queries import open_engine, resolve_entity, run_query
from ketamine_kg.queries.catalogue import library_dir
from ketamine_kg.queries.display import render_table, table_rows

KG = "https://w3id.org/ketamine-kg/id/"
KKG = "https://w3id.org/ketamine-kg/schema#"


@pytest.fixture(scope="module")
def real_ttl(real_build: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("real") / "kg.ttl"
    write_turtle(real_build.graph, path)
    return path


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


# --- 1. the built-graph cache ---------------------------------------------------------------------------


def test_cache_is_written_reused_and_invalidated(
    source_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "ketamine-kg"
    first = load_graph(source_copy, reason=False)
    assert not first.from_cache and first.build is not None
    entries = sorted(p.suffix for p in cache_dir().iterdir())
    assert entries == [".json", ".nt"]
    second = load_graph(source_copy, reason=False)
    assert second.from_cache and len(second.store) == len(first.store) == len(first.build.graph)
    assert second.reasoning_status == "skipped"
    assert len(second.rdf_graph()) == len(first.build.graph)
    # reasoning on and off are different graphs, cached side by side
    assert cache_key(source_copy, reason=True) != cache_key(source_copy, reason=False)
    # any change to a table is a new key; the stale entry of that directory is removed
    edit_table(source_copy, "entities", 3, "label", "esketamine (S)")
    third = load_graph(source_copy, reason=False)
    assert not third.from_cache
    assert len(list(cache_dir().iterdir())) == 2
    labels = {str(o) for _, _, o in third.rdf_graph().triples((None, RDFS.label, None))}
    assert "esketamine (S)" in labels


def test_a_lower_inference_cap_is_not_answered_from_the_cache(
    fixture_source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ketamine_kg.errors import KetamineKGError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    first = load_graph(fixture_source_dir)
    assert first.build is not None and first.build.reasoning.inferred  # HermiT adds inverses here
    assert load_graph(fixture_source_dir).from_cache
    with pytest.raises(KetamineKGError):
        load_graph(fixture_source_dir, max_inferred=0)


def test_a_cached_graph_exports_byte_identical_turtle(
    fixture_source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: read back through the store, 0.30 came out as 0.3 and 1.0 as "1"^^xsd:decimal."""
    from ketamine_kg.graph_build.serialize import to_turtle

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cold = load_graph(fixture_source_dir, reason=False)
    warm = load_graph(fixture_source_dir, reason=False)
    assert warm.from_cache and warm.build is None and cold.build is not None
    assert to_turtle(warm.rdf_graph()) == to_turtle(cold.build.graph)
    assert b"0.30" in to_turtle(warm.rdf_graph())


def test_the_view_of_a_cached_graph_is_the_view_of_the_build(
    real_build: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the network depended on the order of the graph's triples (R0223 or R0224 as the
    asserted twin of one inferred edge), so `render` from the cache wrote another page than after a build."""
    from ketamine_kg.graph_build.projection import to_network
    from ketamine_kg.graph_cache import save_build
    from ketamine_kg.visualize import render_html

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    save_build(real_build, None, reason=True)
    cached = load_graph()
    assert cached.from_cache
    assert render_html(to_network(cached.rdf_graph()), title="t") == render_html(
        to_network(real_build.graph), title="t"
    )


def test_a_damaged_cache_entry_is_rebuilt(
    fixture_source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_graph(fixture_source_dir, reason=False)
    graph_file = next(cache_dir().glob("*.nt"))
    graph_file.write_bytes(graph_file.read_bytes()[:-200])  # a torn write
    again = load_graph(fixture_source_dir, reason=False)
    assert not again.from_cache
    assert load_graph(fixture_source_dir, reason=False).from_cache


def test_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir() == tmp_path / ".cache" / "ketamine-kg"


def test_cli_query_warm_answer_equals_cold(run_cli: RunCli, fixture_source_dir: Path, tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    args = ("query", "cq04_metabolites", "--source", fixture_source_dir, "--no-reason", "-f", "csv")
    cold = run_cli(*args, env=env)
    assert cold.returncode == 0, cold.stderr
    assert len(list((tmp_path / "xdg" / "ketamine-kg").glob("*.nt"))) == 1
    warm = run_cli(*args, env=env)
    assert warm.returncode == 0 and warm.stdout == cold.stdout and "norketamine" in warm.stdout
    off = run_cli(*args, env={"XDG_CACHE_HOME": str(tmp_path / "off"), "KETAMINE_KG_NO_CACHE": "1"})
    assert off.stdout == cold.stdout and not (tmp_path / "off").exists()


def test_build_fills_the_cache(run_cli: RunCli, fixture_source_dir: Path, tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    built = run_cli("build", "--source", fixture_source_dir, "--no-reason", "-o", tmp_path / "out", env=env)
    assert built.returncode == 0, built.stderr
    assert len(list((tmp_path / "xdg" / "ketamine-kg").glob("*.json"))) == 1


# --- 2. tables that fit ---------------------------------------------------------------------------------


def test_article_claims_fit_100_columns_with_whole_corrections(
    run_cli: RunCli, real_ttl: Path, real_build: BuildResult
) -> None:
    done = run_cli("query", "article_claims", "--data", real_ttl, env={"COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    lines = _lines(done.stdout)
    assert max(len(line) for line in lines) <= 100
    start, end = lines[0].index("correction"), lines[0].index("decided by")
    column = " ".join(" ".join(line[start:end].strip() for line in lines[2:-1]).split())
    result = run_query(real_build, "article_claims")
    corrections = {c for c in result.column("correction") if c}
    for correction in corrections:  # wrapped inside its column, never cut
        assert " ".join(correction.split()) in column, correction[:40]
    claims = len(set(result.column("claim")))
    assert len(result.rows) > claims  # one row per source in the machine formats ...
    assert lines[-1] == f"({len(result.rows)} rows, {claims} after grouping the sources)"  # ... one per claim
    assert (
        "label" not in lines[0].split() and "by label" not in lines[0]
    )  # repeats of claim and source labels


def test_article_claims_status_parameter(run_cli: RunCli, real_ttl: Path) -> None:
    done = run_cli("query", "article_claims", "-p", "status=refuted", "--data", real_ttl, "-f", "csv")
    rows = _lines(done.stdout)[1:]
    assert rows and all(",refuted," in row for row in rows)
    table = run_cli("query", "article_claims", "-p", "status=refuted", "--data", real_ttl)
    assert table.stdout.startswith("status: refuted\n")  # said once, not in every row


def test_table_says_codes_in_words_and_machine_formats_keep_them(run_cli: RunCli, real_ttl: Path) -> None:
    table = run_cli("query", "drug_targets", "--data", real_ttl, "--wide").stdout
    assert "0.3 µM" in table and "non competitive antagonism" in table and "in vitro" in table
    assert "in_vitro" not in table and "umol/L" not in table and "target label" not in table
    assert table.startswith("drug: esketamine (kg:esketamine)\n")
    csv = run_cli("query", "drug_targets", "--data", real_ttl, "-f", "csv").stdout
    assert ",umol/L," in csv and "non_competitive_antagonism" in csv and "in_vitro" in csv
    assert csv.split("\r\n")[0].split(",")[2] == "targetLabel"  # the SPARQL columns are unchanged
    trials = run_cli("query", "cq29_trial_comparisons", "--data", real_ttl, "--wide").stdout
    assert "hazard ratio: 0.3 " in trials and "0.3 1" not in trials  # a ratio has no unit "1"
    dosing = run_cli("query", "cq13_dosing", "--data", real_ttl, "--wide").stdout
    assert "dose: 84 mg" in dosing and "amount" in _lines(dosing)[1].split()  # beside its "quantity"


def test_max_width_and_wide(run_cli: RunCli, real_ttl: Path) -> None:
    narrow = run_cli("query", "entity_card", "--data", real_ttl, "--max-width", "60").stdout
    assert max(len(line) for line in _lines(narrow)) <= 60
    wide = run_cli("query", "entity_card", "--data", real_ttl, "--wide", env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in _lines(wide)) > 80
    assert any("Spravato prescribing information" in line for line in _lines(wide))


def test_qualifiers_and_units_are_humanised() -> None:
    from ketamine_kg.queries.display import humanise

    words = {"adjunct_to_oral_antidepressant": "with an oral antidepressant", "region": "region"}
    assert humanise("region=US;regimen=adjunct_to_oral_antidepressant", words) == (
        "region US, regimen with an oral antidepressant"
    )
    assert humanise("Ketamine; a drug", words) == "Ketamine; a drug"


def test_render_table_groups_sources_and_drops_label_columns(fixture_build: BuildResult) -> None:
    result = run_query(fixture_build, "entity_card")
    text = render_table(result, width=120)
    assert "relation label" not in text and "(15 rows, 14 after grouping the sources)" in text
    table = table_rows(result)
    assert table.constants == (("entity", "esketamine (kg:esketamine)"),)
    relation, source = table.columns.index("relation"), table.columns.index("source")
    antagonist = [row for row in table.rows if row[relation] == "is antagonist of"]
    assert [row[source] for row in antagonist] == [
        "Spravato prescribing information, Zanos 2018 (Pharmacol Rev)"
    ]


# --- 5. the entity card reads forward --------------------------------------------------------------------


def test_entity_card_reads_forward_without_inverse_duplicates(fixture_build: BuildResult) -> None:
    rows = run_query(fixture_build, "entity_card").as_dicts(labels=False)
    facts = {(r["subject"], r["relation"], r["object"]) for r in rows}
    assert (KG + "ketamine", KKG + "hasPart", KG + "esketamine") in facts  # as stated, not "in has part"
    assert (KG + "esketamine", KKG + "treats", KG + "trd") in facts
    relations = {r["relation"] for r in rows}
    assert not relations & {KKG + "partOf", KKG + "isTreatedBy", KKG + "isAdverseEventOf"}
    enantiomer = [f for f in facts if f[1] == KKG + "isEnantiomerOf"]
    assert enantiomer == [(KG + "esketamine", KKG + "isEnantiomerOf", KG + "arketamine")]


def test_real_entity_card_has_no_fact_twice(real_build: BuildResult) -> None:
    inverses = {
        (str(s), str(o))
        for s, _, o in real_build.graph.triples((None, None, None))
        if str(_).endswith("#inverseOf")
    }
    pairs = inverses | {(b, a) for a, b in inverses}
    rows = run_query(real_build, "entity_card", entity="NMDA receptor").as_dicts(labels=False)
    facts = {(r["subject"], r["relation"], r["object"]) for r in rows}
    assert all(r["subject"] == KG + "nmda_receptor" or r["object"] == KG + "nmda_receptor" for r in rows)
    for s, p, o in facts:
        for a, b in pairs:
            if a == p:
                assert (o, b, s) not in facts, (s, p, o)
    assert (KG + "esketamine", KKG + "isAntagonistOf", KG + "nmda_receptor") in facts


# --- 3. one vocabulary of flags ---------------------------------------------------------------------------


def _commands() -> list[tuple[str, typer.core.TyperCommand | typer.core.TyperGroup]]:
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    found: list[tuple[str, typer.core.TyperCommand | typer.core.TyperGroup]] = []
    for name, command in root.commands.items():
        found.append((name, command))  # type: ignore[arg-type]
        if isinstance(command, typer.core.TyperGroup):
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]  # type: ignore[misc]
    return found


SHARED = {"--data": "-d", "--out": "-o", "--format": "-f"}


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_every_option_follows_the_vocabulary(
    name: str, command: typer.core.TyperCommand | typer.core.TyperGroup
) -> None:
    ctx = typer.Context(command, info_name=name)
    help_text = command.get_help(ctx)
    assert "<" not in help_text and "list[" not in help_text and "range" not in help_text, help_text
    assert command.help and (command.short_help or command.help)
    for param in command.params:
        if not isinstance(param, typer.core.TyperOption) or param.hidden:
            continue
        assert param.help and param.help.rstrip().endswith((".", ")")), (name, param.opts)
        for long, short in SHARED.items():
            if long in param.opts:
                assert short in param.opts, (name, long)
        if not param.is_flag and param.opts != ["--help"]:
            metavar = param.metavar
            assert metavar and (metavar.upper() == metavar or "." in metavar), (name, param.opts, metavar)
    names = {opt for p in command.params for opt in p.opts}
    assert "--from-rdf" not in help_text and ("--from-rdf" in names) == (
        "--data" in names and name in {"export", "publish"}
    )


def test_root_help_shows_whole_descriptions(run_cli: RunCli) -> None:
    done = run_cli("--help", env={"COLUMNS": "100"})
    commands = " ".join(done.stdout.split("Commands:")[1].split())
    assert "..." not in commands
    for info in app.registered_commands:
        assert info.short_help and " ".join(info.short_help.split()) in commands, info.short_help


def test_old_spellings_and_format_names_are_accepted(
    run_cli: RunCli, fixture_build: BuildResult, tmp_path: Path
) -> None:
    data = tmp_path / "kg.ttl"
    write_turtle(fixture_build.graph, data)
    old = run_cli("export", "--from-rdf", data, "--format", "ttl", "--out", tmp_path / "a.ttl")
    assert old.returncode == 0, old.stderr
    new = run_cli("export", "-d", data, "-f", "turtle", "-o", tmp_path / "b.ttl")
    assert new.returncode == 0, new.stderr
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()
    q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    assert run_cli("query", "--sparql", q, "-d", data, "-f", "turtle").returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("render", "-o", "x.html", "--depth", "3"), "--depth has no effect without --focus"),
        (
            ("render", "-o", "x.html", "--max-path-length", "3"),
            "--max-path-length has no effect without --path",
        ),
        (("check", "--no-reason", "--reasoner-timeout", "5"), "--reasoner-timeout has no effect"),
        (("build", "--no-reason", "--reasoner-timeout", "5"), "--reasoner-timeout has no effect"),
        (("check", "--no-reason", "--max-inferred", "5"), "--max-inferred has no effect"),
        (
            ("render", "-o", "x.html", "--path-relations", "all"),
            "--path-relations has no effect without --path",
        ),
        (("query", "entity_card", "-f", "csv", "--max-width", "80"), "--max-width has no effect"),
        (("query", "entity_card", "-f", "json", "--wide"), "--wide has no effect"),
        (("query", "--sparql", "ASK {}", "-p", "a=b"), "--param has no effect"),
        (("query", "entity_card", "-f", "jsn"), "did you mean json"),
        (("render", "-o", "x.html", "--inferred", "nwe"), "did you mean new"),
    ],
)
def test_an_option_without_effect_is_an_error(args: tuple[str, ...], message: str) -> None:
    done = CliRunner().invoke(app, list(args))  # refused before anything is built or read
    assert done.exit_code == 2 and message in done.output and "Traceback" not in done.output, done.output


# --- 4. names as people say them -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("treatment resistant depression", "treatment-resistant depression"),
        ("TREATMENT-RESISTANT  depression", "treatment-resistant depression"),
        ("TNF-α", "TNF alpha"),
        ("µ-opioid receptor", "mu opioid receptor"),
        ("anaesthetic", "anesthetic"),
        ("glutamatergic signalling", "glutamatergic signaling"),
        ("haemorrhage", "hemorrhage"),
    ],
)
def test_name_variants_share_a_key(typed: str, label: str) -> None:
    assert name_key(typed) == name_key(label)


def test_variants_resolve_on_the_graph(fixture_build: BuildResult) -> None:
    engine = open_engine(fixture_build)
    assert str(resolve_entity(engine, "treatment resistant depression")) == KG + "trd"
    assert str(resolve_entity(engine, "Major Depression")) == KG + "mdd"
    assert (
        str(resolve_entity(engine, "glutamatergic neuro-transmission")) == KG + "glutamatergic_transmission"
    )


def test_suggestions_prefer_the_closest_whole_word() -> None:
    names = ["bipolar depression", "derealization", "depression", "depersonalization"]
    assert suggest("depresion", names)[:2] == ["depression", "bipolar depression"]
    assert normalise_name("(S)-Ketamine") == "s ketamine"


def test_cli_suggestions_for_entities_queries_and_categories(run_cli: RunCli, real_ttl: Path) -> None:
    entity = run_cli("query", "entity_card", "-p", "entity=depresion", "-d", real_ttl)
    assert entity.returncode == 2 and "did you mean 'depression'" in entity.stderr
    assert "did you mean cq04_metabolites?" in run_cli("query", "cq4", "-d", real_ttl).stderr
    category = run_cli("query", "entities_by_category", "-p", "category=drugs", "-d", real_ttl)
    assert "did you mean drug?" in category.stderr
    render = run_cli("render", "-d", real_ttl, "-o", "x.html", "--category", "drugs")
    assert render.returncode == 2 and "did you mean drug?" in render.stderr


def test_a_product_is_answered_for_its_active_ingredient(run_cli: RunCli, real_ttl: Path) -> None:
    done = run_cli("query", "drug_targets", "-p", "drug=Spravato", "-d", real_ttl, "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert "note: Spravato is a product" in done.stderr and "esketamine" in done.stderr
    assert f"{KG}esketamine,{KG}nmda_receptor" in done.stdout
    # a query that has facts about the product itself answers for the product
    dosing = run_cli("query", "cq13_dosing", "-p", "drug=Spravato", "-d", real_ttl, "-f", "csv")
    assert "note:" not in dosing.stderr


# --- 6. queries show; 7. progress ---------------------------------------------------------------------


def test_queries_show_prints_the_file() -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["queries", "show", "entity_card"])
    assert done.exit_code == 0
    assert done.output == (library_dir() / "entity_card.rq").read_text(encoding="utf-8")
    assert done.output.startswith("# title: Entity card\n")
    wrong = runner.invoke(app, ["queries", "show", "entity_crad"])
    assert wrong.exit_code == 2 and "did you mean entity_card?" in wrong.output
    assert runner.invoke(app, ["queries", "-f", "json"]).output.lstrip().startswith("[")


def test_progress_on_a_terminal_and_silence_when_piped(fixture_source_dir: Path, tmp_path: Path) -> None:
    args = [
        sys.executable,
        "-m",
        "ketamine_kg",
        "query",
        "cq04_metabolites",
        "--source",
        str(fixture_source_dir),
    ]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "KETAMINE_KG_NO_CACHE": "1"}
    piped = subprocess.run([*args, "--no-reason"], capture_output=True, text=True, env=env, timeout=300)
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [*args, "--no-reason"], stdout=subprocess.PIPE, stderr=follower, env=env, timeout=300
        )
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0
    progress = shown.decode()
    assert re.search(r"\[\s*\d+\.\d s\] reading and validating the source tables", progress), progress


def test_check_says_the_reasoner_verdict_once() -> None:
    from ketamine_kg.queries.quality import Consistency, QualityReport, format_report

    text = format_report(QualityReport(Consistency("consistent", "consistent (HermiT)"), ()))
    assert text.startswith("reasoner consistency check: consistent (HermiT)\n")
    skipped = format_report(QualityReport(Consistency("skipped", "reasoning skipped (--no-reason)"), ()))
    assert skipped.startswith("reasoner consistency check: skipped — reasoning skipped (--no-reason)\n")


def test_an_unwritable_cache_is_not_an_error(
    fixture_source_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    built = load_graph(fixture_source_dir, reason=False)
    assert not built.from_cache and len(built.store) > 0
    assert "could not write the graph cache" in caplog.text


def test_help_loads_neither_rich_nor_rapidfuzz() -> None:
    code = (
        "import sys\nsys.argv = ['ketamine-kg', 'query', '--help']\nfrom ketamine_kg.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('rich', 'rapidfuzz', 'pyoxigraph', 'rdflib') if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
