"""Splitting a population into shards of whole provinces."""

from __future__ import annotations

import numpy as np

from credsim.engine.loop import Part
from credsim.errors import UserError

__all__ = ["split"]


def split(regions: np.ndarray, shards: int) -> list[Part]:
    """`shards` contiguous runs of whole provinces with about equal numbers of citizens.

    Each cut is the province boundary nearest to an equal share; no shard is empty."""
    regions = np.unique(np.asarray(regions, np.int64))  # empty provinces add no boundary
    n, provinces = int(regions[-1]), regions.shape[0] - 1
    if shards < 1:
        raise UserError(f"--shards {shards}: give at least 1 shard.")
    if shards > provinces:
        raise UserError(
            f"--shards {shards}: the population has {provinces} province(s) with citizens, and "
            f"a shard holds whole provinces; give at most {provinces}."
        )
    cuts = [0]
    for k in range(1, shards):
        target = n * k / shards
        # Boundaries still free: after the last cut, leaving one province per shard to come.
        free = regions[len(cuts) : provinces - (shards - k) + 1]
        free = free[free > cuts[-1]]
        cuts.append(int(free[np.argmin(np.abs(free - target))]))
    cuts.append(n)
    return [Part(k, cuts[k], cuts[k + 1]) for k in range(shards)]
