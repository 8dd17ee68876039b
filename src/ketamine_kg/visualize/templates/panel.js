/* ketamine-kg explorer panels, independent of the drawing library: legend and filters, search, the
   details panel, the path list. A renderer calls window.kkgPanels(view) with accessors for its data.
   Every data-derived string reaches the page through textContent or DOM properties, never innerHTML. */
(function () {
  "use strict";
  window.kkgPanels = function (view) {
    // view: { vocab, categories, evidence, relations, paths, nodeCount, nodeInfo(id), nodeCat(id),
    //         edgeInfo(id), edgeEnds(id) -> {from, to, ev}, connectedEdges(id), focusNode(id),
    //         onFilter(), onPath(nodes) }
    var vocab = view.vocab || {};
    var catByKey = {}, evByKey = {};
    view.categories.forEach(function (c) { catByKey[c.key] = c; });
    view.evidence.forEach(function (e) { evByKey[e.key] = e; });
    var filters = { hiddenCats: new Set(), hiddenEv: new Set(), hiddenRel: new Set() };

    // ---------------------------------------------------------------- small DOM helpers (no innerHTML)
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
    function link(url, text) {
      if (typeof url !== "string" || !/^https?:\/\//i.test(url)) { return el("span", null, text); }
      var a = el("a", null, text);
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }
    function nodeButton(id) {
      var b = el("button", "kkg-link", view.nodeInfo(id).label);
      b.type = "button";
      b.addEventListener("click", function () { view.focusNode(id); });
      return b;
    }
    var SVGNS = "http://www.w3.org/2000/svg";
    function dotSwatch(color) {
      var svg = document.createElementNS(SVGNS, "svg");
      svg.setAttribute("width", "14"); svg.setAttribute("height", "14");
      svg.setAttribute("class", "kkg-swatch");
      var item = document.createElementNS(SVGNS, "circle");
      item.setAttribute("cx", "7"); item.setAttribute("cy", "7"); item.setAttribute("r", "6");
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
      if (ev.dashes) { line.setAttribute("stroke-dasharray", "5,3"); }
      svg.appendChild(line);
      return svg;
    }
    function badge(text, color) {
      var b = el("span", "kkg-badge", text);
      b.style.background = color;
      return b;
    }
    function toggle(set, key) { if (set.has(key)) { set.delete(key); } else { set.add(key); } }

    // ---------------------------------------------------------------- legend and filters
    var legend = document.getElementById("kkg-legend");
    view.categories.forEach(function (c) {
      var li = el("li");
      li.setAttribute("role", "button");
      li.tabIndex = 0;
      li.dataset.category = c.key;
      li.appendChild(dotSwatch(c.color));
      li.appendChild(el("span", "kkg-name", c.label));
      li.appendChild(el("span", "kkg-count", c.count));
      function flip() {
        toggle(filters.hiddenCats, c.key);
        li.classList.toggle("kkg-off", filters.hiddenCats.has(c.key));
        view.onFilter();
      }
      li.addEventListener("click", flip);
      li.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); flip(); } });
      legend.appendChild(li);
    });
    var evLegend = document.getElementById("kkg-evidence");
    view.evidence.forEach(function (e) {
      if (!e.count) { return; }
      var li = el("li");
      li.setAttribute("role", "button");
      li.tabIndex = 0;
      li.dataset.evidence = e.key;
      li.appendChild(lineSwatch(e));
      li.appendChild(el("span", "kkg-name", e.label));
      li.appendChild(el("span", "kkg-count", e.count));
      li.addEventListener("click", function () {
        toggle(filters.hiddenEv, e.key);
        li.classList.toggle("kkg-off", filters.hiddenEv.has(e.key));
        view.onFilter();
      });
      evLegend.appendChild(li);
    });
    var relList = document.getElementById("kkg-relations");
    view.relations.forEach(function (r) {
      var li = el("li");
      var label = el("label");
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.dataset.relation = r.key;
      box.addEventListener("change", function () {
        if (box.checked) { filters.hiddenRel.delete(r.key); } else { filters.hiddenRel.add(r.key); }
        view.onFilter();
      });
      label.appendChild(box);
      label.appendChild(el("span", null, r.label));
      label.appendChild(el("span", "kkg-count", r.count));
      li.appendChild(label);
      relList.appendChild(li);
    });
    function showCategory(key) {
      if (!filters.hiddenCats.has(key)) { return; }
      filters.hiddenCats.delete(key);
      legend.querySelectorAll("li").forEach(function (item) {
        if (item.dataset.category === key) { item.classList.remove("kkg-off"); }
      });
      view.onFilter();
    }

    // ---------------------------------------------------------------- details panel
    var details = document.getElementById("kkg-details");
    var HINT = "Click a node or a relation to see its definition, identifiers, evidence and sources.";
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
      if (q.evidence) { text += " · " + vocabLabel("evidence_level", q.evidence); }
      return text;
    }
    function quantityItems(ul, list) {
      list.forEach(function (q) {
        var li = el("li", null, quantityText(q));
        if (q.sources && q.sources.length) {
          li.appendChild(el("div", "kkg-muted", "Sources: " + q.sources.map(function (s) { return s.label; }).join("; ")));
        }
        ul.appendChild(li);
      });
    }
    function relationBlock(edgeId, perspective) {
      var e = view.edgeEnds(edgeId), d = view.edgeInfo(edgeId);
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
        box.appendChild(el("div", "kkg-muted", "Derived by the OWL reasoner from the asserted relations."));
      }
      return box;
    }
    var MAX_RELATIONS = 150;
    function showNode(id) {
      var d = view.nodeInfo(id);
      var cat = catByKey[view.nodeCat(id)];
      clear(details);
      details.dataset.node = String(id);
      delete details.dataset.edge;
      details.appendChild(el("h2", "kkg-heading", d.label));
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
      var connected = view.connectedEdges(id).slice().sort(function (a, b) { return a - b; });
      details.appendChild(el("h3", null, "Relations (" + connected.length + ")"));
      var outgoing = connected.filter(function (e) { return view.edgeEnds(e).from === id; });
      var incoming = connected.filter(function (e) { return view.edgeEnds(e).from !== id; });
      outgoing.concat(incoming).slice(0, MAX_RELATIONS).forEach(function (e) { details.appendChild(relationBlock(e, id)); });
      if (connected.length > MAX_RELATIONS) {
        details.appendChild(el("p", "kkg-muted", (connected.length - MAX_RELATIONS) + " more relations not listed."));
      }
    }
    function showEdge(id) {
      var e = view.edgeEnds(id), d = view.edgeInfo(id);
      clear(details);
      details.dataset.edge = String(id);
      delete details.dataset.node;
      details.appendChild(el("h2", "kkg-heading", view.nodeInfo(e.from).label + " " + d.predicate_label + " " + view.nodeInfo(e.to).label));
      details.appendChild(relationBlock(id, null));
    }
    function clearDetails() {
      clear(details);
      delete details.dataset.node;
      delete details.dataset.edge;
      details.appendChild(el("p", "kkg-hint", HINT));
    }

    // ---------------------------------------------------------------- tooltip
    var tooltip = document.getElementById("kkg-tooltip");
    function showTip(text, x, y) {
      tooltip.textContent = text;
      tooltip.style.left = (x + 14) + "px";
      tooltip.style.top = (y + 14) + "px";
      tooltip.hidden = false;
    }
    function hideTip() { tooltip.hidden = true; }
    function nodeTip(id) {
      var cat = catByKey[view.nodeCat(id)];
      return view.nodeInfo(id).label + "\n" + (cat ? cat.label : "");
    }
    function edgeTip(id) {
      var e = view.edgeEnds(id), ev = evByKey[e.ev];
      return view.nodeInfo(e.from).label + " " + view.edgeInfo(id).predicate_label + " " + view.nodeInfo(e.to).label + "\n" + (ev ? ev.label : "");
    }

    // ---------------------------------------------------------------- search (index built on first use)
    function norm(text) { return String(text || "").toLowerCase().replace(/_/g, " ").replace(/\s+/g, " ").trim(); }
    var index = null;
    function searchIndex() {
      if (index) { return index; }
      index = [];
      for (var id = 0; id < view.nodeCount; id += 1) {
        var d = view.nodeInfo(id);
        index.push({
          label: norm(d.label),
          synonyms: (d.synonyms || []).map(norm),
          ids: (d.identifiers || []).map(function (i) { return norm(i.curie); }).concat([norm(d.curie)])
        });
      }
      return index;
    }
    function search(query) {
      var q = norm(query);
      if (!q) { return []; }
      var entries = searchIndex(), hits = [];
      entries.forEach(function (entry, id) {
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
      hits.sort(function (a, b) { return a.rank - b.rank || (entries[a.id].label < entries[b.id].label ? -1 : entries[a.id].label > entries[b.id].label ? 1 : a.id - b.id); });
      return hits.slice(0, 25);
    }
    var form = document.getElementById("kkg-search");
    var input = document.getElementById("kkg-search-input");
    var results = document.getElementById("kkg-search-results");
    function renderResults() {
      var hits = search(input.value);
      clear(results);
      if (!norm(input.value)) { results.hidden = true; return; }
      if (!hits.length) { results.appendChild(el("li", "kkg-none", "No entity matches.")); }
      hits.forEach(function (h, i) {
        var cat = catByKey[view.nodeCat(h.id)];
        var li = el("li", i === 0 ? "kkg-active" : null);
        li.setAttribute("role", "option");
        li.dataset.node = String(h.id);
        li.appendChild(el("span", null, view.nodeInfo(h.id).label));
        li.appendChild(el("span", "kkg-muted", " " + (cat ? cat.label : "") + (h.via ? " · synonym " + h.via : "")));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(h.id); });
        results.appendChild(li);
      });
      results.hidden = false;
    }
    function pick(id) {
      results.hidden = true;
      view.focusNode(id);
    }
    input.addEventListener("input", renderResults);
    input.addEventListener("blur", function () { results.hidden = true; });
    input.addEventListener("focus", function () { if (norm(input.value)) { renderResults(); } });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var hits = search(input.value);
      if (hits.length) { pick(hits[0].id); } else { renderResults(); }
    });

    // ---------------------------------------------------------------- paths
    var pathsBox = document.getElementById("kkg-paths");
    if (view.paths && view.paths.length) {
      pathsBox.appendChild(el("h3", null, "Paths (" + view.paths.length + ")"));
      var ol = el("ol", "kkg-path-list");
      view.paths.forEach(function (path) {
        var li = el("li");
        var b = el("button", "kkg-link", path.map(function (n) { return view.nodeInfo(n).label; }).join(" → "));
        b.type = "button";
        b.addEventListener("click", function () { view.onPath(path); });
        li.appendChild(b);
        ol.appendChild(li);
      });
      pathsBox.appendChild(ol);
    }

    return {
      filters: filters, showNode: showNode, showEdge: showEdge, clearDetails: clearDetails, search: search,
      showCategory: showCategory, showTip: showTip, hideTip: hideTip, nodeTip: nodeTip, edgeTip: edgeTip
    };
  };
}());
