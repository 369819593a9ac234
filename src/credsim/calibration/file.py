"""A calibration file: a scenario, the parameters to fit with their ranges, and targets (published
figures with their date semantics and sources), checked by pydantic with messages that name the
file, line and key.

```toml
scenario = "debts.toml"        # bundled name, or a path relative to this file
replicates = 2                 # runs per point, each with its own seed
trials = 40                    # points the search (Optuna) evaluates
refine = 20                    # then waves of 20 space-filling points over what is plausible
waves = 2

[parameters]
rate = { key = "behavior.citizens.acts.loan_default.rate", low = 5e-5, high = 8e-4, log = true }

[targets.listed_2018]
metric = "listed_new"          # a column of the run's timeseries.parquet
kind = "cumulative"            # cumulative (start..end) | stock (date) | flow (start..end)
start = 2018-01-01
end = 2018-12-31
published = 88000
source = "where the figure was published"

[predictions.listed_2017]     # not fitted: the accepted points' median and 90% interval
metric = "listed_new"
kind = "cumulative"
start = 2013-10-01
end = 2017-04-30
# published = ..., source = "..."   a figure held out of the fit, to check the prediction
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from credsim.bundled import bundled_files, read_toml, resolve_bundled
from credsim.calibration.inherit import with_base
from credsim.errors import ScenarioError
from credsim.scenario.errors import describe_validation_error
from credsim.scenario.locate import locate
from credsim.scenario.schema import ALIASES

__all__ = [
    "Calibration",
    "CalibrationModel",
    "ParameterSpec",
    "PredictionSpec",
    "TargetSpec",
    "bundled_calibrations",
    "load_calibration",
    "resolve_calibration_source",
]

_PARAMETER_FIELDS = {"key", "low", "high", "log"}


class ParameterSpec(BaseModel):
    """A scenario value to fit: a dotted key and its range, searched on a log scale if `log`. A
    range of two dates fits a date (searched in whole days)."""

    model_config = ConfigDict(extra="forbid")
    key: str | None = Field(None, description="dotted scenario key (default: the table's name)")
    low: dt.date | int | float = Field(
        description="lowest value (both ends integers: an integer key; both dates: a date key)"
    )
    high: dt.date | int | float
    log: bool = Field(False, description="search on a log scale (a log-uniform prior)")

    @model_validator(mode="after")
    def _range(self) -> ParameterSpec:
        dated = isinstance(self.low, dt.date), isinstance(self.high, dt.date)
        if any(dated):
            if not all(dated):
                raise ValueError("a date range needs two dates (low = YYYY-MM-DD, high = ...).")
            if self.log:
                raise ValueError("a date range cannot be searched on a log scale.")
        if not self.low < self.high:  # type: ignore[operator]
            raise ValueError(
                f"the range is empty: low ({self.low}) must be below high ({self.high})."
            )
        if self.log and self.low <= 0:  # type: ignore[operator]
            raise ValueError(f"a log-scale range must start above 0 (low is {self.low:g}).")
        return self

    @property
    def is_date(self) -> bool:
        return isinstance(self.low, dt.date)

    @property
    def whole(self) -> bool:
        """Searched in whole numbers: an integer or a date range, on a linear scale."""
        return self.is_date or (
            isinstance(self.low, int) and isinstance(self.high, int) and not self.log
        )

    @property
    def bounds(self) -> tuple[float, float]:
        """The range as numbers (a date as its day number)."""
        return self.number(self.low), self.number(self.high)

    @staticmethod
    def number(value: dt.date | str | int | float) -> float:
        """A value as the search holds it (a date, or its ISO text, as its proleptic Gregorian
        day number)."""
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return float(value.toordinal()) if isinstance(value, dt.date) else float(value)

    def value(self, number: float) -> dt.date | int | float:
        """A value of the search as the scenario key takes it."""
        if self.is_date:
            return dt.date.fromordinal(round(number))
        return round(number) if self.whole else float(number)


class _Dated(BaseModel):
    """A figure of a run: a metric read as a cumulative count, a stock or a flow, on its dates."""

    model_config = ConfigDict(extra="forbid")
    metric: str = Field(min_length=1, description="a column of the run's timeseries.parquet")
    kind: Literal["cumulative", "stock", "flow"] = Field(
        description="cumulative: the flow summed from start to end; stock: the level on date; "
        "flow: the flow summed over start..end (per year with per_year)"
    )
    date: dt.date | None = Field(None, description="stock: the day the figure refers to")
    start: dt.date | None = Field(None, description="cumulative, flow: first day counted")
    end: dt.date | None = Field(None, description="cumulative, flow: last day counted")
    per_year: bool = Field(False, description="flow: as a yearly rate (sum x 365 / days)")

    @model_validator(mode="after")
    def _dates_fit_kind(self) -> _Dated:
        if self.kind == "stock":
            if self.date is None:
                raise ValueError("a stock is a level on a day: give date = YYYY-MM-DD.")
            if self.start is not None or self.end is not None:
                raise ValueError("a stock takes one date, not start and end.")
            if self.per_year:
                raise ValueError("per_year is for flows; a stock is a level on a day.")
            return self
        if self.date is not None:
            raise ValueError(f"a {self.kind} count takes start and end, not date.")
        if self.start is None or self.end is None:
            raise ValueError(f"a {self.kind} count needs start and end (YYYY-MM-DD).")
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}.")
        if self.per_year and self.kind == "cumulative":
            raise ValueError("per_year is for flows; a cumulative count is a total.")
        return self

    @property
    def dates(self) -> str:
        """The dates as the tables show them."""
        text = str(self.date) if self.kind == "stock" else f"{self.start}..{self.end}"
        return text + (" per year" if self.per_year else "")


class TargetSpec(_Dated):
    """A published figure with its date semantics and its source: fitted."""

    published: float = Field(ge=0, description="the published figure, in people or attempts")
    tolerance: float | None = Field(
        None, gt=0, description="observation sd as a share of the figure (default: the file's)"
    )
    sd: float | None = Field(None, gt=0, description="observation sd in the figure's units")
    source: str = Field(min_length=1, description="where the figure was published")


class PredictionSpec(_Dated):
    """A figure the calibration is not fitted to, computed over the accepted points' runs; with
    `published`, a held-out check (never used in the fit)."""

    published: float | None = Field(
        None, ge=0, description="a published figure held out of the fit, to check against"
    )
    source: str = Field("", description="where the held-out figure was published")

    @model_validator(mode="after")
    def _source_with_figure(self) -> PredictionSpec:
        if self.published is not None and not self.source:
            raise ValueError("a held-out published figure needs its source.")
        return self


class CalibrationModel(BaseModel):
    """A whole calibration file."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1)
    description: str = ""
    scenario: str = Field(min_length=1, description="bundled name or path (relative to the file)")
    set: list[str] = Field(default_factory=list, description="dotted.key=value, as with --set")
    population: int | None = Field(None, ge=1, description="agents in every run")
    seed: int = Field(1, ge=0, le=2**32 - 1, description="every run's and the sampler's seed")
    replicates: int = Field(2, ge=1, le=1000, description="runs per point, with distinct seeds")
    trials: int = Field(40, ge=1, le=100_000, description="points the search evaluates")
    first_point: Literal["search", "scenario"] = Field(
        "search",
        description="the search's first point: its sampler's, or the values the scenario "
        "carries (clipped into each range; a key the scenario leaves unset is sampled)",
    )
    refine: int = Field(20, ge=1, le=100_000, description="points in each wave of history matching")
    waves: int = Field(
        2, ge=0, le=100, description="waves after the search, each over what was plausible"
    )
    batch: int = Field(4, ge=1, le=1000, description="points asked for and run at a time")
    sampler: Literal["tpe", "qmc", "random"] = "tpe"
    startup_trials: int = Field(10, ge=1, description="tpe: random points before it models")
    tolerance: float = Field(0.1, gt=0, description="observation sd as a share of each figure")
    cutoff: float = Field(3.0, gt=0, description="largest implausibility of an accepted point")
    published_scale: float = Field(
        1.0,
        gt=0,
        description="people each independent actor of the published world stands for: 1 for "
        "real counts; the run's people_per_agent for targets made by a credsim run",
    )
    parameters: dict[str, ParameterSpec] = Field(min_length=1)
    targets: dict[str, TargetSpec] = Field(min_length=1)
    predictions: dict[str, PredictionSpec] = Field(
        default_factory=dict, description="figures computed over the accepted points, not fitted"
    )


