"""The event log: acts, records, score changes, sanctions and notices, to Parquet.

A day's events live in `Batch`es (credsim.engine.batch). Finished days pile up in the `EventLog`
and are written as one Parquet file per table and day range, so memory stays bounded however long
the run. Codes (act kinds, rules, sources) are written as dictionary-encoded strings, so pandas and
DuckDB show names.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from credsim.engine.background import Background
from credsim.engine.batch import PIECE_ROWS, Batch
from credsim.engine.release import give_back_memory
from credsim.engine.tables import CITIZEN_FIELD, NULLABLE, TABLES

__all__ = ["NULLABLE", "TABLES", "Batch", "EventLog", "dates", "sampled"]

ROW_GROUP = PIECE_ROWS
"""Rows per Parquet row group (131,072; DuckDB's own are 122,880): a table's rows wait until a row
group's worth has come, so this bounds what the log holds, and a file written one row group at a
time while the days come is, byte for byte, the file `pq.write_table` writes from the whole range
with this row group size."""

WRITE_OPTIONS = {"dictionary_pagesize_limit": 16 * 1024}
"""Parquet options of every event file (`write_options` adds those that depend on the table). A
column chunk of days, kinds, deltas or scores is dictionary-encoded until its dictionary passes
16 KiB, then written plain. With Arrow's default (1 MiB) a row group of ids was hashed whole: 4Mi
acts written in row groups of 128Ki rows took 584 ms and 49.9 MB, and took 228 ms and 34.2 MB
with 16 KiB (1Mi-row groups with the default: 288 ms and 36.8 MB)."""

DELTA_FIELDS = ("act_id", "record_id", "actor", "attributed_to", "true_actor", "citizen")
"""Ids and citizens, written as differences from the row before (DELTA_BINARY_PACKED) and never
as a dictionary. Ids are numbered in order and a day's citizens come mostly in order, so the
differences are small: a million rows of each table of the default at 1e6 took 41.4 MB and
266 ms to write as a dictionary given up for plain values, and take 8.2 MB and 186 ms (with the
statistics of `write_options`). DuckDB and pandas read them as fast or faster (the four files
into pandas: 138 ms before, 89 ms)."""


def write_options(schema: pa.Schema) -> dict[str, object]:
    """`WRITE_OPTIONS`, `DELTA_FIELDS` written as differences, and min/max statistics for every
    column but the dictionary-encoded names. The names' statistics compare strings for every row
    and were a fifth of the writing (266 ms, 202-210 ms without them); every row group holds most
    kinds, rules and sources, so a reader could skip none by them. Days, dates, ids and citizens
    keep theirs, so DuckDB still skips row groups by day or id."""
    names = schema.names
    delta = [n for n in names if n in DELTA_FIELDS]
    return {
        **WRITE_OPTIONS,
        "write_statistics": [f.name for f in schema if not pa.types.is_dictionary(f.type)],
        "use_dictionary": [n for n in names if n not in DELTA_FIELDS],
        "column_encoding": dict.fromkeys(delta, "DELTA_BINARY_PACKED"),
    }


RELEASE_ROWS = 16 * ROW_GROUP
"""Rows of a day (but its notices) from which the log gives the freed memory back to the
operating system before writing them (`give_back_memory`)."""


class EventLog:
    """Accumulates finished batches and writes them to `<root>/<table>/days-A-B.parquet`.

    A table's rows are written a row group at a time as soon as a row group's worth has come (to
    a hidden temporary file, named when the range ends), so memory holds at most one row group
    per table however many citizens and days a file spans. With `background` (bytes), row
    groups are encoded, compressed and written on a thread of its own while the days go on
    (Arrow lets go of the interpreter's lock meanwhile), one at a time and in order, so the
    files are the same bytes; at most `background` bytes of row groups wait for that thread
    (at least one group: 1 lets one be written while the next is made), and a flush (every
    `flush_days`, and the last) returns only once everything is written."""

    def __init__(
        self,
        root: Path | None,
        labels: dict[tuple[str, str], list[str]],
        keep: str = "all",
        sample_share: float = 1.0,
        flush_days: int = 90,
        prefix: str = "",
        start: np.datetime64 | None = None,
        background: int = 0,
    ) -> None:
        """`start` is the date of day 0: each table then gets a `date` column beside `day`."""
        self.background = background
        self._writing: Background | None = None
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
        self._cut: set[str] = set()
        """Tables whose first pending piece is the rest of a piece a row group was cut from."""
        self.rows_written: dict[str, int] = dict.fromkeys(TABLES, 0)

    def add_day(self, day: int, batches: Mapping[str, Batch]) -> None:
        """Keep the day's rows (all, or those of the sampled citizens); flush on the cadence."""
        if self.keep == "none":
            return
        if self._first_day is None:
            self._first_day = day
        large = self.root is not None and _built_rows(batches) >= RELEASE_ROWS
        if large:
            # The day's transients are freed but their pages still held: the row groups to come
            # would stand on top of the day's peak (a friends' term moving for most citizens).
            give_back_memory(collect=False)
        for table in batches:
            for cols in _pieces(batches, table):
                if self.keep == "sample":
                    who = cols[CITIZEN_FIELD[table]].astype(np.uint64)
                    mask = sampled(who, self.sample_share)
                    cols = {k: v[mask] for k, v in cols.items()}
                self._pending[table].append(cols)
                self._rows[table] += int(cols[next(iter(cols))].shape[0])
                while self.root is not None and self._rows[table] >= ROW_GROUP:
                    self._write_group(table)
            if table in self._cut:  # the rows left of a piece a row group was cut from
                self._cut.discard(table)
                self._pending[table][0] = {f: _own(v) for f, v in self._pending[table][0].items()}
        if day - self._first_day + 1 >= self.flush_days:
            self.flush(day)
        if large:  # and what writing them took, before the next day
            give_back_memory(collect=False)

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
                self._cut.discard(table)  # only the first piece is ever cut
                have += size
            else:
                cut = rows - have
                pieces.append({f: v[:cut] for f, v in head.items()})
                pending[0] = {f: v[cut:] for f, v in head.items()}
                self._cut.add(table)
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
            self._open[table] = (
                pq.ParquetWriter(tmp, arrow.schema, **write_options(arrow.schema)),
                tmp,
                0,
            )
        writer, tmp, written = self._open[table]
        if self.background:
            self._writing = self._writing or Background(self.background)
            write = writer.write_table
            self._writing.submit(write, arrow, row_group_size=ROW_GROUP, nbytes=arrow.nbytes)
        else:
            writer.write_table(arrow, row_group_size=ROW_GROUP)
        self._open[table] = (writer, tmp, written + ROW_GROUP)

    def _open_path(self, table: str) -> Path:
        """The hidden file a range's rows go to until the range ends."""
        assert self.root is not None
        return self.root / table / f".{self.prefix}days-{self._first_day:05d}-open.tmp"

    def flush(self, last_day: int) -> None:
        """Write what is pending as one file per table."""
        if self._writing is not None:  # the row groups written meanwhile, first
            self._writing.close()
            self._writing = None
        if self.keep == "none" or self._first_day is None or self.root is None:
            return
        for table, chunks in self._pending.items():
            name = f"{self.prefix}days-{self._first_day:05d}-{last_day:05d}.parquet"
            path = self.root / table / name
            path.parent.mkdir(parents=True, exist_ok=True)
            rest = self._rows[table]
            if table not in self._open:
                cols = {  # a day without notices gives no piece
                    f: np.concatenate([c[f] for c in chunks]) if chunks else np.empty(0, dtype)
                    for f, dtype in TABLES[table].items()
                }
                arrow = self._to_arrow(table, cols)
                pq.write_table(arrow, path, row_group_size=ROW_GROUP, **write_options(arrow.schema))
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


def _built_rows(batches: Mapping[str, Batch]) -> int:
    """Rows of a day's tables but its notices (which may not be built yet)."""
    return sum(len(batches[t]) for t in batches if t != "notices")


def _pieces(batches: Mapping[str, Batch], table: str) -> Iterable[dict[str, np.ndarray]]:
    """A day's table as pieces of columns whose rows follow one another: a day's own tables
    give the notices a piece at a time (`Day.batches`), any other mapping each table as its
    batch gives it (`Batch.pieces`)."""
    pieces = getattr(batches, "pieces", None)
    return pieces(table) if pieces is not None else batches[table].pieces()


def _own(values: np.ndarray) -> np.ndarray:
    """The rest of a day's column as its own array: a view would hold the whole column until its
    last row is written (a value broadcast over the rows stays one)."""
    return values if values.strides == (0,) else values.copy()


def _nullable(values: np.ndarray) -> pa.Array:
    """A field that may name nothing, as written: -1 becomes null."""
    missing = values == -1
    return pa.array(values, mask=missing) if missing.any() else pa.array(values)


def dates(start: np.datetime64, days: np.ndarray) -> pa.Array:
    """Calendar dates of day numbers counted from `start` (day 0), as an Arrow date32 array
    (days since 1970-01-01, made as integers: a date per row through NumPy's datetimes took
    about 14 ns, a fifth of the event log's own work in the day loop)."""
    epoch = np.int32(np.datetime64(start, "D").astype(np.int64))
    return pa.array(np.asarray(days).astype(np.int32) + epoch).view(pa.date32())


def sampled(citizens: np.ndarray, share: float) -> np.ndarray:
    """A fixed pseudo-random subset of citizens (the same one every day and every run)."""
    x = citizens * np.uint64(0x9E3779B97F4A7C15)
    x ^= x >> np.uint64(29)
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53) < share
