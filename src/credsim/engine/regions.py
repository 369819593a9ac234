"""Provinces as contiguous ranges of citizens, and choosing another citizen of the same one.

Every choice of "someone else" in credsim (whom a clerical error or a face search names, whom a
fabricated record falls on, which stranger one asks for help) is made inside the chooser's
province. Camera searches, court files and daily encounters are local; keeping them local is also
what makes a run splittable by province with the same draws (credsim.experiments.sharding).
"""

from __future__ import annotations

import numpy as np

from credsim.engine.rng import Stream

__all__ = ["member_of_region", "one_region", "other_in_region", "region_bounds", "region_of"]


def one_region(n: int) -> np.ndarray:
    """The starts of a population that is a single region: [0, n]."""
    return np.array([0, n], np.int64)


def region_of(starts: np.ndarray, citizens: np.ndarray) -> np.ndarray:
    """The region (index into `starts`) of each citizen."""
    return np.searchsorted(starts, citizens, side="right") - 1


def region_bounds(starts: np.ndarray, citizens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First citizen and size of each citizen's region."""
    region = region_of(starts, citizens)
    return starts[region], starts[region + 1] - starts[region]


def other_in_region(
    stream: Stream, day: int, keys: np.ndarray, citizens: np.ndarray, starts: np.ndarray
) -> np.ndarray:
    """For each citizen, another citizen of its region drawn uniformly at (day, key); itself if
    it is alone there."""
    citizens = np.asarray(citizens, np.int64)
    if citizens.shape[0] == 0:
        return citizens.astype(np.int32)
    first, size = region_bounds(starts, citizens)
    u = stream.uniform(day, keys)
    alone = size < 2
    other = np.floor(u * np.maximum(size - 1, 1)).astype(np.int64)
    other = np.minimum(other, np.maximum(size - 2, 0))
    local = citizens - first
    out = first + other + (other >= local)
    return np.where(alone, citizens, out).astype(np.int32)


def member_of_region(
    stream: Stream, day: int, keys: np.ndarray, citizens: np.ndarray, starts: np.ndarray
) -> np.ndarray:
    """For each citizen, a citizen of its region (perhaps itself) drawn uniformly at (day, key)."""
    citizens = np.asarray(citizens, np.int64)
    first, size = region_bounds(starts, citizens)
    pick = np.floor(stream.uniform(day, keys) * size).astype(np.int64)
    return (first + np.minimum(pick, size - 1)).astype(np.int32)
