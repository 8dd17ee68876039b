"""Names as people type them: one normalisation for every lookup, and ranked suggestions.

``name_key`` folds the differences that do not change what a name means: case, accents, hyphens,
spaces and punctuation, Greek letters written out or not (``α``/``alpha``, ``µ``/``mu``), and
British/American spelling (``anaesthetic``/``anesthetic``, ``signalling``/``signaling``,
``haemorrhage``/``hemorrhage``, ``randomised``/``randomized``, ``tumour``/``tumor``). Two names with
the same key name the same thing. The rules are plain data (``KEY_RULES``) so that a page's search can
apply the very same ones in JavaScript.

``suggest`` ranks candidate names with rapidfuzz and prefers the closest whole word: ``depresion``
suggests ``depression`` before ``bipolar depression``.

>>> name_key("Treatment resistant depression") == name_key("treatment-resistant depression")
True
>>> name_key("TNF-α") == name_key("TNF alpha")
True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["GREEK", "KEY_RULES", "SEPARATORS", "name_key", "normalise_name", "page_rules", "suggest"]

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "µ": "mu",  # the micro sign, which looks the same
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}
# (pattern, replacement) applied in order to the lower-case, space-separated words; British to American.
# Written so that JavaScript reads them as they are (``$1`` is the first group), for the explorer's search.
KEY_RULES: tuple[tuple[str, str], ...] = (
    (r"aesth", "esth"),
    (r"aemia", "emia"),
    (r"haem", "hem"),
    (r"oedem", "edem"),
    (r"oesoph", "esoph"),
    (r"oestr", "estr"),
    (r"paed", "ped"),
    (r"diarrhoea", "diarrhea"),
    (r"oea\b", "ea"),
    (r"([a-z]{2})our\b", "$1or"),
    (r"([aeiou])ll(ing|ed|er)\b", "$1l$2"),
    (r"is(ation|ations|e|es|ed|ing|er|ers)\b", "iz$1"),
    (r"yse\b", "yze"),
    (r"tre\b", "ter"),
)
SEPARATORS = r"[\s\-‐‑‒–—_/,.;:'’\"()\[\]{}+]+"  # any run of these splits two words


def normalise_name(text: str) -> str:
    """Lower case, no accents, Greek letters spelt out, words split at any punctuation, American spelling."""
    text = "".join(f" {GREEK[ch]} " if ch in GREEK else ch for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    words = " ".join(re.sub(SEPARATORS, " ", text).split())
    for pattern, replacement in KEY_RULES:
        words = re.sub(pattern, re.sub(r"\$(\d)", r"\\\1", replacement), words)
    return words


def page_rules() -> dict[str, object]:
    """The normalisation as data for a page's search (the explorer applies the same steps in JavaScript)."""
    return {"greek": GREEK, "separators": SEPARATORS, "rules": [list(rule) for rule in KEY_RULES]}


def name_key(text: str) -> str:
    """``normalise_name`` without the spaces: the key under which equal names are looked up."""
    return normalise_name(text).replace(" ", "")


def _score(query: str, name: str) -> float:
    """Similarity of two normalised names (0-100): the whole name, or its closest word a little lower."""
    from rapidfuzz import fuzz

    whole = fuzz.ratio(query, name)
    words = name.split()
    if len(words) > 1 and " " not in query:
        whole = max(whole, 0.9 * max(fuzz.ratio(query, w) for w in words))
    return max(whole, 0.8 * fuzz.token_set_ratio(query, name))


def suggest(text: str, names: Iterable[str], *, limit: int = 4, cutoff: float = 60.0) -> list[str]:
    """The names closest to ``text``, best first (ties by length, then alphabetically)."""
    query = normalise_name(text)
    scored = []
    for name in set(names):
        score = _score(query, normalise_name(name))
        if score >= cutoff:
            scored.append((-score, len(name), name))
    return [name for _, _, name in sorted(scored)[:limit]]
