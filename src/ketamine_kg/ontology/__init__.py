"""Curated tables -> validated records -> OWL ontology (owlready2) -> HermiT. The only home of owlready2."""
