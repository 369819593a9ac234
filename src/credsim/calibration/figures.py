"""The fit over time: for each target, the model's median and 90% band over the accepted points'
runs, beside the published figure (with its observation sd) on its date."""

from __future__ import annotations

import datetime as dt

import numpy as np
from matplotlib.figure import Figure

from credsim.calibration.targets import Window
from credsim.report.style import GREY, OKABE_ITO, figure, time_axis

__all__ = ["fit_figure"]


def fit_figure(
    windows: tuple[Window, ...],
    curves: dict[str, np.ndarray],
    published: dict[str, float],
    obs_sd: dict[str, float],
    start: dt.date,
    run_days: int,
    basis: str,
) -> Figure:
    """One panel per target; `curves[name]` holds one row per run of the points shown."""
    columns = min(len(windows), 2)
    rows = -(-len(windows) // columns)
    fig = figure(5.0 * columns, 3.2 * rows)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    origin = np.datetime64(start, "D")
    for ax, window in zip(axes, windows, strict=False):
        x = origin + window.curve_days(run_days).astype("timedelta64[D]")
        runs = curves[window.name]
        low, mid, high = np.nanquantile(runs, [0.05, 0.5, 0.95], axis=0)
        ax.fill_between(x, low, high, color=OKABE_ITO[0], alpha=0.25, lw=0, label="model 90%")
        ax.plot(x, mid, color=OKABE_ITO[0], lw=1.5, label="model median")
        when = origin + np.timedelta64(window.last, "D")
        sd = obs_sd[window.name]
        ax.errorbar(
            [when], [published[window.name]], yerr=[[2 * sd], [2 * sd]], fmt="o",
            color=OKABE_ITO[3], capsize=3, label="published (±2 sd)",
        )  # fmt: skip
        what = {"stock": "on the day", "cumulative": "since", "flow": "since"}[window.kind]
        since = "" if window.kind == "stock" else f" {origin + np.timedelta64(window.first, 'D')}"
        ax.set_title(f"{window.name}: {window.metric} ({window.kind})", fontsize=9)
        rate = " (a year)" if window.per_year else ""
        ax.set_ylabel(f"people{rate}, {what}{since}", fontsize=8, color=GREY)
        time_axis(ax, x)
        pad = max((x[-1] - x[0]) // 40, np.timedelta64(1, "D"))
        ax.set_xlim(x[0], x[-1] + pad)  # the published point sits on the last day
        ax.legend(fontsize=7, frameon=False)
    for ax in axes[len(windows) :]:
        ax.set_visible(False)
    fig.suptitle(f"Fit over time ({basis})", fontsize=10)
    return fig
