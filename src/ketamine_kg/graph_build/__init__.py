"""From the OWL ontology to RDF graphs, serialisations, exports and the network projection."""
