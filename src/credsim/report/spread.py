"""The report's view of a run of replicates: figures with their 90% intervals, and rates by group
whose intervals do or do not separate them from the whole population."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import numpy as np

from credsim.results.intervals import interval
from credsim.results.rates import poisson_interval, wilson_interval

from .run import RunData
from .tables import fmt

__all__ = [
    "GroupSpread",
    "across_replicates",
    "beside_sizes",
    "count_interval",
    "count_text",
    "counted_by_group",
    "group_spread",
    "interval_head",
    "per_event_spread",
    "poisson_bounds",
    "poisson_spread",
    "ratio_intervals",
    "replicates_note",
    "source_bounds",
    "spread_of_counts",
    "wilson_bounds",
    "wilson_spread",
    "with_interval",
]

Interval = tuple[float, float]


@dataclass(frozen=True)
class GroupSpread:
    """Rates by group across replicates: means, 90% intervals, and the whole population's."""

    mean: dict[str, dict[str, float]]
    bounds: dict[str, dict[str, Interval]]
    overall: float | None
    overall_bounds: Interval | None

    def separated(self, dim: str, label: str) -> bool:
        """Whether the group's interval and the whole population's do not overlap."""
        own = self.bounds.get(dim, {}).get(label)
        if own is None or self.overall_bounds is None:
            return True
        return own[0] > self.overall_bounds[1] or own[1] < self.overall_bounds[0]


def group_spread(
    run: RunData,
    field: str,
    per: float,
    dims: tuple[str, ...],
    view: Callable[[dict], dict] | None = None,
    of: str = "citizens",
) -> GroupSpread | None:
    """`field` per `per` citizens (or per `per` of another base, `of`) of each group, computed
    in every replicate (group sizes differ from seed to seed) then averaged; None for a single
    run. `view` maps each replicate's summary to the one read (`counted_by_group`)."""
    summaries = [view(s) if view else s for s in run.replicate_summaries]
    if not summaries:
        return None
    rates: dict[tuple[str, str], list[float]] = {}
    overall: list[float] = []
    for summary in summaries:
        by_group = summary.get("by_group") or {}
        for dim in dims:
            for label, v in (by_group.get(dim) or {}).items():
                if isinstance(v, dict) and v.get(of) and _number(v.get(field)):
                    rates.setdefault((dim, str(label)), []).append(per * v[field] / v[of])
        if summary.get(of) and _number(summary.get(field)):
            overall.append(per * summary[field] / summary[of])
    mean: dict[str, dict[str, float]] = {}
    bounds: dict[str, dict[str, Interval]] = {}
    for (dim, label), values in rates.items():
        mean.setdefault(dim, {})[label] = float(np.mean(values))
        bounds.setdefault(dim, {})[label] = interval(values)
    whole = float(np.mean(overall)) if overall else None
    return GroupSpread(mean, bounds, whole, interval(overall) if overall else None)


def wilson_spread(
    summary: dict, field: str, per: float, dims: tuple[str, ...], of: str = "citizens"
) -> GroupSpread:
    """`field` per `per` citizens (or of `of`, such as face checks) of each group in one run,
    with 95% Wilson intervals computed on the simulated people (agents), so that a scaled run is
    as uncertain as its agents."""
    k = float(summary.get("people_per_agent") or 1)
    mean: dict[str, dict[str, float]] = {}
    bounds: dict[str, dict[str, Interval]] = {}
    for dim in dims:
        for label, v in ((summary.get("by_group") or {}).get(dim) or {}).items():
            if isinstance(v, dict) and v.get(of) and _number(v.get(field)):
                low, high = wilson_interval(v[field] / k, v[of] / k)
                mean.setdefault(dim, {})[str(label)] = per * v[field] / v[of]
                bounds.setdefault(dim, {})[str(label)] = (per * low, per * high)
    total, n = summary.get(field), summary.get(of)
    if not (_number(total) and n):
        return GroupSpread(mean, bounds, None, None)
    low, high = wilson_interval(total / k, n / k)
    return GroupSpread(mean, bounds, per * total / n, (per * low, per * high))


def poisson_spread(summary: dict, field: str, per: float, dims: tuple[str, ...]) -> GroupSpread:
    """A count of events (not people: one person can have several) per `per` citizens of each
    group in one run, with exact 95% Poisson intervals computed on the simulated events."""
    k = float(summary.get("people_per_agent") or 1)

    def bounds_of(count: float, citizens: float) -> Interval:
        low, high = poisson_interval(count / k)
        return per * k * low / citizens, per * k * high / citizens

    mean: dict[str, dict[str, float]] = {}
    bounds: dict[str, dict[str, Interval]] = {}
    for dim in dims:
        for label, v in ((summary.get("by_group") or {}).get(dim) or {}).items():
            if isinstance(v, dict) and v.get("citizens") and _number(v.get(field)):
                mean.setdefault(dim, {})[str(label)] = per * v[field] / v["citizens"]
                bounds.setdefault(dim, {})[str(label)] = bounds_of(v[field], v["citizens"])
    total, n = summary.get(field), summary.get("citizens")
    if not (_number(total) and n):
        return GroupSpread(mean, bounds, None, None)
    return GroupSpread(mean, bounds, per * total / n, bounds_of(total, n))


