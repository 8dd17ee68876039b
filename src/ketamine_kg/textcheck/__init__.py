"""Check an article, abstract or web page against the graph: mentions, relation claims, verdicts.

Needs the optional ``text`` extra (spaCy and its small English model, pyahocorasick, trafilatura, pypdf);
nothing else of the package imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ketamine_kg.textcheck.check import TextChecker

__all__ = ["TextChecker"]


def __getattr__(name: str) -> object:
    if name == "TextChecker":
        from ketamine_kg.textcheck.check import TextChecker

        return TextChecker
    raise AttributeError(name)
