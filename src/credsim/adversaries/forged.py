"""Records an adversary writes about citizens who did nothing: no true actor, no act."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day

__all__ = ["forge"]


def forge(day: Day, kind: int, source: int, citizens: np.ndarray) -> None:
    """Add records of `kind` under `source` naming `citizens`, with no act behind them."""
    if citizens.shape[0] == 0:
        return
    none = np.full(citizens.shape[0], -1)
    day.records.add(
        day=day.day,
        kind=kind,
        source=source,
        attributed_to=citizens.astype(np.int32),
        true_actor=none,
        act_id=none,
    )
