"""Whom a false match names: another citizen of the same demographic cell (sex, age band, group),
as a face search confuses people who look alike. Found by rejection sampling on counter-based
draws, so the cost grows with the number of false matches only."""

from __future__ import annotations

import numpy as np

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
    n: int,
) -> np.ndarray:
    """For each actor, another citizen of its cell (any other citizen if the cell has no other)."""
    out = np.full(actors.shape[0], -1, np.int64)
    if actors.shape[0] == 0 or n < 2:
        return out.astype(np.int32)
    target = _cell(actors, traits)
    pending = np.arange(actors.shape[0])
    for attempt in range(MAX_TRIES):
        if pending.shape[0] == 0:
            break
        candidate = stream.integers(attempt, keys[pending], n)
        ok = (candidate != actors[pending]) & (_cell(candidate, traits) == target[pending])
        out[pending[ok]] = candidate[ok]
        pending = pending[~ok]
    if pending.shape[0]:
        other = stream.integers(MAX_TRIES, keys[pending], n - 1)
        out[pending] = other + (other >= actors[pending])
    return out.astype(np.int32)
