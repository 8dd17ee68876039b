"""Views (focus, categories, paths) and the HTML page: self-contained, deterministic, escaped."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from ketamine_kg.cli import app
from ketamine_kg.errors import UserError
from ketamine_kg.graph_build.projection import to_network
from ketamine_kg.pipeline import BuildResult
from ketamine_kg.visualize import (
    filter_categories,
    find_node,
    focus,
    render_html,
    select_paths,
    view,
    write_html,
)
from ketamine_kg.visualize.render import json_for_script, summary_line

FIXTURES = Path(__file__).parent / "fixtures"
KG = "https://w3id.org/ketamine-kg/id/"


@pytest.fixture(scope="module")
def sample() -> nx.MultiDiGraph:
    return to_network(Graph().parse(FIXTURES / "projection-sample.ttl"))


@pytest.fixture(scope="module")
def hostile() -> nx.MultiDiGraph:
    return to_network(Graph().parse(FIXTURES / "hostile-labels.ttl"))


def page_data(page: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="kkg-data">(.*?)</script>', page, re.S)
    assert match
    return json.loads(match.group(1))  # type: ignore[no-any-return]


# ---------------------------------------------------------------- views


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CHEBI:60799", "esketamine"),
        ("chebi:60799", "esketamine"),
        ("Spravato", "esketamine"),
        ("(S)-ketamine", "esketamine"),
        ("Major Depressive Disorder", "mdd"),
        ("MDD", "mdd"),
        ("kg:cyp2b6", "cyp2b6"),
        (KG + "norketamine", "norketamine"),
    ],
)
def test_find_node_by_curie_label_or_synonym(sample: nx.MultiDiGraph, query: str, expected: str) -> None:
    assert find_node(sample, query) == KG + expected


def test_find_node_errors_are_clear(sample: nx.MultiDiGraph) -> None:
    with pytest.raises(UserError, match=r"no entity matches 'ketamin'.*did you mean 'ketamine'"):
        find_node(sample, "ketamin")
    twins = nx.MultiDiGraph()
    twins.add_node("a", label="x", category_label="drug")
    twins.add_node("b", label="x", category_label="condition")
    with pytest.raises(UserError, match=r"ambiguous.*x \(condition\), x \(drug\)"):
        find_node(twins, "x")


def test_focus_takes_the_neighbourhood_in_both_directions(sample: nx.MultiDiGraph) -> None:
    before = copy.deepcopy(sample)
    one = focus(sample, "CHEBI:6121", 1)
    names = {sample.nodes[n]["label"] for n in one}
    assert names == {
        "ketamine",
        "esketamine",
        "norketamine",
        "NMDA receptor",
        "IV ketamine trial NCT01920555",
    }
    assert one.graph["focus"] == {"node": KG + "ketamine", "depth": 1}
    assert set(focus(sample, "ketamine", 0)) == {KG + "ketamine"}
    assert len(focus(sample, "ketamine", 5)) == 8  # everything but the isolated enzyme
    assert nx.utils.graphs_equal(sample, before)
    with pytest.raises(UserError, match="depth"):
        focus(sample, "ketamine", -1)


def test_category_filter(sample: nx.MultiDiGraph) -> None:
    drugs = filter_categories(sample, ["drug", "adverse effect"])
    assert {d["label"] for _, d in drugs.nodes(data=True)} == {"ketamine", "esketamine", "dissociation"}
    assert {k for *_, k in drugs.edges(keys=True)} == {"R0004", "R0008", f"inferred:{_kkg('isEnantiomerOf')}"}
    with pytest.raises(
        UserError, match="unknown category 'dragon'; this graph has: adverse_effect, clinical_trial"
    ):
        filter_categories(sample, ["dragon"])


def _kkg(name: str) -> str:
    return "https://w3id.org/ketamine-kg/schema#" + name


def test_paths_follow_mechanisms_forward_and_name_each_step(sample: nx.MultiDiGraph) -> None:
    paths = select_paths(sample, "esketamine", "MDD", max_length=3)
    labels = [[sample.nodes[n]["label"] for n in p] for p in paths.graph["paths"]]
    # the mechanistic chain reaches MDD itself, so the (non-mechanistic) treats edge is no path step
    assert labels == [
        ["esketamine", "NMDA receptor", "glutamatergic neurotransmission", "major depressive disorder"]
    ]
    steps = paths.graph["path_steps"][0]
    assert [(s["relation"], s["evidence"]) for s in steps] == [
        ("is antagonist of", "clinical"),
        ("causally upstream of, negative effect", "hypothesis"),
        ("causally upstream of, negative effect", "article_claim"),
    ]
    assert paths.graph["path_grades"] == ["article_claim"]
    assert sorted(k for *_, k in paths.edges(keys=True)) == ["R0001", "R0005", "R0006"]
    # too short for the chain: the clinical relation is the path, marked as the outcome
    short = select_paths(sample, "esketamine", "MDD", max_length=1)
    assert short.graph["path_steps"] == [
        [{"from": KG + "esketamine", "to": KG + "mdd", "key": "R0007", "relation": "treats",
          "evidence": "clinical", "kind": "clinical", "outcome": True}]
    ]  # fmt: skip
    with pytest.raises(UserError, match="no mechanism path of at most 8"):
        select_paths(sample, "MDD", "esketamine")  # never backwards along an edge
    with pytest.raises(UserError, match="no mechanism path"):
        select_paths(sample, "esketamine", "dissociation")  # adverse effects are not mechanisms
    asked = select_paths(sample, "esketamine", "dissociation", relations="all")
    assert asked.graph["paths"] == [[KG + "esketamine", KG + "dissociation"]]
    with pytest.raises(UserError, match="two different entities"):
        select_paths(sample, "esketamine", "Spravato")


# ---------------------------------------------------------------- the page


def test_page_is_self_contained_and_offline(sample: nx.MultiDiGraph) -> None:
    page = render_html(sample, title="sample")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(link|img|iframe)\b", page, re.I)
    assert not re.search(r"<script[^>]*\bsrc=", page, re.I)
    for host in ("cdn.jsdelivr", "cdnjs.", "unpkg.", "bootstrap"):
        assert host not in page.lower(), host
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", page, re.I)
    assert "Content-Security-Policy" in page and "connect-src 'none'" in page
    assert "vis-network" in page  # inlined library, not linked


def test_page_is_deterministic_and_does_not_mutate(sample: nx.MultiDiGraph) -> None:
    before = copy.deepcopy(sample)
    first = render_html(sample, title="sample")
    again = render_html(to_network(Graph().parse(FIXTURES / "projection-sample.ttl")), title="sample")
    assert first == again
    assert nx.utils.graphs_equal(sample, before)
    assert [d for _, d in sample.nodes(data=True)] == [d for _, d in before.nodes(data=True)]


def test_page_data_matches_the_network(sample: nx.MultiDiGraph) -> None:
    data = page_data(render_html(sample, title="sample"))
    nodes, edges = data["nodes"], data["edges"]
    assert isinstance(nodes, list) and isinstance(edges, list)
    assert len(nodes) == sample.number_of_nodes() and len(edges) == sample.number_of_edges()
    assert all("title" not in n for n in nodes)  # vis tooltips never receive HTML
    categories = {c["key"]: c for c in data["categories"]}  # type: ignore[attr-defined]
    assert categories["drug"]["count"] == 2 and categories["drug"]["shape"] == "diamond"
    inferred = [e for e in edges if e["ev"] == "inferred"]
    assert len(inferred) == 1 and inferred[0]["dashes"]
    styles = {(e["color"], e["width"], str(e["dashes"])) for e in data["evidence"]}  # type: ignore[attr-defined]
    assert len(styles) == len(data["evidence"])  # type: ignore[arg-type]  # every level looks different
    widths = {e["ev"]: e["width"] for e in edges}
    assert widths["clinical"] > widths["preclinical"] > widths["hypothesis"]


def test_a_focus_opens_on_rings_around_it(sample: nx.MultiDiGraph) -> None:
    data = page_data(render_html(focus(sample, "esketamine", 1)))
    nodes = {n["label"]: (n["x"], n["y"]) for n in data["nodes"]}  # type: ignore[attr-defined]
    assert nodes.pop("esketamine") == (0.0, 0.0)
    radii = {round((x * x + y * y) ** 0.5) for x, y in nodes.values()}
    assert len(radii) == 1 and radii.pop() > 0  # every direct neighbour on the first ring
    assert data["options"]["physics"]["enabled"] is False  # type: ignore[index]


def test_labels_are_culled_by_zoom_and_importance(sample: nx.MultiDiGraph) -> None:
    data = page_data(render_html(sample))
    fonts = {n["label"]: n["font"]["size"] for n in data["nodes"]}  # type: ignore[attr-defined]
    assert fonts["esketamine"] > fonts["CYP2B6"]  # the hub keeps its label longest when zooming out
    assert data["options"]["nodes"]["scaling"]["label"]["drawThreshold"] >= 6  # type: ignore[index]


def test_positions_are_precomputed_and_large_views_skip_physics(sample: nx.MultiDiGraph) -> None:
    data = page_data(render_html(sample))
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])  # type: ignore[attr-defined]
    assert data["options"]["physics"]["enabled"] is True  # type: ignore[index]
    big = nx.MultiDiGraph()
    for i in range(400):
        big.add_node(f"n{i:04d}", label=f"node {i}", category=("a", "b", "c")[i % 3])
        if i:
            big.add_edge(f"n{i:04d}", f"n{(i * 7) % i:04d}", key="k", evidence="clinical")
    big_data = page_data(render_html(big))
    assert big_data["options"]["physics"]["enabled"] is False  # type: ignore[index]
    assert big_data["options"]["edges"]["smooth"] is False  # type: ignore[index]
    positions = {(n["x"], n["y"]) for n in big_data["nodes"]}  # type: ignore[attr-defined]
    assert len(positions) == 400


HOSTILE_MARKERS = ("<img", "<script>window", "<svg", "<iframe", "<b onmouseover", "</script><script>")


def test_hostile_text_is_escaped_everywhere(hostile: nx.MultiDiGraph) -> None:
    title = "<script>window.__pwned='title'</script>"
    page = render_html(hostile, title=title)
    for marker in HOSTILE_MARKERS:
        assert marker not in page, marker
    assert "\u2028" not in page
    assert f"<title>{html.escape(title)}</title>".replace("&#x27;", "&#39;") in page
    # the data block round-trips to the original strings
    data = page_data(page)
    labels = sorted(n["label"] for n in data["info"]["nodes"])  # type: ignore[index]
    assert labels == sorted(d["label"] for _, d in hostile.nodes(data=True))
    assert any("\u2028" in n["definition"] for n in data["info"]["nodes"])  # type: ignore[index]


def test_json_for_script_escapes_breakout_characters() -> None:
    text = json_for_script({"a": "</script><!-- & \u2028\u2029 >"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 >"}


def test_notebook_view_escapes_srcdoc(hostile: nx.MultiDiGraph) -> None:
    shown = view(hostile, title="<b>t</b>")._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts allow-forms allow-popups' in shown and "allow-same-origin" not in shown
    inner = shown[len('<iframe srcdoc="') : shown.index('" sandbox=')]
    assert '"' not in inner and "<" not in inner
    assert html.unescape(inner) == render_html(hostile, title="<b>t</b>")


def test_write_html_is_atomic_and_writes_no_lib_folder(
    sample: nx.MultiDiGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "views" / "sample.html"
    write_html(sample, target, title="sample")
    assert target.read_text(encoding="utf-8") == render_html(sample, title="sample")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["sample.html", "views"]


# ---------------------------------------------------------------- the CLI


def test_cli_render_views(tmp_path: Path) -> None:
    runner = CliRunner()
    data = str(FIXTURES / "projection-sample.ttl")
    out = tmp_path / "all.html"
    result = runner.invoke(app, ["render", "--data", data, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "9 entities, 11 relations" in result.output
    assert len(page_data(out.read_text(encoding="utf-8"))["nodes"]) == 9  # type: ignore[arg-type]
    focus_out = tmp_path / "focus.html"
    result = runner.invoke(
        app, ["render", "--data", data, "--focus", "CHEBI:60799", "--depth", "1", "--out", str(focus_out)]
    )
    assert result.exit_code == 0, result.output
    assert "5 entities" in result.output and "Around esketamine, 1 step(s)" in focus_out.read_text()
    path_out = tmp_path / "path.html"
    result = runner.invoke(
        app,
        [
            "render",
            "--data",
            data,
            "--path",
            "esketamine",
            "MDD",
            "--max-path-length",
            "3",
            "--out",
            str(path_out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(page_data(path_out.read_text())["paths"]) == 1  # type: ignore[arg-type]
    assert "-[is antagonist of, clinical]-> NMDA receptor" in result.output
    cat_out = tmp_path / "cat.html"
    result = runner.invoke(app, ["render", "--data", data, "--category", "drug", "--out", str(cat_out)])
    assert result.exit_code == 0 and "2 entities" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--focus", "nothing-like-this"], "no entity matches 'nothing-like-this'"),
        (["--category", "dragon"], "unknown category 'dragon'"),
        (["--path", "MDD", "esketamine"], "no mechanism path of at most 8"),
        (
            ["--path", "esketamine", "MDD", "--path-relations", "some"],
            "--path-relations must be mechanism or all",
        ),
        (["--focus", "ketamine", "--path", "a", "b"], "either --focus or --path"),
        (["--inferred", "maybe"], "--inferred must be all, new or none"),
    ],
)
def test_cli_render_user_errors(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "x.html"
    result = CliRunner().invoke(
        app, ["render", "--data", str(FIXTURES / "projection-sample.ttl"), *args, "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_render_bad_rdf_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["render", "--data", str(bad), "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "bad.ttl" in result.output and "Traceback" not in result.output


def test_counts_are_the_same_in_the_page_the_cli_and_the_notebook(real_build: BuildResult) -> None:
    """Regression: the CLI and the notebook counted inferred inverses that the page folds into one edge."""
    network = to_network(real_build.graph)
    data = page_data(render_html(network))
    edges = data["edges"]
    assert isinstance(edges, list)
    shown = view(network)
    line = summary_line(network)
    inverses = network.number_of_edges() - len(edges)
    assert inverses > 0  # the reasoned graph has inferred inverses to fold
    assert (
        line
        == f"{network.number_of_nodes()} entities, {len(edges)} relations ({inverses} more inferred readings shown in the panels)"
    )
    assert repr(shown).startswith(f"<NetworkView {line}")
