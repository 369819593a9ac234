"""The top level of a scenario file; each plug-in's own parameters are checked by its Params."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from credsim.scenario.timeline import TimelineEntry

__all__ = ["ALIASES", "SECTIONS", "OutputSpec", "PluginSpec", "ScenarioModel"]

SECTIONS = {
    "behavior": "behavior",
    "adversaries": "adversary",
    "sources": "source",
    "policies": "policy",
    "consequences": "consequence",
    "metrics": "metric",
}
"""Scenario table -> plug-in kind; each table maps instance names to a plug-in and its params."""

ALIASES = {"behaviors": "behavior"}
"""Older table names still accepted: their keys are merged into the current table."""

MAX_NAME = 100
"""Longest scenario name: it is the start of a run directory's name."""
_NOT_IN_NAME = re.compile(r"[/\\\x00-\x1f\x7f]|\.\.")
"""What a scenario name may not hold: with no separator, no `..` and no leading dot, the run
directory it names stays inside `runs/`."""


class PluginSpec(BaseModel):
    """`plugin` names the registered plug-in; every other key is one of its parameters."""

    model_config = ConfigDict(extra="allow")
    plugin: str
    enabled: bool = True
    regions: list[str] | None = Field(
        None,
        description="limit it to these regions (provinces or carved cities); sources, policies "
        "and consequences only",
    )
    by_region: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="region -> parameters that differ there (the plug-in runs as one instance "
        "per region named here, and one for the rest)",
    )


class OutputSpec(BaseModel):
    """What a run writes besides the summary."""

    model_config = ConfigDict(extra="forbid")
    events: Literal["all", "sample", "none"] = Field(
        "all", description="event log: every row, rows of a fixed sample of citizens, or none"
    )
    sample_share: float = Field(0.01, gt=0, le=1, description="citizens kept when events = sample")
    flush_days: int = Field(90, ge=1, le=36500, description="days per event-log file")
    citizens: Literal["all", "none"] = Field("all", description="write citizens.parquet")
    report: bool = Field(True, description="write report.html")


class ScenarioModel(BaseModel):
    """A whole scenario."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    name: str = Field(
        min_length=1,
        max_length=MAX_NAME,
        description="names the run directory (runs/<name>-<time>), so never a path: no / or \\, "
        "no .., no control characters, not starting with a dot",
    )
    description: str = ""
    seed: int = Field(1, ge=0, le=2**63 - 1)
    start: dt.date = Field(dt.date(2020, 1, 1), description="the date of day 0 (YYYY-MM-DD)")
    days: int = Field(365, ge=1, le=30000, description="days simulated (int16 day stamps)")
    end: dt.date | None = Field(
        None, description="the last day simulated (YYYY-MM-DD); given, it sets `days`"
    )
    but_for: bool = Field(
        True,
        description="step the same run without erroneous records beside it, so that harm figures "
        "count who is sanctioned here and not there (about 1.6-2x the time and memory)",
    )
    warmup_days: int | None = Field(
        None,
        ge=0,
        le=30000,
        description="first days left out of every rate and curve of the report and key findings "
        "(default: derived from the invented history, list delays and agencies' pick-up)",
    )
    population: PluginSpec = Field(default_factory=lambda: PluginSpec(plugin="census"))
    behavior: dict[str, PluginSpec] = Field(default_factory=dict)
    adversaries: dict[str, PluginSpec] = Field(default_factory=dict)
    sources: dict[str, PluginSpec] = Field(default_factory=dict)
    policies: dict[str, PluginSpec] = Field(default_factory=dict)
    consequences: dict[str, PluginSpec] = Field(default_factory=dict)
    metrics: dict[str, PluginSpec] = Field(
        default_factory=lambda: {"core": PluginSpec(plugin="core")}
    )
    output: OutputSpec = Field(default_factory=OutputSpec)
    timeline: list[TimelineEntry] = Field(
        default_factory=list, description="dated changes: plug-ins switched on or off"
    )

    @field_validator("name")
    @classmethod
    def _not_a_path(cls, name: str) -> str:
        if _NOT_IN_NAME.search(name) or name.startswith(".") or not name.strip():
            raise ValueError(
                f"the name {name[:80]!r} names the run directory, so it must not be a path: no / "
                "or \\, no .., no control characters, not starting with a dot"
            )
        return name

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if end is not None and start is not None and not 0 <= (end - start).days < 30000:
            raise ValueError(
                f"end {end} must fall 0 to 29,999 days after start {start} "
                f"(it is {(end - start).days:,} days after it)"
            )
        return end

    @model_validator(mode="after")
    def _calendar(self) -> ScenarioModel:
        """`end`, when given, sets `days` (day 0 is `start`, the last day `end`); otherwise `end`
        is filled in from `days`, so a resolved scenario always names both."""
        if self.end is not None:
            self.days = (self.end - self.start).days + 1
        else:
            self.end = self.start + dt.timedelta(days=self.days - 1)
        return self
