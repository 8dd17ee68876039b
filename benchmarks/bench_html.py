"""Benchmark the explorer page: HTML generation time and time to first draw in headless Chromium.

Compares, in the same run and on the same synthetic networks (1,000 and 5,000 entities), against a
plain pyvis page (``cdn_resources="in_line"``, add_node/add_edge, default physics). Prints medians
and ratios. Run: ``python benchmarks/bench_html.py [--runs N] [--baseline-timeout S]``.
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import GL_ARGS, launch_chromium, open_offline, wait_drawn
from ketamine_kg.visualize import render_html
from ketamine_kg.visualize.webgl import render_webgl_html

CATEGORIES = (
    ("drug", "drug"), ("metabolite", "metabolite"), ("receptor", "receptor"), ("protein", "protein"),
    ("enzyme", "enzyme"), ("pathway", "pathway"), ("cell_type", "cell type"), ("condition", "condition"),
    ("adverse_effect", "adverse effect"), ("therapy", "therapy"),
)  # fmt: skip
EVIDENCE = ("clinical", "preclinical", "in_vitro", "hypothesis", "article_claim", "reference")
PREDICATES = (
    "is antagonist of",
    "has metabolite",
    "causally upstream of",
    "treats",
    "has adverse event",
    "regulates",
)


def synthetic_network(n_nodes: int, *, edges_per_node: float = 2.0, seed: int = 42) -> nx.MultiDiGraph:
    """A deterministic network shaped like the projection: categories, hubs, evidence, sources."""
    rng = random.Random(seed)
    network = nx.MultiDiGraph()
    network.graph["schema"] = "ketamine-kg"
    keys = [f"https://w3id.org/ketamine-kg/id/e{i:06d}" for i in range(n_nodes)]
    for i, key in enumerate(keys):
        code, label = CATEGORIES[
            min(int(rng.paretovariate(1.2)) - 1, len(CATEGORIES) - 1) if i % 3 else i % 10
        ]
        network.add_node(
            key,
            label=f"{label} {i}",
            category=code,
            category_label=label,
            iri=key,
            curie=f"kg:e{i:06d}",
            definition=f"Synthetic {label} number {i} for the benchmark.",
            synonyms=[f"syn-{i}", f"alt {i}"],
            identifiers=[{"curie": f"CHEBI:{100000 + i}", "iri": "", "match": "xref"}],
            definition_sources=[],
            quantities=[],
            claims=[],
        )
    for j in range(int(n_nodes * edges_per_node)):
        # preferential attachment: low indices are hubs
        u = keys[int(rng.random() ** 2 * n_nodes)]
        v = keys[rng.randrange(n_nodes)]
        if u == v:
            continue
        inferred = rng.random() < 0.1
        evidence = "inferred" if inferred else EVIDENCE[j % len(EVIDENCE)]
        network.add_edge(
            u,
            v,
            key=f"R{j:06d}",
            predicate=f"https://w3id.org/ketamine-kg/schema#p{j % len(PREDICATES)}",
            predicate_label=PREDICATES[j % len(PREDICATES)],
            evidence=evidence,
            inferred=inferred,
            assertion_id="" if inferred else f"R{j:06d}",
            sources=[]
            if inferred
            else [{"id": "kg:src_x", "label": "Source X", "identifiers": ["PMID:1"], "url": ""}],
            quantities=[],
            approval_status="",
            date="",
            qualifiers={},
            note="",
        )
    return network


def baseline_html(network: nx.MultiDiGraph) -> str:
    """A plain pyvis page of the same network, the way the pyvis docs build one."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    ids = {key: i for i, key in enumerate(sorted(network.nodes))}
    for key, data in network.nodes(data=True):
        net.add_node(ids[key], label=data["label"], title=data["label"], group=data["category"])
    for u, v, data in network.edges(data=True):
        net.add_edge(ids[u], ids[v], title=data["predicate_label"])
    return str(net.generate_html())


def median_time(func: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# The plain pyvis page declares a global ``network``; catch its assignment to time the first drawing.
BASELINE_HOOK = """
Object.defineProperty(window, 'network', { configurable: true,
  get() { return window.__net; },
  set(v) { window.__net = v; if (v && v.once) { v.once('afterDrawing', () => { window.__kkgFirstDraw = performance.now(); }); } } });
"""


def first_draw_ms(browser: Any, path: Path, *, hook: bool = False, timeout_s: float = 60.0) -> float | None:
    """Milliseconds from navigation start to the first drawing (None on timeout)."""
    page = _open_hooked(browser, path) if hook else open_offline(browser, path)[0]
    try:
        return wait_drawn(page, timeout_ms=timeout_s * 1000)
    except Exception:
        return None
    finally:
        page.context.close()


def _open_hooked(browser: Any, path: Path) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
    context.add_init_script(BASELINE_HOOK)
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url == path.resolve().as_uri() else r.abort())
    page.goto(path.resolve().as_uri(), wait_until="commit")  # its physics blocks the load event
    return page


