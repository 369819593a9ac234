"""History matching: how implausible a point is against each published figure, and the set of
points that are not ruled out.

For a target with published figure z and the model's figures f_1..f_R over a point's R
replicates, I = |mean(f) - z| / sqrt(v (1/R + w) + sd_obs^2): v is the run-to-run variance of
a run whose agents each stand for k people (the mean of R runs is uncertain by v / R), and the
published figure is one realisation of a world whose figures vary by w v: counts of people spread
with the number of independent actors, so a world of people acting one by one has w = 1 / k (the
calibration's `published_scale` / k; a target made by a credsim run at k has w = 1); sd_obs the
observation's (the target's `sd`, else its tolerance x z). Two or three replicates estimate v
poorly at one point, so v = phi x mean(f), with phi, the variance-to-mean ratio of the target's
figures, pooled over every point evaluated (counts of people spread like an over-dispersed
Poisson count). A point is accepted when its largest I over the targets is below the cutoff (3,
Pukelsheim's three-sigma rule, as in Vernon et al. 2010 and Andrianakis et al. 2015)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["dispersion", "implausibility", "match", "observation_sd", "point_implausibility"]


def observation_sd(published: float, tolerance: float, sd: float | None = None) -> float:
    """The observation's standard deviation: `sd` when given, else tolerance x the figure."""
    return sd if sd is not None else abs(published) * tolerance


def dispersion(points: Sequence[Sequence[float]]) -> float:
    """The variance-to-mean ratio of one target's figures, averaged over points (each with at
    least two replicates and a mean above zero); 0 when no point allows it."""
    ratios = []
    for values in points:
        runs = np.asarray(values, dtype=np.float64)
        mean = abs(float(runs.mean())) if runs.size else 0.0
        if runs.size > 1 and mean > 0:
            ratios.append(float(runs.var(ddof=1)) / mean)
    return float(np.mean(ratios)) if ratios else 0.0


def implausibility(
    values: Sequence[float], published: float, obs_sd: float, phi: float, world: float = 1.0
) -> float:
    """I of one target at one point (0 for an exact match with no spread at all); `world` is the
    published figure's variance as a share of a run's (w)."""
    runs = np.asarray(values, dtype=np.float64)
    mean = float(runs.mean())
    spread = phi * abs(mean) * (1.0 / runs.size + world)
    distance = abs(mean - published)
    sd = math.sqrt(spread + obs_sd**2)
    if sd == 0.0:
        return 0.0 if distance == 0.0 else math.inf
    return distance / sd


def point_implausibility(
    values: Mapping[str, Sequence[float]],
    published: Mapping[str, float],
    obs_sd: Mapping[str, float],
    phi: Mapping[str, float],
    world: float = 1.0,
) -> dict[str, float]:
    """{target: I} of one point; `world`: the published figures' variance as a share of a run's."""
    return {
        name: implausibility(values[name], published[name], obs_sd[name], phi[name], world)
        for name in values
    }


def match(
    points: Sequence[Mapping[str, Sequence[float]]],
    published: Mapping[str, float],
    obs_sd: Mapping[str, float],
    world: float = 1.0,
) -> tuple[list[dict[str, float]], dict[str, float]]:
    """{target: I} of each point, with the dispersion pooled over these points; and it."""
    phi = {name: dispersion([p[name] for p in points]) for name in published}
    return [point_implausibility(p, published, obs_sd, phi, world) for p in points], phi
