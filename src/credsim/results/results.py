"""Read a run directory back: summary, time series, citizens, events and one citizen's dossier."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from credsim.engine.tables import CITIZEN_FIELD, NULLABLE, TABLES
from credsim.results.citizens import current_name, with_current_names

__all__ = ["Results", "as_id", "event_dataset", "events_frame", "has_id", "id_or_none"]

NULLABLE_DTYPES = {"int32": "Int32", "int64": "Int64"}
"""pandas' integer types with missing values, for the event fields that may name nothing."""


def as_id(value: Any) -> int:
    """An id read back from an event table as the engine holds it: -1 where the file has null."""
    return -1 if value is None or pd.isna(value) else int(value)


def id_or_none(value: Any) -> int | None:
    """An id read back from an event table, None where the file has null."""
    return None if value is None or pd.isna(value) else int(value)


def has_id(column: pd.Series) -> np.ndarray:
    """Rows whose id names something: not null (nor -1, as runs before nulls wrote it)."""
    return (column.notna() & column.fillna(-1).ge(0)).to_numpy(bool)


def event_dataset(folder: Path) -> ds.Dataset:
    """An event table's Parquet files as one dataset, read without pre-buffering: by default
    Arrow reads every needed column chunk of a file before its first row group, which held about
    40 bytes an agent of a year's records at 10 million agents to find 81,000 wrong ones (8 with
    this, in the same time)."""
    options = ds.ParquetFragmentScanOptions(pre_buffer=False)
    return ds.dataset(folder, format=ds.ParquetFileFormat(default_fragment_scan_options=options))


def events_frame(table: str, arrow: pa.Table) -> pd.DataFrame:
    """Rows of event table `table` as pandas, the fields that may name nothing as nullable
    integers (pyarrow alone gives float64 with NaN where a column has nulls)."""
    frame = arrow.to_pandas()
    dtypes = _dtypes(table)
    for name in NULLABLE.get(table, ()):
        if name in frame:
            frame[name] = frame[name].astype(dtypes[name])
    return frame


def _dtypes(table: str) -> dict[str, str]:
    """Each field's pandas type: the fields that may name nothing as nullable integers."""
    nullable = NULLABLE.get(table, ())
    return {
        name: NULLABLE_DTYPES[dtype] if name in nullable else dtype
        for name, dtype in TABLES[table].items()
    }


class Results:
    """A finished run, read lazily from its directory."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not (self.path / "summary.json").is_file():
            raise FileNotFoundError(f"{self.path} holds no credsim run (no summary.json)")

    def __repr__(self) -> str:
        return f"Results({str(self.path)!r})"

    @cached_property
    def summary(self) -> dict[str, Any]:
        """Headline figures (summary.json)."""
        return json.loads((self.path / "summary.json").read_text(encoding="utf-8"))

    @cached_property
    def run_info(self) -> dict[str, Any]:
        """How the run went (run.json): versions, threads, wall time, speed, memory."""
        return json.loads((self.path / "run.json").read_text(encoding="utf-8"))

    @property
    def timeseries(self) -> pd.DataFrame:
        """One row per day and group (timeseries.parquet)."""
        return pd.read_parquet(self.path / "timeseries.parquet")

    @property
    def citizens(self) -> pd.DataFrame:
        """Final state of every citizen (citizens.parquet; an older run's `group` column is
        read as `synthetic_group`)."""
        return with_current_names(pd.read_parquet(self.path / "citizens.parquet"))

    def events(self, table: str, citizen: int | None = None) -> pd.DataFrame:
        """Acts, records, score_changes, sanctions or notices, optionally of one citizen. The
        fields that may name nothing (`NULLABLE`: a fabricated record's `true_actor` and
        `act_id`, a `record_id` no record stands behind) are nullable integers (`<NA>`)."""
        if table not in TABLES:
            raise ValueError(f"unknown event table {table!r}; tables are {', '.join(TABLES)}")
        folder = self.path / "events" / table
        dtypes = _dtypes(table)
        if not folder.is_dir():
            return pd.DataFrame({name: pd.Series(dtype=dt) for name, dt in dtypes.items()})
        dataset = event_dataset(folder)
        flt = None if citizen is None else ds.field(CITIZEN_FIELD[table]) == citizen
        return events_frame(table, dataset.to_table(filter=flt))

    def dossier(self, citizen: int) -> dict[str, pd.DataFrame]:
        """Everything the log holds about one citizen: what they did and what was recorded."""
        out = {table: self.events(table, citizen) for table in TABLES}
        records = self.events("records")
        own = records["true_actor"].eq(citizen).fillna(False).astype(bool)
        out["records_of_own_acts"] = records[
            own & (records["attributed_to"] != citizen)
        ].reset_index(drop=True)
        return out

    def citizens_row(self, citizen: int) -> dict[str, Any]:
        """One citizen's row of citizens.parquet (an older run's `group` as `synthetic_group`)."""
        table = pq.read_table(self.path / "citizens.parquet", filters=[("citizen", "=", citizen)])
        rows = table.to_pylist()
        if not rows:
            raise KeyError(f"no citizen {citizen} in {self.path}")
        return {current_name(k, rows[0]): v for k, v in rows[0].items()}

    def statement(self, citizen: int, policy: str | None = None, truth: bool = False) -> dict:
        """The itemised statement of one citizen's score: base, every change, final."""
        from credsim.results.statement import statement

        return statement(self, citizen, policy, truth)

    def scenario_text(self) -> str:
        """The resolved scenario (scenario.toml)."""
        return (self.path / "scenario.toml").read_text(encoding="utf-8")

    @property
    def files(self) -> list[str]:
        """Files of the run directory, relative to it."""
        return sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*") if p.is_file())

    def schema(self, name: str) -> list[str]:
        """Column names of one Parquet file of the run."""
        return pq.read_schema(self.path / name).names
