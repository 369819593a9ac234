"""The report's section on refused travel: flights and trains refused to the listed per month,
each month's bars with their interval, and a table of every kind of refusal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from matplotlib.figure import Figure

from .figures_sanctions import refused_travel, travel_bounds
from .run import RunData
from .section import Block, Plot
from .tables import table

__all__ = ["BLOCKED", "has_ts", "refusals_logged", "travel", "travel_frame"]

BLOCKED = {
    "blocked_flights": "Flight purchases",
    "blocked_trains": "Train ticket purchases",
    "blocked_loans": "Loans",
    "blocked_high_consumption": "High-consumption purchases",
    "blocked_company_posts": "Company posts",
    "children_refused_school": "School places (children of the listed)",
}


def travel(run: RunData) -> list[Block]:
    caption = (
        "Flight and high-speed-rail ticket purchases refused to listed citizens in each calendar "
        "month (the first and last may be partial)." + run.warmup_caption()
    )
    low, high = run.timeseries_bound("p5"), run.timeseries_bound("p95")
    columns = ("blocked_flights", "blocked_trains")
    bands = (low, high) if low is not None and high is not None else None
    if bands is not None and all(c in b for b in bands for c in columns):
        caption += (
            f" Bars: means of {run.replicates} replicates; whiskers: the month's sums of each "
            "day's 5th and 95th percentiles across them (wider than the 90% interval of a "
            "month's count)."
        )
    else:
        bands = None
        caption += " Whiskers: 95% Poisson intervals of the simulated refusals."

    def draw() -> Figure:
        frame = travel_frame(run)
        k = float(run.summary.get("people_per_agent") or 1)
        return refused_travel(frame, travel_bounds(frame, k, bands))

    out: list[Block] = [Plot("refused-travel", caption, draw)]
    after = run.summary.get("after_warmup") or {}
    later = bool(run.warmup_days and after.get("days"))
    rows = [
        [label, run.summary[k], *([after.get(k)] if later else [])]
        for k, label in BLOCKED.items()
        if k in run.summary
    ]
    if rows:
        head = ["Refused", "Attempts over the run"]
        head += [f"After the warm-up (last {after['days']:,} days)"] if later else []
        out.append(table(head, rows))
    return out


def travel_frame(run: RunData) -> pd.DataFrame:
    """Daily refused flights and trains: from the timeseries, else from the sanctions events."""
    if has_ts(run, "blocked_flights", "blocked_trains"):
        return run.timeseries
    refused = run.events("sanctions", ["day", "action", "agency"], pc.field("action") == "refused")
    days = np.arange(int(run.summary.get("days") or refused["day"].max() + 1))
    k = run.summary.get("people_per_agent") or 1
    frame = {"day": days}
    for column, agency in (("blocked_flights", "airlines"), ("blocked_trains", "railways")):
        hits = refused["day"][refused["agency"].astype(str) == agency].to_numpy(dtype=np.int64)
        frame[column] = k * np.bincount(hits, minlength=len(days))[: len(days)]
    if run.summary.get("start"):
        frame["date"] = np.datetime64(run.summary["start"], "D") + days.astype("timedelta64[D]")
    return run.after_warmup(pd.DataFrame(frame))


def refusals_logged(run: RunData) -> bool:
    if not run.has_events("sanctions"):
        return False
    refused = run.events("sanctions", ["agency"], pc.field("action") == "refused")
    return bool(refused["agency"].astype(str).isin(["airlines", "railways"]).any())


def has_ts(run: RunData, *cols: str) -> bool:
    return "day" in run.timeseries_columns and all(c in run.timeseries_columns for c in cols)
