"""A fixture source dir with a long generated metabolite chain: the reasoner's worst case here."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import append_row

__all__ = ["make_chain_source"]


def make_chain_source(template: Path, target: Path, links: int) -> Path:
    """Copy ``template`` to ``target`` and add metabolites m1..m<links>, each a metabolite of the one before.

    HermiT infers the transitive closure of downstream metabolites and every inverse: about links² facts.
    """
    shutil.copytree(template, target)
    previous = "dehydronorketamine"
    for i in range(1, links + 1):
        name = f"chain_metabolite_{i}"
        append_row(
            target,
            "entities",
            {
                "id": name,
                "category": "metabolite",
                "label": f"chain metabolite {i}",
                "definition": f"Generated metabolite number {i} of a long test chain.",
                "definition_source": "src_zanos2018",
            },
        )
        append_row(
            target,
            "relations",
            {
                "id": f"R9{i:04d}",
                "subject": previous,
                "predicate": "hasMetabolite",
                "object": name,
                "evidence": "preclinical",
                "sources": "src_zanos2018",
            },
        )
        previous = name
    return target
