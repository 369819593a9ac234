"""The self-contained HTML page of a twin run (compare.html): headline figures side by side, who
is sanctioned under one run only and why, score changes, and all of it by group.

Figures are drawn with matplotlib (no pyplot) and inlined as SVG; the page needs no network and
is byte-identical when written twice from the same comparison.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from matplotlib import rc_context
from matplotlib.figure import Figure

from credsim.report.style import STYLE as REPORT_STYLE
from credsim.report.style import fix_layout, inline_svg, time_axis, time_of

if TYPE_CHECKING:
    from credsim.experiments.compare_analysis import Analysis

__all__ = ["render_compare_page", "write_compare_report"]

COLORS = {"a": "#0072B2", "b": "#E69F00"}
STYLE = {**REPORT_STYLE, "svg.hashsalt": "credsim-compare"}
PLOTTED_TRAITS = ("sex", "age_band", "urban", "group", "income", "education")
"""Traits (by_group's `dimension`) drawn in the by-group figures (province, with 31 labels, is in
the table only)."""
HEADLINES = {
    "acts_total": "Acts",
    "records_total": "Records written",
    "records_misattributed": "Records misattributed",
    "records_fabricated": "Records fabricated",
    "listed_total": "Listed during the run",
    "sanctioned": "Sanctioned at the end",
    "sanctioned_wrongful": "Wrongly sanctioned at the end",
    "blocked_flights": "Flight purchases refused",
    "blocked_trains": "Train purchases refused",
    "score_mean": "Mean score (primary policy)",
    "score_gini": "Score Gini (primary policy)",
}
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 color:#222;background:#fff;max-width:980px;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;
 border-bottom:1px solid #ddd;padding-bottom:.2rem}.sub{color:#555;margin-top:0}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}thead th{border-bottom:2px solid #ccc}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto;display:block}
figcaption{color:#444;font-size:.9rem;margin-top:.3rem}.note{color:#8a4b00;font-style:italic}
"""


def write_compare_report(path: Path, data: dict, analysis: Analysis) -> Path:
    """Write path/compare.html atomically and return its path."""
    page = render_compare_page(path, data, analysis)
    target = Path(path) / "compare.html"
    fd, tmp = tempfile.mkstemp(dir=path, prefix=".compare.", suffix=".html.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(page)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp's 0600 is for secrets, not reports
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def render_compare_page(path: Path, data: dict, analysis: Analysis) -> str:
    """The comparison page as an HTML string."""
    name_a, name_b = _label(data, "a"), _label(data, "b")
    title = f"credsim twin run: A = {name_a}, B = {name_b}"
    sub = f"{data['citizens']:,} citizens · {data['days']} days · seed {data['seed']}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style></head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{escape(sub)}; both runs draw the same random numbers, so every '
        "difference below comes from the scenarios' difference.</p>",
        _setup(data),
        "<h2>Headline figures</h2>",
        _headlines(data),
        "<h2>Who is sanctioned under one run only</h2>",
        _twin_counts(data),
        _reasons(data),
    ]
    with rc_context(STYLE):
        figures = [
            (
                "only_by_group",
                _only_by_group(analysis.by_group),
                "Citizens on a list at the end under one run only, per 100,000 in each group.",
            ),
            (
                "sanctioned_over_time",
                _over_time(path),
                "Citizens on any list each day under A and under B.",
            ),
            (
                "score_change",
                _score_histogram(analysis.citizens),
                _score_caption(
                    data,
                    "Per-citizen score change from A to B (B minus A) under "
                    "{policy}, citizens whose score differs only.",
                ),
            ),
            (
                "score_by_group",
                _score_by_group(analysis.by_group),
                _score_caption(
                    data, "Mean per-citizen score change from A to B under {policy} in each group."
                ),
            ),
        ]
    for slug, figure, caption in figures:
        out.append(f'<figure id="fig-{slug}">')
        out.append(_svg(figure, slug) if isinstance(figure, Figure) else _note(figure))
        out.append(f"<figcaption>{escape(caption)}</figcaption></figure>")
        if slug == "sanctioned_over_time":
            out.append("<h2>Scores</h2>")
            out.append(_score_table(data))
    out += ["<h2>By group</h2>", _group_table(analysis.by_group), "</body>", "</html>"]
    return "\n".join(part for part in out if part) + "\n"


def _label(data: dict, side: str) -> str:
    info = data.get(side, {})
    extra = [o for o in info.get("overrides", []) if not o.startswith("output.citizens=")]
    shown = [o for o in extra if not o.startswith(("population.size=", "days=", "seed="))]
    return str(info.get("scenario", side)) + (f" ({', '.join(shown)})" if shown else "")


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return "–"
        if float(value).is_integer() and abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.3f}".rstrip("0").rstrip(".")
    return str(value)


