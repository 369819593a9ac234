"""A calendar of future events: columnar payloads bucketed by the day they fall due.

Delays (a record reaching a registry weeks after the act, a listing after a court's grace period,
a debtor repaying months later) are pushed once and popped on their day, so nothing loops over
citizens to ask "is it time yet?".
"""

from __future__ import annotations

import heapq

import numpy as np

__all__ = ["Calendar"]


class Calendar:
    """Future rows of fixed fields, bucketed by due day; rows due the same day keep push order."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        self._buckets: dict[int, list[dict[str, np.ndarray]]] = {}
        self._days: list[int] = []
        """The days that have a bucket, as a heap: a day's pop looks at those due, not at every
        day pending (a debt's repayment can be years ahead: thousands of days)."""
        self.peak_bytes = 0
        self._bytes = 0

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "_days" not in state:  # pickled before the heap was kept
            self._days = sorted(self._buckets)

    def push(self, due: np.ndarray, **columns: np.ndarray) -> None:
        """Schedule rows due on the given days."""
        due = np.asarray(due, np.int64)
        if due.shape[0] == 0:
            return
        order = np.argsort(due, kind="stable")
        due_sorted = due[order]
        cols = {name: np.asarray(columns[name], dt)[order] for name, dt in self.fields.items()}
        days, starts = np.unique(due_sorted, return_index=True)
        bounds = [*starts.tolist(), due_sorted.shape[0]]
        for i, day in enumerate(days.tolist()):
            part = {name: col[bounds[i] : bounds[i + 1]] for name, col in cols.items()}
            bucket = self._buckets.get(day)
            if bucket is None:
                bucket = self._buckets[day] = []
                heapq.heappush(self._days, day)
            bucket.append(part)
            self._bytes += sum(a.nbytes for a in part.values())
        self.peak_bytes = max(self.peak_bytes, self._bytes)

    def pop(self, day: int) -> dict[str, np.ndarray]:
        """Rows due on `day` (and any left from earlier days), removed from the calendar."""
        parts = []
        while self._days and self._days[0] <= day:
            parts.extend(self._buckets.pop(heapq.heappop(self._days)))
        out = {
            name: (np.concatenate([p[name] for p in parts]) if parts else np.empty(0, dt))
            for name, dt in self.fields.items()
        }
        self._bytes -= sum(a.nbytes for a in out.values())
        return out

    def __len__(self) -> int:
        return sum(p[next(iter(self.fields))].shape[0] for b in self._buckets.values() for p in b)
