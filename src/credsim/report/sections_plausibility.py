"""The plausibility section: every headline figure beside a published anchor (summary
`plausibility`, written by the `plausibility` metric), with a figure of the ratios on a log scale
and tables of the anchored figures and of those without an anchor."""

from __future__ import annotations

from html import escape

import numpy as np
from matplotlib.figure import Figure

from .run import RunData
from .section import Block, Plot, Section
from .spread import ratio_intervals
from .style import GREY, OKABE_ITO, figure, whiskers
from .tables import details, note, table

__all__ = ["PLAUSIBILITY_SECTION", "plausibility_ratios", "ratio_bounds"]

FLAG_COLOR = {"ok": OKABE_ITO[2], ">10x off": OKABE_ITO[3], "above ceiling": OKABE_ITO[0]}


def ratio_bounds(run: RunData, rows: list[dict]) -> tuple[dict[str, tuple[float, float]], str]:
    """Each anchored figure's ratio interval (credsim.report.spread.ratio_intervals)."""

    def rows_of(summary: dict) -> dict[str, dict]:
        found = (summary.get("plausibility") or {}).get("rows") or []
        return {r.get("figure"): r for r in found}

    return ratio_intervals(run, {r["figure"]: r for r in rows}, rows_of)


def plausibility_ratios(
    rows: list[dict], bounds: dict[str, tuple[float, float]] | None = None
) -> Figure:
    """Model ÷ anchor for each anchored figure on a log scale; the band from ×0.1 to ×10 is what
    passes (a ceiling passes anywhere at or below ×1); with `bounds` (figure -> interval of the
    ratio), each point carries its interval."""
    anchored = [r for r in rows if isinstance(r.get("ratio"), int | float)]
    fig = figure(height=0.9 + 0.4 * len(anchored))
    ax = fig.add_subplot()
    y = np.arange(len(anchored))[::-1]
    ratios = np.array([max(float(r["ratio"]), 1e-4) for r in anchored])
    ax.axvspan(0.1, 10, color="#eeeeee", lw=0)
    ax.axvline(1, color=GREY, linewidth=0.8)
    colors = [FLAG_COLOR.get(r["flag"], GREY) for r in anchored]
    markers = ["v" if r.get("kind") == "ceiling" else "o" for r in anchored]
    for yi, ratio, color, marker in zip(y, ratios, colors, markers, strict=True):
        ax.scatter([ratio], [yi], color=color, marker=marker, s=36, zorder=3)
    found = [(bounds or {}).get(r["figure"]) for r in anchored]
    whiskers(ax, y, list(ratios), [(max(b[0], 1e-4), b[1]) if b else None for b in found])
    for yi, ratio in zip(y, ratios, strict=True):
        ax.annotate(f"×{ratio:.3g}", (ratio, yi), xytext=(6, 4), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yticks(y, [r.get("label") or r["figure"] for r in anchored])
    ax.set_ylim(-0.6, len(anchored) - 0.4)
    lo, hi = min(ratios.min(), 0.05), max(ratios.max(), 20)
    ax.set_xlim(lo / 2, hi * 4)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Model ÷ published anchor (log scale; grey: within 10×; ▼ a ceiling)")
    return fig


def _span(bounds: tuple[float, float] | None) -> str:
    return f"×{bounds[0]:.3g}–×{bounds[1]:.3g}" if bounds else ""


def _render(run: RunData) -> list[Block]:
    p = run.summary["plausibility"]
    rows = p.get("rows") or []
    anchored = [r for r in rows if r.get("flag") != "no anchor"]
    without = [r for r in rows if r.get("flag") == "no anchor"]
    out: list[Block] = []
    if anchored:
        bounds, which = ratio_bounds(run, anchored)
        caption = (
            "Each anchored figure of the run over its published anchor, on a log scale: flows per "
            "year after the warm-up, stocks at the end; red: more than 10× off; blue: above a "
            f"ceiling it cannot honestly exceed; whiskers: {which}."
        )
        out.append(Plot("plausibility", caption, lambda: plausibility_ratios(anchored, bounds)))
        head = ["Figure", "Model", "Read", "Anchor", "Unit", "Date", "Ratio", "Interval", "Flag",
                "Source"]  # fmt: skip
        body = [
            [
                r.get("label") or r["figure"],
                r.get("model"),
                r.get("reads", ""),
                r.get("published"),
                f"{r.get('unit', '')} ({r.get('semantics', '').replace('_', ' ')})",
                r.get("date", ""),
                f"×{r['ratio']:.3g}",
                _span(bounds.get(r["figure"])),
                r["flag"]
                + (" (order of magnitude)" if r.get("kind") == "order_of_magnitude" else ""),
                r.get("source", "") + (" (secondary)" if r.get("secondary") else ""),
            ]
            for r in anchored
        ]
        out.append(table(head, body, {1, 3, 6}))
        notes = [f"{r.get('label') or r['figure']}: {r['note']}" for r in anchored if r.get("note")]
        if notes:
            out.append(
                details("Notes on the anchors", "".join(f"<p>{escape(n)}</p>" for n in notes))
            )
    if without:
        body = [
            [r["figure"], r.get("model"), r.get("reads", ""), r.get("reason", "")] for r in without
        ]
        out.append(
            details(
                f"{len(without)} headline figures without a published anchor",
                table(["Figure", "Model", "Read", "Why no anchor"], body, {1}),
            )
        )
    scale = p.get("scale")
    facts = [
        f"Anchor table: {p.get('anchors')}; yearly rates leave out the first "
        f"{p.get('warmup_days', 0)} days"
    ]
    if isinstance(scale, int | float) and scale != 1:
        facts.append(f"counts rescaled ×{scale:.4g} to the population the anchors describe")
    if p.get("missing"):
        facts.append("named in the anchor table but not in this run: " + ", ".join(p["missing"]))
    if p.get("unnamed"):
        facts.append("headline figures the anchor table does not name: " + ", ".join(p["unnamed"]))
    out.append(note("; ".join(facts) + "."))
    return out


PLAUSIBILITY_SECTION = Section(
    "plausibility",
    "Plausibility at national scale",
    lambda run: (
        isinstance(run.summary.get("plausibility"), dict)
        and bool(run.summary["plausibility"].get("rows"))
    ),
    _render,
    "Every headline figure of the run beside a published anchor where one exists. Nothing is "
    "fitted to these: they say whether a figure is of the right order at all.",
)
