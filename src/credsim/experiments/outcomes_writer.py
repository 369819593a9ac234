"""Stream a sweep's rows to Parquet as runs finish, then consolidate them into one file.

Rows are flushed to `parts/part-NNNNNN.parquet` (each part written under a temporary name and
renamed), so a crash keeps every finished run readable and never leaves a half-written file.
`finish` writes `outcomes.parquet` (sorted by point and replicate) the same way, then drops the
parts.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["OutcomeWriter", "write_json_atomic", "write_parquet_atomic", "write_text_atomic"]


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial-{os.getpid()}")


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write under a temporary sibling name, then rename into place (on a failure, such as a
    full disk, the temporary file is removed)."""
    tmp = _partial(path)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write text under a temporary sibling name, then rename into place (or remove it)."""
    tmp = _partial(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    """Indented JSON (no NaN), written atomically."""
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


class OutcomeWriter:
    """Buffer rows and flush them as Parquet parts every `flush_rows` rows or `flush_seconds`."""

    def __init__(
        self,
        folder: Path,
        schema: pa.Schema,
        flush_rows: int = 64,
        flush_seconds: float = 5.0,
    ) -> None:
        self.folder = Path(folder)
        self.parts = self.folder / "parts"
        self.parts.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self._rows: list[dict[str, Any]] = []
        self._count = len(list(self.parts.glob("part-*.parquet")))
        self._last_flush = time.monotonic()
        self.rows_written = 0

    def add(self, row: dict[str, Any]) -> None:
        """Buffer one run's row; flush when enough rows or time have gathered."""
        self._rows.append(row)
        due = time.monotonic() - self._last_flush >= self.flush_seconds
        if len(self._rows) >= self.flush_rows or due:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as one new part."""
        self._last_flush = time.monotonic()
        if not self._rows:
            return
        table = pa.Table.from_pylist(self._rows, schema=self.schema)
        write_parquet_atomic(table, self.parts / f"part-{self._count:06d}.parquet")
        self._count += 1
        self.rows_written += len(self._rows)
        self._rows = []

    def finish(self, name: str = "outcomes.parquet") -> pa.Table:
        """Flush, consolidate every part into `name` sorted by point and replicate, drop the
        parts, and return the table."""
        self.flush()
        files = sorted(self.parts.glob("part-*.parquet"))
        tables = [pq.read_table(f, schema=self.schema) for f in files]
        table = pa.concat_tables(tables) if tables else self.schema.empty_table()
        table = table.sort_by([("point", "ascending"), ("replicate", "ascending")])
        write_parquet_atomic(table, self.folder / name)
        shutil.rmtree(self.parts, ignore_errors=True)
        return table
