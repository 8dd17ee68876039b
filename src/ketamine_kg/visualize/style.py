"""Colours and shapes per category and per evidence level (one place, so legend and drawing agree)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EVIDENCE_STYLES", "CategoryStyle", "EdgeStyle", "category_styles", "edge_style"]


@dataclass(frozen=True)
class CategoryStyle:
    """How nodes of one category are drawn."""

    color: str
    shape: str


@dataclass(frozen=True)
class EdgeStyle:
    """How edges of one evidence level are drawn: colour, width and dash pattern (empty: solid).

    The three differ for every level, so the levels stay apart without colour vision too.
    """

    label: str
    color: str
    width: float
    dashes: tuple[int, ...]


#: Known categories first, in legend order (chemicals, targets, processes, clinical).
_KNOWN: dict[str, CategoryStyle] = {
    "drug": CategoryStyle("#d62728", "diamond"),
    "metabolite": CategoryStyle("#ff7f0e", "triangle"),
    "chemical": CategoryStyle("#bcbd22", "triangle"),
    "chemical_role": CategoryStyle("#8c564b", "triangleDown"),
    "receptor": CategoryStyle("#1f77b4", "square"),
    "protein": CategoryStyle("#17becf", "square"),
    "enzyme": CategoryStyle("#9467bd", "hexagon"),
    "reaction": CategoryStyle("#c5b0d5", "hexagon"),
    "pathway": CategoryStyle("#2ca02c", "dot"),
    "cell_type": CategoryStyle("#7f7f7f", "dot"),
    "condition": CategoryStyle("#e377c2", "star"),
    "adverse_effect": CategoryStyle("#ad494a", "triangleDown"),
    "therapy": CategoryStyle("#98df8a", "diamond"),
    "clinical_trial": CategoryStyle("#6b6ecf", "square"),
}
_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
)  # fmt: skip
_SHAPES = ("dot", "square", "diamond", "triangle", "triangleDown", "hexagon", "star")

#: Evidence level -> edge style (Okabe-Ito colours, safe for the common colour-vision deficiencies,
#: plus distinct widths and dash patterns). "" is an edge without provenance (generic RDF).
EVIDENCE_STYLES: dict[str, EdgeStyle] = {
    "clinical": EdgeStyle("clinical", "#0072B2", 4.0, ()),
    "preclinical": EdgeStyle("preclinical", "#009E73", 2.5, ()),
    "in_vitro": EdgeStyle("in vitro", "#E69F00", 2.5, (2, 4)),
    "hypothesis": EdgeStyle("hypothesis", "#CC79A7", 2.0, (12, 6)),
    "article_claim": EdgeStyle("article claim", "#D55E00", 2.0, (2, 3, 8, 3)),
    "reference": EdgeStyle("reference data", "#666666", 1.5, ()),
    "inferred": EdgeStyle("inferred by the reasoner", "#56B4E9", 1.5, (6, 4)),
    "": EdgeStyle("no evidence recorded", "#AAAAAA", 1.0, ()),
}


def category_order(codes: set[str]) -> list[str]:
    """Known categories in their fixed order, then the others alphabetically."""
    return [c for c in _KNOWN if c in codes] + sorted(codes - _KNOWN.keys())


def category_styles(codes: set[str]) -> dict[str, CategoryStyle]:
    """A style for every category code: fixed for known ones, a deterministic cycle for the rest."""
    styles: dict[str, CategoryStyle] = {}
    extra = 0
    for code in category_order(codes):
        if code in _KNOWN:
            styles[code] = _KNOWN[code]
        else:
            styles[code] = CategoryStyle(
                _PALETTE[extra % len(_PALETTE)], _SHAPES[(extra // len(_PALETTE)) % len(_SHAPES)]
            )
            extra += 1
    return styles


def edge_style(evidence: str, inferred: bool) -> tuple[str, EdgeStyle]:
    """The legend key and style for an edge."""
    key = "inferred" if inferred else (evidence if evidence in EVIDENCE_STYLES else "")
    return key, EVIDENCE_STYLES[key]
