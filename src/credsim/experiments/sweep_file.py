"""A sweep file: TOML checked by pydantic, with errors that name the file, line and key and the
nearest valid choice (the scenario loader's helpers).

```toml
scenario = "default"            # bundled name, or a path relative to this file
replicates = 2
population = 5000
days = 20
outcomes = ["sanctioned", "sanctioned_wrongful", "policies.sesame.score_mean"]

[design]
kind = "latin_hypercube"        # full_factorial | latin_hypercube | sobol
n = 16

[uncertainties]
"sources.courts.records.court_judgment.misattribution_rate" = { low = 0.001, high = 0.05 }

[levers]
delay = { key = "consequences.court_blacklist.listing_delay_days", low = 0, high = 60 }
```
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from credsim.bundled import bundled_files, read_toml, resolve_bundled
from credsim.errors import ScenarioError
from credsim.experiments.design import Design, Parameter, make_design
from credsim.experiments.outcomes import Outcome
from credsim.scenario.errors import describe_validation_error
from credsim.scenario.locate import locate
from credsim.scenario.schema import ALIASES

__all__ = [
    "RESERVED_COLUMNS",
    "DesignSpec",
    "RangeSpec",
    "Sweep",
    "SweepModel",
    "bundled_sweeps",
    "load_sweep",
    "resolve_sweep_source",
]

RESERVED_COLUMNS = ("point", "replicate", "seed", "wall_seconds")
_RANGE_FIELDS = {"key", "low", "high", "values", "levels"}
_NAMED_TABLES = ("uncertainties", "levers")


class RangeSpec(BaseModel):
    """A real or integer interval (`low`, `high`), or categories (`values`). Integers when both
    ends are TOML integers (write 0.0 for a real range that starts at zero)."""

    model_config = ConfigDict(extra="forbid")
    key: str | None = Field(None, description="dotted scenario key (default: this table's name)")
    low: int | float | None = None
    high: int | float | None = None
    values: list[Any] | None = None
    levels: int | None = Field(None, ge=2, le=1000, description="levels in a full factorial")

    @model_validator(mode="after")
    def _one_kind(self) -> RangeSpec:
        if self.values is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("give either low and high (an interval) or values, not both.")
            if not self.values:
                raise ValueError("values must list at least one category.")
            if self.levels is not None:
                raise ValueError("levels is for intervals; a categorical parameter takes all.")
            if len({repr(v) for v in self.values}) != len(self.values):
                raise ValueError(f"values repeat a category: {self.values!r}.")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give low and high (an interval) or values = [...] (categories).")
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high}).")
        return self

    @property
    def kind(self) -> Literal["real", "integer", "categorical"]:
        if self.values is not None:
            return "categorical"
        if isinstance(self.low, int) and isinstance(self.high, int):
            return "integer"
        return "real"


class DesignSpec(BaseModel):
    """How points are chosen."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["full_factorial", "latin_hypercube", "sobol"]
    levels: int = Field(3, ge=2, le=1000, description="full_factorial: levels per interval")
    n: int | None = Field(None, ge=2, le=1_000_000, description="latin_hypercube: points")
    N: int | None = Field(None, ge=2, le=1_048_576, description="sobol: base sample (2^k)")
    calc_second_order: bool = Field(False, description="sobol: second-order indices too")

    @model_validator(mode="after")
    def _settings_fit_kind(self) -> DesignSpec:
        if self.kind == "latin_hypercube" and self.n is None:
            raise ValueError("latin_hypercube needs n, the number of points (e.g. n = 16).")
        if self.kind == "sobol":
            if self.N is None:
                raise ValueError("sobol needs N, a power of two (points: N*(D+2), or N*(2D+2)).")
            if self.N & (self.N - 1):
                lower = 1 << (self.N.bit_length() - 1)
                raise ValueError(
                    f"sobol N must be a power of two (got {self.N}); "
                    f"try N = {lower} or {lower * 2}."
                )
        if self.kind != "latin_hypercube" and self.n is not None:
            raise ValueError(f"n is for latin_hypercube; {self.kind} does not take it.")
        if self.kind != "sobol" and self.N is not None:
            raise ValueError(f"N is for sobol; {self.kind} does not take it.")
        return self


class OutcomeSpec(BaseModel):
    """A figure to keep: a dotted summary.json key, a column name, and whether more is better."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(min_length=1)
    name: str | None = None
    goal: Literal["maximize", "minimize", "info"] = "info"


class SweepModel(BaseModel):
    """A whole sweep file."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1)
    description: str = ""
    scenario: str = Field("default", min_length=1)
    seed: int = Field(1, ge=0, le=2**63 - 1, description="sweep seed: every run's seed derives")
    seeds: Literal["common", "independent"] = Field(
        "common", description="common: replicate r has the same seed at every point"
    )
    replicates: int = Field(1, ge=1, le=10_000)
    population: int | None = Field(None, ge=1)
    days: int | None = Field(None, ge=1, le=30000)
    constants: dict[str, Any] = Field(default_factory=dict)
    design: DesignSpec
    uncertainties: dict[str, RangeSpec] = Field(default_factory=dict)
    levers: dict[str, RangeSpec] = Field(default_factory=dict)
    outcomes: list[OutcomeSpec] = Field(min_length=1)


