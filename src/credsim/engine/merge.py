"""Folding the tallies of a sharded run's shards into one, exactly.

Counts are whole numbers (kept as ints, or as floats holding whole numbers), so adding them up in
any order gives the very same numbers; that is what lets a sharded run's summary match a
single-process run's to the byte.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from credsim.engine.sets import unique

__all__ = ["add_up", "added", "sorted_union"]


def added(a: Any, b: Any) -> Any:
    """a + b for numbers, arrays and lists (joined), and key by key for (nested) dicts."""
    if isinstance(a, dict):
        out = dict(a)
        for key, value in b.items():
            out[key] = added(out[key], value) if key in out else value
        return out
    return a + b


def add_up(target: object, parts: list, *names: str) -> None:
    """Add the attributes `names` of every part into `target`'s (lists are joined in order)."""
    for name in names:
        value = getattr(target, name)
        for part in parts:
            value = added(value, getattr(part, name))
        setattr(target, name, value)


def sorted_union(arrays: list[np.ndarray]) -> np.ndarray:
    """The sorted union of sorted arrays."""
    return unique(np.concatenate(arrays))
