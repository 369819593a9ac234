"""A day's events of one table in a `Batch`: lists of NumPy chunks per field, concatenated once
when the phase ends; a field that holds one value on every row, such as the day, stays that value
broadcast, a read-only view without bytes per row. `TABLES` names every table's fields and dtypes.
"""

from __future__ import annotations

import numpy as np

from credsim.engine.rows import rows_with

__all__ = ["CITIZEN_FIELD", "DEFAULTS", "NULLABLE", "TABLES", "Batch"]

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
        if columns.keys() != _FIELD_SETS[self.table]:
            columns = {**_DEFAULTS_OF[self.table], **columns}
            if columns.keys() != _FIELD_SETS[self.table]:
                missing = set(self.fields) - set(columns)
                extra = set(columns) - set(self.fields)
                raise ValueError(
                    f"{self.table}: missing {sorted(missing)}, unknown {sorted(extra)}"
                )
        length = 0
        for value in columns.values():
            rows = value.shape[0] if type(value) is np.ndarray and value.ndim else _length(value)
            length = rows if rows > length else length
        chunks = self._chunks
        for name, dtype in self.fields.items():
            value = columns[name]
            if (  # the common case, as `_rows` would keep it: a short array of the field's dtype
                type(value) is np.ndarray
                and value.ndim == 1
                and value.dtype == dtype
                and value.shape[0] < CONSTANT_ROWS
            ):
                arr = value
            else:
                arr = _rows(value, dtype, length)
            if arr.shape[0] != length:
                raise ValueError(f"{self.table}.{name}: {arr.shape[0]} rows, expected {length}")
            chunks[name].append(arr)

    def freeze(self) -> None:
        """Close the batch: later phases may read it, none may add to it."""
        if self._frozen is None:
            chunks = self._chunks
            if not chunks[next(iter(chunks))]:  # nothing added (every field alike): no rows
                self._frozen = dict(_EMPTY[self.table])
            else:  # a field's chunks are let go as soon as it is joined (a day of millions)
                self._frozen = {}
                for name in list(chunks):
                    self._frozen[name] = _joined(chunks.pop(name), self.fields[name])
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
