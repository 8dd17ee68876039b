// Read a GEXF file with graphology-gexf (what sigma.js apps use) and print what arrived, as JSON.
"use strict";
const fs = require("fs");
const Graph = require("graphology");
const gexf = require("graphology-gexf");

const graph = gexf.parse(Graph, fs.readFileSync(process.argv[2], "utf-8"), { allowUndeclaredAttributes: false });
const nodeNames = new Set();
graph.forEachNode((_node, attributes) => Object.keys(attributes).forEach((name) => nodeNames.add(name)));
const edgeNames = new Set();
graph.forEachEdge((_edge, attributes) => Object.keys(attributes).forEach((name) => edgeNames.add(name)));
const first = graph.nodes().sort()[0];
process.stdout.write(
  JSON.stringify({
    order: graph.order,
    size: graph.size,
    multi: graph.multi,
    nodeAttributes: [...nodeNames].sort(),
    edgeAttributes: [...edgeNames].sort(),
    sample: { id: first, attributes: graph.getNodeAttributes(first) },
  }) + "\n",
);
