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
TRIES_AT_ONCE = 64


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
    pending = np.flatnonzero(size >= 2)
    # Tries `start`, `start` + 1, ... for every actor still without a match at once: the first
    # that succeeds is the one trying them one at a time would find.
    for start in range(0, MAX_TRIES, TRIES_AT_ONCE):
        if pending.shape[0] == 0:
            break
        k = min(TRIES_AT_ONCE, MAX_TRIES - start)
        rows = np.repeat(pending, k)
        attempt = np.tile(np.arange(start, start + k), pending.shape[0])
        u = stream.uniform_each(attempt, keys[rows])
        pick = np.minimum(np.floor(u * size[rows]).astype(np.int64), size[rows] - 1)
        flat = first[rows] + pick
        ok = (flat != actors[rows]) & (_cell(flat, traits) == target[rows])
        candidate, ok = flat.reshape(pending.shape[0], k), ok.reshape(pending.shape[0], k)
        found = ok.any(axis=1)
        at = ok.argmax(axis=1)
        out[pending[found]] = candidate[found, at[found]]
        pending = pending[~found]
    left = np.flatnonzero(out < 0)
    if left.shape[0]:
        out[left] = other_in_region(stream, MAX_TRIES, keys[left], actors[left], regions)
    return out.astype(np.int32)
