"""Columns of a run directory's event log and tables as NumPy arrays, read in file order, with the
labelled (dictionary) columns tested against names without decoding every row."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["event_files", "read_columns"]


def event_files(run: Path, table: str) -> list[Path]:
    """The Parquet files of one event table in day order (named days-A-B, zero-padded)."""
    folder = run / "events" / table
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def _in_names(column: pa.ChunkedArray, names: frozenset[str]) -> np.ndarray:
    """Boolean mask: the row's label is one of `names` (dictionary or plain string column)."""
    parts = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            labels = np.array([str(v) in names for v in chunk.dictionary.to_pylist()], bool)
            idx = chunk.indices.to_numpy(zero_copy_only=False)
            parts.append(labels[idx] if labels.size else np.zeros(len(chunk), bool))
        else:
            parts.append(np.array([v in names for v in chunk.to_pylist()], bool))
    return np.concatenate(parts) if parts else np.zeros(0, bool)


def _numbers(column: pa.ChunkedArray) -> np.ndarray:
    """A numeric column as NumPy, an integer column's nulls as -1 (not NaN in floats)."""
    if column.null_count and pa.types.is_integer(column.type):
        column = pc.fill_null(column, -1)
    return column.to_numpy()


def read_columns(
    files: Iterable[Path],
    columns: list[str],
    *,
    label_tests: dict[str, dict[str, Iterable[str]]] | None = None,
) -> dict[str, np.ndarray]:
    """Numeric `columns` of every file, concatenated in file order; a null id (a fabricated
    record's `true_actor` and `act_id`, a `record_id` no record stands behind) reads as -1, as the
    engine holds it. `label_tests` maps a labelled column to named sets of labels; each gives a
    boolean column `<column>:<name>` (the row's label is in the set), so category columns never
    become Python strings row by row."""
    tests = {
        col: {k: frozenset(v) for k, v in sets.items()} for col, sets in (label_tests or {}).items()
    }
    wanted = list(dict.fromkeys([*columns, *tests]))
    chunks: dict[str, list[np.ndarray]] = {}
    for path in files:
        table = pq.read_table(path, columns=wanted)
        for name in columns:
            chunks.setdefault(name, []).append(_numbers(table.column(name)))
        for col, sets in tests.items():
            for key, names in sets.items():
                chunks.setdefault(f"{col}:{key}", []).append(_in_names(table.column(col), names))
    out: dict[str, np.ndarray] = {}
    for name in columns:
        out[name] = np.concatenate(chunks[name]) if name in chunks else np.zeros(0, np.int64)
    for col, sets in tests.items():
        for key in sets:
            name = f"{col}:{key}"
            out[name] = np.concatenate(chunks[name]) if name in chunks else np.zeros(0, bool)
    return out
