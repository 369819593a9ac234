"""The history-matching wave after the search: a space-filling (scrambled Sobol') design over the
box the search found plausible, widened, so that the accepted set covers the region the figures
do not rule out rather than the few points near the optimum a search dwells on."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["MIN_WIDTH", "WIDEN", "wave_box", "wave_points"]

WIDEN = 1.0
"""Share of the plausible box's width added on each side (clipped to the parameter's range); the
width counts as at least MIN_WIDTH of the range, so two close points still make a box."""
MIN_WIDTH = 0.1


def _scaled(spec, value: float) -> float:
    return math.log(value) if spec.log else spec.number(value)


def _unscaled(spec, value: float) -> float:
    return math.exp(value) if spec.log else float(value)


def wave_box(
    parameters: dict[str, Any], scored: list[tuple[float, int, dict]], cutoff: float
) -> dict[str, tuple]:
    """{name: (low, high)} in search scale (log for log parameters) around the search's points
    (largest implausibility, trial number, values) that are accepted, or at least its best two
    (or best tenth), widened by WIDEN on each side."""
    ranked = sorted(scored, key=lambda s: (s[0], s[1]))
    keep = [s for s in ranked if s[0] < cutoff]
    if len(keep) < 2:
        keep = ranked[: max(2, len(ranked) // 10)]
    box = {}
    for name, spec in parameters.items():
        values = [_scaled(spec, params[name]) for _, _, params in keep]
        low, high = min(values), max(values)
        ends = (_scaled(spec, spec.low), _scaled(spec, spec.high))
        margin = max(high - low, (ends[1] - ends[0]) * MIN_WIDTH) * WIDEN
        box[name] = (max(low - margin, ends[0]), min(high + margin, ends[1]))
    return box


def wave_points(
    parameters: dict[str, Any], box: dict[str, tuple], count: int, seed: int
) -> list[dict[str, float | int]]:
    """`count` points of a scrambled Sobol' design over `box`, deterministic for `seed`."""
    names = list(parameters)
    from scipy.stats import qmc  # here: importing scipy.stats takes half a second

    sobol = qmc.Sobol(d=len(names), scramble=True, seed=np.random.default_rng(seed))
    # Sobol' balance wants a power of two; take the first `count` of the next one.
    unit = sobol.random_base2(max(1, math.ceil(math.log2(max(count, 2)))))[:count]
    points = []
    for row in unit:
        point: dict[str, float | int] = {}
        for name, u in zip(names, row, strict=True):
            spec, (low, high) = parameters[name], box[name]
            value = _unscaled(spec, low + u * (high - low))
            value = min(max(value, spec.bounds[0]), spec.bounds[1])
            point[name] = round(value) if spec.whole else value
        points.append(point)
    return points
