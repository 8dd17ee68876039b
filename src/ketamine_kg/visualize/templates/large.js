/* ketamine-kg large-graph explorer: WebGL drawing with sigma.js + graphology, panels from panel.js.
   The data block is columnar (one array per attribute) with a shared value table; details are decoded
   per node or edge on demand. Labels are culled by zoom (sigma's label grid and size threshold).
   Selection highlight is an overlay painted over the WebGL layers: O(neighbourhood), not O(graph); the
   picking buffers are painted when the pointer needs them, not in every frame. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kkg-data").textContent);
  var N = data.nodes, E = data.edges, V = data.values;
  var nodeCount = N.label.length, edgeCount = E.from.length;
  var container = document.getElementById("kkg-network");
  container.classList.add("kkg-large");

  // ---------------------------------------------------------------- decoding
  function nodeInfo(id) {
    var d = { label: N.label[id] };
    Object.keys(N.columns).forEach(function (k) {
      var v = V[N.columns[k][id]];
      if (v !== null && v !== undefined) { d[k] = v; }
    });
    if (!d.iri && d.curie) {  // IRIs that expand a CURIE travel as the CURIE only
      var cut = d.curie.indexOf(":"), ns = N.namespaces[d.curie.slice(0, cut)];
      if (ns !== undefined) { d.iri = ns + d.curie.slice(cut + 1); }
    }
    return d;
  }
  function shortLabel(label) { return label.length <= 40 ? label : label.slice(0, 39) + "…"; }
  function edgeInfo(id) {
    var rel = data.relations[E.rel[id]];
    var ev = data.evidence[E.ev[id]].key;
    var d = { predicate: rel.key, predicate_label: rel.label, evidence: ev, inferred: ev === "inferred" };
    Object.keys(E.columns).forEach(function (k) {
      var v = V[E.columns[k][id]];
      if (v !== null && v !== undefined) { d[k] = v; }
    });
    return d;
  }
  function edgeEnds(id) { return { from: E.from[id], to: E.to[id], ev: data.evidence[E.ev[id]].key }; }
  function nodeCat(id) { return data.categories[N.cat[id]].key; }
  var inferredEv = -1;
  data.evidence.forEach(function (e, i) { if (e.key === "inferred") { inferredEv = i; } });

  // ---------------------------------------------------------------- graph and renderer
  var graph = new graphology.MultiDirectedGraph();
  for (var i = 0; i < nodeCount; i += 1) {
    graph.addNode(i, {
      x: N.x[i], y: N.y[i], size: N.size[i], label: shortLabel(N.label[i]), color: data.categories[N.cat[i]].color
    });
  }
  for (var j = 0; j < edgeCount; j += 1) {
    graph.addDirectedEdgeWithKey(j, E.from[j], E.to[j], {
      color: data.evidence[E.ev[j]].color, size: E.ev[j] === inferredEv ? 0.5 : 1
    });
  }
  var state = { selected: null, keepNodes: null, keepEdges: null, firstDraw: null };
  var panels = null;
  function nodeHidden(id) { return panels.filters.hiddenCats.has(data.categories[N.cat[id]].key); }
  function edgeHidden(id) {
    var f = panels.filters;
    return f.hiddenEv.has(data.evidence[E.ev[id]].key) || f.hiddenRel.has(data.relations[E.rel[id]].key) ||
      nodeHidden(E.from[id]) || nodeHidden(E.to[id]);
  }
  var filtering = false;

  // Sigma paints a picking buffer (each item in a colour encoding its id, read back under the pointer) in
  // every frame: a fifth of the frame on a CPU rasteriser. Paint it only when the pointer asks after a frame.
  function lazyPicking(sigma) {
    var pending = [];
    function programsOf(set) {
      return Object.keys(set).reduce(function (all, k) { return all.concat(set[k].programs || [set[k]]); }, []);
    }
    programsOf(sigma.nodePrograms).concat(programsOf(sigma.edgePrograms)).forEach(function (program) {
      var pick = program.pickProgram;
      if (!pick) { return; }
      program.pickProgram = null;  // sigma's render() now draws the visible pass only
      var drawVisible = program.render.bind(program);
      program.render = function (params) {
        drawVisible(params);
        if (!program.hasNothingToRender()) { pending.push({ program: program, pick: pick, params: params }); }
      };
    });
    // render() blanks the picking buffers at its start, so only what the newest frame drew is owed.
    sigma.on("beforeRender", function () { pending = []; });
    function paintPicking() {
      pending.forEach(function (p) {
        var ratio = p.params.pixelRatio / p.params.downSizingRatio;
        p.pick.gl.viewport(0, 0, p.params.width * ratio, p.params.height * ratio);
        p.program.bindProgram(p.pick);
        p.program.renderProgram(Object.assign({}, p.params, { pixelRatio: ratio }), p.pick);
        p.program.unbindProgram(p.pick);
      });
      pending = [];
    }
    ["getNodeAtPosition", "getEdgeAtPoint"].forEach(function (name) {
      var read = sigma[name].bind(sigma);
      sigma[name] = function (a, b) { paintPicking(); return read(a, b); };
    });
  }

  var renderer = new Sigma(graph, container, {
    // The cheapest programs: 1-pixel GL lines and point sprites (software WebGL fills every pixel on the CPU).
    defaultEdgeType: "line",
    defaultNodeType: "point",
    edgeProgramClasses: { line: Sigma.rendering.EdgeLineProgram },
    nodeProgramClasses: { point: Sigma.rendering.NodePointProgram },
    renderEdgeLabels: false,
    enableEdgeEvents: edgeCount <= 60000,
    hideEdgesOnMove: edgeCount > 20000,
    labelRenderedSizeThreshold: 7,
    labelDensity: 0.6,
    labelGridCellSize: 90,
    labelFont: "system-ui, sans-serif",
    labelSize: 12,
    zIndex: false,
    minCameraRatio: 0.002,
    maxCameraRatio: 20,
    nodeReducer: function (node, attrs) {
      if (filtering && nodeHidden(Number(node))) { return Object.assign({}, attrs, { hidden: true }); }
      return attrs;
    },
    edgeReducer: function (edge, attrs) {
      if (filtering && edgeHidden(Number(edge))) { return Object.assign({}, attrs, { hidden: true }); }
      return attrs;
    }
  });
  lazyPicking(renderer);
  function finishFrame() {
    // WebGL calls return before the GPU (here SwiftShader) has drawn: read one pixel to wait for it.
    Object.keys(renderer.webGLContexts).forEach(function (k) {
      var gl = renderer.webGLContexts[k];
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
    });
  }

  // ---------------------------------------------------------------- highlight overlay
  var overlay = document.createElement("canvas");
  overlay.className = "kkg-overlay";
  overlay.style.pointerEvents = "none";
  overlay.style.zIndex = "5";
  container.appendChild(overlay);
  var octx = overlay.getContext("2d");
  function paintOverlay() {
    var ratio = window.devicePixelRatio || 1;
    var w = container.clientWidth, h = container.clientHeight;
    if (overlay.width !== Math.round(w * ratio) || overlay.height !== Math.round(h * ratio)) {
      overlay.width = Math.round(w * ratio);
      overlay.height = Math.round(h * ratio);
      overlay.style.width = w + "px";
      overlay.style.height = h + "px";
    }
    octx.setTransform(ratio, 0, 0, ratio, 0, 0);
    octx.clearRect(0, 0, w, h);
    if (!state.keepNodes) { return; }
    octx.fillStyle = "rgba(255,255,255,0.85)";
    octx.fillRect(0, 0, w, h);
    var at = {};
    state.keepNodes.forEach(function (id) {
      if (!nodeHidden(id)) { at[id] = renderer.graphToViewport({ x: N.x[id], y: N.y[id] }); }
    });
    octx.lineWidth = 1.5;
    state.keepEdges.forEach(function (id) {
      var a = at[E.from[id]], b = at[E.to[id]];
      if (!a || !b || edgeHidden(id)) { return; }
      octx.strokeStyle = data.evidence[E.ev[id]].color;
      octx.setLineDash(E.ev[id] === inferredEv ? [5, 3] : []);
      octx.beginPath(); octx.moveTo(a.x, a.y); octx.lineTo(b.x, b.y); octx.stroke();
      var angle = Math.atan2(b.y - a.y, b.x - a.x), r = renderer.scaleSize(N.size[E.to[id]]) + 1;
      var tipX = b.x - r * Math.cos(angle), tipY = b.y - r * Math.sin(angle);
      octx.setLineDash([]);
      octx.beginPath();
      octx.moveTo(tipX, tipY);
      octx.lineTo(tipX - 8 * Math.cos(angle - 0.4), tipY - 8 * Math.sin(angle - 0.4));
      octx.lineTo(tipX - 8 * Math.cos(angle + 0.4), tipY - 8 * Math.sin(angle + 0.4));
      octx.closePath();
      octx.fillStyle = data.evidence[E.ev[id]].color;
      octx.fill();
    });
    octx.font = "12px system-ui, sans-serif";
    octx.textBaseline = "middle";
    Object.keys(at).forEach(function (key) {
      var id = Number(key), p = at[key], r = Math.max(3, renderer.scaleSize(N.size[id]));
      octx.beginPath(); octx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      octx.fillStyle = data.categories[N.cat[id]].color; octx.fill();
      octx.lineWidth = id === state.selected ? 3 : 1; octx.strokeStyle = "#111"; octx.stroke();
      octx.lineWidth = 3; octx.strokeStyle = "#fff";
      octx.strokeText(shortLabel(N.label[id]), p.x + r + 3, p.y);
      octx.fillStyle = "#111";
      octx.fillText(shortLabel(N.label[id]), p.x + r + 3, p.y);
    });
  }
  renderer.on("afterRender", paintOverlay);
  // The constructor has drawn the first frame synchronously; wait for the GPU to finish it.
  finishFrame();
  state.firstDraw = performance.now();
  window.__kkgFirstDraw = state.firstDraw;
  document.body.setAttribute("data-drawn", "true");
  function highlight(keepNodes, keepEdges) {
    state.keepNodes = keepNodes;
    state.keepEdges = keepEdges;
    paintOverlay();
  }
  function connectedEdges(id) { return graph.edges(id).map(Number); }
  function isDimmed(id) { return state.keepNodes !== null && !state.keepNodes.has(id); }

  // ---------------------------------------------------------------- selection
  function selectNode(id) {
    state.selected = id;
    panels.showNode(id);
    var keep = new Set([id]);
    graph.neighbors(id).forEach(function (n) { keep.add(Number(n)); });
    highlight(keep, new Set(connectedEdges(id)));
  }
  function selectEdge(id) {
    state.selected = null;
    panels.showEdge(id);
    highlight(new Set([E.from[id], E.to[id]]), new Set([id]));
  }
  function clearSelection() {
    state.selected = null;
    highlight(null, null);
    panels.clearDetails();
  }
  function focusNode(id) {
    panels.showCategory(data.categories[N.cat[id]].key);
    var d = renderer.getNodeDisplayData(id);
    var camera = renderer.getCamera();
    if (d) { camera.setState({ x: d.x, y: d.y, ratio: Math.min(camera.ratio, 0.2) }); }
    selectNode(id);
  }
  function applyFilters() {
    var f = panels.filters;
    filtering = f.hiddenCats.size > 0 || f.hiddenEv.size > 0 || f.hiddenRel.size > 0;
    renderer.refresh();
  }
  panels = window.kkgPanels({
    vocab: data.vocabulary, categories: data.categories, evidence: data.evidence, relations: data.relations,
    paths: data.paths, nodeCount: nodeCount, nodeInfo: nodeInfo, nodeCat: nodeCat, edgeInfo: edgeInfo,
    edgeEnds: edgeEnds, connectedEdges: connectedEdges, focusNode: focusNode, onFilter: applyFilters,
    onPath: function (path) {
      var keepEdges = new Set();
      for (var k = 0; k + 1 < path.length; k += 1) {
        graph.edges(path[k], path[k + 1]).forEach(function (e) { keepEdges.add(Number(e)); });
      }
      highlight(new Set(path), keepEdges);
    }
  });
  renderer.on("clickNode", function (p) { selectNode(Number(p.node)); });
  renderer.on("clickEdge", function (p) { selectEdge(Number(p.edge)); });
  renderer.on("clickStage", clearSelection);
  function tipAt(text, p) {
    var rect = container.getBoundingClientRect();
    panels.showTip(text, rect.left + p.event.x, rect.top + p.event.y);
  }
  renderer.on("enterNode", function (p) { tipAt(panels.nodeTip(Number(p.node)), p); });
  renderer.on("enterEdge", function (p) { tipAt(panels.edgeTip(Number(p.edge)), p); });
  renderer.on("leaveNode", panels.hideTip);
  renderer.on("leaveEdge", panels.hideTip);
  renderer.getCamera().on("updated", panels.hideTip);
  if (data.focus !== null && data.focus !== undefined) { panels.showNode(data.focus); }

  window.kkg = {
    renderer: renderer, graph: graph, data: data, state: state, nodeInfo: nodeInfo, edgeInfo: edgeInfo,
    search: panels.search, focusNode: focusNode, isDimmed: isDimmed, selectNode: selectNode, selectEdge: selectEdge,
    redraw: function () { renderer.render(); finishFrame(); },
    nodeToViewport: function (id) { return renderer.graphToViewport({ x: N.x[id], y: N.y[id] }); },
    visibleCounts: function () {
      var nodes = 0, edges = 0, k;
      for (k = 0; k < nodeCount; k += 1) { if (!nodeHidden(k)) { nodes += 1; } }
      for (k = 0; k < edgeCount; k += 1) { if (!edgeHidden(k)) { edges += 1; } }
      return { nodes: nodes, edges: edges };
    }
  };
}());
