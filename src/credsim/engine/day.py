"""One day's events, and the record-only view of them handed to policies and consequences."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np

from credsim.engine.batch import Batch
from credsim.engine.notices import PendingNotices
from credsim.engine.rows import rows_with, rows_with_any
from credsim.engine.scope import Scope, within
from credsim.engine.tables import TABLES

__all__ = ["TRUTH_FIELDS", "Day", "PublicDay", "RecordsView"]

TRUTH_FIELDS = frozenset({"true_actor", "act_id", "true_detail"})
"""Record fields that say what really happened: only sources (writing) and metrics may read them."""


class Day:
    """The batches of one day: acts, records, score changes, sanctions and notices."""

    def __init__(self, day: int) -> None:
        self.day = day
        self.acts = Batch("acts")
        self.records = Batch("records")
        self.score_changes = Batch("score_changes")
        self.sanctions = Batch("sanctions")
        self._notices: Batch | PendingNotices = Batch("notices")
        self.deaths = np.empty(0, np.int64)
        """Citizens who died at the start of the day (population.demography)."""
        self.births = np.empty(0, np.int64)
        """Slots that hold a newborn from this day on."""

    @property
    def notices(self) -> Batch:
        """The day's notices: built when first read, once the day's sanctions are closed."""
        if isinstance(self._notices, PendingNotices):
            self._notices = self._notices.batch()
        return self._notices

    @notices.setter
    def notices(self, batch: Batch | PendingNotices) -> None:
        self._notices = batch

    def notice_pieces(self) -> Iterable[dict[str, np.ndarray]]:
        """The notices' columns in pieces whose rows follow one another: a piece at a time while
        they are not built (`PendingNotices.pieces`), else the table whole."""
        if isinstance(self._notices, PendingNotices):
            return self._notices.pieces()
        return (self._notices.columns(),)

    def batches(self) -> Mapping[str, Batch]:
        """The day's tables by name; each is read (the notices built) only when asked for."""
        return _Tables(self)

    def kept(self, *tables: str) -> Day:
        """This day with only `tables` kept, the others closed and empty: what is held of a day
        past its end (the counterfactual's, for the metrics) then costs only what is read."""
        out = Day(self.day)
        for table, fields in TABLES.items():
            if table in tables:
                setattr(out, table, getattr(self, table))
            else:
                empty = {name: np.empty(0, dtype) for name, dtype in fields.items()}
                setattr(out, table, Batch.of(table, empty))
        out.deaths, out.births = self.deaths, self.births
        return out

    def public(self) -> PublicDay:
        """What a record-only part may see of this day."""
        return PublicDay(self)


class _Tables(Mapping[str, Batch]):
    """A day's tables by name, read on demand (an event log that keeps nothing reads none)."""

    __slots__ = ("_day",)

    def __init__(self, day: Day) -> None:
        self._day = day

    def __getitem__(self, table: str) -> Batch:
        if table not in TABLES:
            raise KeyError(table)
        return getattr(self._day, table)

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)

    def pieces(self, table: str) -> Iterable[dict[str, np.ndarray]]:
        """A table's columns, in pieces whose rows follow one another: the notices, when not
        yet built, a piece at a time (`PendingNotices.pieces`); any other table as its batch
        gives it (`Batch.pieces`: whole once every field is read)."""
        if table == "notices":
            return self._day.notice_pieces()
        return self[table].pieces()


class RecordsView:
    """Records without the fields that say what really happened. It holds only the public
    columns' arrays, never the batch, so no attribute leads from it to the truth fields."""

    __slots__ = ("_columns", "_grouped", "_rows")

    def __init__(self, batch: Batch) -> None:
        self._columns = {f: batch[f] for f in batch.fields if f not in TRUTH_FIELDS}
        self._rows = len(batch)
        self._grouped: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name in TRUTH_FIELDS:
            raise KeyError(f"records.{name} is ground truth; scores and status use records only")
        return self._columns[name]

    def __len__(self) -> int:
        return self._rows

    def rows_of(self, name: str, value: int) -> np.ndarray:
        """The rows (ascending) whose field `name` holds `value` (`events.rows_with`)."""
        return rows_with(self._grouped, self[name], name, value)

    def rows_of_any(self, name: str, values) -> np.ndarray:
        """The rows (ascending) whose field `name` holds any of `values`."""
        return rows_with_any(self._grouped, self[name], name, values)

    def within(self, scope: Scope) -> RecordsView:
        """The records about citizens in scope."""
        out = object.__new__(RecordsView)
        keep = scope.contains(self._columns["attributed_to"])
        out._columns = {f: v[keep] for f, v in self._columns.items()}
        out._rows = int(np.count_nonzero(keep))
        out._grouped = {}
        return out


class PublicDay:
    """A day as policies and consequences see it: records (no truth), score changes, sanctions.
    It holds no reference to the day's acts."""

    __slots__ = ("day", "records", "sanctions", "score_changes")

    def __init__(self, day: Day) -> None:
        self.day: int = day.day
        self.records = RecordsView(day.records)
        self.score_changes: Batch = day.score_changes
        self.sanctions: Batch = day.sanctions

    def within(self, scope: Scope) -> PublicDay:
        """This day as a plug-in limited to regions sees it: records (and, once closed, score
        changes) of citizens in scope; what it writes goes to the day's tables."""
        out = object.__new__(PublicDay)
        out.day = self.day
        out.records = self.records.within(scope)
        changes = self.score_changes
        out.score_changes = within(changes, "citizen", scope) if changes.closed else changes
        out.sanctions = self.sanctions
        return out
