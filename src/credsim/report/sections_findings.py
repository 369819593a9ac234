"""The report's opening: key findings in plain sentences, every number marked with the
summary.json figure it quotes (credsim.results.findings)."""

from __future__ import annotations

from html import escape
from typing import Any

from credsim.results.findings import key_findings

from .run import RunData
from .section import Block, Section

__all__ = ["FINDINGS_SECTION", "findings_html"]


def findings_html(findings: list[dict[str, Any]]) -> str:
    """`<div id="key-findings">` with one paragraph per finding; each quoted number is a
    `<span class="figure" data-key="..." data-value="...">` (the key as in summary.json)."""
    out = ['<div id="key-findings">']
    for finding in findings:
        text, cursor, parts = finding["text"], 0, []
        for figure in sorted(finding.get("figures") or [], key=lambda f: f["at"]):
            at, shown = figure["at"], figure["shown"]
            if text[at : at + len(shown)] != shown or at < cursor:
                continue  # a hand-edited summary: show the text as it is
            parts.append(escape(text[cursor:at]))
            parts.append(
                f'<span class="figure" data-key="{escape(figure["key"])}" '
                f'data-value="{escape(str(figure["value"]))}">{escape(shown)}</span>'
            )
            cursor = at + len(shown)
        parts.append(escape(text[cursor:]))
        name = escape(finding["id"])
        out.append(f'<p class="finding" data-finding="{name}">{"".join(parts)}</p>')
    out.append("</div>")
    return "\n".join(out)


def _findings(run: RunData) -> list[Block]:
    found = run.summary.get("key_findings")
    findings = found if isinstance(found, list) else key_findings(run.summary)
    lead = (
        '<p class="lead">Every number below is a figure of this run\'s summary.json or computed '
        "from its figures; <code>key_findings</code> there lists each one with its key.</p>"
    )
    return [lead, findings_html(findings)]


FINDINGS_SECTION = Section(
    "findings",
    "Key findings",
    lambda run: bool(run.summary.get("key_findings") or key_findings(run.summary)),
    _findings,
)
