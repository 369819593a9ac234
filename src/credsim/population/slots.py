"""Slots: a fixed number of places for citizens. A slot is empty (age byte EMPTY) after its
citizen died or before a newborn first takes it; the free ones wait in a pool."""

from __future__ import annotations

import numpy as np

__all__ = ["EMPTY", "Living", "SlotPool"]

EMPTY = 255
"""The age byte of an empty slot (a citizen who died, or a reserve slot never yet used)."""


class Living:
    """Whether each citizen given is alive: its age byte is not EMPTY (picklable, for shards)."""

    def __init__(self, age: np.ndarray) -> None:
        self.age = age

    def __call__(self, citizens: np.ndarray) -> np.ndarray:
        return self.age[citizens] != EMPTY


class SlotPool:
    """Free slots of each segment (a region's urban or rural part), first freed first used."""

    def __init__(self, segments: int) -> None:
        self.slots = [np.empty(0, np.int64) for _ in range(segments)]
        self.ready = [np.empty(0, np.int64) for _ in range(segments)]

    def add(self, segment: int, slots: np.ndarray, ready_day: int) -> None:
        self.slots[segment] = np.concatenate([self.slots[segment], np.sort(slots)])
        self.ready[segment] = np.concatenate(
            [self.ready[segment], np.full(slots.shape[0], ready_day, np.int64)]
        )

    def take(self, segment: int, count: int, day: int) -> np.ndarray:
        """Up to `count` slots free by `day`."""
        ready = int(np.searchsorted(self.ready[segment], day, side="right"))
        k = min(count, ready)
        out = self.slots[segment][:k]
        self.slots[segment] = self.slots[segment][k:]
        self.ready[segment] = self.ready[segment][k:]
        return out

    def size(self) -> int:
        return int(sum(s.shape[0] for s in self.slots))
