"""A day's events of one table in a `Batch`: lists of NumPy chunks per field, each field
concatenated when it is first read after the phase ends; a field that holds one value on every
row, such as the day, stays that value broadcast, a read-only view without bytes per row.
`credsim.engine.tables` names every table's fields and dtypes.

A field nobody reads whole is never concatenated: the event log takes the table in pieces
(`Batch.pieces`), and readers that need only some rows ask for them (`part`, `take`, `named`).
A day on which a friends' term moves most citizens' scores adds millions of score changes that
name no record and no rule but the term's: their `record_id` and `rule` stay broadcast values,
where a joined column would hold 10 bytes for every row.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from credsim.engine.rows import rows_with
from credsim.engine.tables import DEFAULTS, TABLES

__all__ = ["PIECE_ROWS", "Batch"]

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
_PLANS = {
    table: tuple((name, dtype, _DEFAULTS_OF[table].get(name)) for name, dtype in fields.items())
    for table, fields in _DTYPES.items()
}
"""Each table's fields in order: name, dtype, and the default a producer may leave out (None:
the field must be given)."""
_EMPTY = {
    table: {name: np.empty(0, dtype) for name, dtype in fields.items()}
    for table, fields in TABLES.items()
}
"""A table without rows (arrays of no elements can be shared: nothing can be written into them)."""


PIECE_ROWS = 1 << 17
"""Rows of a piece of a batch given to the event log (`Batch.pieces`): its Parquet row group
(credsim.engine.events.ROW_GROUP is this)."""


class Batch:
    """One day's rows of one event table, built from chunks, then frozen."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.fields = _DTYPES[table]
        self._chunks: dict[str, list[np.ndarray]] = {f: [] for f in self.fields}
        self._frozen: dict[str, np.ndarray] | None = None
        """Once closed: the fields read so far, each one array."""
        self._bounds = np.zeros(1, np.int64)
        """Once closed: where each chunk of the fields not yet read starts, and the rows."""
        self._grouped: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._named: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @classmethod
    def of(cls, table: str, columns: dict[str, np.ndarray]) -> Batch:
        """A closed batch holding the given columns (every field of `table`)."""
        batch = cls(table)
        batch._frozen = {f: np.asarray(columns[f], dtype) for f, dtype in batch.fields.items()}
        batch._chunks = {}
        rows = batch._frozen[next(iter(batch.fields))].shape[0]
        batch._bounds = np.array((0, rows), np.int64)
        return batch

    def add(self, **columns: np.ndarray | int) -> None:
        """Append rows; scalars broadcast to the length of the array columns."""
        if self._frozen is not None:
            raise RuntimeError(f"{self.table} for this day are closed: a later phase tried to add")
        plan = _PLANS[self.table]
        if len(columns) > len(plan) or not columns.keys() <= _FIELD_SETS[self.table]:
            raise self._misnamed(columns)
        length = 0
        for value in columns.values():
            if type(value) is np.ndarray:
                rows = value.shape[0] if value.ndim else 0
            else:
                rows = 0 if type(value) in _PLAIN else _length(value)
            length = rows if rows > length else length
        chunks = self._chunks
        for name, dtype, default in plan:
            value = columns.get(name, default)
            if (  # the common case, as `_rows` would keep it: a short array of the field's dtype
                type(value) is np.ndarray
                and value.ndim == 1
                and value.dtype == dtype
                and value.shape[0] < CONSTANT_ROWS
            ):
                arr = value
            elif type(value) in _PLAIN:
                arr = np.ndarray((length,), dtype, _one(value, dtype), 0, (0,))  # read-only
            elif value is None:  # a field without a default, not given
                raise self._misnamed(columns)
            else:
                arr = _rows(value, dtype, length)
            if arr.shape[0] != length:
                raise ValueError(f"{self.table}.{name}: {arr.shape[0]} rows, expected {length}")
            chunks[name].append(arr)

    def _misnamed(self, columns: dict) -> ValueError:
        """The error for `add`'s columns that leave out a field without a default or name one
        the table does not have."""
        missing = {n for n, _, default in _PLANS[self.table] if default is None} - set(columns)
        extra = set(columns) - set(self.fields)
        return ValueError(f"{self.table}: missing {sorted(missing)}, unknown {sorted(extra)}")

    def freeze(self) -> None:
        """Close the batch: later phases may read it, none may add to it. A field's chunks are
        joined when it is first read, and let go then (a day of millions)."""
        if self._frozen is None:
            chunks = self._chunks
            first = chunks[next(iter(chunks))]
            if not first:  # nothing added (every field alike): no rows
                self._frozen = dict(_EMPTY[self.table])
                self._chunks = {}
                return
            self._bounds = np.zeros(len(first) + 1, np.int64)
            np.cumsum([c.shape[0] for c in first], out=self._bounds[1:])
            self._frozen = {}

    def __getitem__(self, name: str) -> np.ndarray:
        frozen = self._frozen
        if frozen is None:
            raise RuntimeError(f"{self.table} are still open; read them in a later phase")
        column = frozen.get(name)
        if column is None:
            column = frozen[name] = _joined(self._chunks.pop(name), self.fields[name])
        return column

    def part(self, name: str, start: int, stop: int) -> np.ndarray:
        """Rows start..stop-1 of one field (a view where they lie in one chunk), without
        joining the field."""
        self._closed_or_raise()
        assert self._frozen is not None
        column = self._frozen.get(name)
        if column is not None:
            return column[start:stop]
        chunks, bounds = self._chunks[name], self._bounds
        stop = min(stop, int(bounds[-1]))
        first = int(np.searchsorted(bounds, start, "right")) - 1
        last = int(np.searchsorted(bounds, stop, "left"))
        pieces = [
            chunks[k][max(start - int(bounds[k]), 0) : stop - int(bounds[k])]
            for k in range(max(first, 0), last)
        ]
        if len(pieces) == 1:
            return pieces[0]
        return _joined(pieces, self.fields[name]) if pieces else np.empty(0, self.fields[name])

    def take(self, name: str, rows: np.ndarray) -> np.ndarray:
        """One field at the given rows, without joining the field."""
        self._closed_or_raise()
        assert self._frozen is not None
        column = self._frozen.get(name)
        if column is not None:
            return column[rows]
        rows = np.asarray(rows, np.int64)
        order = None if _ascending(rows) else np.argsort(rows, kind="stable")
        ordered = rows if order is None else rows[order]
        out = np.empty(rows.shape[0], self.fields[name])
        cuts = np.searchsorted(ordered, self._bounds)
        for k, chunk in enumerate(self._chunks[name]):
            a, b = int(cuts[k]), int(cuts[k + 1])
            if a < b:
                out[a:b] = chunk[ordered[a:b] - self._bounds[k]]
        if order is None:
            return out
        back = np.empty_like(out)
        back[order] = out
        return back

    def named(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows (ascending) whose `name` field names something (holds 0 or more, not the
        -1 of nothing), and what it names there: a day's score changes that name a record,
        found without joining the millions a friends' term adds naming none."""
        self._closed_or_raise()
        assert self._frozen is not None
        if name not in self._named:
            column = self._frozen.get(name)
            if column is not None:
                rows = np.flatnonzero(column >= 0)
                self._named[name] = (rows, column[rows])
            else:
                self._named[name] = self._named_in_chunks(name)
        return self._named[name]

    def _named_in_chunks(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        rows, values = [np.empty(0, np.int64)], [np.empty(0, self.fields[name])]
        for k, chunk in enumerate(self._chunks[name]):
            if _constant(chunk) and chunk[0] < 0:
                continue
            mine = np.flatnonzero(chunk >= 0)
            rows.append(mine + self._bounds[k])
            values.append(chunk[mine])
        return np.concatenate(rows), np.concatenate(values)

    def pieces(self, rows: int = PIECE_ROWS) -> Iterator[dict[str, np.ndarray]]:
        """The batch's columns in pieces of `rows` rows whose rows follow one another (the whole
        table in one piece when every field is joined): what the event log writes, without
        joining a field nobody read."""
        self._closed_or_raise()
        if not self._chunks:
            yield self.columns()
            return
        for start in range(0, len(self), rows):
            yield {f: self.part(f, start, start + rows) for f in self.fields}

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

    def _closed_or_raise(self) -> None:
        if self._frozen is None:
            raise RuntimeError(f"{self.table} are still open; read them in a later phase")

    def __len__(self) -> int:
        if self._frozen is None:
            return sum(c.shape[0] for c in self._chunks[next(iter(self.fields))])
        return int(self._bounds[-1])

    def assign_ids(self, field: str, first: int) -> int:
        """Number the rows first, first+1, ... in `field`; returns the next free id."""
        self.freeze()
        assert self._frozen is not None
        n = len(self)
        self._chunks.pop(field, None)
        self._frozen[field] = np.arange(first, first + n, dtype=np.int64)
        self._grouped.pop(field, None)
        self._named.pop(field, None)
        return first + n

    def columns(self) -> dict[str, np.ndarray]:
        """The frozen columns, every field joined."""
        self.freeze()
        for name in self.fields:
            self[name]
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
_PLAIN = frozenset((int, float, bool, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_))
"""Scalar types `add` broadcasts from a kept one-element array (`_one`)."""
_ONES: dict[tuple, np.ndarray] = {}
"""One-element read-only arrays by (value, dtype): a day adds thousands of broadcast scalars
(its date, a kind, a source), and a view of a read-only array is read-only without being told."""
ONES_KEPT = 4096
"""Entries `_ONES` holds at most before it starts again (a run's dates alone would add one a
day)."""


def _one(value, dtype: np.dtype) -> np.ndarray:
    """`value` as a read-only one-element array of `dtype`, made as `_rows` makes it."""
    key = (type(value), value, dtype)
    one = _ONES.get(key)
    if one is None:
        if len(_ONES) >= ONES_KEPT:
            _ONES.clear()
        one = np.array((value,), dtype)
        one.flags.writeable = False
        if value == value:  # NaN never finds itself again: not kept
            _ONES[key] = one
    return one


def _ascending(rows: np.ndarray) -> bool:
    """Whether `rows` never decreases (as `np.flatnonzero` gives them)."""
    return rows.shape[0] < 2 or bool((rows[1:] >= rows[:-1]).all())


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