def _note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>'


def _table(head: list[str], rows: list[list[object]], numeric: set[int]) -> str:
    def cells(tag: str, values: list[object]) -> str:
        return "".join(
            f'<{tag} class="n">{escape(_fmt(v))}</{tag}>'
            if i in numeric
            else f"<{tag}>{escape(_fmt(v))}</{tag}>"
            for i, v in enumerate(values)
        )

    body = "\n".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    head_html = "".join(
        f'<th class="n">{escape(h)}</th>' if i in numeric else f"<th>{escape(h)}</th>"
        for i, h in enumerate(head)
    )
    return f"<table><thead><tr>{head_html}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


def _setup(data: dict) -> str:
    rows = []
    for side in ("a", "b"):
        info = data.get(side, {})
        rows.append([side.upper(), info.get("origin", ""), "; ".join(info.get("overrides", []))])
    return _table(["Run", "Scenario", "Overrides"], rows, set())


def _headlines(data: dict) -> str:
    sa, sb = data.get("summary_a", {}), data.get("summary_b", {})
    rows = []
    for key, label in HEADLINES.items():
        va, vb = sa.get(key), sb.get(key)
        if not isinstance(va, int | float) or not isinstance(vb, int | float):
            continue
        rows.append([label, va, vb, vb - va])
    return _table(["Figure", "A", "B", "B − A"], rows, {1, 2, 3})


def _twin_counts(data: dict) -> str:
    rows = [
        ["Sanctioned at the end under A", data.get("sanctioned_a")],
        ["Sanctioned at the end under B", data.get("sanctioned_b")],
        ["… under both", data.get("sanctioned_both")],
        ["… under A only", data.get("sanctioned_only_a")],
        ["… under B only", data.get("sanctioned_only_b")],
        ["Ever listed during the run under A only", data.get("ever_listed_only_a")],
        ["Ever listed during the run under B only", data.get("ever_listed_only_b")],
        ["Acts in both runs", data.get("acts_common")],
        ["Acts under A only (feedback)", data.get("acts_only_a")],
        ["Acts under B only (feedback)", data.get("acts_only_b")],
    ]
    note = (
        "<p>Sanctioned means on any list at the end of the run (citizens.parquet); ever listed "
        "means a listing event at any time in the run's sanctions log. Counts are of simulated "
        f"citizens (each stands for {_people(data.get('people_per_agent', 1))}).</p>"
    )
    return note + _table(["", "Citizens"], [r for r in rows if r[1] is not None], {1})


def _people(k: int) -> str:
    return "1 person" if k == 1 else f"{k:,} people"


def _reasons(data: dict) -> str:
    reasons = data.get("reasons") or {}
    only_a, only_b = data.get("reasons_only_a"), data.get("reasons_only_b")
    if not only_a or not only_b:
        return _note("Reasons need both runs' full event logs (output.events = 'all').")
    rows = [[text, only_a.get(key, 0), only_b.get(key, 0)] for key, text in reasons.items()]
    intro = "<p>Why they differ, first reason that holds (\u201cthis run\u201d is the run "
    intro += "that sanctions them):</p>"
    return intro + _table(["Reason", "A only", "B only"], rows, {1, 2})


def _score_caption(data: dict, template: str) -> str:
    policy = (data.get("score") or {}).get("policy", "no common policy")
    return template.format(policy=policy)


def _score_table(data: dict) -> str:
    score = data.get("score")
    if not score:
        return _note("The runs score citizens under no common policy.")
    keys = ["mean", "p01", "p05", "p25", "p50", "p75", "p95", "p99"]
    rows = [
        ["All citizens", score["mean"], *(score[k] for k in keys[1:])],
        [
            f"Citizens whose score differs ({score['changed']:,})",
            score["changed_mean"],
            *(score[f"changed_{k}"] for k in keys[1:]),
        ],
    ]
    intro = (
        f"<p>Score change from A to B (B minus A) under {escape(score['policy'])}: "
        f"{score['up']:,} citizens gain, {score['down']:,} lose.</p>"
    )
    return intro + _table(["Citizens", *keys], rows, set(range(1, 9)))


