"""Figures of speech enforcement and checkpoints: enforcement over time beside the sensitive
posts held back, and who is stopped at checkpoints without being on any list.

Each takes plain data in the format of the metrics glossary and returns a Figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from credsim.results.intervals import intervals
from credsim.results.rates import poisson_intervals, wilson_interval

from .style import ABOVE, GREY, OKABE_ITO, PERCENT, figure, time_axis

__all__ = ["enforcement_and_fear", "rolling"]

MEASURE_NAMES = {
    "warned": "Warnings",
    "account_closed": "Accounts closed",
    "detained": "Detentions",
}


def _held_share(by_day: dict, days: int, window: int) -> np.ndarray:
    """The share of intended sensitive posts held back over each `window` days (NaN: none)."""
    meant = rolling(by_day.get("sensitive_meant") or np.zeros(days), window)
    held = rolling(by_day.get("sensitive_held") or np.zeros(days), window)
    return np.divide(held, meant, out=np.full(days, np.nan), where=meant > 0)


def _wilson_rows(share: np.ndarray, trials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson intervals of shares each of its own number of trials (NaN where none)."""
    low, high = np.full(share.shape, np.nan), np.full(share.shape, np.nan)
    for i in np.flatnonzero(np.isfinite(share) & (trials > 0)):
        low[i], high[i] = wilson_interval(share[i] * trials[i], trials[i])
    return low, high


def rolling(values: list[float] | np.ndarray, window: int) -> np.ndarray:
    """Sums over the last `window` days (fewer at the start)."""
    x = np.cumsum(np.asarray(values, np.float64))
    out = x.copy()
    out[window:] = x[window:] - x[:-window]
    return out


def enforcement_and_fear(
    by_day: dict,
    start: str | None,
    window: int = 30,
    k: float = 1.0,
    replicates: list[dict] | None = None,
) -> Figure:
    """Top: warnings, closed accounts and detentions over flagged posts, per `window` days.
    Bottom: the share of intended sensitive posts held back over the same window. Bands: the
    90% interval of the replicates' own curves (`replicates`: their `by_day` tables), or in one
    run exact 95% Poisson intervals of the simulated measures (counts / `k` agents) and 95%
    Wilson intervals of the share held back."""
    days = len(by_day.get("sensitive_meant") or [])
    x: np.ndarray = np.arange(days)
    if start:
        x = (pd.Timestamp(start) + pd.to_timedelta(x, unit="D")).to_numpy()
    window = max(1, min(window, days))
    fig = figure(height=4.6)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1.1, 1))
    others = [r for r in replicates or [] if len(r.get("sensitive_meant") or []) == days]
    for i, (key, name) in enumerate(MEASURE_NAMES.items()):
        values = by_day.get(key) or []
        if len(values) == days and any(values):
            sums = rolling(values, window)
            top.plot(x, sums, color=OKABE_ITO[i], linewidth=1.4, label=name)
            if others:
                low, high = intervals(
                    [rolling(r.get(key) or np.zeros(days), window) for r in others]
                )
            else:
                low, high = (k * b for b in poisson_intervals(sums / k))
            top.fill_between(x, low, high, color=OKABE_ITO[i], alpha=0.15, lw=0)
    if any(any(by_day.get(k) or []) for k in MEASURE_NAMES):
        top.set_yscale("symlog", linthresh=1.0)
    top.set_ylim(bottom=0)
    top.set_ylabel(f"Per {window} days")
    top.legend(**ABOVE)
    share = _held_share(by_day, days, window)
    bottom.plot(x, 100 * share, color=GREY, linewidth=1.4)
    if others:
        low, high = intervals([_held_share(r, days, window) for r in others])
    else:
        meant = rolling(by_day.get("sensitive_meant") or np.zeros(days), window) / k
        low, high = _wilson_rows(share, meant)
    bottom.fill_between(x, 100 * low, 100 * high, color=GREY, alpha=0.2, lw=0)
    bottom.set_ylim(bottom=0)
    bottom.yaxis.set_major_formatter(PERCENT)
    bottom.set_ylabel(f"Sensitive posts\nheld back ({window} days)")
    time_axis(bottom, x)
    return fig
