"""Figures of speech enforcement and checkpoints: enforcement over time beside the sensitive
posts held back, and who is stopped at checkpoints without being on any list.

Each takes plain data in the format of the metrics glossary and returns a Figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .style import ABOVE, GREY, OKABE_ITO, PERCENT, figure, time_axis

__all__ = ["enforcement_and_fear", "rolling"]

MEASURE_NAMES = {
    "warned": "Warnings",
    "account_closed": "Accounts closed",
    "detained": "Detentions",
}


def rolling(values: list[float] | np.ndarray, window: int) -> np.ndarray:
    """Sums over the last `window` days (fewer at the start)."""
    x = np.cumsum(np.asarray(values, np.float64))
    out = x.copy()
    out[window:] = x[window:] - x[:-window]
    return out


def enforcement_and_fear(by_day: dict, start: str | None, window: int = 30) -> Figure:
    """Top: warnings, closed accounts and detentions over flagged posts, per `window` days.
    Bottom: the share of intended sensitive posts held back over the same window."""
    days = len(by_day.get("sensitive_meant") or [])
    x: np.ndarray = np.arange(days)
    if start:
        x = (pd.Timestamp(start) + pd.to_timedelta(x, unit="D")).to_numpy()
    window = max(1, min(window, days))
    fig = figure(height=4.6)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1.1, 1))
    for i, (key, name) in enumerate(MEASURE_NAMES.items()):
        values = by_day.get(key) or []
        if len(values) == days and any(values):
            top.plot(x, rolling(values, window), color=OKABE_ITO[i], linewidth=1.4, label=name)
    if any(any(by_day.get(k) or []) for k in MEASURE_NAMES):
        top.set_yscale("symlog", linthresh=1.0)
    top.set_ylim(bottom=0)
    top.set_ylabel(f"Per {window} days")
    top.legend(**ABOVE)
    meant = rolling(by_day.get("sensitive_meant") or np.zeros(days), window)
    held = rolling(by_day.get("sensitive_held") or np.zeros(days), window)
    share = np.divide(100 * held, meant, out=np.full(days, np.nan), where=meant > 0)
    bottom.plot(x, share, color=GREY, linewidth=1.4)
    bottom.set_ylim(bottom=0)
    bottom.yaxis.set_major_formatter(PERCENT)
    bottom.set_ylabel(f"Sensitive posts\nheld back ({window} days)")
    time_axis(bottom, x)
    return fig