def interaction_ms(browser: Any, path: Path) -> tuple[float, float, float]:
    """Milliseconds for one redraw, one node selection (panel + highlight) and one legend toggle."""
    page, _ = open_offline(browser, path)
    try:
        wait_drawn(page)
        # each figure waits for the frame vis-network paints (afterDrawing), not only for the call
        figures = page.evaluate(
            """async () => { const k = window.kkg, n = k.network;
                 const frame = async (f) => { const t = performance.now();
                   await new Promise((done) => { n.once('afterDrawing', () => done()); f(); n.redraw(); });
                   return performance.now() - t; };
                 return [await frame(() => {}), await frame(() => k.selectNode(0)),
                         await frame(() => document.querySelector('#kkg-legend li').click())]; }"""
        )
        return float(figures[0]), float(figures[1]), float(figures[2])
    finally:
        page.context.close()


WEBGL_TARGETS = {"draw_s": 5.0, "redraw_ms": 100.0, "select_ms": 100.0, "page_mb": 15.0}

#: The same points and lines as the page, drawn by a bare WebGL program (static buffers, one-line shaders,
#: one context, no picking): the floor of any WebGL library on this machine's rasteriser.
BARE_WEBGL_MS = """() => { const k = window.kkg, r = k.renderer, N = k.data.nodes, E = k.data.edges;
  const c = document.createElement('canvas'); c.width = r.width; c.height = r.height;
  const gl = c.getContext('webgl2', {antialias: false, preserveDrawingBuffer: false});
  const shader = (type, src) => { const s = gl.createShader(type); gl.shaderSource(s, src); gl.compileShader(s); return s; };
  const prog = gl.createProgram();
  gl.attachShader(prog, shader(gl.VERTEX_SHADER, `#version 300 es
    in vec2 a; uniform float ps; void main() { gl_Position = vec4(a, 0, 1); gl_PointSize = ps; }`));
  gl.attachShader(prog, shader(gl.FRAGMENT_SHADER, `#version 300 es
    precision mediump float; uniform vec4 col; out vec4 o; void main() { o = col; }`));
  gl.linkProgram(prog); gl.useProgram(prog);
  const n = N.x.length, m = E.from.length, pts = new Float32Array(2 * n), lines = new Float32Array(4 * m);
  const span = (v) => [Math.min(...v), Math.max(...v)], [x0, x1] = span(N.x), [y0, y1] = span(N.y);
  for (let i = 0; i < n; i++) { pts[2*i] = 1.9 * (N.x[i] - x0) / (x1 - x0) - 0.95; pts[2*i+1] = 1.9 * (N.y[i] - y0) / (y1 - y0) - 0.95; }
  for (let j = 0; j < m; j++) { lines.set(pts.subarray(2 * E.from[j], 2 * E.from[j] + 2), 4 * j); lines.set(pts.subarray(2 * E.to[j], 2 * E.to[j] + 2), 4 * j + 2); }
  const upload = (data) => { const b = gl.createBuffer(); gl.bindBuffer(gl.ARRAY_BUFFER, b); gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW); return b; };
  const bl = upload(lines), bp = upload(pts), at = gl.getAttribLocation(prog, 'a');
  const col = gl.getUniformLocation(prog, 'col'), ps = gl.getUniformLocation(prog, 'ps');
  gl.enableVertexAttribArray(at);
  const frame = () => { gl.clearColor(1, 1, 1, 1); gl.clear(gl.COLOR_BUFFER_BIT);
    gl.bindBuffer(gl.ARRAY_BUFFER, bl); gl.vertexAttribPointer(at, 2, gl.FLOAT, false, 0, 0);
    gl.uniform4f(col, 0.6, 0.6, 0.6, 1); gl.uniform1f(ps, 1); gl.drawArrays(gl.LINES, 0, 2 * m);
    gl.bindBuffer(gl.ARRAY_BUFFER, bp); gl.vertexAttribPointer(at, 2, gl.FLOAT, false, 0, 0);
    gl.uniform4f(col, 0.8, 0.2, 0.2, 1); gl.uniform1f(ps, 3); gl.drawArrays(gl.POINTS, 0, n);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4)); };
  frame();
  const runs = []; for (let i = 0; i < 5; i++) { const t = performance.now(); frame(); runs.push(performance.now() - t); }
  return runs.sort((a, b) => a - b)[2]; }"""


