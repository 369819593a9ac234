"""Splitting a population into shards of whole localities (provinces, or parts of them)."""

from __future__ import annotations

import numpy as np

from credsim.engine.phases import Part
from credsim.engine.sets import unique
from credsim.errors import UserError

__all__ = ["split"]


def split(localities: np.ndarray, shards: int) -> list[Part]:
    """`shards` contiguous runs of whole localities with about equal numbers of citizens.

    Each cut is the locality boundary nearest to an equal share; no shard is empty. A shard's
    size is within one locality of the share: `population.locality_max_people` cuts large
    provinces into localities small enough to balance the shards."""
    bounds = unique(np.asarray(localities, np.int64))  # empty localities add no boundary
    n, count = int(bounds[-1]), bounds.shape[0] - 1
    if shards < 1:
        raise UserError(f"--shards {shards}: give at least 1 shard.")
    if shards > count:
        raise UserError(
            f"--shards {shards}: the population has {count} locality(ies) with citizens, and "
            f"a shard holds whole localities; give at most {count}, or cut provinces into "
            "smaller localities (--set population.locality_max_people=...)."
        )
    cuts = [0]
    for k in range(1, shards):
        target = n * k / shards
        # Boundaries still free: after the last cut, leaving one locality per shard to come.
        free = bounds[len(cuts) : count - (shards - k) + 1]
        free = free[free > cuts[-1]]
        cuts.append(int(free[np.argmin(np.abs(free - target))]))
    cuts.append(n)
    return [Part(k, cuts[k], cuts[k + 1]) for k in range(shards)]
