"""A calendar of future events: columnar payloads bucketed by the day they fall due.

Delays (a record reaching a registry weeks after the act, a listing after a court's grace period,
a debtor repaying months later) are pushed once and popped on their day, so nothing loops over
citizens to ask "is it time yet?".
"""

from __future__ import annotations

import numpy as np

__all__ = ["Calendar"]


class Calendar:
    """Future rows of fixed fields, bucketed by due day; rows due the same day keep push order."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        self._buckets: dict[int, list[dict[str, np.ndarray]]] = {}
        self.peak_bytes = 0
        self._bytes = 0

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
            self._buckets.setdefault(day, []).append(part)
            self._bytes += sum(a.nbytes for a in part.values())
        self.peak_bytes = max(self.peak_bytes, self._bytes)

    def pop(self, day: int) -> dict[str, np.ndarray]:
        """Rows due on `day` (and any left from earlier days), removed from the calendar."""
        due_days = sorted(d for d in self._buckets if d <= day)
        parts = [p for d in due_days for p in self._buckets.pop(d)]
        out = {
            name: (np.concatenate([p[name] for p in parts]) if parts else np.empty(0, dt))
            for name, dt in self.fields.items()
        }
        self._bytes -= sum(a.nbytes for a in out.values())
        return out

    def __len__(self) -> int:
        return sum(p[next(iter(self.fields))].shape[0] for b in self._buckets.values() for p in b)
