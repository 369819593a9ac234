"""The timeline: the system as it rolled out. Each entry switches plug-ins on or off, sets
parameters, or ramps them, at a date.

```toml
[[timeline]]
date = 2016-01-01
enable = ["consequences.joint_punishment"]
note = "travel bans under joint punishment (facts, timeline)"

[[timeline]]
date = 2015-01-01
until = 2020-12-31
ramp = { "sources.cameras.records.jaywalking.share" = [0.1, 0.8] }
```

`set` gives parameters new values from `date` on; `ramp` moves them in a straight line from the
first value on `date` to the second on `until`, every `step_days` days (whole numbers are
rounded). Only a plug-in's `live` parameters can change during a run (each plug-in says which:
`Plugin.live`); changing another is an error that lists them.

A plug-in named in an `enable` is built even if its table says `enabled = false`; it is then off
until the first date that switches it on. A change takes effect at the start of its day. A plug-in
switched off stops running its daily hook; what it did stays (listings stay, scores keep their
points). Metrics and the population cannot be switched. Dates before the scenario's start are an
error; dates after its end have no effect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from credsim.engine import Plugin, PluginParams
from credsim.errors import ScenarioError, did_you_mean

__all__ = [
    "SWITCHABLE",
    "TimelineEntry",
    "check_timeline",
    "enabled_by_timeline",
    "parameter_changes",
]

SWITCHABLE = ("behavior", "adversaries", "sources", "policies", "consequences")
"""Sections whose plug-ins a timeline may switch."""


class TimelineEntry(BaseModel):
    """One dated change of the system."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    date: dt.date = Field(description="the day the change takes effect (YYYY-MM-DD)")
    enable: list[str] = Field(default_factory=list, description="plug-ins switched on")
    disable: list[str] = Field(default_factory=list, description="plug-ins switched off")
    set: dict[str, Any] = Field(
        default_factory=dict, description="section.name.parameter -> its value from `date` on"
    )
    ramp: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="section.name.parameter -> [value on `date`, value on `until`]",
    )
    until: dt.date | None = Field(None, description="the date a ramp reaches its second value")
    step_days: int = Field(1, ge=1, le=3650, description="days between a ramp's steps")
    note: str = Field("", description="what happened then, and the source")
    regions: list[str] = Field(
        default_factory=list,
        description="make the change in these regions only (provinces or cities)",
    )

    @model_validator(mode="after")
    def _ramp_has_an_end(self) -> TimelineEntry:
        if self.ramp and (self.until is None or self.until <= self.date):
            raise ValueError(f"a ramp needs `until`, a date after {self.date}")
        return self


def enabled_by_timeline(entries: list[TimelineEntry]) -> set[str]:
    """`section.name` of every plug-in that some entry switches on."""
    return {key for entry in entries for key in entry.enable}


def check_timeline(
    entries: list[TimelineEntry], start: dt.date, plugins: dict[str, bool], where: str
) -> None:
    """Every entry names plug-ins of the scenario (`section.name` -> enabled in its table) and
    falls on or after the start; raises ScenarioError naming the entry and the nearest name."""
    for i, entry in enumerate(entries):
        at = f"{where}: timeline entry {i + 1} ({entry.date})"
        if entry.date < start:
            raise ScenarioError(
                f"{at}: the date is before the scenario's start ({start}); a change must fall on "
                "or after the first day."
            )
        for key in [*entry.enable, *entry.disable]:
            section = key.split(".", 1)[0]
            if section not in SWITCHABLE or "." not in key:
                raise ScenarioError(
                    f"{at}: {key!r} is not a plug-in a timeline can switch: give section.name "
                    f"with section one of {', '.join(SWITCHABLE)} (metrics and the population "
                    "run throughout)."
                )
            if key not in plugins:
                did = did_you_mean(key, list(plugins), sentence=True)
                raise ScenarioError(
                    f"{at}: no plug-in {key!r} in this scenario.{did} Plug-ins: "
                    f"{', '.join(sorted(plugins))}."
                )


