"""What the report reads from a run directory, loaded lazily and at most once.

Every reader tolerates a missing or damaged file: it returns an empty value and remembers a note
saying what was missing, so that a section can say why it has nothing to show.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow.parquet as pq

from credsim.engine.release import give_back_memory
from credsim.results.citizens import current_name
from credsim.results.column_reader import read_column
from credsim.results.results import event_dataset, events_frame

__all__ = ["RunData"]

T = TypeVar("T")


class RunData:
    """A run directory as the report sees it: summary, run facts, scenario and tables."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.notes: dict[str, str] = {}
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """compute() the first time `key` is asked for, the stored value after."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # --- JSON and TOML -----------------------------------------------------------------------

    @cached_property
    def summary(self) -> dict[str, Any]:
        """summary.json, or {} (with a note) when it is missing or unreadable."""
        return self._json("summary.json")

    @cached_property
    def run_info(self) -> dict[str, Any]:
        """run.json, or {} (with a note)."""
        return self._json("run.json")

    @cached_property
    def scenario(self) -> dict[str, Any]:
        """The resolved scenario.toml as a dict, or {} (with a note)."""
        path = self.path / "scenario.toml"
        if not path.is_file():
            self.notes["scenario.toml"] = "The run directory has no scenario.toml."
            return {}
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            self.notes["scenario.toml"] = f"Could not read scenario.toml: {exc}"
            return {}

    @cached_property
    def scenario_text(self) -> str:
        """The text of scenario.toml, or ''."""
        path = self.path / "scenario.toml"
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""

    def _json(self, name: str) -> dict[str, Any]:
        path = self.path / name
        if not path.is_file():
            self.notes[name] = f"The run directory has no {name}."
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            self.notes[name] = f"Could not read {name}: {exc}"
            return {}
        if not isinstance(data, dict):
            self.notes[name] = f"{name} does not hold a JSON object."
            return {}
        return data

    def table(self, section: str) -> dict[str, Any]:
        """A top-level table of the scenario; `behavior` also reads the older `behaviors`."""
        names = (section, "behaviors") if section == "behavior" else (section,)
        merged: dict[str, Any] = {}
        for name in names:
            value = self.scenario.get(name)
            if isinstance(value, dict):
                merged = {**value, **merged}
        return merged

    def plugin(self, section: str, plugin: str) -> dict[str, Any] | None:
        """Parameters of the first enabled instance of `plugin` under `section`, else None."""
        for value in self.table(section).values():
            if (
                isinstance(value, dict)
                and value.get("plugin") == plugin
                and value.get("enabled", True) is not False
            ):
                return value
        return None

    # --- replicates (credsim run --replicates) -------------------------------------------------

    @property
    def replicates(self) -> int:
        """How many replicates the figures are means of (0 for a single run)."""
        meta = self.summary.get("replicates")
        return int(meta.get("count") or 0) if isinstance(meta, dict) else 0

    def interval(self, *path: str) -> tuple[float, float] | None:
        """The 90% interval (p5, p95) of a figure across replicates, or None."""
        from credsim.results.intervals import lookup

        low, high = lookup(self.summary.get("p5"), *path), lookup(self.summary.get("p95"), *path)
        ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high))
        return (float(low), float(high)) if ok else None

    @cached_property
    def replicate_summaries(self) -> list[dict[str, Any]]:
        """Each replicate's own summary (replicates/rNNN.json), in replicate order; [] if none."""
        folder = self.path / "replicates"
        files = sorted(folder.glob("r*.json")) if folder.is_dir() else []
        return [json.loads(f.read_text(encoding="utf-8")) for f in files]

    def timeseries_bound(self, bound: str) -> pd.DataFrame | None:
        """timeseries_p5 or _p95.parquet for the whole population (rows as `timeseries`)."""
        path = self.path / f"timeseries_{bound}.parquet"
        if not path.is_file() or "day" not in self.timeseries_columns:
            return None
        return self.after_warmup(_whole_population(path, self.timeseries_columns))

    # --- policies ----------------------------------------------------------------------------

    @cached_property
    def policies(self) -> list[str]:
        """Policies in the summary's order (primary first), else citizens.parquet's columns."""
        named = self.summary.get("policies")
        if isinstance(named, dict) and named:
            return [str(p) for p in named]
        names = [c[6:] for c in self.citizen_columns if c.startswith("score.")]
        primary = self.summary.get("primary_policy")
        if isinstance(primary, str) and primary in names:
            names.remove(primary)
            names.insert(0, primary)
        return names

    # --- Parquet -----------------------------------------------------------------------------

    @cached_property
    def timeseries_columns(self) -> list[str]:
        """Column names of timeseries.parquet ([] when it is missing)."""
        path = self.path / "timeseries.parquet"
        if not path.is_file():
            self.notes["timeseries.parquet"] = "The run directory has no timeseries.parquet."
            return []
        return pq.read_schema(path).names

    @cached_property
    def timeseries_all(self) -> pd.DataFrame:
        """Rows for the whole population (dimension == "all"), sorted by day, warm-up included;
        empty when missing."""
        names = self.timeseries_columns
        if "day" not in names:
            if names:
                self.notes["timeseries.parquet"] = "timeseries.parquet has no day column."
            return pd.DataFrame({"day": pd.Series(dtype="int32")})
        return _whole_population(self.path / "timeseries.parquet", names)

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """`timeseries_all` from the first day after the warm-up: what every curve draws."""
        return self.after_warmup(self.timeseries_all)

    # --- the warm-up (credsim.results.warmup) ---------------------------------------------------

    @cached_property
    def warmup(self) -> dict[str, Any]:
        """{"days", "set_by", "reason"}: summary.json's, or derived from the scenario for a run
        written before credsim left out warm-ups. A warm-up as long as the run leaves out
        nothing (there would be nothing to draw); the findings say so."""
        from credsim.scenario.warmup import warmup_days

        found = self.summary.get("warmup")
        if not isinstance(found, dict) or not isinstance(found.get("days"), int):
            found = warmup_days(self.scenario) if self.scenario else {"days": 0}
        days = self.summary.get("days")
        if isinstance(days, int) and found["days"] >= days:
            return {**found, "days": 0}
        return found

    @property
    def warmup_days(self) -> int:
        return int(self.warmup.get("days") or 0)

    def after_warmup(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of a daily frame from the first day after the warm-up."""
        if not self.warmup_days or "day" not in frame:
            return frame
        return frame[frame["day"] >= self.warmup_days].reset_index(drop=True)

    def warmup_caption(self) -> str:
        """The sentence a curve's caption ends with when the run has a warm-up."""
        days = self.warmup_days
        return f" Days 0–{days - 1} (the warm-up) are left out." if days else ""

    @cached_property
    def citizen_columns(self) -> list[str]:
        """Column names of citizens.parquet, current names (an older run's `group` is
        `synthetic_group`; [] when the file is missing)."""
        return list(self._citizen_files)

    @cached_property
    def _citizen_files(self) -> dict[str, str]:
        """{current name: the file's name} of citizens.parquet's columns."""
        path = self.path / "citizens.parquet"
        if not path.is_file():
            self.notes["citizens.parquet"] = "The run directory has no citizens.parquet."
            return {}
        names = pq.read_schema(path).names
        return {current_name(name, names): name for name in names}

    def citizens(self, columns: list[str]) -> pd.DataFrame:
        """The given columns of citizens.parquet (those it has, by current name); cached per
        column."""
        have = [c for c in columns if c in self._citizen_files]
        missing = [c for c in have if c not in self._citizens]
        for name in missing:  # a column at a time, each let go of by Arrow before the next
            file = self._citizen_files[name]
            self._citizens[name] = read_column(self.path / "citizens.parquet", file)
        return pd.DataFrame({c: self._citizens[c] for c in have}, copy=False)

    @cached_property
    def _citizens(self) -> dict[str, pd.Series]:
        return {}

    def forget_citizens(self) -> None:
        """Let go of the citizens' columns read so far (read again when asked for), and give
        the memory they and their section took back to the operating system."""
        if self._citizens:
            held = sum(int(column.memory_usage(index=False)) for column in self._citizens.values())
            self._citizens.clear()
            give_back_memory(held=held)

    def has_events(self, table: str) -> bool:
        """Whether events/<table>/ holds any Parquet file."""
        folder = self.path / "events" / table
        return folder.is_dir() and any(folder.glob("*.parquet"))

    def events(self, table: str, columns: list[str], where: Any = None) -> pd.DataFrame:
        """Columns of one event table, optionally filtered by a pyarrow expression (read a row
        group at a time: Arrow's default read-ahead held about 90 bytes an agent of a year-long
        run's score changes at 10 million agents to find one citizen's)."""
        if not self.has_events(table):
            return pd.DataFrame({c: pd.Series(dtype="int64") for c in columns})
        dataset = event_dataset(self.path / "events" / table)
        have = [c for c in columns if c in dataset.schema.names]
        found = dataset.to_table(
            columns=have, filter=where, batch_readahead=1, fragment_readahead=1
        )
        return events_frame(table, found)


def _whole_population(path: Path, names: list[str]) -> pd.DataFrame:
    """The whole population's rows of a time series file, without the group columns, by day
    (older runs name the group columns `by` and `group`)."""
    dimension = next((n for n in ("dimension", "by") if n in names), None)
    group = {"dimension": "group_name", "by": "group"}.get(dimension or "")
    keep = [n for n in names if n not in (dimension, group)]
    filters = [(dimension, "==", "all")] if dimension else None
    df = pd.read_parquet(path, columns=keep, filters=filters)
    return df.sort_values("day", kind="stable").reset_index(drop=True)