@dataclass
class Calibration:
    """A checked calibration file, and where each key was written (for messages)."""

    model: CalibrationModel
    label: str
    folder: Path | None
    where: Callable[[tuple], str]

    @property
    def name(self) -> str:
        return self.model.name or (Path(self.label).stem if self.folder else "calibration")

    def key_of(self, name: str) -> str:
        """The dotted scenario key a parameter sets (older table names made current)."""
        key = self.model.parameters[name].key or name
        head, dot, rest = key.partition(".")
        return ALIASES.get(head, head) + dot + rest

    def scenario_source(self) -> str:
        """The scenario as the loader takes it: a path relative to the file, or a name."""
        src = self.model.scenario
        is_path = src.endswith(".toml") or "/" in src or "\\" in src
        if is_path and self.folder is not None and not Path(src).is_absolute():
            return str(self.folder / src)
        return src


def _flatten(table: Any, prefix: str = "") -> Any:
    """Unquoted dotted names (`a.b = {low=...}`) arrive as nested tables: join them back."""
    if not isinstance(table, dict):
        return table
    flat: dict[str, Any] = {}
    for name, value in table.items():
        nested = isinstance(value, dict) and value and not (_PARAMETER_FIELDS & set(value))
        if nested and all(isinstance(v, dict) for v in value.values()):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _where_in(text: str, label: str) -> Callable[[tuple], str]:
    def where(loc: tuple) -> str:
        path = tuple(str(p) for p in loc)
        if len(path) >= 2 and path[0] == "parameters" and "." in path[1]:
            quoted = f'"{path[1]}"' in text or f"'{path[1]}'" in text
            if not quoted:
                path = (path[0], *path[1].split("."), *path[2:])
        line = locate(text, path) if text else None
        return f"{label}, line {line}" if line is not None else label

    return where


def bundled_calibrations() -> dict[str, str]:
    """Bundled calibration name -> its description (the `credsim.calibrations` package)."""
    return bundled_files("credsim.calibrations")


def resolve_calibration_source(source: str) -> Path:
    """A calibration file's path, or the file of a bundled calibration of that name."""
    return resolve_bundled(source, "credsim.calibrations", "calibration")


def load_calibration(source: str | Path | dict[str, Any]) -> Calibration:
    """Read and check a calibration file (or a dict of the same shape). Raises ScenarioError."""
    data, text, label, folder = read_toml(source, "calibration")
    data = with_base(data, folder, label, _flatten)
    if "parameters" in data:
        data["parameters"] = _flatten(data["parameters"])
    where = _where_in(text, label)
    try:
        model = CalibrationModel.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(describe_validation_error(err, CalibrationModel, (), where)) from None
    for name in model.predictions:
        if name in model.targets:
            raise ScenarioError(
                f"{where(('predictions', name))}: {name} is both a target and a prediction: "
                "give each its own name."
            )
    return Calibration(model, label, folder, where)
