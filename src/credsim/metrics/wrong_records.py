"""The records that named the wrong citizen, kept for metrics that meet them again later (a fine
paid or a naming displayed weeks after its record): misattributed and fabricated records only, so
memory grows with the errors, not with the records."""

from __future__ import annotations

import numpy as np

from credsim.engine.batch import Batch

__all__ = ["WrongRecords"]


class WrongRecords:
    """Ids (ascending, as the engine numbers them) of wrong records, and their true actors."""

    def __init__(self) -> None:
        self.ids = np.empty(0, np.int64)
        self.actors = np.empty(0, np.int64)

    def add(self, records: Batch) -> None:
        """Keep the day's records that name someone other than their true actor (-1: none)."""
        actor, who = records["true_actor"], records["attributed_to"]
        wrong = actor != who
        if wrong.any():
            ids = records["record_id"][wrong].astype(np.int64)
            order = np.argsort(ids, kind="stable")
            self.ids = np.concatenate([self.ids, ids[order]])
            self.actors = np.concatenate([self.actors, actor[wrong][order].astype(np.int64)])

    def true_actor(self, record_ids: np.ndarray, citizens: np.ndarray) -> np.ndarray:
        """The true actor of each record (the citizen named, where the record was right)."""
        out = np.asarray(citizens, np.int64).copy()
        if self.ids.shape[0] == 0 or out.shape[0] == 0:
            return out
        at = np.minimum(np.searchsorted(self.ids, record_ids), self.ids.shape[0] - 1)
        found = self.ids[at] == record_ids
        out[found] = self.actors[at[found]]
        return out
