"""Whom a false match names: another citizen of the same demographic cell (sex, age band, group)
and province, as a face search confuses people who look alike. Found by rejection sampling on
counter-based draws, so the cost grows with the number of false matches only."""

from __future__ import annotations

import numpy as np

from credsim.engine.regions import other_in_region, region_bounds
from credsim.engine.rng import Stream
from credsim.engine.traits import Trait

__all__ = ["CELL_TRAITS", "same_cell_other"]

CELL_TRAITS = ("sex", "age_band", "group")
MAX_TRIES = 4096


def _cell(citizens: np.ndarray, traits: dict[str, Trait]) -> np.ndarray:
    code = np.zeros(citizens.shape[0], np.int64)
    for name in CELL_TRAITS:
        if name in traits:
            code = code * len(traits[name].labels) + traits[name].codes(citizens)
    return code


def same_cell_other(
    actors: np.ndarray,
    keys: np.ndarray,
    traits: dict[str, Trait],
    stream: Stream,
    day: int,
    regions: np.ndarray,
) -> np.ndarray:
    """For each actor, another citizen of its cell and province (any other citizen of the
    province if the cell has no other there)."""
    out = np.full(actors.shape[0], -1, np.int64)
    if actors.shape[0] == 0:
        return out.astype(np.int32)
    first, size = region_bounds(regions, actors)
    target = _cell(actors, traits)
    pending = np.arange(actors.shape[0])
    for attempt in range(MAX_TRIES):
        pending = pending[size[pending] >= 2]
        if pending.shape[0] == 0:
            break
        u = stream.uniform(attempt, keys[pending])
        pick = np.minimum(np.floor(u * size[pending]).astype(np.int64), size[pending] - 1)
        candidate = first[pending] + pick
        ok = (candidate != actors[pending]) & (_cell(candidate, traits) == target[pending])
        out[pending[ok]] = candidate[ok]
        pending = pending[~ok]
    left = np.flatnonzero(out < 0)
    if left.shape[0]:
        out[left] = other_in_region(stream, MAX_TRIES, keys[left], actors[left], regions)
    return out.astype(np.int32)
