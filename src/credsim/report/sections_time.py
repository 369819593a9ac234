"""Report sections over the years: the system's roll-out by year, and the population's births,
deaths and ages."""

from __future__ import annotations

import datetime as dt

from credsim.results.intervals import interval
from credsim.results.rates import poisson_interval

from .figures_time import PANELS, Bounds, panel_value, pyramid, vital_rates, yearly_growth
from .run import RunData
from .section import Block, Plot, Section
from .tables import fmt, table

__all__ = ["TIME_SECTIONS"]


def _timeline(run: RunData) -> list[tuple[dt.date, str]]:
    out = []
    for entry in run.scenario.get("timeline") or []:
        if isinstance(entry, dict) and entry.get("date") is not None:
            date = entry["date"]
            date = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date))
            changes = [*entry.get("enable", []), *entry.get("disable", []),
                       *entry.get("set", {}), *entry.get("ramp", {})]  # fmt: skip
            out.append((date, entry.get("note") or ", ".join(changes)))
    return sorted(out, key=lambda e: e[0])


def _yearly_bounds(run: RunData, by_year: dict, key: str) -> Bounds:
    """Each panel's interval per year: the 90% interval across replicates of the panel's own
    figure (a sum of flights and trains is summed in each replicate first), or in a single run
    the exact 95% Poisson interval of the simulated agents, scaled to people."""
    replicates = run.replicate_summaries
    k = float(run.summary.get("people_per_agent") or 1)
    out: Bounds = {}
    for field, _ in PANELS:
        for year, row in by_year.items():
            if replicates:
                each = [
                    panel_value((r.get("by_year") or {}).get(year) or {}, field, key)
                    for r in replicates
                ]
                values = [v for v in each if v is not None]
                if values:
                    out.setdefault(field, {})[year] = interval(values)
                continue
            value = panel_value(row, field, key)
            if value is not None:
                low, high = poisson_interval(value / k)
                out.setdefault(field, {})[year] = (low * k, high * k)
    return out


def _growth(run: RunData) -> list[Block]:
    by_year = run.summary["by_year"]
    but_for = bool(run.summary.get("but_for"))
    new = any("listed_new_wrongful" in (row or {}) for row in by_year.values())
    if but_for and new:
        wrongful = ("listed_new_wrongful", "Newly wrongly on a list", True)
        what = (
            "people newly on a list in the year who are on none in the same run without wrong "
            "records, "
        )
    elif but_for:  # a run written before credsim counted the flow
        wrongful = ("sanctioned_wrongful", "Wrongly on a list at the year's end", False)
        what = (
            "people on a list at the year's end who are on none in the same run without wrong "
            "records, "
        )
    else:
        wrongful = ("sanctioned_touched_by_wrong_record", "Touched by a wrong record, on a list "
                    "at the year's end", False)  # fmt: skip
        what = (
            "people on a list at the year's end whom a wrong record of its kind reached "
            "(some would be listed anyway: this run did not compute its counterfactual), "
        )
    events = _timeline(run)
    bounds = _yearly_bounds(run, by_year, wrongful[0])
    which = (
        f"the 90% interval across {run.replicates} replicates"
        if run.replicate_summaries
        else "the exact 95% Poisson interval of the simulated agents (chance alone in one run)"
    )
    caption = (
        "How the system grew, year by year: new listings, refused flight and train purchases, "
        + what
        + "and camera records attributed to the wrong person (false face matches). "
        f"Counts are people (agents times people per agent); whiskers: {which}."
    )
    blocks: list[Block] = [
        Plot("rollout", caption, lambda: yearly_growth(by_year, events, wrongful, bounds))
    ]
    if events:
        rows = [[str(i), d.isoformat(), note] for i, (d, note) in enumerate(events, start=1)]
        blocks.append(table(["", "date", "what changed (and the source)"], rows, numeric={0}))
    return blocks


def _spans_years(run: RunData) -> bool:
    by_year = run.summary.get("by_year")
    return isinstance(by_year, dict) and len(by_year) >= 3


def _vital_bounds(run: RunData, by_year: dict) -> Bounds:
    """Each year's birth and death rate interval: across replicates (90%), or in one run the
    exact 95% Poisson interval of the simulated count, as a rate (the rate is proportional to
    the count within a year)."""
    k = float(run.summary.get("people_per_agent") or 1)
    out: Bounds = {}
    for key, count in (("birth", "births"), ("death", "deaths")):
        rate = f"{key}_rate_per_1000"
        for year, row in by_year.items():
            if run.replicate_summaries:
                each = [
                    (((r.get("demography") or {}).get("by_year") or {}).get(year) or {}).get(rate)
                    for r in run.replicate_summaries
                ]
                values = [v for v in each if v is not None]
                if values:
                    out.setdefault(key, {})[year] = interval(values)
            elif row.get(count) and row.get(rate) is not None:
                low, high = poisson_interval(row[count] / k)
                per = row[rate] / (row[count] / k)
                out.setdefault(key, {})[year] = (low * per, high * per)
    return out


def _demography(run: RunData) -> list[Block]:
    demo = run.summary["demography"]
    start, end = run.summary.get("start"), run.summary.get("end")
    blocks: list[Block] = []
    pyr = demo.get("pyramid", {})
    if "start" in pyr and "end" in pyr:
        blocks.append(
            Plot(
                "pyramid",
                "The age pyramid at the start (outline) and the end (bars) of the run: ages "
                "advance each 1 January, deaths follow UN WPP 2019's death rates by age and sex, "
                "births its fertility pattern scaled to each year's published total fertility; "
                "whiskers: the exact 95% Poisson interval of each end bar's simulated citizens.",
                lambda: pyramid(
                    demo["pyramid_bands"],
                    pyr["start"],
                    pyr["end"],
                    (str(start), str(end)),
                    float(run.summary.get("people_per_agent") or 1),
                ),
            )
        )
    by_year = demo.get("by_year", {})
    bounds = _vital_bounds(run, by_year)
    which = (
        f"the 90% interval across {run.replicates} replicates"
        if run.replicate_summaries
        else "the exact 95% Poisson interval of the simulated births and deaths"
    )
    blocks.append(
        Plot(
            "vital-rates",
            "Crude birth and death rates per 1,000, credsim (whiskers: "
            f"{which}) against the National Bureau of "
            "Statistics' published rates (secondary copies). The published rates were not used "
            "to set anything: this is an out-of-sample check. The death rate runs above NBS's "
            "because WPP's death rates applied to the census ages imply more deaths than NBS "
            "registers.",
            lambda: vital_rates(by_year, bounds),
        )
    )
    rows = [
        [
            year,
            fmt(r["deaths"]),
            fmt(r["deaths_expected"]),
            fmt(r["births"]),
            fmt(r["births_expected"]),
        ]
        for year, r in by_year.items()
    ]
    blocks.append(
        table(
            ["year", "deaths", "expected from inputs", "births", "expected from inputs"],
            rows,
        )
    )
    return blocks


TIME_SECTIONS = [
    Section("rollout", "How the system grew, year by year", _spans_years, _growth),
    Section(
        "demography",
        "Births, deaths and ages",
        lambda run: isinstance(run.summary.get("demography"), dict),
        _demography,
    ),
]