@dataclass
class Sweep:
    """A checked sweep file: its parameters, outcomes, and where each key was written."""

    model: SweepModel
    label: str
    folder: Path | None
    text: str
    parameters: list[Parameter]
    outcomes: list[Outcome]
    where: Callable[[tuple], str]

    @property
    def name(self) -> str:
        return self.model.name or (Path(self.label).stem if self.folder else "sweep")

    def design(self) -> Design:
        """The design's points (deterministic for the sweep seed)."""
        spec = self.model.design
        return make_design(
            spec.kind,
            self.parameters,
            seed=self.model.seed,
            levels=spec.levels,
            n=spec.n,
            n_base=spec.N,
            calc_second_order=spec.calc_second_order,
        )


def canonical_key(key: str) -> str:
    """The dotted key with an older table name (`behaviors`) replaced by the current one."""
    head, dot, rest = key.partition(".")
    return ALIASES.get(head, head) + dot + rest


def _flatten_ranges(table: Any, prefix: str = "") -> Any:
    """Unquoted dotted names (`a.b = {low=...}`) arrive as nested tables: join them back."""
    if not isinstance(table, dict):
        return table
    flat: dict[str, Any] = {}
    for name, value in table.items():
        full = f"{prefix}{name}"
        nested = (
            isinstance(value, dict)
            and value
            and not (_RANGE_FIELDS & set(value))
            and all(isinstance(v, dict) for v in value.values())
        )
        if nested:
            flat.update(_flatten_ranges(value, f"{full}."))
        else:
            flat[full] = value
    return flat


def _flatten_constants(table: Any, prefix: str = "") -> Any:
    if not isinstance(table, dict):
        return table
    flat: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, dict) and value:
            flat.update(_flatten_constants(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def _prepare(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    for table in _NAMED_TABLES:
        if table in data:
            data[table] = _flatten_ranges(data[table])
    if "constants" in data:
        constants = _flatten_constants(data["constants"])
        if isinstance(constants, dict):
            constants = {canonical_key(k): v for k, v in constants.items()}
        data["constants"] = constants
    if isinstance(data.get("outcomes"), list):
        data["outcomes"] = [{"key": o} if isinstance(o, str) else o for o in data["outcomes"]]
    return data


def _where_in(text: str, label: str) -> Callable[[tuple], str]:
    def where(loc: tuple) -> str:
        path = tuple(str(p) for p in loc)
        if len(path) >= 2 and path[0] in (*_NAMED_TABLES, "constants"):
            name = path[1]
            quoted = f'"{name}"' in text or f"'{name}'" in text
            if "." in name and not quoted:
                path = (path[0], *name.split("."), *path[2:])
        line = locate(text, path) if text else None
        return f"{label}, line {line}" if line is not None else label

    return where


def _parameters(model: SweepModel, where: Callable[[tuple], str]) -> list[Parameter]:
    parameters: list[Parameter] = []
    seen_keys: dict[str, str] = {}
    for table, role in (("uncertainties", "uncertainty"), ("levers", "lever")):
        for name, spec in getattr(model, table).items():
            key = canonical_key(spec.key or name)
            place = where((table, name))
            if any(not part for part in key.split(".")):
                raise ScenarioError(f"{place}: {table}.{name}: {key!r} is not a dotted key.")
            if key in seen_keys:
                raise ScenarioError(
                    f"{place}: {table}.{name}: scenario key {key!r} is already swept by "
                    f"{seen_keys[key]!r}; sweep each key once."
                )
            if any(p.name == name for p in parameters):
                raise ScenarioError(f"{place}: {table}.{name}: a parameter has this name already.")
            seen_keys[key] = name
            parameters.append(
                Parameter(
                    name=name,
                    key=key,
                    kind=spec.kind,
                    role=role,  # type: ignore[arg-type]
                    low=spec.low,
                    high=spec.high,
                    values=tuple(spec.values or ()),
                    levels=spec.levels,
                )
            )
    if not parameters:
        raise ScenarioError(
            f"{where(('uncertainties',))}: the sweep names no parameter; add an [uncertainties] "
            "or [levers] table with at least one dotted scenario key and its range."
        )
    return parameters


def _outcomes(model: SweepModel, parameters: list[Parameter], where) -> list[Outcome]:
    outcomes: list[Outcome] = []
    taken = {p.name for p in parameters} | set(RESERVED_COLUMNS)
    for index, spec in enumerate(model.outcomes):
        name = spec.name or spec.key
        if name in taken:
            raise ScenarioError(
                f"{where(('outcomes', index))}: outcomes: column {name!r} is already used by a "
                f"parameter, another outcome or the sweep itself ({', '.join(RESERVED_COLUMNS)}); "
                "give this outcome a different name = ..."
            )
        taken.add(name)
        outcomes.append(Outcome(name=name, key=spec.key, goal=spec.goal))
    return outcomes


def bundled_sweeps() -> dict[str, str]:
    """Bundled sweep name -> its description (the `credsim.sweeps` package)."""
    return bundled_files("credsim.sweeps")


def resolve_sweep_source(source: str) -> Path:
    """A sweep file's path, or the file of a bundled sweep of that name."""
    return resolve_bundled(source, "credsim.sweeps", "sweep")


def load_sweep(source: str | Path | dict[str, Any]) -> Sweep:
    """Read and check a sweep file (or a dict of the same shape). Raises ScenarioError."""
    data, text, label, folder = read_toml(source, "sweep")
    where = _where_in(text, label)
    try:
        model = SweepModel.model_validate(_prepare(data))
    except ValidationError as err:
        raise ScenarioError(describe_validation_error(err, SweepModel, (), where)) from None
    parameters = _parameters(model, where)
    outcomes = _outcomes(model, parameters, where)
    return Sweep(model, label, folder, text, parameters, outcomes, where)