@dataclass
class WebglFigures:
    """Milliseconds of the WebGL page's interactions (medians where repeated)."""

    still: float  # a whole frame at rest: every edge, node and label
    moving: float  # a frame while the camera moves (sigma hides edges above 20,000 of them)
    select: float
    legend: float
    bare: float  # the bare-WebGL floor of the still frame's primitives


def webgl_interaction_ms(browser: Any, path: Path) -> WebglFigures:
    """Still and moving frames (waited for), node selection (panel + highlight), legend toggle, bare floor."""
    page, _ = open_offline(browser, path)
    try:
        wait_drawn(page, timeout_ms=120_000)
        figures = page.evaluate(
            """() => { const k = window.kkg, camera = k.renderer.getCamera();
                 const time = (f) => { const t = performance.now(); f(); return performance.now() - t; };
                 const med = (f) => { const r = [time(f), time(f), time(f), time(f), time(f)].sort((a, b) => a - b); return r[2]; };
                 const still = med(() => k.redraw()), select = time(() => k.selectNode(0));
                 const legend = time(() => { document.querySelector('#kkg-legend li').click(); k.redraw(); });
                 document.querySelector('#kkg-legend li').click();
                 // an animation to where the camera already is: sigma draws every frame of it as moving
                 camera.animate(camera.getState(), { duration: 60000 });
                 return [still, med(() => k.redraw()), select, legend]; }"""
        )
        bare = page.evaluate(BARE_WEBGL_MS)
        still, moving, select, legend = (float(f) for f in figures)
        return WebglFigures(still, moving, select, legend, float(bare))
    finally:
        page.context.close()


