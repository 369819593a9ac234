"""The report's figures, drawn from a run directory with matplotlib (no pyplot, no global state).

Each figure is built from the files it needs; when a file or column is missing the figure is
replaced by a short note. Figures are rendered as deterministic SVG for inlining in the page and,
on request, saved as PNG and SVG files for papers.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from matplotlib import colormaps, rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

__all__ = ["CAPTIONS", "OKABE_ITO", "TITLES", "Panel", "primary_policy", "render"]

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000")
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "legend.frameon": False,
    "svg.hashsalt": "credsim-report",
}
SVG_META = {"Date": None}
PNG_META = {"Software": None}
SIZE = (6.4, 3.4)
DIM_NAMES = {"sex": "Sex", "age_band": "Age band", "urban": "Urban/rural", "group": "Group"}
TITLES = {
    "score_distribution": "Score distribution",
    "grade_shares": "Grade shares over time",
    "sanctions": "Sanctions over time",
    "refused_travel": "Refused travel per month",
    "wrongful_by_group": "Who is wrongly sanctioned",
}
CAPTIONS = {
    "score_distribution": "Share of each population group in each score bin under the primary "
    "policy ({policy}); dashed lines mark the lowest score of each grade.",
    "grade_shares": "Share of all citizens in each grade under the primary policy ({policy}), "
    "day by day.",
    "sanctions": "People on the sanction list each day, and how many of them were listed on a "
    "misattributed or fabricated record.",
    "refused_travel": "Flight and train ticket purchases refused in each 30-day month "
    "(the last month may be partial).",
    "wrongful_by_group": "People wrongly sanctioned per 100,000 in each population group at the "
    "end of the run; the dashed line is the rate for the whole population.",
}
_PEOPLE = StrMethodFormatter("{x:,.0f}")
_WHITE = {"fc": "white", "ec": "none", "pad": 0.5}
_RIGHT = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}
_ABOVE = {"loc": "lower left", "bbox_to_anchor": (0.0, 1.01), "ncols": 2, "borderaxespad": 0}


@dataclass(frozen=True)
class Panel:
    """One report figure: inline SVG markup, or a note saying why it could not be drawn."""

    slug: str
    title: str
    caption: str
    svg: str | None
    note: str = ""


def primary_policy(run_dir: Path, summary: dict) -> str | None:
    """The summary's primary policy, else the first policy scored in citizens.parquet."""
    if isinstance(summary.get("primary_policy"), str):
        return summary["primary_policy"]
    path = run_dir / "citizens.parquet"
    if path.exists():
        names = [n[6:] for n in pq.read_schema(path).names if n.startswith("score.")]
        if names:
            return names[0]
    return None


def render(run_dir: Path, summary: dict, figures_dir: Path | None = None) -> list[Panel]:
    """Draw every figure of the report in a fixed style; save PNG+SVG files to figures_dir."""
    policy = primary_policy(run_dir, summary)
    panels = []
    with rc_context(STYLE):
        ts = _timeseries(run_dir)
        builders = {
            "score_distribution": lambda: _score_distribution(run_dir, policy),
            "grade_shares": lambda: _grade_shares(ts, policy, summary),
            "sanctions": lambda: _sanctions(ts),
            "refused_travel": lambda: _refused_travel(ts),
            "wrongful_by_group": lambda: _wrongful_by_group(summary),
        }
        for slug, build in builders.items():
            caption = CAPTIONS[slug].format(policy=policy or "none")
            result = build()
            if isinstance(result, str):
                panels.append(Panel(slug, TITLES[slug], caption, None, result))
                continue
            if figures_dir is not None:
                out = figures_dir / slug
                result.savefig(out.with_suffix(".svg"), format="svg", metadata=SVG_META)
                result.savefig(out.with_suffix(".png"), format="png", dpi=200, metadata=PNG_META)
            panels.append(Panel(slug, TITLES[slug], caption, _inline_svg(result, slug)))
    return panels


