"""Read a run directory back: summary, time series, citizens, events and one citizen's dossier."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from credsim.engine.events import CITIZEN_FIELD, TABLES

__all__ = ["Results"]


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
        """Final state of every citizen (citizens.parquet)."""
        return pd.read_parquet(self.path / "citizens.parquet")

    def events(self, table: str, citizen: int | None = None) -> pd.DataFrame:
        """Acts, records, score_changes or sanctions, optionally of one citizen."""
        if table not in TABLES:
            raise ValueError(f"unknown event table {table!r}; tables are {', '.join(TABLES)}")
        folder = self.path / "events" / table
        if not folder.is_dir():
            return pd.DataFrame({name: pd.Series(dtype=dt) for name, dt in TABLES[table].items()})
        dataset = ds.dataset(folder, format="parquet")
        flt = None if citizen is None else ds.field(CITIZEN_FIELD[table]) == citizen
        return dataset.to_table(filter=flt).to_pandas()

    def dossier(self, citizen: int) -> dict[str, pd.DataFrame]:
        """Everything the log holds about one citizen: what they did and what was recorded."""
        out = {table: self.events(table, citizen) for table in TABLES}
        records = self.events("records")
        out["records_of_own_acts"] = records[
            (records["true_actor"] == citizen) & (records["attributed_to"] != citizen)
        ].reset_index(drop=True)
        return out

    def citizens_row(self, citizen: int) -> dict[str, Any]:
        """One citizen's row of citizens.parquet."""
        table = pq.read_table(self.path / "citizens.parquet", filters=[("citizen", "=", citizen)])
        rows = table.to_pylist()
        if not rows:
            raise KeyError(f"no citizen {citizen} in {self.path}")
        return rows[0]

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
