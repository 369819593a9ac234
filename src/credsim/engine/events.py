"""The event log: acts, records, score changes and sanctions in columnar batches, to Parquet.

A day's events live in `Batch`es (lists of NumPy chunks per field, concatenated once when the phase
ends; a field that holds one value on every row, such as the day, stays that value broadcast, a
read-only view without bytes per row). Finished days pile up in the `EventLog` and are written as
one Parquet file per table and day range, so memory stays bounded however long the run. Codes
(act kinds, rules, sources) are written as dictionary-encoded strings, so pandas and DuckDB show
names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from credsim.engine.rows import rows_with

__all__ = ["NULLABLE", "TABLES", "Batch", "EventLog", "dates", "sampled"]

TABLES: dict[str, dict[str, str]] = {
    "acts": {
        "act_id": "int64",
        "day": "int32",
        "actor": "int32",
        "kind": "uint8",
        "detail": "uint8",
    },
    "records": {
        "record_id": "int64",
        "day": "int32",
        "kind": "uint8",
        "source": "uint8",
        "attributed_to": "int32",
        "true_actor": "int32",
        "act_id": "int64",
        "detail": "uint8",
        "true_detail": "uint8",
        "firm": "int32",
    },
    "score_changes": {
        "day": "int32",
        "citizen": "int32",
        "policy": "uint8",
        "delta": "int16",
        "score": "int16",
        "record_id": "int64",
        "rule": "uint16",
    },
    "sanctions": {
        "day": "int32",
        "citizen": "int32",
        "consequence": "uint8",
        "action": "uint8",
        "record_id": "int64",
        "agency": "uint8",
    },
    "notices": {
        "day": "int32",
        "citizen": "int32",
        "notice": "uint8",
        "about": "uint8",
        "value": "int16",
        "record_id": "int64",
    },
}
"""Every event table and its fields. An act's `detail` qualifies its kind (whether a post was
really sensitive, whether an appellant really owes nothing). A record's `detail` is only what its
source itself assigns (a court's listing ground); what really happened travels in the truth fields
`true_actor`, `act_id` (-1 for fabricated records) and `true_detail` (the act's detail). A record
about a firm names the firm in `firm` (-1 for records about a person only) and, in `attributed_to`,
the person the rule reaches: the firm's registered legal representative. In the files, such a -1
is null (`NULLABLE`)."""

NULLABLE: dict[str, tuple[str, ...]] = {
    "records": ("true_actor", "act_id", "firm"),
    "score_changes": ("record_id",),
    "sanctions": ("record_id",),
    "notices": ("record_id",),
}
"""Fields that may name nothing: a fabricated record's `true_actor` and `act_id`, the `firm` of a
record about a person only, the `record_id` of a score change, sanction or notice no record
caused. In memory they hold -1; the Parquet files hold null (`true_actor IS NULL`: fabricated)."""

ROW_GROUP = 1024 * 1024
"""Rows per Parquet row group: pyarrow's default, so that a file written one row group at a time
while the days come is, byte for byte, the file `pq.write_table` writes from the whole range."""

DEFAULTS = {"act_id": 0, "record_id": 0, "detail": 0, "true_detail": 0, "agency": 0, "firm": -1}
"""Fields a producer may leave out: ids are assigned when the phase closes; detail defaults to 0;
`firm` to -1 (no firm)."""

CITIZEN_FIELD = {
    "acts": "actor",
    "records": "attributed_to",
    "score_changes": "citizen",
    "sanctions": "citizen",
    "notices": "citizen",
}


_DTYPES = {
    table: {name: np.dtype(dtype) for name, dtype in fields.items()}
    for table, fields in TABLES.items()
}
"""Each table's fields with their dtypes as NumPy objects (a dtype named by a string is parsed
again at every comparison)."""
_DEFAULTS_OF = {
    table: {k: v for k, v in DEFAULTS.items() if k in fields} for table, fields in TABLES.items()
}
"""Each table's fields a producer may leave out, with their defaults."""
_FIELD_SETS = {table: frozenset(fields) for table, fields in TABLES.items()}
_EMPTY = {
    table: {name: np.empty(0, dtype) for name, dtype in fields.items()}
    for table, fields in TABLES.items()
}
"""A table without rows (arrays of no elements can be shared: nothing can be written into them)."""


class Batch:
    """One day's rows of one event table, built from chunks, then frozen."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.fields = _DTYPES[table]
        self._chunks: dict[str, list[np.ndarray]] = {f: [] for f in self.fields}
        self._frozen: dict[str, np.ndarray] | None = None
        self._grouped: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @classmethod
    def of(cls, table: str, columns: dict[str, np.ndarray]) -> Batch:
        """A closed batch holding the given columns (every field of `table`)."""
        batch = cls(table)
        batch._frozen = {f: np.asarray(columns[f], dtype) for f, dtype in batch.fields.items()}
        batch._chunks = {}
        return batch

    def add(self, **columns: np.ndarray | int) -> None:
        """Append rows; scalars broadcast to the length of the array columns."""
        if self._frozen is not None:
            raise RuntimeError(f"{self.table} for this day are closed: a later phase tried to add")
        columns = {**_DEFAULTS_OF[self.table], **columns}
        if columns.keys() != _FIELD_SETS[self.table]:
            missing = set(self.fields) - set(columns)
            extra = set(columns) - set(self.fields)
            raise ValueError(f"{self.table}: missing {sorted(missing)}, unknown {sorted(extra)}")
        length = max((_length(v) for v in columns.values()), default=0)
        chunks = self._chunks
        for name, dtype in self.fields.items():
            arr = _rows(columns[name], dtype, length)
            if arr.shape[0] != length:
                raise ValueError(f"{self.table}.{name}: {arr.shape[0]} rows, expected {length}")
            chunks[name].append(arr)

    def freeze(self) -> None:
        """Close the batch: later phases may read it, none may add to it."""
        if self._frozen is None:
            chunks = self._chunks
            if not chunks[next(iter(chunks))]:  # nothing added (every field alike): no rows
                self._frozen = dict(_EMPTY[self.table])
            else:
                self._frozen = {
                    name: _joined(parts, self.fields[name]) for name, parts in chunks.items()
                }
            self._chunks = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if self._frozen is None:
            raise RuntimeError(f"{self.table} are still open; read them in a later phase")
        return self._frozen[name]

    def rows_of(self, name: str, value: int) -> np.ndarray:
        """The rows (ascending) whose `name` field holds `value`: see `rows_with`."""
        return rows_with(self._grouped, self[name], name, value)

    def open_column(self, name: str) -> np.ndarray:
        """The rows added so far of one field (the batch stays open)."""
        chunks = self._chunks[name]
        return np.concatenate(chunks) if chunks else np.empty(0, self.fields[name])

    def keep(self, rows: np.ndarray) -> None:
        """Keep only the rows added so far where `rows` (a boolean mask) is true."""
        if self._frozen is not None:
            raise RuntimeError(f"{self.table} for this day are closed")
        if rows.all():
            return
        self._chunks = {
            name: [np.concatenate(chunks)[rows]] if chunks else []
            for name, chunks in self._chunks.items()
        }

    @property
    def closed(self) -> bool:
        """Whether the batch is frozen (readable, no longer open to additions)."""
        return self._frozen is not None

    def __len__(self) -> int:
        if self._frozen is None:
            return sum(c.shape[0] for c in self._chunks[next(iter(self.fields))])
        return int(self._frozen[next(iter(self.fields))].shape[0])

    def assign_ids(self, field: str, first: int) -> int:
        """Number the rows first, first+1, ... in `field`; returns the next free id."""
        self.freeze()
        assert self._frozen is not None
        n = len(self)
        self._frozen[field] = np.arange(first, first + n, dtype=np.int64)
        self._grouped.pop(field, None)
        return first + n

    def columns(self) -> dict[str, np.ndarray]:
        """The frozen columns."""
        self.freeze()
        assert self._frozen is not None
        return self._frozen


CONSTANT_ROWS = 4096
"""Arrays of at least this many rows are checked for being one value repeated (cheaper to
check than to store: a day's score changes without a record all name record -1)."""


def _constant(arr: np.ndarray) -> bool:
    """Whether `arr` is one value broadcast over its rows (stored without bytes per row)."""
    return arr.shape[0] > 0 and arr.strides == (0,)


SCALARS = (int, float, bool, np.generic)
"""Values `add` broadcasts over the rows without asking NumPy."""


def _length(value) -> int:
    """Rows of a column given to `add`: 0 for a scalar (it broadcasts)."""
    if isinstance(value, np.ndarray):
        return value.shape[0] if value.ndim else 0
    if isinstance(value, SCALARS):
        return 0
    return int(np.size(value)) if np.ndim(value) > 0 else 0


def _rows(value: np.ndarray | int, dtype: str, length: int) -> np.ndarray:
    """One field's rows as a batch holds them: a scalar, or a long array of one value repeated,
    as that value broadcast over the rows (a read-only view, no bytes per row); else the array."""
    if isinstance(value, np.ndarray) and value.ndim:
        arr = value if value.dtype == dtype else np.asarray(value, dtype)
    elif isinstance(value, SCALARS) or np.ndim(value) == 0:
        return _repeated(np.array((value,), dtype), length)
    else:
        arr = np.asarray(value, dtype)
    rows = arr.shape[0]
    if rows >= CONSTANT_ROWS and arr[0] == arr[-1] and (arr == arr[0]).all():
        return _repeated(arr[:1].copy(), rows)
    return arr


def _repeated(one: np.ndarray, length: int) -> np.ndarray:
    """`one`'s single value over `length` rows: a read-only view with stride 0, as
    np.broadcast_to makes it, built directly (broadcast_to costs twice as much, and a day makes
    thousands of these)."""
    out = np.ndarray((length,), one.dtype, one, 0, (0,))
    out.flags.writeable = False
    return out


def _joined(chunks: list[np.ndarray], dtype: str) -> np.ndarray:
    """A field's chunks as one array: still a broadcast value if every chunk holds the same one
    (so a constant field costs no bytes per row until something copies it)."""
    if len(chunks) == 1:  # the common case: one producer
        one = chunks[0]
        if _constant(one):
            return _repeated(one[:1].copy(), one.shape[0])
        return one.copy()
    filled = [c for c in chunks if c.shape[0]]
    if not filled:
        return np.empty(0, dtype)
    if all(_constant(c) for c in filled):
        value = filled[0][0]
        if all(c[0] == value for c in filled[1:]):
            return _repeated(filled[0][:1].copy(), sum(c.shape[0] for c in filled))
    return np.concatenate(filled)


class EventLog:
    """Accumulates finished batches and writes them to `<root>/<table>/days-A-B.parquet`.

    A table's rows are written a row group at a time as soon as a row group's worth has come (to
    a hidden temporary file, named when the range ends), so memory holds at most one row group
    per table however many citizens and days a file spans."""

    def __init__(
        self,
        root: Path | None,
        labels: dict[tuple[str, str], list[str]],
        keep: str = "all",
        sample_share: float = 1.0,
        flush_days: int = 90,
        prefix: str = "",
        start: np.datetime64 | None = None,
    ) -> None:
        """`start` is the date of day 0: each table then gets a `date` column beside `day`."""
        self.start = None if start is None else np.datetime64(start, "D")
        self.root = root
        self.prefix = prefix
        self.labels = labels
        self.keep = keep if root is not None else "none"
        self.sample_share = sample_share
        self.flush_days = flush_days
        self._pending: dict[str, list[dict[str, np.ndarray]]] = {t: [] for t in TABLES}
        self._rows: dict[str, int] = dict.fromkeys(TABLES, 0)  # pending, not yet written
        self._open: dict[str, tuple[pq.ParquetWriter, Path, int]] = {}  # table -> writer, rows
        self._first_day: int | None = None
        self.rows_written: dict[str, int] = dict.fromkeys(TABLES, 0)

    def add_day(self, day: int, batches: Mapping[str, Batch]) -> None:
        """Keep the day's rows (all, or those of the sampled citizens); flush on the cadence."""
        if self.keep == "none":
            return
        if self._first_day is None:
            self._first_day = day
        for table, batch in batches.items():
            cols = batch.columns()
            if self.keep == "sample":
                who = cols[CITIZEN_FIELD[table]].astype(np.uint64)
                mask = sampled(who, self.sample_share)
                cols = {k: v[mask] for k, v in cols.items()}
            self._pending[table].append(cols)
            self._rows[table] += int(cols[next(iter(cols))].shape[0])
            while self.root is not None and self._rows[table] >= ROW_GROUP:
                self._write_group(table)
        if day - self._first_day + 1 >= self.flush_days:
            self.flush(day)

    def _take(self, table: str, rows: int) -> dict[str, np.ndarray]:
        """The first `rows` pending rows of `table`, as one array per field (taken off the
        pending days)."""
        pieces, have = [], 0
        pending = self._pending[table]
        while have < rows:
            head = pending[0]
            size = int(head[next(iter(head))].shape[0])
            if have + size <= rows:
                pieces.append(pending.pop(0))
                have += size
            else:
                cut = rows - have
                pieces.append({f: v[:cut] for f, v in head.items()})
                pending[0] = {f: v[cut:] for f, v in head.items()}
                have = rows
        self._rows[table] -= rows
        return {f: np.concatenate([p[f] for p in pieces]) for f in TABLES[table]}

    def _write_group(self, table: str) -> None:
        """Write one full row group of `table` to the range's temporary file."""
        assert self.root is not None and self._first_day is not None
        arrow = self._to_arrow(table, self._take(table, ROW_GROUP))
        if table not in self._open:
            tmp = self._open_path(table)
            tmp.parent.mkdir(parents=True, exist_ok=True)
            self._open[table] = (pq.ParquetWriter(tmp, arrow.schema), tmp, 0)
        writer, tmp, written = self._open[table]
        writer.write_table(arrow, row_group_size=ROW_GROUP)
        self._open[table] = (writer, tmp, written + ROW_GROUP)

    def _open_path(self, table: str) -> Path:
        """The hidden file a range's rows go to until the range ends."""
        assert self.root is not None
        return self.root / table / f".{self.prefix}days-{self._first_day:05d}-open.tmp"

    def flush(self, last_day: int) -> None:
        """Write what is pending as one file per table."""
        if self.keep == "none" or self._first_day is None or self.root is None:
            return
        for table, chunks in self._pending.items():
            name = f"{self.prefix}days-{self._first_day:05d}-{last_day:05d}.parquet"
            path = self.root / table / name
            path.parent.mkdir(parents=True, exist_ok=True)
            rest = self._rows[table]
            if table not in self._open:
                cols = {f: np.concatenate([c[f] for c in chunks]) for f in TABLES[table]}
                pq.write_table(self._to_arrow(table, cols), path)
                self._open_path(table).unlink(missing_ok=True)  # one a killed run left
                self.rows_written[table] += rest
                continue
            writer, tmp, written = self._open.pop(table)
            if rest:
                cols = self._take(table, rest)
                writer.write_table(self._to_arrow(table, cols), row_group_size=ROW_GROUP)
            writer.close()
            os.replace(tmp, path)
            self.rows_written[table] += written + rest
        self._pending = {t: [] for t in TABLES}
        self._rows = dict.fromkeys(TABLES, 0)
        self._first_day = None

    def _to_arrow(self, table: str, cols: dict[str, np.ndarray]) -> pa.Table:
        arrays = {}
        for name, values in cols.items():
            names = self.labels.get((table, name))
            if names is None:
                nullable = name in NULLABLE.get(table, ())
                arrays[name] = _nullable(values) if nullable else pa.array(values)
            else:
                dictionary = pa.array(names, pa.string())
                arrays[name] = pa.DictionaryArray.from_arrays(
                    pa.array(values.astype(np.int32)), dictionary
                )
            if name == "day" and self.start is not None:
                arrays["date"] = dates(self.start, values)
        return pa.table(arrays)


def _nullable(values: np.ndarray) -> pa.Array:
    """A field that may name nothing, as written: -1 becomes null."""
    missing = values == -1
    return pa.array(values, mask=missing) if missing.any() else pa.array(values)


def dates(start: np.datetime64, days: np.ndarray) -> pa.Array:
    """Calendar dates of day numbers counted from `start` (day 0), as an Arrow date32 array."""
    return pa.array(start + np.asarray(days).astype("timedelta64[D]"), pa.date32())


def sampled(citizens: np.ndarray, share: float) -> np.ndarray:
    """A fixed pseudo-random subset of citizens (the same one every day and every run)."""
    x = citizens * np.uint64(0x9E3779B97F4A7C15)
    x ^= x >> np.uint64(29)
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53) < share