def per_event_spread(
    summary: dict, field: str, count: str, per: float, dims: tuple[str, ...]
) -> GroupSpread:
    """A quantity in proportion to a count of events (hours lost: innocent stops times the
    hours a stop takes) per `per` citizens of each group in one run: the count's exact 95%
    Poisson interval on the simulated events, times the quantity per event."""
    events = poisson_spread(summary, count, per, dims)

    def scaled(row: dict, bounds: Interval | None) -> Interval | None:
        if bounds is None or not row.get(count) or not _number(row.get(field)):
            return None
        each = row[field] / row[count]
        return bounds[0] * each, bounds[1] * each

    mean: dict[str, dict[str, float]] = {}
    out: dict[str, dict[str, Interval]] = {}
    for dim in dims:
        for label, row in ((summary.get("by_group") or {}).get(dim) or {}).items():
            b = scaled(row, events.bounds.get(dim, {}).get(str(label))) if row else None
            if b is not None and row.get("citizens"):
                mean.setdefault(dim, {})[str(label)] = per * row[field] / row["citizens"]
                out.setdefault(dim, {})[str(label)] = b
    whole = summary.get(field)
    overall = (
        per * whole / summary["citizens"] if _number(whole) and summary.get("citizens") else None
    )
    return GroupSpread(mean, out, overall, scaled(summary, events.overall_bounds))


def counted_by_group(key: str, field: str, total: str) -> Callable[[dict], dict]:
    """A view of a summary whose `key` counts people by group (dim -> label -> people, as
    `internet_access_denied_by_group`): the counts sit under `field` in `by_group` beside each
    group's citizens, and the whole population's count (`summary[total]`, else the sum over the
    first dimension) under `field`, so the spreads above read them as they read `by_group`."""

    def view(summary: dict) -> dict:
        counts = summary.get(key) or {}
        sizes = summary.get("by_group") or {}
        groups = {
            dim: {
                str(label): {"citizens": ((sizes.get(dim) or {}).get(label) or {}).get("citizens"),
                             field: n}
                for label, n in labels.items()
            }
            for dim, labels in counts.items() if isinstance(labels, dict)
        }  # fmt: skip
        whole = summary.get(total)
        if not _number(whole) and groups:
            whole = sum(n for n in next(iter(counts.values())).values() if _number(n))
        return {
            "by_group": groups,
            field: whole,
            "citizens": summary.get("citizens"),
            "people_per_agent": summary.get("people_per_agent"),
        }

    return view


def spread_of_counts(
    run: RunData,
    view: Callable[[dict], dict],
    field: str,
    per: float,
    dims: tuple[str, ...],
    events: bool = False,
    of: str = "citizens",
) -> tuple[GroupSpread, str]:
    """People counted by group per `per` citizens (or of `of`) with their intervals, and which
    intervals they are: across replicates (90%) when the run has them, else 95% Wilson intervals
    of the simulated people of this run (exact 95% Poisson intervals for `events`, which one
    person can have several of)."""
    spread = group_spread(run, field, per, dims, view, of)
    if spread is not None:
        return spread, "90% intervals across the replicates"
    if events:
        return poisson_spread(view(run.summary), field, per, dims), "95% intervals (Poisson)"
    return wilson_spread(view(run.summary), field, per, dims, of), "95% intervals (Wilson)"


def beside_sizes(key: str) -> Callable[[dict], dict]:
    """A view of a summary whose `key` is a metric's table by group (dim -> label -> fields, as
    `fines_by_group`): each group's fields beside its citizens (from `by_group`), under
    `by_group`, the rest of the summary as it is (whole-population figures at its top)."""

    def view(summary: dict) -> dict:
        sizes = summary.get("by_group") or {}
        groups = {
            dim: {
                str(label): {
                    **row, "citizens": ((sizes.get(dim) or {}).get(label) or {}).get("citizens")
                }
                for label, row in labels.items() if isinstance(row, dict)
            }
            for dim, labels in (summary.get(key) or {}).items() if isinstance(labels, dict)
        }  # fmt: skip
        return {**summary, "by_group": groups}

    return view


def across_replicates(
    run: RunData, values: Callable[[dict], dict[str, float]]
) -> dict[str, Interval]:
    """The 90% interval across replicates of each of a chart's values (`values` maps one
    summary to label -> value); {} for a single run."""
    each: dict[str, list[float]] = {}
    for summary in run.replicate_summaries:
        for label, value in values(summary).items():
            if _number(value) and np.isfinite(value):
                each.setdefault(label, []).append(float(value))
    return {label: interval(v) for label, v in each.items()}


def poisson_bounds(count: float, k: float, scale: float = 1.0) -> Interval:
    """The exact 95% Poisson interval of `count` events computed on its agents (count / `k`),
    in events again, times `scale` (1 / a group's size for a rate)."""
    low, high = poisson_interval(count / k)
    return low * k * scale, high * k * scale


