"""The self-contained HTML report of a run directory (figures inlined as SVG, no network needed).

The report is a list of sections (`SECTIONS`); each is shown only when the run has its data and
mechanism switched on. `write_report(run_dir, figures_dir)` writes report.html and, on request,
every figure as PNG and SVG.
"""

from __future__ import annotations

from .html import SECTIONS, applicable_sections, render_page, write_report
from .run import RunData
from .section import Plot, Section

__all__ = [
    "SECTIONS",
    "Plot",
    "RunData",
    "Section",
    "applicable_sections",
    "render_page",
    "write_report",
]