def _inline_svg(fig: Figure, prefix: str) -> str:
    """SVG markup for inlining: no XML prologue or metadata, element ids unique to this figure."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata=SVG_META)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    return re.sub(r'(\bid="|url\(#|href="#)', rf"\g<1>{prefix}-", text).strip()


def _axes() -> tuple[Figure, Axes]:
    fig = Figure(figsize=SIZE, layout="constrained")
    return fig, fig.add_subplot()


def _top_text(ax: Axes, x: float, text: str, ha: str) -> None:
    """Small grey text just above the axes, at data coordinate x."""
    tr = ax.get_xaxis_transform()
    ax.text(x, 1.0, text, transform=tr, ha=ha, va="bottom", fontsize=8, color="#444444")


def _timeseries(run_dir: Path) -> pd.DataFrame | str:
    """Rows for the whole population (by == "all") of timeseries.parquet, sorted by day."""
    path = run_dir / "timeseries.parquet"
    if not path.exists():
        return "Not drawn: the run directory has no timeseries.parquet."
    names = pq.read_schema(path).names
    if "day" not in names:
        return "Not drawn: timeseries.parquet has no day column."
    keep = [n for n in names if n not in ("group",)]
    if "by" in names:
        df = pd.read_parquet(path, columns=keep, filters=[("by", "==", "all")])
    else:
        df = pd.read_parquet(path, columns=keep)
    return df.sort_values("day", kind="stable").reset_index(drop=True)


def _missing(ts: pd.DataFrame | str, columns: list[str]) -> str | None:
    if isinstance(ts, str):
        return ts
    absent = [c for c in columns if c not in ts.columns]
    return f"Not drawn: timeseries.parquet lacks {', '.join(absent)}." if absent else None


def _score_distribution(run_dir: Path, policy: str | None) -> Figure | str:
    path = run_dir / "citizens.parquet"
    if not path.exists():
        return "Not drawn: the run directory has no citizens.parquet."
    names = set(pq.read_schema(path).names)
    score_col = f"score.{policy}"
    if score_col not in names:
        return f"Not drawn: citizens.parquet has no {score_col} column."
    dim = next((d for d in ("group", "urban") if d in names), None)
    grade_col = f"grade.{policy}" if f"grade.{policy}" in names else None
    cols = [c for c in (score_col, dim, grade_col) if c]
    df = pq.read_table(path, columns=cols).to_pandas()
    df = df[df[score_col].notna()]
    if df.empty:
        return "Not drawn: no citizen has a score."
    scores = df[score_col].to_numpy(dtype=np.float64)
    lo, hi = math.floor(scores.min()), math.ceil(scores.max())
    width = max(1, math.ceil((hi - lo + 1) / 60))
    edges = lo - 0.5 + width * np.arange(math.ceil((hi - lo + 1) / width) + 1)
    labels = df[dim].astype(str).to_numpy() if dim else np.full(len(df), "all")
    sizes = pd.Series(labels).value_counts()
    order = sorted(sizes.index, key=lambda k: (-sizes[k], k))
    if len(order) > len(OKABE_ITO):
        keep = order[: len(OKABE_ITO) - 1]
        labels = np.where(np.isin(labels, keep), labels, "other")
        order = [*keep, "other"]
    fig, ax = _axes()
    for label, color in zip(order, OKABE_ITO, strict=False):
        counts = np.histogram(scores[labels == label], edges)[0]
        share = 100 * counts / max(counts.sum(), 1)
        ax.stairs(share, edges, color=color, linewidth=1.4, label=f"{label} (n={counts.sum():,})")
        if len(order) == 1:
            ax.stairs(share, edges, color=color, alpha=0.15, fill=True)
    if grade_col:
        mins = df.groupby(grade_col, observed=True)[score_col].min().sort_values()
        starts = [*mins.to_numpy(dtype=float)[1:] - 0.5, edges[-1]]
        left = edges[0]
        for (grade, _), right in zip(mins.items(), starts, strict=True):
            if right < edges[-1]:
                ax.axvline(right, color="#555555", linestyle="--", linewidth=0.8)
            if right - left > 0.04 * (edges[-1] - edges[0]):
                _top_text(ax, (left + right) / 2, str(grade), "center")
            left = right
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(bottom=0)
    ax.set_xlabel(f"Score under {policy} (points)")
    ax.set_ylabel("Citizens in score bin (% of group)")
    if dim:
        ax.legend(title=DIM_NAMES.get(dim, dim), **_RIGHT)
    return fig


def _grade_shares(ts: pd.DataFrame | str, policy: str | None, summary: dict) -> Figure | str:
    if isinstance(ts, str):
        return ts
    prefix = f"grade_share.{policy}."
    cols = [c for c in ts.columns if c.startswith(prefix)]
    if not cols:
        return f"Not drawn: timeseries.parquet has no {prefix}* columns."
    best_first = list(summary.get("grade_shares") or {})
    if sorted(best_first) == sorted(c[len(prefix) :] for c in cols):
        cols = [prefix + g for g in best_first]
    grades = [c[len(prefix) :] for c in cols]
    colors = colormaps["viridis"](np.linspace(0.9, 0.1, len(cols)))
    fig, ax = _axes()
    worst_first = [100 * ts[c].to_numpy(float) for c in reversed(cols)]
    stack = ax.stackplot(ts["day"], *worst_first, colors=colors[::-1], linewidth=0)
    ax.legend(stack[::-1], grades, title="Grade (best first)", **_RIGHT)
    ax.set_xlim(ts["day"].min(), ts["day"].max())
    ax.set_ylim(0, 100)
    ax.set_xlabel("Day")
    ax.set_ylabel("Citizens (%)")
    return fig


def _sanctions(ts: pd.DataFrame | str) -> Figure | str:
    note = _missing(ts, ["sanctioned", "sanctioned_wrongful"])
    if note:
        return note
    fig, ax = _axes()
    ax.plot(ts["day"], ts["sanctioned"], color=OKABE_ITO[0], linewidth=1.6, label="Sanctioned")
    wrong = "Wrongly sanctioned (misattributed or fabricated record)"
    ax.plot(ts["day"], ts["sanctioned_wrongful"], color=OKABE_ITO[3], linewidth=1.6, label=wrong)
    ax.fill_between(ts["day"], ts["sanctioned_wrongful"], color=OKABE_ITO[3], alpha=0.15)
    ax.set_xlim(ts["day"].min(), ts["day"].max())
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(_PEOPLE)
    ax.set_xlabel("Day")
    ax.set_ylabel("People on the sanction list")
    ax.legend(**_ABOVE)
    return fig


def _refused_travel(ts: pd.DataFrame | str) -> Figure | str:
    note = _missing(ts, ["blocked_flights", "blocked_trains"])
    if note:
        return note
    month = (ts["day"] - ts["day"].min()) // 30 + 1
    per = ts.groupby(month)[["blocked_flights", "blocked_trains"]].sum()
    x = per.index.to_numpy()
    fig, ax = _axes()
    ax.bar(x - 0.2, per["blocked_flights"], width=0.4, color=OKABE_ITO[0], label="Flights")
    ax.bar(x + 0.2, per["blocked_trains"], width=0.4, color=OKABE_ITO[1], label="Trains")
    ax.grid(axis="x", visible=False)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_PEOPLE)
    ax.set_xlabel("Month (30-day periods)")
    ax.set_ylabel("Ticket purchases refused (people)")
    ax.set_xlim(x.min() - 0.6, x.max() + 0.6)
    ax.legend(**_ABOVE)
    return fig


def _wrongful_by_group(summary: dict) -> Figure | str:
    by_group = summary.get("by_group")
    if not isinstance(by_group, dict):
        return "Not drawn: summary.json has no by_group figures."
    dims = [d for d in DIM_NAMES if d in by_group] + sorted(set(by_group) - set(DIM_NAMES))
    rates = {}
    for dim in dims:
        rows = {
            str(label): 1e5 * v["sanctioned_wrongful"] / v["citizens"]
            for label, v in (by_group[dim] or {}).items()
            if isinstance(v, dict) and v.get("citizens") and "sanctioned_wrongful" in v
        }
        if rows:
            rates[dim] = rows
    if not rates:
        return "Not drawn: summary.json by_group lacks citizens and sanctioned_wrongful."
    overall = None
    if summary.get("citizens") and summary.get("sanctioned_wrongful") is not None:
        overall = 1e5 * summary["sanctioned_wrongful"] / summary["citizens"]
    sizes = [len(r) for r in rates.values()]
    height = 0.8 + 0.22 * sum(sizes) + 0.3 * len(sizes)
    fig = Figure(figsize=(SIZE[0], height), layout="constrained")
    axes = fig.subplots(len(rates), 1, sharex=True, squeeze=False, height_ratios=sizes)[:, 0]
    for ax, (dim, rows), color in zip(axes, rates.items(), OKABE_ITO, strict=False):
        bars = ax.barh(list(rows)[::-1], list(rows.values())[::-1], color=color, height=0.6)
        ax.bar_label(bars, fmt="{:,.1f}", padding=3, fontsize=8, bbox=_WHITE)
        ax.set_title(DIM_NAMES.get(dim, dim), loc="left", fontweight="bold")
        ax.grid(axis="y", visible=False)
        if overall is not None:
            ax.axvline(overall, color="#555555", linestyle="--", linewidth=0.8)
            if ax is axes[0]:
                _top_text(ax, overall, f"all: {overall:,.1f} ", "right")
        ax.margins(x=0.12)
    axes[-1].set_xlim(left=0)
    axes[-1].xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axes[-1].set_xlabel("Wrongly sanctioned (people per 100,000)")
    return fig
