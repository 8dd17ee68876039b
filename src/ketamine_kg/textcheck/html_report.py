"""The offline HTML report: the text with each sentence highlighted by its verdict and each mention a
link to the entity's panel in the explorer (``ketamine-kg.html#node=kg:<id>``), then the table of
claims. No script at all; every piece of the checked text is escaped, and the Content-Security-Policy
forbids scripts, requests and frames."""

from __future__ import annotations

import html
from urllib.parse import quote

from ketamine_kg.textcheck.model import Result

__all__ = ["to_html"]

CSP = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "connect-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"
)
SEVERITY = {"contradicted": 3, "qualified": 2, "not_in_graph": 1, "supported": 0}
STYLE = """
body{font:15px/1.55 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222;padding:0 1rem}
.text{white-space:pre-wrap;border:1px solid #ddd;padding:1rem;border-radius:6px}
.s.v-supported{background:#dff3e3}.s.v-qualified{background:#fff1c9}
.s.v-contradicted{background:#ffd6d6}.s.v-not_in_graph{background:#eceff4}
a.mention{color:#0b4f9c;text-decoration:underline dotted}
table{border-collapse:collapse;width:100%;margin-top:1.5rem;font-size:14px}
td,th{border:1px solid #ddd;padding:.35rem .5rem;vertical-align:top;text-align:left}
td.verdict{font-weight:600}.legend span{padding:0 .4rem;margin-right:.5rem}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def to_html(result: Result, explorer: str = "ketamine-kg.html") -> str:
    text = result.document.text
    worst: dict[int, str] = {}
    reasons: dict[int, list[str]] = {}
    for c in result.claims:
        if (
            SEVERITY[c.verdict] >= SEVERITY.get(worst.get(c.sentence, "supported"), 0)
            or c.sentence not in worst
        ):
            worst[c.sentence] = c.verdict
        reasons.setdefault(c.sentence, []).append(f"{c.verdict}: {c.subject} {c.predicate} {c.object}")
    parts: list[str] = []
    pos = 0
    mentions = list(result.mentions)
    for sent in result.sentences:
        parts.append(_e(text[pos : sent.start]))
        verdict = worst.get(sent.index)
        attrs = f' id="s{sent.index}" data-sentence="{sent.index}"'
        if verdict:
            attrs += f' class="s v-{verdict}" data-verdict="{verdict}" title="{_e("; ".join(reasons[sent.index]))}"'
        else:
            attrs += ' class="s"'
        parts.append(f"<span{attrs}>")
        cursor = sent.start
        for m in mentions:
            if m.start < sent.start or m.end > sent.end or m.start < cursor:
                continue
            parts.append(_e(text[cursor : m.start]))
            href = f"{explorer}#node={quote('kg:' + m.entity, safe='')}"  # the explorer selects it
            parts.append(
                f'<a class="mention" href="{_e(href)}" data-entity="{_e(m.entity)}" '
                f'title="{_e(m.entity)} ({_e(m.category)})">{_e(m.text)}</a>'
            )
            cursor = m.end
        parts.append(_e(text[cursor : sent.end]) + "</span>")
        pos = sent.end
    parts.append(_e(text[pos:]))
    rows = "\n".join(
        f'<tr data-verdict="{_e(c.verdict)}"><td><a href="#s{c.sentence}">{c.sentence}</a></td>'
        f"<td>{_e(c.subject)} <code>{_e(c.predicate)}</code> {_e(c.object)}"
        f"{' (negated)' if c.negated else ''}{' (hedged)' if c.hedged else ''}</td>"
        f'<td class="verdict">{_e(c.verdict)}</td><td>{_e(c.reason)}</td><td>{_e(", ".join(c.sources))}</td></tr>'
        for c in result.claims
    )
    counts = " · ".join(f"{v}: {sum(c.verdict == v for c in result.claims)}" for v in SEVERITY)
    title = f"check-text: {result.document.path}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<h1>{_e(title)}</h1>\n<p id="counts">{_e(counts)}</p>\n'
        '<p class="legend"><span class="s v-supported">supported</span><span class="s v-qualified">qualified</span>'
        '<span class="s v-contradicted">contradicted</span><span class="s v-not_in_graph">not in graph</span></p>\n'
        f'<div class="text" id="text">{"".join(parts)}</div>\n'
        '<table id="claims"><thead><tr><th>sentence</th><th>claim</th><th>verdict</th><th>why</th>'
        f"<th>sources</th></tr></thead>\n<tbody>\n{rows}\n</tbody></table>\n</body>\n</html>\n"
    )
