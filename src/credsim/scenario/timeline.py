"""The timeline: the system as it rolled out. Each entry switches plug-ins on or off at a date.

```toml
[[timeline]]
date = 2016-01-01
enable = ["consequences.joint_punishment"]
note = "travel bans under joint punishment (facts, timeline)"
```

A plug-in named in an `enable` is built even if its table says `enabled = false`; it is then off
until the first date that switches it on. A change takes effect at the start of its day. A plug-in
switched off stops running its daily hook; what it did stays (listings stay, scores keep their
points). Metrics and the population cannot be switched. Dates before the scenario's start are an
error; dates after its end have no effect.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from credsim.errors import ScenarioError, did_you_mean

__all__ = ["SWITCHABLE", "TimelineEntry", "check_timeline", "enabled_by_timeline"]

SWITCHABLE = ("behavior", "adversaries", "sources", "policies", "consequences")
"""Sections whose plug-ins a timeline may switch."""


class TimelineEntry(BaseModel):
    """One dated change of the system."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date = Field(description="the day the change takes effect (YYYY-MM-DD)")
    enable: list[str] = Field(default_factory=list, description="plug-ins switched on")
    disable: list[str] = Field(default_factory=list, description="plug-ins switched off")
    note: str = Field("", description="what happened then, and the source")


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
