/* ketamine-kg explorer: legend, search, filters, details panel, neighbourhood highlight.
   Every data-derived string reaches the page through textContent or DOM properties, never innerHTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kkg-data").textContent);
  var info = data.info;
  var vocab = data.vocabulary || {};
  var catByKey = {};
  data.categories.forEach(function (c) { catByKey[c.key] = c; });
  var evByKey = {};
  data.evidence.forEach(function (e) { evByKey[e.key] = e; });
  var EVIDENCE_FALLBACK = data.evidence_styles || {};
  var relByKey = {};
  data.relations.forEach(function (r) { relByKey[r.key] = r; });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("kkg-network");
  var state = {
    hiddenCats: new Set(), hiddenEv: new Set(), hiddenRel: new Set(),
    nodeHidden: data.nodes.map(function () { return false; }),
    edgeHidden: data.edges.map(function () { return false; }),
    keepNodes: null, keepEdges: null,
    manualHidden: new Set(), onlySet: null, pinned: new Set(), urlFocus: null,
    selected: null, firstDraw: null
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  network.once("afterDrawing", function () {
    state.firstDraw = performance.now();
    window.__kkgFirstDraw = state.firstDraw;
    document.body.setAttribute("data-drawn", "true");
  });
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
    });
  }

  if (data.large) {
    // Arrow heads cost most of a large frame and are invisible when zoomed out: draw them only close up.
    state.arrows = false;
    network.on("zoom", function () {
      var want = network.getScale() > 0.6;
      if (want !== state.arrows) {
        state.arrows = want;
        network.setOptions({ edges: { arrows: { to: { enabled: want, scaleFactor: 0.5 } } } });
      }
    });
  }

  // ------------------------------------------------------------------ small DOM helpers (no innerHTML)
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function humanize(value) { return String(value).replace(/_/g, " "); }
  function vocabLabel(name, value) {
    var table = vocab[name];
    return table && table[value] ? table[value] : humanize(value);
  }
  function safeUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null; }
  function link(url, text) {
    var ok = safeUrl(url);
    if (!ok) { return el("span", null, text); }
    var a = el("a", null, text);
    a.href = ok;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function displayName(id) { return info.nodes[id].short_label || info.nodes[id].label; }
  function nodeButton(id) {
    var b = el("button", "kkg-link", displayName(id));
    b.title = info.nodes[id].label;
    b.type = "button";
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }
  var SVGNS = "http://www.w3.org/2000/svg";
  var SHAPES = {
    square: "2,2 12,2 12,12 2,12", diamond: "7,1 13,7 7,13 1,7", triangle: "7,1 13,13 1,13",
    triangleDown: "1,1 13,1 7,13", hexagon: "4,1 10,1 13,7 10,13 4,13 1,7",
    star: "7,0 9,5 14,5 10,8 12,14 7,10 2,14 4,8 0,5 5,5"
  };
  function shapeSwatch(shape, color) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14");
    svg.setAttribute("class", "kkg-swatch");
    var item;
    if (SHAPES[shape]) {
      item = document.createElementNS(SVGNS, "polygon");
      item.setAttribute("points", SHAPES[shape]);
    } else {
      item = document.createElementNS(SVGNS, "circle");
      item.setAttribute("cx", "7"); item.setAttribute("cy", "7"); item.setAttribute("r", "6");
    }
    item.setAttribute("fill", color);
    svg.appendChild(item);
    return svg;
  }
  function lineSwatch(ev) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("width", "28"); svg.setAttribute("height", "10");
    svg.setAttribute("class", "kkg-edge-swatch");
    var line = document.createElementNS(SVGNS, "line");
    line.setAttribute("x1", "1"); line.setAttribute("y1", "5"); line.setAttribute("x2", "27"); line.setAttribute("y2", "5");
    line.setAttribute("stroke", ev.color);
    line.setAttribute("stroke-width", String(ev.width));
    if (ev.dashes && ev.dashes.length) { line.setAttribute("stroke-dasharray", ev.dashes.join(",")); }
    svg.appendChild(line);
    return svg;
  }
  function badge(text, color) {
    var b = el("span", "kkg-badge", text);
    b.style.background = color;
    return b;
  }

  // ------------------------------------------------------------------ filters (legend, evidence, relations)
  function applyFilters() {
    var nodeUpdates = [], edgeUpdates = [];
    data.nodes.forEach(function (n) {
      var hide = state.hiddenCats.has(n.cat) || state.manualHidden.has(n.id) || (state.onlySet !== null && !state.onlySet.has(n.id));
      if (hide !== state.nodeHidden[n.id]) { state.nodeHidden[n.id] = hide; nodeUpdates.push({ id: n.id, hidden: hide }); }
    });
    data.edges.forEach(function (e) {
      var hide = state.hiddenEv.has(e.ev) || state.hiddenRel.has(e.rel) || state.nodeHidden[e.from] || state.nodeHidden[e.to];
      if (hide !== state.edgeHidden[e.id]) { state.edgeHidden[e.id] = hide; edgeUpdates.push({ id: e.id, hidden: hide }); }
    });
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
  }
  function toggle(set, key) { if (set.has(key)) { set.delete(key); } else { set.add(key); } }

  var legend = document.getElementById("kkg-legend");
  data.categories.forEach(function (c) {
    var li = el("li");
    li.setAttribute("role", "button");
    li.tabIndex = 0;
    li.dataset.category = c.key;
    li.appendChild(shapeSwatch(c.shape, c.color));
    li.appendChild(el("span", "kkg-name", c.label));
    li.appendChild(el("span", "kkg-count", c.count));
    function flip() {
      toggle(state.hiddenCats, c.key);
      li.classList.toggle("kkg-off", state.hiddenCats.has(c.key));
      applyVisibility();
    }
    li.addEventListener("click", flip);
    li.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); flip(); } });
    legend.appendChild(li);
  });
  var evLegend = document.getElementById("kkg-evidence");
  data.evidence.forEach(function (e) {
    var li = el("li");
    li.setAttribute("role", "button");
    li.tabIndex = 0;
    li.dataset.evidence = e.key;
    li.appendChild(lineSwatch(e));
    li.appendChild(el("span", "kkg-name", e.label));
    li.appendChild(el("span", "kkg-count", e.count));
    li.addEventListener("click", function () {
      toggle(state.hiddenEv, e.key);
      li.classList.toggle("kkg-off", state.hiddenEv.has(e.key));
      applyFilters();
    });
    evLegend.appendChild(li);
  });
  var relList = document.getElementById("kkg-relations");
  data.relations.forEach(function (r) {
    var li = el("li");
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.relation = r.key;
    box.addEventListener("change", function () {
      if (box.checked) { state.hiddenRel.delete(r.key); } else { state.hiddenRel.add(r.key); }
      applyFilters();
    });
    label.appendChild(box);
    label.appendChild(el("span", null, r.label));
    label.appendChild(el("span", "kkg-count", r.count));
    li.appendChild(label);
    relList.appendChild(li);
  });

  // ------------------------------------------------------------------ label placement
  // vis-network draws every label large enough on screen, on top of each other in dense areas. Before each
  // frame, labels are placed greedily by importance (selected and highlighted nodes, then larger fonts,
  // then more relations); a label whose box meets one already placed is not drawn, its node still is.
  // Zoomed out so far that vis skips every label, the selected node, the focus and the biggest hubs still
  // get theirs, drawn here at a legible size (and placed by the same rule, so they never overlap either).
  var LABEL_PAD = 2, LABEL_CELL = 64, FORCED_PX = 12, FORCED_HUBS = 8;
  var degree = data.nodes.map(function () { return 0; });
  data.edges.forEach(function (e) { degree[e.from] += 1; degree[e.to] += 1; });
  var labelRank = data.nodes.map(function (n) { return n.id; }).sort(function (a, b) {
    var fa = (data.nodes[a].font || {}).size || 0, fb = (data.nodes[b].font || {}).size || 0;
    return fb - fa || degree[b] - degree[a] || a - b;
  });
  var measureCtx = document.createElement("canvas").getContext("2d");
  var labelWidths = {};
  state.placedLabels = [];
  state.forcedLabels = [];
  (function suppressibleLabels() {
    var first = network.body.nodes[data.nodes.length ? data.nodes[0].id : -1];
    if (!first || !first.labelModule) { return; }
    var proto = Object.getPrototypeOf(first.labelModule), drawLabel = proto.draw;
    if (proto.kkgPatched) { return; }
    proto.kkgPatched = true;
    proto.draw = function () { if (this.kkgSuppressed) { return undefined; } return drawLabel.apply(this, arguments); };
  })();
  function labelBox(node, scale, view, forced) {
    // where vis hangs an external label: below the shape, half the font size plus 4 px lower; the size
    // vis measured at the last draw, else measured here (a forced label: FORCED_PX on screen)
    var lm = node.labelModule, fs = forced ? FORCED_PX / scale : lm.fontOptions.size;
    var w = !forced && lm.size && lm.size.width, h = !forced && lm.size && lm.size.height;
    if (!w) {
      var key = (forced ? "f" + FORCED_PX + "|" + scale : fs) + "|" + node.options.label;
      if (labelWidths[key] === undefined) {
        measureCtx.font = (forced ? FORCED_PX : fs) + "px " + (lm.fontOptions.face || "sans-serif");
        labelWidths[key] = measureCtx.measureText(String(node.options.label)).width / (forced ? scale : 1);
      }
      w = labelWidths[key]; h = fs * 1.3;
    }
    var left = node.x - w / 2, top = node.y + (node.height || 2 * (node.options.size || 10)) / 2 + fs / 2 + 4 - h / 2;
    return {
      x1: left * scale + view.x - LABEL_PAD, y1: top * scale + view.y - LABEL_PAD,
      x2: (left + w) * scale + view.x + LABEL_PAD, y2: (top + h) * scale + view.y + LABEL_PAD,
      wx: node.x, wy: top + h / 2, font: fs
    };
  }
  function placeLabels() {
    var body = network.body, scale = body.view.scale, view = body.view.translation;
    var width = container.clientWidth, height = container.clientHeight, grid = new Map(), placed = [];
    var threshold = ((data.options.nodes.scaling || {}).label || {}).drawThreshold || 5;
    var order = [];
    if (state.selected && state.selected.node !== undefined) { order.push(state.selected.node); }
    if (state.keepNodes) { state.keepNodes.forEach(function (id) { order.push(id); }); }
    var forcedIds = new Set(state.selected && state.selected.node !== undefined ? [state.selected.node] : []);
    if (data.focus !== null && data.focus !== undefined) { forcedIds.add(data.focus); order.push(data.focus); }
    labelRank.filter(function (id) { return !state.nodeHidden[id] && !isDimmed(id); }).slice(0, FORCED_HUBS)
      .forEach(function (id) { forcedIds.add(id); });
    var seen = new Set(), forcedPlaced = [];
    function place(id) {
      if (seen.has(id)) { return; }
      seen.add(id);
      var node = body.nodes[id];
      if (!node || !node.labelModule || state.nodeHidden[id] || node.options.label === undefined) { return; }
      node.labelModule.kkgSuppressed = false;
      var forced = node.labelModule.fontOptions.size * scale < threshold - 1;  // vis skips it
      if (forced && !forcedIds.has(id)) { return; }
      var box = labelBox(node, scale, view, forced);
      if (box.x2 < 0 || box.y2 < 0 || box.x1 > width || box.y1 > height) { node.labelModule.kkgSuppressed = true; return; }
      var c1 = Math.floor(box.x1 / LABEL_CELL), c2 = Math.floor(box.x2 / LABEL_CELL);
      var r1 = Math.floor(box.y1 / LABEL_CELL), r2 = Math.floor(box.y2 / LABEL_CELL), cx, cy, cell, i, o;
      for (cx = c1; cx <= c2; cx += 1) {
        for (cy = r1; cy <= r2; cy += 1) {
          cell = grid.get(cx + "," + cy) || [];
          for (i = 0; i < cell.length; i += 1) {
            o = cell[i];
            if (box.x1 < o.x2 && o.x1 < box.x2 && box.y1 < o.y2 && o.y1 < box.y2) {
              node.labelModule.kkgSuppressed = true;
              return;
            }
          }
        }
      }
      for (cx = c1; cx <= c2; cx += 1) {
        for (cy = r1; cy <= r2; cy += 1) {
          var k = cx + "," + cy;
          if (!grid.has(k)) { grid.set(k, []); }
          grid.get(k).push(box);
        }
      }
      box.id = id;
      placed.push(box);
      if (forced) { box.text = String(node.options.label); forcedPlaced.push(box); }
    }
    order.forEach(place);
    labelRank.forEach(place);
    state.placedLabels = placed;
    state.forcedLabels = forcedPlaced;
  }
  network.on("beforeDrawing", placeLabels);
  function drawForcedLabels(ctx) {
    if (!state.forcedLabels.length) { return; }
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    state.forcedLabels.forEach(function (b) {
      ctx.font = b.font + "px sans-serif";
      ctx.lineWidth = 3 * b.font / FORCED_PX;
      ctx.strokeStyle = "#ffffff";
      ctx.strokeText(b.text, b.wx, b.wy);
      ctx.fillStyle = "#222222";
      ctx.fillText(b.text, b.wx, b.wy);
    });
    ctx.restore();
  }

  // ------------------------------------------------------------------ neighbourhood highlight
  // Dimming is an overlay painted after each frame, then the kept nodes and edges are drawn again on
  // top: O(neighbourhood) per selection instead of restyling every node and edge (seconds at 5,000).
  network.on("afterDrawing", function (ctx) {
    if (!state.keepNodes) { return; }
    var body = network.body;
    var topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    var bottomRight = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
    ctx.save();
    ctx.fillStyle = "rgba(255,255,255,0.8)";
    ctx.fillRect(topLeft.x, topLeft.y, bottomRight.x - topLeft.x, bottomRight.y - topLeft.y);
    ctx.restore();
    var edgesShown = [];
    state.keepEdges.forEach(function (id) {
      var edge = body.edges[id];
      if (edge && edge.connected && !state.edgeHidden[id]) { edge.draw(ctx); edgesShown.push(edge); }
    });
    edgesShown.forEach(function (edge) { edge.drawArrows(ctx); });
    var labels = [];
    state.keepNodes.forEach(function (id) {
      var node = body.nodes[id];
      if (node && !state.nodeHidden[id]) {
        var drawn = node.draw(ctx);
        if (drawn && drawn.drawExternalLabel) { labels.push(drawn.drawExternalLabel); }
      }
    });
    labels.forEach(function (draw) { draw(); });
  });
  network.on("afterDrawing", drawForcedLabels);  // after the dimming overlay, so on top of it
  function highlight(keepNodes, keepEdges) {
    state.keepNodes = keepNodes;
    state.keepEdges = keepEdges;
    network.redraw();
  }
  function isDimmed(id) { return state.keepNodes !== null && !state.keepNodes.has(id); }
  function highlightNode(id) {
    var keep = new Set([id]);
    network.getConnectedNodes(id).forEach(function (n) { keep.add(n); });
    highlight(keep, new Set(network.getConnectedEdges(id)));
  }

  // ------------------------------------------------------------------ details panel
  var details = document.getElementById("kkg-details");
  function section(parent, title) {
    parent.appendChild(el("h3", null, title));
    var ul = el("ul");
    parent.appendChild(ul);
    return ul;
  }
  function sourceItem(src) {
    var li = el("li");
    li.appendChild(link(src.url, src.label || src.id));
    if (src.identifiers && src.identifiers.length) { li.appendChild(el("span", "kkg-muted", " " + src.identifiers.join(", "))); }
    if (src.citation) { li.appendChild(el("div", "kkg-muted", src.citation)); }
    return li;
  }
  function quantityText(q) {
    var amount = q.value !== "" ? q.value : [q.min, q.max].filter(function (v) { return v !== ""; }).join("–");
    var text = vocabLabel("quantity_kind", q.kind) + ": " + amount + " " + q.unit;
    if (q.context) { text += " (" + q.context + ")"; }
    return text;
  }
  function quantityItems(ul, list) {
    list.forEach(function (q) {
      var li = el("li", "kkg-quantity", quantityText(q) + " ");
      // each quantity shows its own evidence level, not that of the relation it qualifies
      var qev = evByKey[q.evidence] || EVIDENCE_FALLBACK[q.evidence];
      if (q.evidence) { li.appendChild(badge(vocabLabel("evidence_level", q.evidence), qev ? qev.color : "#777")); }
      if (q.sources && q.sources.length) {
        li.appendChild(el("div", "kkg-muted", "Sources: " + q.sources.map(function (s) { return s.label; }).join("; ")));
      }
      ul.appendChild(li);
    });
  }
  function relationBlock(edgeId, perspective) {
    var e = data.edges[edgeId], d = info.edges[edgeId];
    var box = el("div", "kkg-rel");
    box.dataset.edge = String(edgeId);
    var head = el("div");
    if (perspective === e.from) {
      head.appendChild(el("strong", null, d.predicate_label + " → "));
      head.appendChild(nodeButton(e.to));
    } else if (perspective === e.to) {
      head.appendChild(nodeButton(e.from));
      head.appendChild(el("strong", null, " " + d.predicate_label + " → this"));
    } else {
      head.appendChild(nodeButton(e.from));
      head.appendChild(el("strong", null, " " + d.predicate_label + " "));
      head.appendChild(nodeButton(e.to));
    }
    box.appendChild(head);
    var meta = el("div");
    var ev = evByKey[e.ev];
    meta.appendChild(badge(ev ? ev.label : "no evidence recorded", ev ? ev.color : "#999"));
    if (d.inferred) { meta.appendChild(el("span", "kkg-tag", "inferred")); }
    if (d.assertion_id) { meta.appendChild(el("span", "kkg-muted", d.assertion_id)); }
    box.appendChild(meta);
    var facts = [];
    if (d.approval_status) { facts.push("Approval: " + vocabLabel("approval_status", d.approval_status)); }
    if (d.date) { facts.push("Date: " + d.date); }
    Object.keys(d.qualifiers || {}).sort().forEach(function (k) {
      facts.push(vocabLabel("qualifier_key", k) + ": " + vocabLabel("qualifier:" + k, d.qualifiers[k]));
    });
    if (d.note) { facts.push("Note: " + d.note); }
    facts.forEach(function (f) { box.appendChild(el("div", "kkg-muted", f)); });
    if (d.quantities && d.quantities.length) {
      var qs = el("ul");
      quantityItems(qs, d.quantities);
      box.appendChild(qs);
    }
    if (d.sources && d.sources.length) {
      box.appendChild(el("div", "kkg-muted", "Sources:"));
      var ul = el("ul", "kkg-sources");
      d.sources.forEach(function (s) { ul.appendChild(sourceItem(s)); });
      box.appendChild(ul);
    } else if (d.inferred) {
      box.appendChild(el("div", "kkg-muted kkg-rule", "Inferred by the OWL reasoner: " + (d.rule || "entailed by the ontology's axioms") + "."));
    }
    if (d.also_read_as && d.also_read_as.length) {
      var also = el("div", "kkg-muted kkg-also");
      also.appendChild(el("span", null, "Also read as: "));
      d.also_read_as.forEach(function (a, i) {
        if (i) { also.appendChild(el("span", null, "; ")); }
        also.appendChild(el("span", null, displayName(a.from) + " " + a.label + " " + displayName(a.to)));
        if (a.rule) { also.appendChild(el("span", null, " (" + a.rule + ")")); }
      });
      box.appendChild(also);
    }
    return box;
  }
  var MAX_RELATIONS = 150;
  function showNode(id) {
    var d = info.nodes[id];
    var cat = catByKey[data.nodes[id].cat];
    clear(details);
    details.dataset.node = String(id);
    delete details.dataset.edge;
    details.appendChild(el("h2", "kkg-heading", d.label));
    if (d.short_label && d.short_label !== d.label) { details.appendChild(el("div", "kkg-muted kkg-short", "Shown as " + d.short_label)); }
    var meta = el("div");
    if (cat) { meta.appendChild(badge(cat.label, cat.color)); }
    meta.appendChild(el("span", "kkg-muted", d.curie || d.iri));
    details.appendChild(meta);
    if (d.definition) { details.appendChild(el("p", "kkg-definition", d.definition)); }
    if (d.synonyms && d.synonyms.length) {
      var syn = section(details, "Synonyms");
      d.synonyms.forEach(function (s) { syn.appendChild(el("li", null, s)); });
    }
    if (d.identifiers && d.identifiers.length) {
      var ids = section(details, "Identifiers");
      d.identifiers.forEach(function (i) {
        var li = el("li");
        li.appendChild(link(i.iri, i.curie));
        if (i.match && i.match !== "xref") { li.appendChild(el("span", "kkg-muted", " " + i.match + " match")); }
        ids.appendChild(li);
      });
    }
    if (d.definition_sources && d.definition_sources.length) {
      var ds = section(details, "Definition sources");
      d.definition_sources.forEach(function (s) { ds.appendChild(sourceItem(s)); });
    }
    if (d.quantities && d.quantities.length) { quantityItems(section(details, "Quantities"), d.quantities); }
    if (d.claims && d.claims.length) {
      var cl = section(details, "Claims of the source article");
      d.claims.forEach(function (c) {
        var li = el("li");
        li.appendChild(el("strong", null, c.label));
        li.appendChild(el("span", "kkg-tag", vocabLabel("claim_status", c.status)));
        if (c.statement) { li.appendChild(el("div", null, c.statement)); }
        if (c.correction) { li.appendChild(el("div", "kkg-muted", "Evidence: " + c.correction)); }
        if (c.decided_by && c.decided_by.length) {
          li.appendChild(el("div", "kkg-muted", "Decided by: " + c.decided_by.map(function (s) { return s.label; }).join("; ")));
        }
        cl.appendChild(li);
      });
    }
    var connected = network.getConnectedEdges(id).slice().sort(function (a, b) { return a - b; });
    details.appendChild(el("h3", null, "Relations (" + connected.length + ")"));
    var outgoing = connected.filter(function (e) { return data.edges[e].from === id; });
    var incoming = connected.filter(function (e) { return data.edges[e].from !== id; });
    outgoing.concat(incoming).slice(0, MAX_RELATIONS).forEach(function (e) { details.appendChild(relationBlock(e, id)); });
    if (connected.length > MAX_RELATIONS) {
      details.appendChild(el("p", "kkg-muted", (connected.length - MAX_RELATIONS) + " more relations not listed."));
    }
  }
  function showEdge(id) {
    var e = data.edges[id], d = info.edges[id];
    clear(details);
    details.dataset.edge = String(id);
    delete details.dataset.node;
    details.appendChild(el("h2", "kkg-heading", info.nodes[e.from].label + " " + d.predicate_label + " " + info.nodes[e.to].label));
    details.appendChild(relationBlock(id, null));
  }
  function clearSelection() {
    state.selected = null;
    highlight(null, null);
    clear(details);
    delete details.dataset.node;
    delete details.dataset.edge;
    details.appendChild(el("p", "kkg-hint", "Click a node or a relation to see its definition, identifiers, evidence and sources."));
  }
  function selectNode(id) {
    state.selected = { node: id };
    showNode(id);
    highlightNode(id);
    writeHash();
  }
  function selectEdge(id) {
    var e = data.edges[id];
    state.selected = { edge: id };
    showEdge(id);
    highlight(new Set([e.from, e.to]), new Set([id]));
    network.fit({ nodes: [e.from, e.to], animation: false });
  }
  function focusNode(id) {
    var cat = data.nodes[id].cat;
    if (state.hiddenCats.has(cat)) {
      state.hiddenCats.delete(cat);
      legend.querySelectorAll("li").forEach(function (item) {
        if (item.dataset.category === cat) { item.classList.remove("kkg-off"); }
      });
      applyFilters();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    selectNode(id);
  }
  network.on("click", function (p) {
    if (p.nodes.length) { selectNode(p.nodes[0]); }
    else if (p.edges.length) { selectEdge(p.edges[0]); }
    else { clearSelection(); }
  });

  // ------------------------------------------------------------------ tooltip
  var tooltip = document.getElementById("kkg-tooltip");
  function showTip(text, pointer) {
    var rect = container.getBoundingClientRect();
    tooltip.textContent = text;
    tooltip.style.left = (rect.left + pointer.DOM.x + 14) + "px";
    tooltip.style.top = (rect.top + pointer.DOM.y + 14) + "px";
    tooltip.hidden = false;
  }
  function hideTip() { tooltip.hidden = true; }
  network.on("hoverNode", function (p) {
    var d = info.nodes[p.node], cat = catByKey[data.nodes[p.node].cat];
    showTip(d.label + "\n" + (cat ? cat.label : ""), p.pointer);
  });
  network.on("hoverEdge", function (p) {
    var e = data.edges[p.edge], d = info.edges[p.edge], ev = evByKey[e.ev];
    showTip(info.nodes[e.from].label + " " + d.predicate_label + " " + info.nodes[e.to].label + "\n" + (ev ? ev.label : ""), p.pointer);
  });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  // ------------------------------------------------------------------ search
  function norm(text) {
    // the same steps as ketamine_kg.names.normalise_name, from the rules in the page data
    var names = data.names || {}, greek = names.greek || {};
    var s = Array.from(String(text || "")).map(function (ch) { return greek[ch] ? " " + greek[ch] + " " : ch; }).join("");
    s = s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    s = s.replace(new RegExp(names.separators || "[\\s_]+", "g"), " ").trim();
    (names.rules || []).forEach(function (rule) { s = s.replace(new RegExp(rule[0], "g"), rule[1]); });
    return s;
  }
  var index = info.nodes.map(function (d) {
    return {
      label: norm(d.label),
      synonyms: (d.synonyms || []).map(norm),
      ids: (d.identifiers || []).map(function (i) { return norm(i.curie); }).concat([norm(d.curie)])
    };
  });
  function search(query) {
    var q = norm(query);
    if (!q) { return []; }
    var hits = [];
    index.forEach(function (entry, id) {
      var rank = 9, via = null;
      if (entry.label === q || entry.ids.indexOf(q) >= 0) { rank = 0; }
      else if (entry.synonyms.indexOf(q) >= 0) { rank = 1; via = q; }
      else if (entry.label.indexOf(q) === 0) { rank = 2; }
      else if (entry.label.indexOf(q) > 0) { rank = 4; }
      else {
        entry.synonyms.forEach(function (s) { if (rank > 3 && s.indexOf(q) >= 0) { rank = 3; via = s; } });
        if (rank > 3 && entry.ids.some(function (i) { return i.indexOf(q) >= 0; })) { rank = 5; }
      }
      if (rank < 9) { hits.push({ id: id, rank: rank, via: via }); }
    });
    hits.sort(function (a, b) { return a.rank - b.rank || (index[a.id].label < index[b.id].label ? -1 : index[a.id].label > index[b.id].label ? 1 : a.id - b.id); });
    return hits.slice(0, 25);
  }
  var form = document.getElementById("kkg-search");
  var input = document.getElementById("kkg-search-input");
  var results = document.getElementById("kkg-search-results");
  var lastHits = [];
  // ketamine_kg.names.suggest in JavaScript, score for score, so that the page's "did you mean" lists
  // the same names as the command line: rapidfuzz's ratio (Indel similarity) and token_set_ratio.
  function indel(a, b) {
    var x = Array.from(a), y = Array.from(b), prev = new Array(y.length + 1).fill(0), cur, i, j;
    for (i = 1; i <= x.length; i += 1) {
      cur = [0];
      for (j = 1; j <= y.length; j += 1) {
        cur.push(x[i - 1] === y[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]));
      }
      prev = cur;
    }
    return x.length + y.length - 2 * prev[y.length];
  }
  function normDistance(dist, lensum) { return lensum ? 100 - 100 * dist / lensum : 100; }
  function ratio(a, b) { return normDistance(indel(a, b), Array.from(a).length + Array.from(b).length); }
  function tokenSetRatio(a, b) {
    var ta = new Set(a.split(/\s+/).filter(Boolean)), tb = new Set(b.split(/\s+/).filter(Boolean));
    if (!ta.size || !tb.size) { return 0; }
    var inter = [], ab = [], ba = [];
    ta.forEach(function (t) { (tb.has(t) ? inter : ab).push(t); });
    tb.forEach(function (t) { if (!ta.has(t)) { ba.push(t); } });
    if (inter.length && (!ab.length || !ba.length)) { return 100; }
    var abJoined = ab.sort().join(" "), baJoined = ba.sort().join(" ");
    var abLen = Array.from(abJoined).length, baLen = Array.from(baJoined).length;
    var sectLen = Array.from(inter.join(" ")).length, gap = sectLen ? 1 : 0;
    var sectAb = sectLen + gap + abLen, sectBa = sectLen + gap + baLen;
    var result = normDistance(indel(abJoined, baJoined), sectAb + sectBa);
    if (!sectLen) { return result; }
    return Math.max(result, normDistance(gap + abLen, sectLen + sectAb), normDistance(gap + baLen, sectLen + sectBa));
  }
  function score(query, name) {
    var whole = ratio(query, name), words = name.split(" ");
    if (words.length > 1 && query.indexOf(" ") < 0) {
      whole = Math.max(whole, 0.9 * Math.max.apply(null, words.map(function (w) { return ratio(query, w); })));
    }
    return Math.max(whole, 0.8 * tokenSetRatio(query, name));
  }
  // Every name an entity goes by (label and synonyms, the names the command line resolves), and who bears it.
  var nameOwners = new Map();
  info.nodes.forEach(function (d, id) {
    [d.label].concat(d.synonyms || []).forEach(function (n) {
      if (!n) { return; }
      if (!nameOwners.has(n)) { nameOwners.set(n, []); }
      if (nameOwners.get(n).indexOf(id) < 0) { nameOwners.get(n).push(id); }
    });
  });
  // The closest names to a query, best first: ties by length, then by name (as names.suggest).
  function suggestions(query, limit) {
    var q = norm(query), scored = [];
    if (!q) { return []; }
    nameOwners.forEach(function (ids, name) {
      var s = score(q, norm(name));
      if (s >= 60) { scored.push({ name: name, score: s, id: ids[0] }); }
    });
    scored.sort(function (a, b) {
      return b.score - a.score || Array.from(a.name).length - Array.from(b.name).length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    return scored.slice(0, limit || 4);
  }
  // Sources (publications, labels, trials) cited by relations, findable by PMID, DOI or title.
  var sources = {};
  info.edges.forEach(function (d, e) {
    (d.sources || []).forEach(function (src) {
      var entry = sources[src.id] || (sources[src.id] = { src: src, edges: [], keys: [norm(src.label), norm(src.id)].concat((src.identifiers || []).map(norm)) });
      entry.edges.push(e);
    });
  });
  var sourceList = Object.keys(sources).sort().map(function (k) { return sources[k]; });
  function searchSources(query) {
    var q = norm(query);
    if (q.length < 3) { return []; }
    return sourceList.filter(function (s) {
      return s.keys.some(function (k) { return k === q || k.indexOf(q) >= 0 || k.replace(/^(pmid|doi):/, "") === q; });
    }).slice(0, 10);
  }
  function showSource(entry) {
    results.hidden = true;
    clear(details);
    delete details.dataset.node;
    delete details.dataset.edge;
    details.dataset.source = entry.src.id;
    details.appendChild(el("h2", "kkg-heading", entry.src.label));
    var ul = el("ul");
    ul.appendChild(sourceItem(entry.src));
    details.appendChild(ul);
    details.appendChild(el("h3", null, "Relations citing it (" + entry.edges.length + ")"));
    var keepNodes = new Set();
    entry.edges.forEach(function (e) {
      keepNodes.add(data.edges[e].from); keepNodes.add(data.edges[e].to);
      details.appendChild(relationBlock(e, null));
    });
    highlight(keepNodes, new Set(entry.edges));
  }
  function renderResults() {
    lastHits = search(input.value);
    clear(results);
    if (!norm(input.value)) { results.hidden = true; return; }
    var srcHits = searchSources(input.value);
    if (!lastHits.length && !srcHits.length) {
      var close = suggestions(input.value);
      results.appendChild(el("li", "kkg-none", close.length ? "No entity matches. Did you mean:" : "No entity matches."));
      close.forEach(function (c) {
        var li = el("li", "kkg-suggest");
        li.setAttribute("role", "option");
        li.dataset.node = String(c.id);
        li.textContent = c.name === info.nodes[c.id].label ? c.name : c.name + " (" + info.nodes[c.id].label + ")";
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(c.id); });
        results.appendChild(li);
      });
    }
    lastHits.forEach(function (h, i) {
      var d = info.nodes[h.id], cat = catByKey[data.nodes[h.id].cat];
      var li = el("li", i === 0 ? "kkg-active" : null);
      li.setAttribute("role", "option");
      li.dataset.node = String(h.id);
      li.appendChild(el("span", null, d.label));
      li.appendChild(el("span", "kkg-muted", " " + (cat ? cat.label : "") + (h.via ? " · synonym " + h.via : "")));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(h.id); });
      results.appendChild(li);
    });
    srcHits.forEach(function (entry) {
      var li = el("li", "kkg-source-hit");
      li.setAttribute("role", "option");
      li.dataset.source = entry.src.id;
      li.appendChild(el("span", null, entry.src.label));
      li.appendChild(el("span", "kkg-muted", " source · " + entry.edges.length + " relation(s)"));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); showSource(entry); });
      results.appendChild(li);
    });
    results.hidden = false;
  }
  function pick(id) {
    results.hidden = true;
    focusNode(id);
  }
  function find() {
    var hits = search(input.value);
    if (hits.length) { pick(hits[0].id); return; }
    var srcHits = searchSources(input.value);
    if (srcHits.length === 1) { showSource(srcHits[0]); return; }
    renderResults();
  }
  input.addEventListener("input", renderResults);
  input.addEventListener("blur", function () { results.hidden = true; });
  input.addEventListener("focus", function () { if (norm(input.value)) { renderResults(); } });
  // Enter and the Find button work without submitting the form (sandboxed notebook frames block forms).
  input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); find(); } });
  document.getElementById("kkg-find").addEventListener("click", find);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); find(); });

  // ------------------------------------------------------------------ paths and initial focus
  var pathsBox = document.getElementById("kkg-paths");
  function showPath(path) {
    var keepNodes = new Set(path.nodes), keepEdges = new Set();
    path.steps.forEach(function (s) { if (s.edge !== null && s.edge !== undefined) { keepEdges.add(s.edge); } });
    highlight(keepNodes, keepEdges);
    network.selectNodes(path.nodes);
    network.fit({ nodes: path.nodes, animation: false });
  }
  function pathList(paths) {
    var ol = el("ol", "kkg-path-list");
    paths.forEach(function (path, p) {
      var li = el("li", "kkg-path");
      li.dataset.path = String(p);
      var head = el("button", "kkg-link kkg-path-head", displayName(path.nodes[0]) + " → " + displayName(path.nodes[path.nodes.length - 1]));
      head.type = "button";
      head.addEventListener("click", function () { showPath(path); });
      li.appendChild(head);
      var ev = evByKey[path.grade];
      if (path.grade) { li.appendChild(badge("weakest: " + vocabLabel("evidence_level", path.grade), ev ? ev.color : "#777")); }
      var steps = el("ol", "kkg-steps");
      path.steps.forEach(function (s) {
        var step = el("li", s.outcome ? "kkg-step kkg-outcome" : "kkg-step");
        var sev = evByKey[s.evidence];
        if (s.outcome) { step.appendChild(el("span", "kkg-muted", "and clinically: " + displayName(s.from) + " ")); }
        step.appendChild(el("em", null, s.relation + " "));
        step.appendChild(nodeButton(s.to));
        step.appendChild(el("span", null, " "));
        step.appendChild(badge(vocabLabel("evidence_level", s.evidence || ""), sev ? sev.color : "#999"));
        steps.appendChild(step);
      });
      li.appendChild(steps);
      ol.appendChild(li);
    });
    return ol;
  }
  var PATH_HINT = "Best evidence first; each step names its relation and evidence. Click a path to show it.";
  if (data.paths && data.paths.length) {
    pathsBox.appendChild(el("h3", null, "Mechanism paths (" + data.paths.length + ")"));
    pathsBox.appendChild(el("p", "kkg-hint", PATH_HINT));
    pathsBox.appendChild(pathList(data.paths));
  } else if (data.mechanisms && data.mechanisms.length) {
    // The same path search as `render --path`, run for each main drug and the conditions it treats.
    pathsBox.appendChild(el("h3", null, "Mechanism paths"));
    var chooser = el("select");
    chooser.id = "kkg-mechanism";
    chooser.setAttribute("aria-label", "Drug and condition");
    chooser.appendChild(el("option", null, "Choose a drug and condition…"));
    data.mechanisms.forEach(function (m, i) {
      var o = el("option", null, displayName(m.from) + " → " + displayName(m.to) + " (" + m.paths.length + ")");
      o.value = String(i);
      chooser.appendChild(o);
    });
    var mechBox = el("div");
    chooser.addEventListener("change", function () {
      clear(mechBox);
      var m = data.mechanisms[Number(chooser.value)];
      if (!m) { return; }
      if (state.onlySet !== null) {
        m.paths.forEach(function (p) { p.nodes.forEach(function (n) { state.onlySet.add(n); }); });
        applyFilters();
        showOverviewLine();
      }
      mechBox.appendChild(el("p", "kkg-hint", PATH_HINT));
      mechBox.appendChild(pathList(m.paths));
      showPath(m.paths[0]);
    });
    pathsBox.appendChild(chooser);
    pathsBox.appendChild(mechBox);
  }
  if (data.focus !== null && data.focus !== undefined) { showNode(data.focus); }

  // ------------------------------------------------------------------ view tools: fit, reset, only, hide
  function applyVisibility() {
    applyFilters();
    relayout();
  }
  // After a filter, what stays visible is laid out again (bounded physics on small views) and fitted.
  function relayout() {
    var ids = visibleIds();
    if (!data.large && ids.length <= 300) {
      network.setOptions({ physics: { enabled: true } });
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        network.fit({ nodes: visibleIds(), animation: false });
      });
      network.stabilize(150);
    }
    network.fit({ nodes: ids, animation: false });
  }
  function visibleIds() { return data.nodes.filter(function (n) { return !state.nodeHidden[n.id]; }).map(function (n) { return n.id; }); }
  document.getElementById("kkg-fit").addEventListener("click", function () { network.fit({ nodes: visibleIds(), animation: false }); });
  document.getElementById("kkg-reset").addEventListener("click", function () {
    state.manualHidden.clear(); state.onlySet = null; state.hiddenCats.clear(); state.hiddenEv.clear(); state.hiddenRel.clear();
    legend.querySelectorAll("li").forEach(function (li) { li.classList.remove("kkg-off"); });
    evLegend.querySelectorAll("li").forEach(function (li) { li.classList.remove("kkg-off"); });
    relList.querySelectorAll("input").forEach(function (box) { box.checked = true; });
    clearSelection();
    applyVisibility();
  });
  document.getElementById("kkg-only").addEventListener("click", function () {
    if (!state.keepNodes) { return; }
    state.onlySet = new Set(state.keepNodes);
    applyVisibility();
  });
  document.getElementById("kkg-hide").addEventListener("click", function () {
    if (!state.selected || state.selected.node === undefined) { return; }
    state.manualHidden.add(state.selected.node);
    clearSelection();
    applyVisibility();
  });

  // Legend and panel collapse (narrow windows start with the legend collapsed).
  function collapsible(buttonId, bodyClass) {
    var button = document.getElementById(buttonId);
    function set(open) {
      document.body.classList.toggle(bodyClass, !open);
      button.setAttribute("aria-pressed", String(open));
      network.redraw();
    }
    button.addEventListener("click", function () { set(document.body.classList.contains(bodyClass)); });
    return set;
  }
  var setSidebar = collapsible("kkg-toggle-sidebar", "kkg-no-sidebar");
  var setPanel = collapsible("kkg-toggle-panel", "kkg-no-panel");
  if (window.innerWidth <= 1100) { setSidebar(false); }

  // ------------------------------------------------------------------ claims browser
  var claimsBox = document.getElementById("kkg-claims");
  var claims = {}, claimAbout = {};
  info.nodes.forEach(function (d, id) {
    (d.claims || []).forEach(function (c) {
      claims[c.id] = c;
      (claimAbout[c.id] = claimAbout[c.id] || []).push(id);
    });
  });
  var claimIds = Object.keys(claims).sort();
  function renderClaims(status) {
    clear(claimsBox);
    claimsBox.appendChild(el("h3", null, "Claims of the source article (" + claimIds.length + ")"));
    var select = el("select");
    select.id = "kkg-claim-status";
    select.setAttribute("aria-label", "Filter claims by status");
    [""].concat(Object.keys(vocab.claim_status || {}).sort()).forEach(function (k) {
      var o = el("option", null, k ? vocabLabel("claim_status", k) : "all statuses");
      o.value = k;
      if (k === status) { o.selected = true; }
      select.appendChild(o);
    });
    select.addEventListener("change", function () { renderClaims(select.value); });
    claimsBox.appendChild(select);
    var ul = el("ul", "kkg-claim-list");
    claimIds.filter(function (k) { return !status || claims[k].status === status; }).forEach(function (k) {
      var c = claims[k], li = el("li", "kkg-claim");
      li.dataset.claim = k;
      li.dataset.status = c.status;
      li.appendChild(el("strong", null, c.label + " "));
      li.appendChild(el("span", "kkg-tag", vocabLabel("claim_status", c.status)));
      if (c.statement) { li.appendChild(el("div", null, c.statement)); }
      if (c.correction) { li.appendChild(el("div", "kkg-muted", "Evidence: " + c.correction)); }
      var about = el("div", "kkg-muted", "About: ");
      (claimAbout[k] || []).forEach(function (id, i) { if (i) { about.appendChild(el("span", null, ", ")); } about.appendChild(nodeButton(id)); });
      li.appendChild(about);
      if (c.decided_by && c.decided_by.length) {
        var dec = el("ul", "kkg-sources");
        c.decided_by.forEach(function (src) { dec.appendChild(sourceItem(src)); });
        li.appendChild(el("div", "kkg-muted", "Decided by:"));
        li.appendChild(dec);
      }
      ul.appendChild(li);
    });
    claimsBox.appendChild(ul);
  }
  document.getElementById("kkg-claims-btn").addEventListener("click", function () {
    claimsBox.hidden = !claimsBox.hidden;
    if (!claimsBox.hidden) { renderClaims(""); claimsBox.scrollIntoView(); }
  });

  // ------------------------------------------------------------------ state in the URL (#focus=..&depth=..&node=..)
  function nodeKey(id) { return info.nodes[id].curie || info.nodes[id].label; }
  function writeHash() {
    var parts = [];
    if (state.urlFocus) { parts.push("focus=" + encodeURIComponent(state.urlFocus.key), "depth=" + state.urlFocus.depth); }
    if (state.selected && state.selected.node !== undefined) { parts.push("node=" + encodeURIComponent(nodeKey(state.selected.node))); }
    try { history.replaceState(null, "", "#" + parts.join("&")); } catch (err) { /* sandboxed frames may refuse */ }
  }
  function lookup(text) {
    var hits = search(text);
    return hits.length && hits[0].rank <= 1 ? hits[0].id : null;
  }
  function neighbourhood(id, depth) {
    var seen = new Set([id]), frontier = [id];
    for (var d = 0; d < depth; d += 1) {
      var next = [];
      frontier.forEach(function (n) {
        network.getConnectedNodes(n).forEach(function (m) { if (!seen.has(m)) { seen.add(m); next.push(m); } });
      });
      frontier = next;
    }
    return seen;
  }
  function readHash() {
    var params = {};
    String(location.hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) { try { params[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1)); } catch (err) { /* ignore */ } }
    });
    if (params.focus) {
      var id = lookup(params.focus), raw = parseInt(params.depth, 10), depth = isNaN(raw) ? 1 : Math.max(0, Math.min(6, raw));
      if (id !== null) {
        state.urlFocus = { key: nodeKey(id), depth: depth };
        state.onlySet = neighbourhood(id, depth);
        applyVisibility();
        selectNode(id);
      }
    }
    if (params.node) { var sel = lookup(params.node); if (sel !== null) { focusNode(sel); } }
  }

  // ------------------------------------------------------------------ export the current view (PNG, SVG)
  function download(name, url) {
    var a = el("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
  }
  function pngURL() { return container.querySelector("canvas").toDataURL("image/png"); }
  function svgText() {
    var pos = network.getPositions(), ids = visibleIds(), shown = new Set(ids);
    var xs = ids.map(function (i) { return pos[i].x; }), ys = ids.map(function (i) { return pos[i].y; });
    var minX = Math.min.apply(null, xs.concat([0])) - 80, minY = Math.min.apply(null, ys.concat([0])) - 40;
    var w = Math.max.apply(null, xs.concat([0])) - minX + 80, h = Math.max.apply(null, ys.concat([0])) - minY + 40;
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("xmlns", SVGNS);
    svg.setAttribute("viewBox", [minX, minY, w, h].join(" "));
    svg.setAttribute("font-family", "sans-serif");
    data.edges.forEach(function (e) {
      if (state.edgeHidden[e.id] || !shown.has(e.from) || !shown.has(e.to)) { return; }
      var line = document.createElementNS(SVGNS, "line");
      line.setAttribute("x1", pos[e.from].x); line.setAttribute("y1", pos[e.from].y);
      line.setAttribute("x2", pos[e.to].x); line.setAttribute("y2", pos[e.to].y);
      line.setAttribute("stroke", e.color); line.setAttribute("stroke-width", String(e.width));
      if (e.dashes) { line.setAttribute("stroke-dasharray", e.dashes.join(",")); }
      svg.appendChild(line);
    });
    ids.forEach(function (i) {
      var n = data.nodes[i], c = document.createElementNS(SVGNS, "circle");
      c.setAttribute("cx", pos[i].x); c.setAttribute("cy", pos[i].y); c.setAttribute("r", String(n.size / 2 + 3));
      c.setAttribute("fill", typeof n.color === "string" ? n.color : n.color.background);
      svg.appendChild(c);
      var t = document.createElementNS(SVGNS, "text");
      t.setAttribute("x", pos[i].x); t.setAttribute("y", pos[i].y + n.size / 2 + 16);
      t.setAttribute("text-anchor", "middle"); t.setAttribute("font-size", "13");
      t.textContent = n.label;
      svg.appendChild(t);
    });
    return new XMLSerializer().serializeToString(svg);
  }
  document.getElementById("kkg-png").addEventListener("click", function () { download("ketamine-kg-view.png", pngURL()); });
  document.getElementById("kkg-svg").addEventListener("click", function () {
    download("ketamine-kg-view.svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText()));
  });
  window.addEventListener("hashchange", readHash);

  // ------------------------------------------------------------------ start small, expand, pin, layouts
  var overviewLine = document.getElementById("kkg-overview");
  function showOverviewLine() {
    var shown = visibleIds().length;
    overviewLine.hidden = state.onlySet === null;
    overviewLine.textContent = "Showing " + shown + " of " + data.nodes.length +
      " entities. Double-click a node (or Expand) to add its neighbours; Show all draws everything.";
  }
  function expand(id) {
    if (state.onlySet === null) { return; }
    network.getConnectedNodes(id).forEach(function (n) { state.onlySet.add(n); });
    state.onlySet.add(id);
    applyVisibility();
    showOverviewLine();
  }
  network.on("doubleClick", function (p) { if (p.nodes.length) { expand(p.nodes[0]); } });
  document.getElementById("kkg-expand").addEventListener("click", function () {
    if (state.selected && state.selected.node !== undefined) { expand(state.selected.node); }
  });
  document.getElementById("kkg-all").addEventListener("click", function () {
    state.onlySet = null; state.urlFocus = null;
    applyVisibility(); showOverviewLine(); writeHash();
  });
  var pinButton = document.getElementById("kkg-pin");
  pinButton.addEventListener("click", function () {
    if (!state.selected || state.selected.node === undefined) { return; }
    var id = state.selected.node, pin = !state.pinned.has(id);
    if (pin) { state.pinned.add(id); } else { state.pinned.delete(id); }
    nodes.update({ id: id, fixed: { x: pin, y: pin } });
    pinButton.setAttribute("aria-pressed", String(pin));
  });
  function place(positions) {
    network.setOptions({ physics: { enabled: false } });
    Object.keys(positions).forEach(function (id) { network.moveNode(Number(id), positions[id].x, positions[id].y); });
    network.fit({ nodes: Object.keys(positions).map(Number), animation: false });
  }
  // Rings around the selected node (or the best-connected visible one): ring k holds nodes k steps away.
  function concentric() {
    var ids = visibleIds(), shown = new Set(ids);
    if (!ids.length) { return; }
    var centre = state.selected && state.selected.node !== undefined && shown.has(state.selected.node) ? state.selected.node :
      ids.slice().sort(function (a, b) { return network.getConnectedNodes(b).length - network.getConnectedNodes(a).length || a - b; })[0];
    var ring = new Map([[centre, 0]]), frontier = [centre], rings = [[centre]];
    while (frontier.length) {
      var next = [];
      frontier.forEach(function (n) {
        network.getConnectedNodes(n).forEach(function (m) {
          if (shown.has(m) && !ring.has(m)) { ring.set(m, rings.length); next.push(m); }
        });
      });
      if (next.length) { rings.push(next.sort(function (a, b) { return a - b; })); }
      frontier = next;
    }
    var rest = ids.filter(function (i) { return !ring.has(i); });
    if (rest.length) { rings.push(rest); }
    var positions = {};
    rings.forEach(function (members, k) {
      var radius = k * Math.max(160, members.length * 9);
      members.forEach(function (id, i) {
        var angle = 2 * Math.PI * i / members.length;
        positions[id] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
      });
    });
    place(positions);
  }
  // The metabolism tree top-down: parent drugs above their metabolites (asserted has-metabolite steps).
  function metabolismTree() {
    var children = {}, parents = {}, members = new Set();
    data.edges.forEach(function (e) {
      var d = info.edges[e.id];
      if (d.inferred || !/[#\/]hasMetabolite$/.test(d.predicate || "")) { return; }
      (children[e.from] = children[e.from] || []).push(e.to);
      parents[e.to] = true;
      members.add(e.from); members.add(e.to);
    });
    if (!members.size) { return; }
    state.onlySet = new Set(members);
    applyFilters();
    showOverviewLine();
    var level = {}, queue = [];
    members.forEach(function (m) { if (!parents[m]) { level[m] = 0; queue.push(m); } });
    while (queue.length) {
      var n = queue.shift();
      (children[n] || []).forEach(function (c) {
        if (level[c] === undefined || level[c] < level[n] + 1) { level[c] = level[n] + 1; if (level[c] < members.size) { queue.push(c); } }
      });
    }
    var rows = {};
    Object.keys(level).sort(function (a, b) { return a - b; }).forEach(function (id) { (rows[level[id]] = rows[level[id]] || []).push(Number(id)); });
    var positions = {};
    Object.keys(rows).forEach(function (k) {
      rows[k].forEach(function (id, i) { positions[id] = { x: (i - (rows[k].length - 1) / 2) * 190, y: Number(k) * 150 }; });
    });
    place(positions);
  }
  document.getElementById("kkg-layout").addEventListener("change", function (ev) {
    var value = ev.target.value;
    if (value === "concentric") { concentric(); }
    else if (value === "metabolism") { metabolismTree(); }
    else { place(data.nodes.reduce(function (acc, n) { if (!state.nodeHidden[n.id]) { acc[n.id] = { x: n.x, y: n.y }; } return acc; }, {})); }
  });

  if (data.overview && !/focus=|node=/.test(String(location.hash || ""))) {
    state.onlySet = new Set(data.overview);
    applyVisibility();
  }
  readHash();
  showOverviewLine();

  window.kkg = {
    network: network, nodes: nodes, edges: edges, data: data, state: state,
    setSidebar: setSidebar, setPanel: setPanel,
    search: search, norm: norm, suggestions: suggestions, score: score, labelBoxes: function () { return state.placedLabels; }, expand: expand, concentric: concentric, metabolismTree: metabolismTree, svgText: svgText, pngURL: pngURL, focusNode: focusNode, showPath: showPath, isDimmed: isDimmed, selectNode: selectNode, selectEdge: selectEdge,
    visibleCounts: function () {
      return {
        nodes: state.nodeHidden.filter(function (h) { return !h; }).length,
        edges: state.edgeHidden.filter(function (h) { return !h; }).length
      };
    }
  };
}());
