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

__all__ = ["NEVER", "STATUS_DOC", "off_since", "removed_on"]

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
