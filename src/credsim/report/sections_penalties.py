"""Sections on fines and public naming: money fined, paid and owed by group, fines that reached
the court's list; who was named in public, wrongly or not, and who saw it.

Each applies when the summary holds its metric's keys (`fines_total`, `named_total`), which the
`fines` and `naming` metrics write only when their consequence is in the scenario.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .run import RunData
from .section import Block, Plot, Section
from .spread import Interval, across_replicates, poisson_bounds
from .style import ABOVE, DIM_NAMES, OKABE_ITO, PEOPLE, RIGHT, WHITE, figure, whiskers
from .tables import details, group_table, table

__all__ = ["PENALTY_SECTIONS"]

FINE_FIGURES = ("total", "yuan", "yuan_paid", "yuan_in_arrears", "sent_to_court", "listed",
                "wrongful", "yuan_wrongful", "yuan_paid_wrongful")  # fmt: skip
"""Headline figures of the fines metric, each `fines_<name>` in the summary."""
LAYER_NAMES = {
    "friends": "Friends",
    "work": "Co-\nworkers",
    "family": "House-\nhold",
    "neighbours": "Neigh-\nbours",
}


def _income_rows(by_group: dict, fields: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """Income quintiles (or, without them, every group) and the fields' values per person."""
    dims = ["income"] if "income" in by_group else [d for d in by_group if d != "province"]
    labels, values = [], []
    for dim in dims:
        for label, row in (by_group.get(dim) or {}).items():
            size = row.get("citizens") or 0
            labels.append(f"{DIM_NAMES.get(dim, dim)}: {label}")
            values.append([row.get(f, 0) / size if size else 0.0 for f in fields])
    return labels, np.asarray(values, float).reshape(len(labels), len(fields))


Bounds = dict[str, Interval]
"""Intervals of a chart's bars, keyed `<row label>|<field>` (as `_bar_bounds` gives them)."""


def _bar_bounds(
    run: RunData, key: str, fields: tuple[str, ...], per: float, events: bool
) -> Bounds:
    """The intervals of `fields` per `per` people in each row of `_income_rows` of the metric's
    table by group `key`: across replicates (90%), else for `events` the exact 95% Poisson
    interval of the simulated events; {} when a single run's figure carries none."""

    def values(summary: dict) -> dict[str, float]:
        by = _with_sizes(summary.get(key) or {}, summary.get("by_group") or {})
        labels, rows = _income_rows(by, fields)
        return {
            f"{label}|{f}": per * v
            for label, row in zip(labels, rows, strict=True)
            for f, v in zip(fields, row, strict=True)
        }

    if run.replicates:
        return across_replicates(run, values)
    if not events:
        return {}
    k = float(run.summary.get("people_per_agent") or 1)
    by = _with_sizes(run.summary.get(key) or {}, run.summary.get("by_group") or {})
    dims = ["income"] if "income" in by else [d for d in by if d != "province"]
    out: Bounds = {}
    for dim in dims:
        for label, row in (by.get(dim) or {}).items():
            if row.get("citizens"):
                for f in fields:
                    name = f"{DIM_NAMES.get(dim, dim)}: {label}|{f}"
                    out[name] = poisson_bounds(row.get(f, 0), k, per / row["citizens"])
    return out


def _bars_whiskers(ax, y, values, labels: list[str], field: str, bounds: Bounds | None) -> None:
    if bounds:
        whiskers(ax, y, list(values), [bounds.get(f"{label}|{field}") for label in labels])