def wilson_bounds(count: float, n: float, k: float) -> Interval:
    """The 95% Wilson interval of the share `count` / `n` of people, computed on agents."""
    return wilson_interval(count / k, n / k)


def count_interval(run: RunData, key: str, scaled: bool = True) -> Interval | None:
    """A whole-run count's interval: across replicates (90%) when the run has them, else the
    95% Poisson interval of the simulated events, in people (agents x people per agent; a count
    not `scaled` by people per agent, such as the number of breaches, as it is)."""
    if run.replicates:
        return run.interval(*key.split("."))
    value = run.summary.get(key)
    if not _number(value):
        return None
    k = float(run.summary.get("people_per_agent") or 1) if scaled else 1.0
    low, high = poisson_interval(float(value) / k)
    return low * k, high * k


def interval_head(run: RunData) -> str:
    """The heading of a table column of `count_text`s."""
    return "90% interval (replicates)" if run.replicates else "95% interval (Poisson)"


def count_text(run: RunData, key: str) -> str:
    """`count_interval` as "low–high" in whole people, or "" when the figure has none."""
    bounds = count_interval(run, key)
    if bounds is None or not all(np.isfinite(bounds)):
        return ""
    return f"{round(bounds[0]):,}–{round(bounds[1]):,}"


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def with_interval(run: RunData, key: str, text: str) -> str:
    """`text` followed by the figure's 90% interval, when it has one that is not a point
    (`key`: a dotted summary path)."""
    bounds = run.interval(*key.split("."))
    if bounds is None or bounds[0] == bounds[1]:
        return text
    return f"{text} [{fmt(bounds[0])}–{fmt(bounds[1])}]"


def replicates_note(run: RunData) -> str:
    """The paragraph (HTML) that says what the figures of a run of replicates are."""
    meta = run.summary.get("replicates") or {}
    k = run.replicates
    cover = meta.get("covers_a_fresh_run")
    chance = f" (it holds a fresh seed's figure with probability {cover:.0%})" if cover else ""
    return f'<p class="lead">{escape(_what(k, run.summary.get("seed"), chance))}</p>'


def _what(k: int, seed: object, chance: str) -> str:
    return (
        f"Every figure is the mean of {k} replicates (the same scenario under {k} seeds derived "
        f"from seed {seed}); in brackets, the 90% interval across them, from "
        f"the 5th to the 95th percentile{chance}. A single run's figure anywhere in that interval "
        "is what chance alone gives."
    )


def source_bounds(run: RunData, by_source: dict) -> tuple[dict, str]:
    """Each writer's bars' intervals: rates per 10,000 records (95% Wilson on the simulated
    records) and planted counts (exact 95% Poisson), or 90% across replicates."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    replicates = [r.get("records_by_source") or {} for r in run.replicate_summaries]
    k = float(run.summary.get("people_per_agent") or 1)
    for name, row in by_source.items():
        records = float(row.get("records") or 0)
        for field in ("misattributed", "fabricated"):
            if replicates:
                rates = [
                    1e4 * (r.get(name) or {}).get(field, 0) / (r.get(name) or {})["records"]
                    for r in replicates
                    if (r.get(name) or {}).get("records")
                ]
                if rates:
                    out.setdefault(name, {})[field] = interval(rates)
            elif records:
                low, high = wilson_interval(float(row.get(field) or 0) / k, records / k)
                out.setdefault(name, {})[field] = (1e4 * low, 1e4 * high)
        planted = [float((r.get(name) or {}).get("fabricated") or 0) for r in replicates]
        if replicates:
            out.setdefault(name, {})["planted"] = interval(planted)
        else:
            low, high = poisson_interval(float(row.get("fabricated") or 0) / k)
            out.setdefault(name, {})["planted"] = (low * k, high * k)
    if replicates:
        return out, f"90% of the {run.replicates} replicates"
    return out, "95% Wilson intervals on the simulated records, Poisson for planted counts"


def ratio_intervals(
    run: RunData, rows: dict[str, dict], rows_of: Callable[[dict], dict[str, dict]]
) -> tuple[dict[str, tuple[float, float]], str]:
    """Each named row's interval of its `ratio` (model over published): the 90% interval of the
    replicates' own ratios (`rows_of` finds a replicate summary's rows by name), or in one run
    the exact 95% Poisson interval of the `simulated` people or events behind it."""
    out: dict[str, tuple[float, float]] = {}
    if run.replicate_summaries:
        for name in rows:
            each = [rows_of(s).get(name, {}).get("ratio") for s in run.replicate_summaries]
            values = [v for v in each if _number(v)]
            if values:
                out[name] = interval(values)
        return out, f"90% of the {run.replicates} replicates' ratios"
    for name, row in rows.items():
        sim, ratio = row.get("simulated"), row.get("ratio")
        if _number(sim) and sim > 0 and _number(ratio):
            low, high = poisson_interval(sim)
            out[name] = (ratio * low / sim, ratio * high / sim)
    return out, "the exact 95% Poisson interval of the simulated people or events behind each"