Plugins = dict[str, tuple[type[Plugin], PluginParams]]


def parameter_changes(
    entries: list[TimelineEntry],
    start: dt.date,
    end: dt.date,
    plugins: Plugins,
    where: str,
    instances: Callable[[str, list[str]], list[str]] | None = None,
) -> dict[int, list[tuple[str, PluginParams]]]:
    """Day -> (`section.name`, its whole new parameters) for every `set` and ramp step, applied
    in date order on top of each other and validated by the plug-in's own parameters.
    `instances(key, regions)` names the instances of a plug-in an entry changes (a plug-in split
    by region has one per region group: credsim.scenario.places); by default the key itself."""
    instances = instances or (lambda key, regions: [key])
    last = (end - start).days
    steps: list[tuple[int, int, str, Any]] = []  # (day, entry, path, value)
    for i, entry in enumerate(entries):
        first = (entry.date - start).days
        steps += [(first, i, path, value) for path, value in entry.set.items()]
        if entry.ramp:
            assert entry.until is not None
            through = (entry.until - start).days
            days = [*range(first, through, entry.step_days), through]
            for path, (a, b) in entry.ramp.items():
                steps += [
                    (day, i, path, a + (b - a) * (day - first) / (through - first))
                    for day in days
                    if day <= last
                ]
    for _, i, path, _ in steps:
        _check_live(path, plugins, f"{where}: timeline entry {i + 1} ({entries[i].date})")
    current = {key: params.model_dump() for key, (_, params) in plugins.items()}
    by_day: dict[int, list[tuple[int, str, Any]]] = {}
    for day, i, path, value in steps:
        by_day.setdefault(day, []).append((i, path, value))
    out: dict[int, list[tuple[str, PluginParams]]] = {}
    for day in sorted(by_day):
        touched: dict[str, int] = {}
        for i, path, value in sorted(by_day[day], key=lambda s: s[0]):
            base, rest = _split(path)
            for key in instances(base, entries[i].regions):
                _assign(current[key], rest, value)
                touched[key] = i
        for key, i in touched.items():
            try:
                params = plugins[key][0].Params.model_validate(current[key])
            except ValidationError as err:
                problem = "; ".join(
                    f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in err.errors()
                )
                raise ScenarioError(
                    f"{where}: timeline entry {i + 1} ({entries[i].date}) makes {key} invalid: "
                    f"{problem}."
                ) from None
            out.setdefault(day, []).append((key, params))
    return out


def _split(path: str) -> tuple[str, list[str]]:
    parts = path.split(".")
    return ".".join(parts[:2]), parts[2:]


def _check_live(path: str, plugins: Plugins, at: str) -> None:
    key, rest = _split(path)
    if key not in plugins or not rest:
        did = did_you_mean(key, list(plugins), sentence=True)
        raise ScenarioError(
            f"{at}: {path!r} names no parameter of a plug-in of this scenario.{did} Give "
            "section.name.parameter."
        )
    live = plugins[key][0].live
    for pattern in live:
        wanted = pattern.split(".")
        if len(rest) >= len(wanted) and all(
            w in ("*", r) for w, r in zip(wanted, rest, strict=False)
        ):
            return
    can = ", ".join(f"{key}.{p}" for p in live) or "none of its parameters"
    raise ScenarioError(f"{at}: {path!r} cannot change during a run. What {key} can change: {can}.")


def _assign(table: dict, path: list[str], value: Any) -> None:
    """Set `table[path...] = value`, rounding to a whole number where the old value is one."""
    for part in path[:-1]:
        table = table.setdefault(part, {})
    old = table.get(path[-1])
    if isinstance(old, int) and not isinstance(old, bool) and isinstance(value, float):
        value = round(value)
    table[path[-1]] = value