def fines_by_group(summary: dict, bounds: Bounds | None = None) -> Figure:
    """Yuan fined, paid and in arrears per person, by income quintile; with `bounds`
    (`_bar_bounds`), each bar carries its interval."""
    by = _with_sizes(summary.get("fines_by_group") or {}, summary.get("by_group") or {})
    fields = ("yuan", "yuan_paid", "yuan_in_arrears")
    labels, values = _income_rows(by, fields)
    fig = figure(height=max(2.8, 0.9 + 0.3 * len(labels)))
    ax = fig.add_subplot()
    y = np.arange(len(labels))[::-1]
    height = 0.8 / len(fields)
    names = ("Fined", "Paid (with surcharges)", "In arrears at the end")
    for i, name in enumerate(names):
        bars = ax.barh(y + (1 - i) * height, values[:, i], height, label=name, color=OKABE_ITO[i])
        _bars_whiskers(ax, y + (1 - i) * height, values[:, i], labels, fields[i], bounds)
        ax.bar_label(bars, fmt="{:,.1f}", padding=2, fontsize=7, bbox=WHITE)
    ax.set_yticks(y, labels, fontsize=8)
    ax.grid(axis="y", visible=False)
    ax.set_xlim(left=0)
    ax.margins(x=0.15)
    ax.set_xlabel("Yuan per person over the run")
    ax.legend(**RIGHT)
    return fig


def _with_sizes(by: dict, sizes: dict) -> dict:
    """A metric's table by group with each group's number of citizens (from `by_group`)."""
    out: dict = {}
    for dim, labels in by.items():
        if not isinstance(labels, dict):
            continue
        for label, row in labels.items():
            size = ((sizes.get(dim) or {}).get(label) or {}).get("citizens")
            out.setdefault(dim, {})[label] = {**row, "citizens": size}
    return out


def _fines(run: RunData) -> list[Block]:
    s = run.summary
    n = {k: s.get(f"fines_{k}", 0) for k in FINE_FIGURES}
    text = (
        f"<p>{n['total']:,} fines of {n['yuan']:,} yuan in all were levied; {n['yuan_paid']:,} "
        f"yuan were paid (surcharges for late payment included), and "
        f"{n['yuan_in_arrears']:,} were owed at the end. {n['sent_to_court']:,} unpaid fines "
        f"were sent to a court for enforcement, and {n['listed']:,} of them put the citizen on "
        f"its list. {n['wrongful']:,} fines ({n['yuan_wrongful']:,} yuan) were for an act the "
        "citizen did not commit (the record named someone else, or no act lay behind it); "
        f"{n['yuan_paid_wrongful']:,} yuan were paid on them.</p>"
    )
    out: list[Block] = [text]
    if s.get("fines_by_group"):
        caption = (
            "Yuan fined, paid and still owed per person over the run, by income quintile "
            "(paid includes late surcharges; arrears are the face value of fines overdue at "
            "the end); "
            + (
                f"whiskers: the 90% interval across {run.replicates} replicates."
                if run.replicates
                else "one run's yuan per person carry no interval (replicates give one)."
            )
        )
        fields = ("yuan", "yuan_paid", "yuan_in_arrears")
        bounds = _bar_bounds(run, "fines_by_group", fields, 1.0, events=False)
        out.append(Plot("fines-by-group", caption, lambda: fines_by_group(s, bounds)))
    kinds = s.get("fines_by_kind") or {}
    if kinds:
        rows = [[k, v.get("fines"), v.get("yuan")] for k, v in kinds.items()]
        out.append(table(["Record kind", "Fines", "Yuan"], rows))
    by = s.get("fines_by_group")
    if isinstance(by, dict) and by:
        columns = [("fines", "Fines"), ("yuan", "Yuan fined"), ("yuan_paid", "Yuan paid"),
                   ("yuan_in_arrears", "Yuan in arrears"), ("sent_to_court", "To court"),
                   ("listed", "Listed"), ("fines_wrongful", "Fined wrongly")]  # fmt: skip
        rows = group_table(by, columns)
        out.append(details("Fines by group", table(["Group", *(h for _, h in columns)], rows)))
    return out


