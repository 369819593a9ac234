"""A list's status column: one int16 per citizen holds both the day a citizen was listed and,
while they are off the list, the day of their last removal.

- `day >= 0`: listed since that day;
- `-1`: never listed (the column's fill);
- `-(day + 2)`: off the list, last removed on `day`.

Every reader that asks "listed?" compares with 0 (`status >= 0`); the removal day is read with
`removed_on`. Keeping both in one column saves two bytes per citizen per list.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["NEVER", "STATUS_DOC", "off_since", "or_treated_as_listed", "removed_on"]

NEVER = -1
"""A citizen never listed."""
STATUS_DOC = "day listed if >= 0; -1 never listed; -(d + 2) off the list since day d"


def off_since(day: int) -> int:
    """The status of a citizen removed from the list on `day`."""
    return -(int(day) + 2)


def removed_on(status: np.ndarray) -> np.ndarray:
    """The day of each citizen's last removal (int32), -1 if listed now or never removed."""
    values = status.astype(np.int32)
    return np.where(values <= -2, -values - 2, -1).astype(np.int32)


@njit(cache=True)
def or_treated_as_listed(status, citizens, day, pickup_days, removal_days, out):
    """out[i] |= whether citizens[i] counts as listed on `day` to a reader that learns of a
    listing `pickup_days` after it and keeps treating a removed citizen as listed for
    `removal_days` after the removal (0: not at all); one pass, no temporaries."""
    for i in range(citizens.shape[0]):
        v = np.int64(status[citizens[i]])
        if v >= 0:
            if day - v >= pickup_days:
                out[i] = True
        elif removal_days > 0 and v <= -2 and day - (-v - 2) < removal_days:
            out[i] = True
