"""One day's events, and the record-only view of them handed to policies and consequences."""

from __future__ import annotations

import numpy as np

from credsim.engine.events import TABLES, Batch

__all__ = ["TRUTH_FIELDS", "Day", "PublicDay", "RecordsView"]

TRUTH_FIELDS = frozenset({"true_actor", "act_id"})
"""Record fields that say what really happened: only sources (writing) and metrics may read them."""


class Day:
    """The batches of one day: acts, records, score changes and sanctions."""

    def __init__(self, day: int) -> None:
        self.day = day
        self.acts = Batch("acts")
        self.records = Batch("records")
        self.score_changes = Batch("score_changes")
        self.sanctions = Batch("sanctions")

    def batches(self) -> dict[str, Batch]:
        return {t: getattr(self, t) for t in TABLES}

    def public(self) -> PublicDay:
        """What a record-only part may see of this day."""
        return PublicDay(self)


class RecordsView:
    """Records without the fields that say who really acted."""

    __slots__ = ("_batch",)

    def __init__(self, batch: Batch) -> None:
        self._batch = batch

    def __getitem__(self, name: str) -> np.ndarray:
        if name in TRUTH_FIELDS:
            raise KeyError(f"records.{name} is ground truth; scores and status use records only")
        return self._batch[name]

    def __len__(self) -> int:
        return len(self._batch)


class PublicDay:
    """A day as policies and consequences see it: records (no truth), scores, sanctions."""

    __slots__ = ("_day",)

    def __init__(self, day: Day) -> None:
        self._day = day

    @property
    def day(self) -> int:
        return self._day.day

    @property
    def records(self) -> RecordsView:
        return RecordsView(self._day.records)

    @property
    def score_changes(self) -> Batch:
        return self._day.score_changes

    @property
    def sanctions(self) -> Batch:
        return self._day.sanctions