def naming_audience(
    summary: dict, layer_bounds: Bounds | None = None, bounds: Bounds | None = None
) -> Figure:
    """People who saw a naming, by how they knew the named; and namings per 100,000 by group.
    With `layer_bounds` (layer -> interval) and `bounds` (`_bar_bounds`), bars carry their
    intervals."""
    layers = summary.get("naming_exposures_by_layer") or {}
    by = _with_sizes(summary.get("named_by_group") or {}, summary.get("by_group") or {})
    fig = figure(height=3.2)
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.4))
    keys = list(layers)
    x = np.arange(len(keys))
    bars = left.bar(x, [layers[k] for k in keys], color=OKABE_ITO[0], width=0.6)
    if layer_bounds:
        seen = [layers[k] for k in keys]
        whiskers(left, x, seen, [layer_bounds.get(k) for k in keys], horizontal=False)
    left.bar_label(bars, fmt="{:,.0f}", padding=2, fontsize=8)
    left.set_xticks(x, [LAYER_NAMES.get(k, k) for k in keys])
    left.grid(axis="x", visible=False)
    left.yaxis.set_major_formatter(PEOPLE)
    left.set_ylabel("People who saw a naming")
    left.margins(y=0.15)
    fields = ("named", "named_wrongly")
    labels, values = _income_rows(by, fields)
    y = np.arange(len(labels))[::-1]
    for i, name in enumerate(("Named", "Named for another's act")):
        at = y + (0.5 - i) * 0.4
        right.barh(at, 1e5 * values[:, i], 0.4, label=name, color=OKABE_ITO[i + 1])
        _bars_whiskers(right, at, 1e5 * values[:, i], labels, fields[i], bounds)
    right.set_yticks(y, labels, fontsize=8)
    right.grid(axis="y", visible=False)
    right.set_xlim(left=0)
    right.set_xlabel("Per 100,000 people")
    right.legend(**ABOVE)
    return fig


def _naming(run: RunData) -> list[Block]:
    s = run.summary
    reasons = s.get("named_wrongly_by_reason") or {}
    text = (
        f"<p>{s.get('named_total', 0):,} namings were displayed in public; "
        f"{s.get('named_wrongly', 0):,} of them for an act the citizen did not commit "
        f"({reasons.get('misattributed', 0):,} on a record of someone else's act, such as a "
        f"camera's false match, {reasons.get('fabricated', 0):,} on a record with no act behind "
        f"it). {s.get('naming_exposures', 0):,} times someone who knows the named citizen saw "
        "it.</p>"
    )
    out: list[Block] = [text]
    which = (
        f"the 90% interval across {run.replicates} replicates"
        if run.replicates
        else "95% Poisson intervals of the simulated events"
    )
    caption = (
        "Who saw a citizen named, by how they know them (left); citizens named, and named for an "
        f"act they did not commit, per 100,000 people in each income quintile (right); whiskers: "
        f"{which}."
    )
    bounds = _bar_bounds(run, "named_by_group", ("named", "named_wrongly"), 1e5, events=True)
    layers = s.get("naming_exposures_by_layer") or {}
    if run.replicates:
        seen = across_replicates(run, lambda r: r.get("naming_exposures_by_layer") or {})
    else:
        k = float(s.get("people_per_agent") or 1)
        seen = {layer: poisson_bounds(n, k) for layer, n in layers.items()}
    out.append(Plot("naming-audience", caption, lambda: naming_audience(s, seen, bounds)))
    displays = s.get("named_by_display") or {}
    if displays:
        rows = [[k, v.get("named"), v.get("named_wrongly"), v.get("exposures")]
                for k, v in displays.items()]  # fmt: skip
        out.append(table(["Display", "Named", "Named wrongly", "People who saw it"], rows))
    by = s.get("named_by_group")
    if isinstance(by, dict) and by:
        columns = [("named", "Named"), ("named_wrongly", "Named wrongly"),
                   ("exposures", "People who saw it")]  # fmt: skip
        rows = group_table(by, columns)
        out.append(details("Namings by group", table(["Group", *(h for _, h in columns)], rows)))
    cut = (s.get("ties_cut_by_reason") or {}).get("named_in_public")
    if isinstance(cut, int | float):
        out.append(f"<p>{cut:,} friend ties were cut by a friend who saw the citizen named.</p>")
    return out


PENALTY_SECTIONS = [
    Section(
        "fines",
        "Fines",
        lambda run: isinstance(run.summary.get("fines_total"), int | float),
        _fines,
        "Money fined for recorded conduct, what was paid and owed, and unpaid fines that reached "
        "the court's list.",
    ),
    Section(
        "naming",
        "Public naming",
        lambda run: isinstance(run.summary.get("named_total"), int | float),
        _naming,
        "Listed citizens published, camera-caught offenders shown on screens: who was named, "
        "for whose act, and who saw it.",
    ),
]
