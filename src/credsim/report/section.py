"""Report sections: each says whether it applies to a run and what it shows (plots and tables).

A section is included only when `applies(run)` holds, that is when the run has the data and had
the mechanism switched on. Each plot is a figure with a stable element id (`fig-<slug>`) and a
one-line caption; a plot that fails to draw becomes a note, so the report is always written.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from matplotlib import rc_context
from matplotlib.figure import Figure

from .run import RunData
from .style import STYLE, fix_layout, inline_svg, save
from .tables import note

__all__ = ["Plot", "Section", "render_section"]


@dataclass(frozen=True)
class Plot:
    """One figure: id `fig-<slug>`, a one-line caption, and the function that draws it."""

    slug: str
    caption: str
    draw: Callable[[], Figure]


Block = Plot | str
"""What a section shows: a Plot, or an HTML fragment whose values were escaped."""


@dataclass(frozen=True)
class Section:
    """A part of the report, shown only for runs it applies to."""

    id: str
    title: str
    applies: Callable[[RunData], bool]
    render: Callable[[RunData], list[Block]]
    lead: str = ""


def render_section(section: Section, run: RunData, figures_dir: Path | None) -> str:
    """The section as HTML (`<section id="sec-...">`); its figures saved to figures_dir too."""
    out = [f'<section id="sec-{section.id}">', f"<h2>{escape(section.title)}</h2>"]
    if section.lead:
        out.append(f'<p class="lead">{escape(section.lead)}</p>')
    for block in section.render(run):
        out.append(render_plot(block, figures_dir) if isinstance(block, Plot) else block)
    out.append("</section>")
    return "\n".join(part for part in out if part)


def render_plot(plot: Plot, figures_dir: Path | None) -> str:
    """`<figure id="fig-slug">` with inline SVG and caption (or a note when drawing failed)."""
    with rc_context(STYLE):
        try:
            fig = plot.draw()
        except Exception as exc:  # a report must be written even if one figure breaks
            last = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(last.filename).name}:{last.lineno}"
            body = note(f"Not drawn: {type(exc).__name__}: {exc} ({where}).")
        else:
            fix_layout(fig)  # once, for the page and the files alike
            body = inline_svg(fig, plot.slug)
            if figures_dir is not None:
                save(fig, figures_dir, plot.slug)
    caption = f"<figcaption>{escape(plot.caption)}</figcaption>"
    return f'<figure id="fig-{plot.slug}">\n{body}\n{caption}</figure>'
