"""The outputs of a text check: JSON (the contract), Turtle of kkg:Claim records, claims.tsv rows, a table."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from ketamine_kg.graph_build.serialize import to_turtle as serialize_turtle
from ketamine_kg.textcheck.model import Claim, Result
from ketamine_kg.vocab import ID_NS, PREFIXES, SCHEMA_NS

__all__ = ["STATUS_OF_VERDICT", "claim_id", "to_json", "to_table_rows", "to_tsv", "to_turtle"]

OA = Namespace("http://www.w3.org/ns/oa#")
KKG = Namespace(SCHEMA_NS)
KG = Namespace(ID_NS)
#: the claim status a verdict proposes (claims.tsv vocabulary); a curator confirms it
STATUS_OF_VERDICT = {
    "supported": "supported",
    "qualified": "qualified",
    "contradicted": "refuted",
    "not_in_graph": "hypothesis",
}
TSV_COLUMNS = (
    "id",
    "label",
    "statement",
    "section",
    "status",
    "about",
    "decided_by",
    "correction",
    "error_code",
    "claim_subject",
    "claim_predicate",
    "claim_object",
    "note",
)


def document_hash(result: Result) -> str:
    return hashlib.sha256(result.document.text.encode("utf-8")).hexdigest()


def claim_id(result: Result, claim: Claim) -> str:
    """A stable id: the same claim of the same text always gets the same id."""
    digest = hashlib.sha256(
        f"{document_hash(result)}|{claim.start}|{claim.end}|{claim.subject}|{claim.predicate}|{claim.object}".encode()
    ).hexdigest()[:10]
    return f"claim_check_{digest}"


def to_dict(result: Result) -> dict[str, Any]:
    doc = result.document
    return {
        "document": {
            "path": doc.path,
            "format": doc.format,
            "sha256": document_hash(result),
            "text": doc.text,
        },
        "sentences": [
            {"index": s.index, "start": s.start, "end": s.end, "text": s.text} for s in result.sentences
        ],
        "mentions": [
            {"start": m.start, "end": m.end, "text": m.text, "entity": m.entity, "category": m.category}
            for m in result.mentions
        ],
        "claims": [
            {
                "sentence": c.sentence,
                "start": c.start,
                "end": c.end,
                "subject": c.subject,
                "predicate": c.predicate,
                "object": c.object or None,
                "negated": c.negated,
                "hedged": c.hedged,
                "framing": c.framing or None,
                "trigger": c.trigger,
                "verdict": c.verdict,
                "reason": c.reason,
                "sources": list(c.sources),
                "recorded_claim": c.recorded_claim,
                **(
                    {
                        "quantity": {
                            "kind": c.quantity_kind,
                            "min": c.value[0],
                            "max": c.value[1],
                            "unit": c.unit,
                        }
                    }
                    if c.value is not None
                    else {}
                ),
            }
            for c in result.claims
        ],
        "suggestions": [
            {"start": x.start, "end": x.end, "text": x.text, "entity": x.entity, "score": x.score}
            for x in result.suggestions
        ],
        "summary": {v: sum(c.verdict == v for c in result.claims) for v in STATUS_OF_VERDICT},
    }


def to_json(result: Result) -> str:
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"


def describe(claim: Claim) -> str:
    """A claim in one line: "s p o", or "s quantity kind=value unit"."""
    if claim.quantity_kind:
        return f"{claim.subject} {claim.quantity_kind} = {claim.trigger}"
    return f"{claim.subject} {claim.predicate} {claim.object}"


def _sentence_text(result: Result, claim: Claim) -> str:
    return " ".join(result.sentences[claim.sentence].text.split())


def to_turtle(result: Result) -> str:
    """kkg:Claim records: text, character offsets (Web Annotation selector), proposed status, sources."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("oa", OA)
    doc = KG[f"doc_{document_hash(result)[:16]}"]
    g.add((doc, RDF.type, KKG.Source))
    g.add((doc, RDFS.label, Literal(result.document.path)))
    g.add((doc, DCTERMS.identifier, Literal(f"sha256:{document_hash(result)}")))
    for claim in result.claims:
        node = KG[claim_id(result, claim)]
        g.add((node, RDF.type, KKG.Claim))
        g.add((node, RDFS.label, Literal(describe(claim))))
        g.add((node, KKG.statement, Literal(_sentence_text(result, claim))))
        g.add((node, KKG.claimStatus, Literal(STATUS_OF_VERDICT[claim.verdict])))
        g.add((node, DCTERMS.source, doc))
        if claim.object:
            g.add((node, KKG.claimSubject, KG[claim.subject]))
            g.add((node, KKG.claimPredicate, URIRef(SCHEMA_NS + claim.predicate)))
            g.add((node, KKG.claimObject, KG[claim.object]))
        for entity in sorted({claim.subject, claim.object} - {""}):
            g.add((node, KKG.isAbout, KG[entity]))
        for source in claim.sources:
            g.add((node, KKG.decidedBy, KG[source]))
        g.add((node, RDFS.comment, Literal(f"{claim.verdict}: {claim.reason}")))
        selector = BNode(f"sel_{claim_id(result, claim)}")
        g.add((node, OA.hasSelector, selector))
        g.add((selector, RDF.type, OA.TextPositionSelector))
        g.add((selector, OA.start, Literal(claim.start, datatype=XSD.nonNegativeInteger)))
        g.add((selector, OA.end, Literal(claim.end, datatype=XSD.nonNegativeInteger)))
    return serialize_turtle(g).decode("utf-8")


def _cell(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def to_tsv(result: Result) -> str:
    """Rows shaped like claims.tsv: a curator fills in the correction, then the loader accepts them."""
    lines = ["\t".join(TSV_COLUMNS)]
    for claim in result.claims:
        row = {
            "id": claim_id(result, claim),
            "label": describe(claim),
            "statement": _sentence_text(result, claim),
            "section": result.document.path,
            "status": STATUS_OF_VERDICT[claim.verdict],
            "about": "|".join(sorted({claim.subject, claim.object} - {""})),
            "decided_by": "|".join(claim.sources),
            "correction": "",
            "error_code": "",
            "claim_subject": claim.subject if claim.object else "",
            "claim_predicate": claim.predicate if claim.object else "",
            "claim_object": claim.object,
            "note": f"check-text {claim.verdict}: {claim.reason}",
        }
        lines.append("\t".join(_cell(row[c]) for c in TSV_COLUMNS))
    return "\n".join(lines) + "\n"


def to_table_rows(result: Result) -> list[tuple[str, str, str, str, str]]:
    """(sentence, claim, verdict, why, sources) per claim, for the terminal."""
    rows = []
    for c in result.claims:
        flags = "".join((" [negated]" if c.negated else "", " [hedged]" if c.hedged else ""))
        rows.append(
            (
                _sentence_text(result, c),
                f"{describe(c)}{flags}",
                c.verdict,
                c.reason,
                ", ".join(c.sources),
            )
        )
    return rows
