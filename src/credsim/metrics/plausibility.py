"""Plausibility: every headline figure of a run, as people per year (flows) or at the end
(stocks), beside a published anchor (metrics/anchors/*.toml) with the ratio and a flag.

Unlike `calibration`, nothing is fitted to these anchors: they say whether a figure is of the
right order at all. The table is built once the run's summary is complete (`Metric.review`), from
the summary and the whole-population daily flows, so it sees every metric's figures.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.checks import MAX_PEOPLE
from credsim.metrics.anchor_file import Anchor, AnchorTable, anchor_tables, load_anchors

__all__ = ["PlausibilityMetrics", "headlines", "judge", "plausibility", "read_figure"]

OFF = 10.0
"""A figure more than this factor from its anchor, either way, is flagged."""
FLAGS = ("ok", ">10x off", "above ceiling", "no anchor")
SERIES = {
    "acts_total": "acts",
    "records_total": "records",
    "listed_total": "listed_new",
    "delisted_total": "delisted",
    "demography.births": "births",
    "demography.deaths": "deaths",
}
"""Summary figures whose daily series has another name in the time series."""


class PlausibilityParams(PluginParams):
    anchors: str = Field("china", description="bundled anchor table (metrics/anchors/<name>.toml)")
    people: int | None = Field(
        None,
        gt=0,
        le=MAX_PEOPLE,
        description="rescale counts to this many people (default: as the run counts)",
    )
    warmup_days: int | None = Field(
        None,
        ge=0,
        le=3650,
        description="days left out of yearly rates (default: the run's warm-up, summary.json's)",
    )

    @field_validator("anchors")
    @classmethod
    def _bundled(cls, name: str) -> str:
        names = anchor_tables()
        if name not in names:
            raise ValueError(f"no anchor table {name!r}; bundled tables: {', '.join(names)}")
        return name


class PlausibilityMetrics(Metric):
    """Every headline figure beside a published anchor: ratio, and a flag when >10x off."""

    Params = PlausibilityParams
    params: PlausibilityParams

    def init(self, world: World) -> None:
        self.days = world.days
        self.table = load_anchors(self.params.anchors)
        days = self.params.warmup_days
        self.warmup = world.warmup_days if days is None else days

    def measure(self, day: Day) -> None:
        """Nothing per day: the table reads the finished run's figures."""

    def review(self, summary: dict, flows: dict[str, np.ndarray]) -> dict:
        p = self.params
        table = plausibility(summary, flows, self.table, self.days, self.warmup, p.people)
        return {"plausibility": {"anchors": p.anchors, **table}}


def read_figure(summary: dict, path: str) -> float | None:
    """The number at a dotted path of summary.json (a key may hold dots itself, as
    `scored.sesame` does); a `*` part sums over every child. None when the run has no such
    number."""
    found = _at(summary, path.split("."))
    numbers = [v for v in found if isinstance(v, int | float) and not isinstance(v, bool)]
    return float(sum(numbers)) if numbers else None


def _at(value: object, parts: list[str]) -> list[object]:
    """Every value at `parts` below `value` (several where a part is `*`)."""
    if not parts:
        return [value]
    if not isinstance(value, dict):
        return []
    if parts[0] == "*":
        return [found for child in value.values() for found in _at(child, parts[1:])]
    for n in range(1, len(parts) + 1):  # the shortest key that exists, then the rest below it
        key = ".".join(parts[:n])
        if key in value:
            return _at(value[key], parts[n:])
    return []


def headlines(summary: dict) -> list[str]:
    """The headline figures of a summary: its top-level numbers."""
    return [k for k, v in summary.items() if isinstance(v, int | float) and not isinstance(v, bool)]


def judge(model: float, anchor: Anchor) -> tuple[float, str]:
    """(model / published, flag): "above ceiling" for a ceiling exceeded, ">10x off" for any
    other anchor more than ten times away either way, else "ok"."""
    ratio = model / anchor.published
    if anchor.kind == "ceiling":
        return ratio, "above ceiling" if ratio > 1.0 else "ok"
    return ratio, ">10x off" if ratio > OFF or ratio < 1.0 / OFF else "ok"


def plausibility(
    summary: dict,
    flows: dict[str, np.ndarray],
    table: AnchorTable,
    days: int,
    warmup_days: int = 0,
    people: int | None = None,
) -> dict:
    """The plausibility table of a run: one row per anchored figure, per figure without an anchor
    and per headline the table does not name (flagged "no anchor")."""
    citizens = summary.get("citizens")
    scale = people / citizens if people and citizens else 1.0
    warmup = min(warmup_days, max(days - 1, 0))

    k = float(summary.get("people_per_agent") or 1)

    def model_value(figure: str, semantics: str) -> tuple[float | None, str, float | None]:
        """The model figure, how it was read, and the count of simulated people or events
        behind it (None where it is not a count read from the run): a flow per year (after the
        warm-up where a daily series is kept, else over the whole run), a stock or cumulative
        count at the end, anything else as summary.json has it."""
        series = flows.get(SERIES.get(figure, figure))
        if semantics == "flow_per_year" and series is not None:
            window = days - warmup
            total = float(np.nansum(series[warmup:]))
            return (
                total * scale * 365.0 / window,
                f"per year, days {warmup}-{days - 1}",
                total / k,
            )
        value = read_figure(summary, figure)
        if value is None:
            return None, "", None
        if semantics == "flow_per_year":
            return value * scale * 365.0 / days, "per year, whole run", value / k
        if semantics in ("stock", "cumulative"):
            return value * scale, "at the end", value / k
        return value, "as summary.json", None

    rows: list[dict] = []
    missing: list[str] = []
    for anchor in table.anchor:
        model, reads, simulated = model_value(anchor.figure, anchor.semantics)
        if model is None:
            missing.append(anchor.figure)
            continue
        ratio, flag = judge(model, anchor)
        rows.append(
            {
                "figure": anchor.figure,
                "label": anchor.label,
                "model": _round(model),
                "reads": reads,
                "published": anchor.published,
                "unit": anchor.unit,
                "kind": anchor.kind,
                "semantics": anchor.semantics,
                "date": anchor.date,
                "ratio": _round(ratio),
                "simulated": None if simulated is None else _round(simulated),
                "flag": flag,
                "source": anchor.source,
                "secondary": anchor.secondary,
                "note": anchor.note,
            }
        )
    without = {n.figure: n for n in table.no_anchor}
    named = table.named()
    unnamed = [k for k in headlines(summary) if k not in named]
    for figure in [*without, *unnamed]:
        entry = without.get(figure)
        model, reads, _ = model_value(figure, entry.semantics if entry else "as_is")
        if model is None and figure not in summary:
            missing.append(figure)
            continue
        rows.append(
            {
                "figure": figure,
                "model": None if model is None else _round(model),
                "reads": reads or "not computed",
                "flag": "no anchor",
                "reason": entry.reason if entry else "not in the anchor table",
            }
        )
    counts = {flag: sum(r["flag"] == flag for r in rows) for flag in FLAGS}
    return {
        "scale": _round(scale),
        "warmup_days": warmup,
        "flags": counts,
        "unnamed": unnamed,
        "rows": rows,
        "missing": missing,
    }


def _round(x: float) -> float | int:
    """Whole numbers above 1000 as ints, others to 4 significant digits."""
    if abs(x) >= 1000:
        return round(x)
    return float(f"{x:.4g}")