def _group_table(groups: pd.DataFrame) -> str:
    cols = [
        ("citizens", "Citizens"),
        ("sanctioned_a", "Sanctioned A"),
        ("sanctioned_b", "Sanctioned B"),
        ("sanctioned_only_a", "A only"),
        ("sanctioned_only_b", "B only"),
        ("sanctioned_only_a_per_100k", "A only per 100k"),
        ("sanctioned_only_b_per_100k", "B only per 100k"),
        ("ever_listed_only_a", "Ever listed A only"),
        ("ever_listed_only_b", "Ever listed B only"),
        ("score_change_mean", "Mean score change"),
    ]
    present = [(k, h) for k, h in cols if k in groups.columns]
    rows = [
        [f"{r['dimension']}: {r['group_name']}" if r["dimension"] != "all" else "everyone"]
        + [r[k] for k, _ in present]
        for r in groups.to_dict("records")
    ]
    return _table(["Group", *(h for _, h in present)], rows, set(range(1, len(present) + 1)))


def _only_by_group(groups: pd.DataFrame) -> Figure | str:
    rows = groups[groups["dimension"].isin(PLOTTED_TRAITS)]
    if rows.empty:
        return "Not drawn: the citizens table has no traits to group by."
    pairs = zip(rows["dimension"], rows["group_name"], strict=True)
    labels = [f"{d}: {g}" for d, g in pairs]
    y = np.arange(len(labels))
    fig = Figure(figsize=(6.4, 0.22 * len(labels) + 1.0), layout="constrained")
    ax = fig.add_subplot()
    for offset, side in ((-0.2, "a"), (0.2, "b")):
        values = rows[f"sanctioned_only_{side}_per_100k"].fillna(0).to_numpy()
        ax.barh(y + offset, values, 0.4, color=COLORS[side], label=f"{side.upper()} only")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("sanctioned under one run only, per 100,000")
    ax.legend(loc="lower right")
    return fig


def _over_time(path: Path) -> Figure | str:
    fig = Figure(figsize=(6.4, 3.0), layout="constrained")
    ax = fig.add_subplot()
    for side in ("a", "b"):
        file = Path(path) / side / "timeseries.parquet"
        if not file.is_file():
            return "Not drawn: a run has no timeseries.parquet."
        names = pq.read_schema(file).names
        dimension = "dimension" if "dimension" in names else "by"  # older runs: `by`
        columns = ["day", dimension, "sanctioned", *(["date"] if "date" in names else [])]
        ts = pd.read_parquet(file, columns=columns)
        ts = ts[ts[dimension] == "all"].sort_values("day")
        x = time_of(ts)
        ax.plot(x, ts["sanctioned"], color=COLORS[side], label=side.upper(), lw=1.4)
    time_axis(ax, x)
    ax.set_ylabel("on a list")
    ax.legend()
    return fig


def _score_histogram(citizens: pd.DataFrame) -> Figure | str:
    if "score_change" not in citizens:
        return "Not drawn: the runs score citizens under no common policy."
    change = citizens["score_change"].to_numpy()
    change = change[change != 0]
    if change.shape[0] == 0:
        return "Not drawn: no citizen's score differs between the runs."
    lo, hi = int(change.min()), int(change.max())
    width = max(1, math.ceil((hi - lo + 1) / 60))
    edges = lo - 0.5 + width * np.arange(math.ceil((hi - lo + 1) / width) + 1)
    counts = np.histogram(change, edges)[0]
    fig = Figure(figsize=(6.4, 3.0), layout="constrained")
    ax = fig.add_subplot()
    ax.stairs(counts, edges, fill=True, color=COLORS["a"], alpha=0.8)
    ax.axvline(0, color="#444444", lw=0.8, ls="--")
    ax.set_xlabel("score under B minus score under A")
    ax.set_ylabel("citizens")
    return fig


def _score_by_group(groups: pd.DataFrame) -> Figure | str:
    if "score_change_mean" not in groups:
        return "Not drawn: the runs score citizens under no common policy."
    rows = groups[groups["dimension"].isin(("all", *PLOTTED_TRAITS))]
    pairs = zip(rows["dimension"], rows["group_name"], strict=True)
    labels = ["everyone" if d == "all" else f"{d}: {g}" for d, g in pairs]
    y = np.arange(len(labels))
    fig = Figure(figsize=(6.4, 0.22 * len(labels) + 1.0), layout="constrained")
    ax = fig.add_subplot()
    values = rows["score_change_mean"].fillna(0).to_numpy()
    ax.barh(y, values, 0.6, color=[COLORS["b"] if v >= 0 else COLORS["a"] for v in values])
    ax.axvline(0, color="#444444", lw=0.8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("mean score change, B minus A")
    return fig


def _svg(fig: Figure, prefix: str) -> str:
    """The figure laid out once, as SVG markup for inlining (`credsim.report.style`)."""
    fix_layout(fig)
    return inline_svg(fig, prefix)
