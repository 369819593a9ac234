"""The section on firms: firms listed for unsettled debts by size class, their tenders and loans
refused, and the legal representatives the listings reached (refused flights and trains, nominal
representatives listed for an owner's act), by group.

It applies when the summary holds the `firms` metric's keys (`firms_listed`), which the metric
writes only when the scenario has firms.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .run import RunData
from .section import Block, Plot, Section
from .spread import Interval, across_replicates, wilson_bounds
from .style import ABOVE, OKABE_ITO, PERCENT, figure, whiskers
from .tables import details, group_table, table

__all__ = ["FIRM_SECTIONS"]

SIZES = ("micro", "small", "medium", "large")


def _share(part: object, whole: object) -> float:
    ok = isinstance(part, int | float) and isinstance(whole, int | float) and whole > 0
    return 100.0 * part / whole if ok else 0.0


SHARES = (("on_list", "firms"), ("bids_refused", "bids"), ("loans_refused", "loans"))
"""The shares drawn per size class: (part, whole) in `firms_by_size_detail`."""


def _shares(summary: dict) -> dict[str, float]:
    detail = summary.get("firms_by_size_detail") or {}
    return {
        f"{size}|{part}": _share(row.get(part), row.get(whole))
        for size, row in detail.items()
        if isinstance(row, dict)
        for part, whole in SHARES
        if row.get(whole)
    }


def share_bounds(run: RunData) -> dict[str, Interval]:
    """Each bar's interval (`<size>|<part>`, in %): across replicates (90%), else the 95%
    Wilson interval of the simulated firms or attempts."""
    if run.replicates:
        return across_replicates(run, _shares)
    k = float(run.summary.get("people_per_agent") or 1)
    out = {}
    for size, row in (run.summary.get("firms_by_size_detail") or {}).items():
        for part, whole in SHARES:
            if isinstance(row, dict) and row.get(whole):
                low, high = wilson_bounds(row.get(part) or 0, row[whole], k)
                out[f"{size}|{part}"] = (100 * low, 100 * high)
    return out


def firms_by_size(summary: dict, bounds: dict[str, Interval] | None = None) -> Figure:
    """Per size class: firms on a list at the end, tenders refused and loans refused, in %;
    with `bounds` (`share_bounds`), bars carry their intervals."""
    detail = summary.get("firms_by_size_detail") or {}
    sizes = [s for s in SIZES if (detail.get(s) or {}).get("firms")]
    rows = [
        (
            _share(detail[s].get("on_list"), detail[s].get("firms")),
            _share(detail[s].get("bids_refused"), detail[s].get("bids")),
            _share(detail[s].get("loans_refused"), detail[s].get("loans")),
        )
        for s in sizes
    ]
    values = np.asarray(rows, float).reshape(len(sizes), 3)
    fig = figure(height=3.0)
    ax = fig.add_subplot()
    x = np.arange(len(sizes))
    names = ("Firms on a list at the end", "Tenders refused", "Loan applications refused")
    for i, name in enumerate(names):
        bars = ax.bar(x + (i - 1) * 0.27, values[:, i], 0.27, label=name, color=OKABE_ITO[i])
        if bounds:
            ends = [bounds.get(f"{s}|{SHARES[i][0]}") for s in sizes]
            whiskers(ax, x + (i - 1) * 0.27, values[:, i], ends, horizontal=False)
        ax.bar_label(bars, fmt="{:.1f}", padding=2, fontsize=7)
    ax.set_xticks(x, [f"{s}\n({detail[s]['firms']:,} firms)" for s in sizes])
    ax.grid(axis="x", visible=False)
    ax.yaxis.set_major_formatter(PERCENT)
    ax.set_ylabel("% of the size class's firms / attempts")
    ax.margins(y=0.15)
    ax.legend(**ABOVE)
    return fig


def _firms(run: RunData) -> list[Block]:
    s = run.summary
    g = {k: s.get(k, 0) for k in (
        "firms_total", "firms_nominal_reps", "firms_listed", "firms_delisted", "firms_on_list",
        "firms_listed_owing_nothing", "firm_bids", "firm_bids_refused", "firm_loans",
        "firm_loans_refused", "firm_reps_listed", "firm_reps_listed_nominal",
        "firm_reps_refused_travel",
    )}  # fmt: skip
    text = (
        f"<p>{g['firms_total']:,} firms ({g['firms_nominal_reps']:,} with a relative of the owner "
        f"registered as legal representative). {g['firms_listed']:,} listings of firms for "
        f"unsettled debts were made and {g['firms_delisted']:,} lifted; {g['firms_on_list']:,} "
        f"firms were on a list at the end ({g['firms_listed_owing_nothing']:,} listings were of "
        f"firms that owed nothing). {g['firm_bids_refused']:,} of {g['firm_bids']:,} tenders and "
        f"{g['firm_loans_refused']:,} of {g['firm_loans']:,} loan applications were refused. "
        f"Each listing reached the firm's legal representative: {g['firm_reps_listed']:,} "
        f"listings, {g['firm_reps_listed_nominal']:,} of them of a relative registered for a firm "
        f"the owner ran, and {g['firm_reps_refused_travel']:,} flights and train tickets refused "
        "to representatives while their firm was listed.</p>"
    )
    out: list[Block] = [text]
    caption = (
        "By size class: the share of firms on a list at the end of the run, and the shares of "
        "tenders and loan applications refused; whiskers: "
        + (
            f"the 90% interval across {run.replicates} replicates."
            if run.replicates
            else "95% Wilson intervals of the simulated firms and attempts."
        )
    )
    bounds = share_bounds(run)
    out.append(Plot("firms-by-size", caption, lambda: firms_by_size(s, bounds)))
    detail = s.get("firms_by_size_detail") or {}
    if detail:
        fields = ("firms", "listed", "on_list", "bids", "bids_refused", "loans", "loans_refused")
        rows = [[size, *((detail.get(size) or {}).get(f) for f in fields)] for size in SIZES]
        head = ["Size class", "Firms", "Listings", "On a list at the end", "Tenders",
                "Tenders refused", "Loan applications", "Refused"]  # fmt: skip
        out.append(table(head, rows))
    by = s.get("firm_reps_by_group")
    if isinstance(by, dict) and by:
        columns = [("listed", "Listed as representative"),
                   ("listed_nominal", "Of them, for the owner's act"),
                   ("refused_travel", "Flights and trains refused")]  # fmt: skip
        rows = group_table(by, columns)
        out.append(
            details(
                "Legal representatives by group", table(["Group", *(h for _, h in columns)], rows)
            )
        )
    return out


FIRM_SECTIONS = [
    Section(
        "firms",
        "Firms and their legal representatives",
        lambda run: isinstance(run.summary.get("firms_listed"), int | float),
        _firms,
        "Firms listed for unsettled debts (breached contracts, unpaid wages, withheld deposits), "
        "their tenders and loans refused, and the listing reaching their legal representatives.",
    ),
]
