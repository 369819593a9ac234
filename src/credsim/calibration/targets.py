"""What a target measures in a run: its metric's daily whole-population series (people, as
timeseries.parquet holds them) read as a cumulative count, a stock on a day or a flow over a
period, and the curve of that measure over time that the fit figure draws."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from credsim.engine.sets import unique

__all__ = ["CURVE_POINTS", "Window", "whole_series"]

CURVE_POINTS = 60
"""Points kept of each target's curve (the figure needs no more)."""


@dataclass(frozen=True)
class Window:
    """A target in run days: day 0 is the scenario's start."""

    name: str
    metric: str
    kind: Literal["cumulative", "stock", "flow"]
    first: int
    last: int
    per_year: bool = False

    @classmethod
    def of(cls, name: str, spec, start: dt.date) -> Window:
        """The window of a checked TargetSpec in a run that starts on `start`."""
        if spec.kind == "stock":
            day = (spec.date - start).days
            return cls(name, spec.metric, "stock", day, day)
        first, last = (spec.start - start).days, (spec.end - start).days
        return cls(name, spec.metric, spec.kind, first, last, spec.per_year)

    @property
    def scale(self) -> float:
        """Factor from a sum over the window to the figure (a yearly rate for per_year)."""
        return 365.0 / (self.last - self.first + 1) if self.per_year else 1.0

    def value(self, series: np.ndarray) -> float:
        """The model's figure: the level on the day, or the flow summed over the window."""
        if self.kind == "stock":
            return float(series[self.last])
        return float(np.nansum(series[self.first : self.last + 1])) * self.scale

    def curve_days(self, run_days: int) -> np.ndarray:
        """Days the curve is sampled at: the whole run for a stock, the window for a count."""
        first, last = (0, run_days - 1) if self.kind == "stock" else (self.first, self.last)
        return unique(np.linspace(first, last, CURVE_POINTS).round().astype(np.int64))

    def curve(self, series: np.ndarray) -> list[float]:
        """The measure over time: the stock, or the count so far from the window's first day
        (a yearly rate scaled as the figure is, so the curve ends at the model's figure)."""
        days = self.curve_days(len(series))
        if self.kind == "stock":
            return [float(v) for v in series[days]]
        running = np.nancumsum(series[self.first : self.last + 1]) * self.scale
        return [float(v) for v in running[days - self.first]]


def whole_series(frame: pd.DataFrame, metric: str, days: int) -> np.ndarray:
    """One value per day of the run: `metric` for the whole population (dimension = all)."""
    whole = frame[frame["dimension"] == "all"]
    series = np.full(days, np.nan)
    series[whole["day"].to_numpy()] = whole[metric].to_numpy(dtype=np.float64)
    return series