def bench_webgl(browser: Any, out: Path, size: int, runs: int, canvas_timeout: float) -> None:
    """The WebGL renderer against the canvas renderer on the same network, with the targets."""
    network = synthetic_network(size)
    title = f"synthetic {size}"
    start = time.perf_counter()
    webgl = render_webgl_html(network, title=title)
    gen_webgl = time.perf_counter() - start
    assert webgl == render_webgl_html(network, title=title), "WebGL page not deterministic"
    start = time.perf_counter()
    canvas = render_html(network, title=title)
    gen_canvas = time.perf_counter() - start
    paths = {"webgl": out / f"webgl-{size}.html", "canvas": out / f"canvas-{size}.html"}
    paths["webgl"].write_text(webgl, encoding="utf-8")
    paths["canvas"].write_text(canvas, encoding="utf-8")
    draws = [first_draw_ms(browser, paths["webgl"], timeout_s=120) for _ in range(runs)]
    draw_webgl = statistics.median(d for d in draws if d is not None) / 1000
    canvas_draw = first_draw_ms(browser, paths["canvas"], timeout_s=canvas_timeout)
    draw_canvas = canvas_draw / 1000 if canvas_draw else None
    w = webgl_interaction_ms(browser, paths["webgl"])
    c_redraw, c_select, c_legend = interaction_ms(browser, paths["canvas"]) if draw_canvas else (0, 0, 0)
    mb_webgl, mb_canvas = len(webgl.encode()) / 1e6, len(canvas.encode()) / 1e6
    print(
        f"\nWebGL renderer vs canvas renderer, {size:,} nodes, {network.number_of_edges():,} edges (same run)"
    )
    print(f"{'figure':<26} {'webgl':>10} {'canvas':>10} {'canvas/webgl':>13} {'target':>9}  verdict")
    rows: list[tuple[str, float, float | str | None, float | None]] = [
        ("page generation (s)", gen_webgl, gen_canvas, None),
        ("first draw (s)", draw_webgl, draw_canvas, WEBGL_TARGETS["draw_s"]),
        ("redraw, moving (ms)", w.moving, "-", WEBGL_TARGETS["redraw_ms"]),
        ("redraw, still (ms)", w.still, c_redraw if draw_canvas else None, WEBGL_TARGETS["redraw_ms"]),
        ("  bare-WebGL floor (ms)", w.bare, "-", None),
        ("select + highlight (ms)", w.select, c_select if draw_canvas else None, WEBGL_TARGETS["select_ms"]),
        ("legend toggle (ms)", w.legend, c_legend if draw_canvas else None, None),
        ("page size (MB)", mb_webgl, mb_canvas, WEBGL_TARGETS["page_mb"]),
    ]
    for name, ours, theirs, target in rows:
        if isinstance(theirs, str):  # no canvas counterpart
            other, ratio = f"{theirs:>10}", f"{'':>13}"
        elif theirs is None:
            other, ratio = f">{canvas_timeout:8.0f}s", f"{'':>13}"
        else:
            other, ratio = f"{theirs:10.2f}", f"{theirs / ours:12.1f}x" if ours else f"{'':>13}"
        verdict = "" if target is None else ("ok" if ours <= target else "MISSED")
        print(
            f"{name:<26} {ours:10.2f} {other} {ratio} {'<= ' + format(target, 'g') if target else '':>9}  {verdict}"
        )
    print(
        f"still frame / bare-WebGL floor of the same points and lines: {w.still / w.bare:.1f}x; "
        f"medians: webgl draw of {runs} runs, redraws of 5; canvas 1 run each; draw = navigation start to the "
        "first frame finished (WebGL: a pixel read waits for the rasteriser), every network request blocked",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument(
        "--baseline-timeout", type=float, default=120.0, help="seconds before a baseline draw is cut off"
    )
    parser.add_argument("--webgl-sizes", type=int, nargs="*", default=[50000], help="WebGL vs canvas sizes")
    parser.add_argument("--webgl-only", action="store_true", help="only the WebGL vs canvas comparison")
    parser.add_argument(
        "--gl",
        choices=sorted(GL_ARGS),
        default="llvmpipe",
        help="WebGL rasteriser (no GPU here; default llvmpipe)",
    )
    args = parser.parse_args()
    print(f"WebGL rasteriser: {args.gl}", flush=True)
    with tempfile.TemporaryDirectory() as tmp, launch_chromium(args.gl) as browser:
        out = Path(tmp)
        for size in args.webgl_sizes:
            bench_webgl(browser, out, size, args.runs, args.baseline_timeout)
        if args.webgl_only:
            return
        print(f"{'nodes':>6} {'edges':>6} | {'gen ours':>9} {'gen pyvis':>10} {'ratio':>6} | "
              f"{'draw ours':>10} {'draw pyvis':>11} {'ratio':>7} | {'redraw':>7} {'select':>7} {'legend':>7} | bytes")  # fmt: skip
        for size in args.sizes:
            network = synthetic_network(size)
            ours = render_html(network, title=f"synthetic {size}")
            assert ours == render_html(network, title=f"synthetic {size}"), "not deterministic"
            title = f"synthetic {size}"
            gen_ours = median_time(functools.partial(render_html, network, title=title), args.runs)
            base_runs = max(1, min(args.runs, 3))
            gen_base = median_time(functools.partial(baseline_html, network), base_runs)
            ours_path, base_path = out / f"ours-{size}.html", out / f"pyvis-{size}.html"
            ours_path.write_text(ours, encoding="utf-8")
            base_path.write_text(baseline_html(network), encoding="utf-8")
            draws = [first_draw_ms(browser, ours_path) for _ in range(args.runs)]
            draw_ours = statistics.median(d for d in draws if d is not None)
            base_draw = first_draw_ms(browser, base_path, hook=True, timeout_s=args.baseline_timeout)
            base_text = f"{base_draw / 1000:10.2f}s" if base_draw else f">{args.baseline_timeout:9.0f}s"
            ratio = (base_draw or args.baseline_timeout * 1000) / draw_ours
            redraw, select, legend = interaction_ms(browser, ours_path)
            print(
                f"{size:>6} {network.number_of_edges():>6} | {gen_ours:8.3f}s {gen_base:9.3f}s {gen_base / gen_ours:5.1f}x | "
                f"{draw_ours / 1000:9.2f}s {base_text} {'>' if not base_draw else ' '}{ratio:5.1f}x | "
                f"{redraw:5.0f}ms {select:5.0f}ms {legend:5.0f}ms | {len(ours.encode()):,}",
                flush=True,
            )
    print(
        f"medians of {args.runs} runs (pyvis generation: {max(1, min(args.runs, 3))} runs, pyvis draw: 1 run with "
        "default physics); draw = ms from navigation start to the first afterDrawing, in headless Chromium, "
        "every network request blocked"
    )


if __name__ == "__main__":
    main()
