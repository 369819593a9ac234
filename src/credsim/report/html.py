"""A run directory's self-contained HTML report, assembled from the sections that apply to it.

The page needs no network to open (no scripts, no external fonts, styles or images: figures are
inline SVG) and is byte-identical when written twice from the same run directory.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from html import escape
from pathlib import Path

from .cases import CASES_SECTION
from .helper import ReportHelper, render_sections
from .run import RunData
from .section import Section, render_section
from .sections_core import CORE_SECTIONS
from .sections_enforcement import ENFORCEMENT_SECTIONS
from .sections_file import FILE_SECTIONS
from .sections_findings import FINDINGS_SECTION
from .sections_firms import FIRM_SECTIONS
from .sections_gaming_identity import GAMING_IDENTITY_SECTIONS
from .sections_harms import HARM_SECTIONS
from .sections_mechanisms import MECHANISM_SECTIONS
from .sections_penalties import PENALTY_SECTIONS
from .sections_plausibility import PLAUSIBILITY_SECTION
from .sections_time import TIME_SECTIONS
from .sections_wrongful import WRONGFUL_SECTIONS
from .tables import fmt, note, table

__all__ = ["SECTIONS", "applicable_sections", "render_page", "write_report"]

RUN_FACTS = {
    "credsim_version": "credsim version",
    "seed": "Seed",
    "threads": "Threads",
    "wall_seconds": "Wall time (s)",
    "agent_days_per_second": "Agent-days per second",
    "peak_rss_bytes_per_citizen_before_report": "Peak memory per citizen before this report "
    "(bytes, measured)",
    "state_bytes_per_citizen": "State per citizen (bytes, declared)",
}
AFTER_REPORT = {"peak_rss_bytes", "peak_rss_bytes_per_citizen"}
"""run.json's keys written again once the report is done (its own peak): left out of the report,
which must come out the same each time it is written from the run directory."""


def _run_facts(run: RunData) -> list[str]:
    info = run.run_info
    keys = [k for k in RUN_FACTS if k in info]
    keys += [k for k in info if k not in RUN_FACTS and k not in AFTER_REPORT]
    rows = [[RUN_FACTS.get(k, k), fmt(info[k])] for k in keys]
    out = [table(["Fact", "Value"], rows, {1}) if rows else note(run.notes.get("run.json", ""))]
    if run.scenario_text:
        out.append(
            "<details><summary>Resolved scenario (scenario.toml)</summary>\n"
            f"<pre>{escape(run.scenario_text)}</pre></details>"
        )
    else:
        out.append(note("The run directory has no scenario.toml."))
    return out


ORDER = (
    "findings", "headline", "calibration", "plausibility", "rollout", "scores", "grades",
    "sanctions", "travel", "wrongful", "provinces", "misattribution", "cases", "self-censorship",
    "exclusion", "gaming", "score-price", "platform-rewards", "trust", "adversaries",
    "identity", "sim-ban", "credit-bureaus", "appeals", "perks", "fines",
    "naming", "speech-enforcement", "checkpoints", "firms", "secret-file", "rail-bans",
    "insider-deletions", "pledges", "association", "demography", "run",
)  # fmt: skip
SECTIONS: list[Section] = sorted(
    [
        FINDINGS_SECTION,
        *CORE_SECTIONS,
        *WRONGFUL_SECTIONS,
        *HARM_SECTIONS,
        CASES_SECTION,
        PLAUSIBILITY_SECTION,
        *MECHANISM_SECTIONS,
        *GAMING_IDENTITY_SECTIONS,
        *PENALTY_SECTIONS,
        *ENFORCEMENT_SECTIONS,
        *FIRM_SECTIONS,
        *FILE_SECTIONS,
        *TIME_SECTIONS,
        Section("run", "Run facts", lambda run: True, _run_facts),
    ],
    key=lambda s: ORDER.index(s.id),
)
"""Every section in page order; each is shown only for runs it applies to."""

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 color:#222;background:#fff;max-width:1000px;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.4rem;
 border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}
.sub,.lead{color:#555;margin-top:0}table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{padding:.25rem .7rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}thead th{border-bottom:2px solid #ccc}
figure{margin:1.2rem 0}figure svg{width:100%;height:auto;display:block}
figcaption{color:#444;font-size:.9rem;margin-top:.3rem}.note{color:#8a4b00;font-style:italic}
pre{background:#f6f6f6;padding:.8rem;overflow-x:auto;font-size:.82rem}
details{margin:.5rem 0}details summary{cursor:pointer;font-weight:600}
nav ol{columns:2;font-size:.92rem}nav .off{color:#777;font-size:.88rem}
#key-findings p{font-size:1.05rem;margin:.5rem 0}#key-findings .figure{font-weight:600}
"""


def applicable_sections(run: RunData) -> list[Section]:
    """The sections this run has the data and mechanisms for, in page order."""
    return [s for s in SECTIONS if s.applies(run)]


def render_page(
    run_dir: Path, figures_dir: Path | None = None, helper: ReportHelper | None = None
) -> str:
    """The report page of run_dir as an HTML string; with a `helper`, the sections are drawn by
    this process and the helper's at once (the same page)."""
    run = RunData(run_dir)
    summary = run.summary
    shown = applicable_sections(run)
    title = str(summary.get("scenario", run.path.name))
    templates = {"seed": "seed {}", "citizens": "{} citizens", "days": "{} days"}
    facts = [t.format(fmt(summary[k])) for k, t in templates.items() if k in summary]

    def draw(i: int) -> str:
        html = render_section(shown[i], run, figures_dir)
        run.forget_citizens()  # a section's columns of every citizen go with it
        return html

    def begin(h: ReportHelper) -> None:
        h.begin(run.path, figures_dir)

    body = render_sections([s.id for s in shown], draw, helper, begin)
    items = "".join(f'<li><a href="#sec-{s.id}">{escape(s.title)}</a></li>' for s in shown)
    off = [s.title for s in SECTIONS if s not in shown]
    off_note = (
        f'<p class="off">Not in this run (mechanism off or no data): {escape(", ".join(off))}.</p>'
        if off
        else ""
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>credsim report: {escape(title)}</title>",
        f"<style>{CSS}</style></head>",
        "<body>",
        f"<h1>credsim report: {escape(title)}</h1>",
        f'<p class="sub">{escape(" · ".join(facts))}</p>',
        f"<nav><ol>{items}</ol>{off_note}</nav>",
        *body,
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in out if part) + "\n"


def write_report(
    run_dir: Path, figures_dir: Path | None = None, helper: ReportHelper | None = None
) -> Path:
    """Write run_dir/report.html atomically (readable by all, like the other files); return it.

    If figures_dir is given, each figure is also saved there as PNG and SVG. A `helper`
    (credsim.report.helper.start_helper) draws half of the sections in a second process; the
    caller closes it.
    """
    run_dir = Path(run_dir)
    if figures_dir is not None:
        figures_dir = Path(figures_dir)
        figures_dir.mkdir(parents=True, exist_ok=True)
    page = render_page(run_dir, figures_dir, helper)
    target = run_dir / "report.html"
    fd, tmp = tempfile.mkstemp(dir=run_dir, prefix=".report.", suffix=".html.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(page)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target
