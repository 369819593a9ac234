"""Sections on the secret file and on lists' ways in and out: records a citizen cannot see or
contest, by policy and group; passengers barred from trains for conduct on a train; listed
citizens who bought a deletion from an insider, by income; removals held for an apology or pledge.

Each applies when the summary holds its metric's keys (`secret_file_records`, `rail_listed`,
`insider_deletions`, `pledges_required`), which appear only when the mechanism is in the scenario.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .run import RunData
from .section import Block, Plot, Section
from .spread import Interval, across_replicates, poisson_bounds, wilson_bounds
from .style import ABOVE, DIM_NAMES, OKABE_ITO, WHITE, figure, whiskers
from .tables import details, fmt_share, group_table, table

__all__ = ["FILE_SECTIONS"]


def _income(by_group: dict) -> dict:
    """The income quintiles' rows (or, without them, every group but provinces)."""
    if "income" in by_group:
        return {
            f"{DIM_NAMES.get('income', 'income')}: {k}": v for k, v in by_group["income"].items()
        }
    return {
        f"{DIM_NAMES.get(d, d)}: {k}": v
        for d, labels in by_group.items()
        if d != "province" and isinstance(labels, dict)
        for k, v in labels.items()
    }


Bounds = dict[str, Interval]
"""A chart's intervals: by policy, or by `<row label>|<policy or field>`."""


def _which(run: RunData, single: str) -> str:
    if run.replicates:
        return f"the 90% interval across {run.replicates} replicates"
    return single


def _unseen_values(summary: dict) -> tuple[dict[str, float], dict[str, float]]:
    """The % of each policy's records unseen, and unseen records per citizen by row|policy."""
    policies = summary.get("secret_file_by_policy") or {}
    share = {n: 100 * (v.get("unseen_share") or 0) for n, v in policies.items()}
    rows = _income(summary.get("secret_file_by_group") or {})
    each = {
        f"{g}|{n}": v.get("unseen_per_citizen", 0)
        for g, row in rows.items()
        for n, v in (row.get("policies") or {}).items()
    }
    return share, each


def _unseen_bounds(run: RunData) -> tuple[Bounds, Bounds]:
    """Intervals of `_unseen_values`: across replicates, else on the simulated records (95%
    Wilson for the share of a policy's records, exact 95% Poisson for records per citizen)."""
    if run.replicates:
        return (
            across_replicates(run, lambda r: _unseen_values(r)[0]),
            across_replicates(run, lambda r: _unseen_values(r)[1]),
        )
    s = run.summary
    k = float(s.get("people_per_agent") or 1)
    share = {}
    for name, v in (s.get("secret_file_by_policy") or {}).items():
        if v.get("records"):
            low, high = wilson_bounds(v.get("unseen", 0), v["records"], k)
            share[name] = (100 * low, 100 * high)
    each = {
        f"{g}|{n}": poisson_bounds(v.get("unseen", 0), k, 1 / row["citizens"])
        for g, row in _income(s.get("secret_file_by_group") or {}).items()
        if row.get("citizens")
        for n, v in (row.get("policies") or {}).items()
    }
    return share, each


def unseen_by_policy(summary: dict, bounds: tuple[Bounds, Bounds] | None = None) -> Figure:
    """Records each policy holds that the citizen cannot see or contest: share (left) and per
    citizen by income quintile (right); with `bounds` (`_unseen_bounds`), bars carry their
    intervals."""
    policies = summary.get("secret_file_by_policy") or {}
    rows = _income(summary.get("secret_file_by_group") or {})
    fig = figure(height=3.4)
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.6))
    names = list(policies)
    x = np.arange(len(names))
    share = [100 * (policies[n].get("unseen_share") or 0) for n in names]
    bars = left.bar(x, share, color=OKABE_ITO[0], width=0.6)
    if bounds:
        whiskers(left, x, share, [bounds[0].get(n) for n in names], horizontal=False)
    left.bar_label(bars, fmt="{:.0f}%", padding=2, fontsize=8)
    left.set_xticks(x, [f"{n}\n({policies[n].get('opacity')})" for n in names], fontsize=8)
    left.set_ylabel("Share of its records unseen (%)")
    left.set_ylim(0, 110)
    left.grid(axis="x", visible=False)
    labels = list(rows)
    y = np.arange(len(labels))[::-1]
    height = 0.8 / max(len(names), 1)
    for i, name in enumerate(names):
        values = [(rows[g].get("policies") or {}).get(name, {}).get("unseen_per_citizen", 0)
                  for g in labels]  # fmt: skip
        color = OKABE_ITO[i % len(OKABE_ITO)]
        at = y + (len(names) / 2 - i - 0.5) * height
        right.barh(at, values, height, label=name, color=color)
        if bounds:
            whiskers(right, at, values, [bounds[1].get(f"{g}|{name}") for g in labels])
    right.set_yticks(y, labels, fontsize=8)
    right.grid(axis="y", visible=False)
    right.set_xlim(left=0)
    right.set_xlabel("Unseen records per citizen")
    right.legend(**ABOVE)
    return fig


def _secret_file(run: RunData) -> list[Block]:
    s = run.summary
    text = (
        f"<p>The state holds {s.get('secret_file_records', 0):,} records naming citizens. A "
        f"notice named {s.get('secret_file_told', 0):,} of them to the citizen (an itemised "
        "score, a warning, a listing from a list that tells, a refusal at a counter); of "
        f"{s.get('secret_file_effect_only', 0):,} the citizen saw only a score or grade move; of "
        f"{s.get('secret_file_hidden', 0):,} they were never told. That is "
        f"{s.get('secret_file_unseen', 0):,} records "
        f"({fmt_share(s.get('secret_file_unseen_share'))}, "
        f"{s.get('secret_file_unseen_per_citizen', 0):,.2f} per citizen) that a citizen can "
        "neither see nor contest. <code>credsim dossier RUN --citizen N --as state</code> lists "
        "them for one citizen.</p>"
    )
    out: list[Block] = [text]
    caption = (
        "Records that moved a score under each policy and that the citizen was never named: the "
        "share of the policy's records (left), and per citizen in each income quintile (right); "
        "whiskers: "
        + _which(run, "95% intervals on the simulated records (Wilson for shares, Poisson per "
                 "citizen)")
        + "."
    )  # fmt: skip
    bounds = _unseen_bounds(run)
    out.append(Plot("secret-file", caption, lambda: unseen_by_policy(s, bounds)))
    head = ["Policy", "Opacity", "Records", "Told", "Effect only", "Never told", "Unseen share",
            "Unseen per citizen"]  # fmt: skip
    rows = [[n, v.get("opacity"), v.get("records"), v.get("told"), v.get("effect_only"),
             v.get("hidden"), fmt_share(v.get("unseen_share")), v.get("unseen_per_citizen")]
            for n, v in (s.get("secret_file_by_policy") or {}).items()]  # fmt: skip
    out.append(table(head, rows, {2, 3, 4, 5, 6, 7}))
    lists = s.get("secret_file_by_list") or {}
    if lists:
        rows = [[n, v.get("records"), v.get("unseen"), fmt_share(v.get("unseen_share"))]
                for n, v in lists.items()]  # fmt: skip
        out.append("<p>Records the listings of each list rest on, and those never told:</p>")
        out.append(table(["List", "Records", "Unseen", "Unseen share"], rows))
    kinds = s.get("secret_file_by_kind") or {}
    if kinds:
        rows = [[k, v.get("records"), v.get("unseen"), fmt_share(v.get("unseen_share"))]
                for k, v in kinds.items()]  # fmt: skip
        out.append(details("By record kind", table(["Kind", "Records", "Unseen", "Share"], rows)))
    by = s.get("secret_file_by_group")
    if isinstance(by, dict) and by:
        columns = [("citizens", "Citizens"), ("records", "Records"), ("unseen", "Unseen"),
                   ("unseen_per_citizen", "Unseen per citizen")]  # fmt: skip
        rows = group_table(by, columns)
        out.append(details("By group", table(["Group", *(h for _, h in columns)], rows)))
    return out


def _rail(run: RunData) -> list[Block]:
    s = run.summary
    text = (
        f"<p>Passengers were barred from trains {s.get('rail_listed', 0):,} times for conduct on "
        f"a train (smoking, a wrong or invalid ticket), {s.get('rail_listed_wrongly', 0):,} times "
        "on a record of someone else's act or of none (staff took the wrong ID). Rail tickets "
        f"refused to passengers under such a ban: {s.get('rail_refused', 0):,} "
        f"({s.get('rail_refused_only_rail', 0):,} to passengers on no other list), over "
        f"{s.get('rail_ban_days', 0):,} person-days of bans.</p>"
    )
    out: list[Block] = [text]
    lists = s.get("rail_by_list") or {}
    if lists:
        rows = [[n, v.get("listed"), v.get("listed_wrongly")] for n, v in lists.items()]
        out.append(table(["List", "Barred", "On a wrong record"], rows))
    by = s.get("rail_by_group")
    if isinstance(by, dict) and by:
        columns = [("listed", "Barred"), ("listed_wrongly", "On a wrong record"),
                   ("refused", "Tickets refused"), ("ban_days", "Days barred")]  # fmt: skip
        rows = group_table(by, columns)
        out.append(details("Rail bans by group", table(["Group", *(h for _, h in columns)], rows)))
    return out


def deletions_by_income(summary: dict, bounds: Bounds | None = None) -> Figure:
    """Listed citizens who looked for an insider and who bought a deletion, by income; with
    `bounds` (`<row label>|sought` or `|deleted` -> interval), bars carry their intervals."""
    rows = _income(summary.get("insider_deletions_by_group") or {})
    labels = list(rows)
    fig = figure(height=max(2.6, 0.9 + 0.3 * len(labels)))
    ax = fig.add_subplot()
    y = np.arange(len(labels))[::-1]
    sought = np.array([rows[g].get("sought", 0) for g in labels], float)
    deleted = np.array([rows[g].get("deleted", 0) for g in labels], float)
    ax.barh(y + 0.2, sought, 0.4, label="Looked for an insider", color=OKABE_ITO[4])
    bars = ax.barh(y - 0.2, deleted, 0.4, label="Bought a deletion", color=OKABE_ITO[3])
    if bounds:
        whiskers(ax, y + 0.2, sought, [bounds.get(f"{g}|sought") for g in labels])
        whiskers(ax, y - 0.2, deleted, [bounds.get(f"{g}|deleted") for g in labels])
    share = np.divide(deleted, sought, out=np.zeros_like(deleted), where=sought > 0)
    ax.bar_label(bars, [f"{v:.0%}" for v in share], padding=2, fontsize=7, bbox=WHITE)
    ax.set_yticks(y, labels, fontsize=8)
    ax.grid(axis="y", visible=False)
    ax.set_xlim(left=0)
    ax.margins(x=0.15)
    ax.set_xlabel("Times a listed citizen looked, and bought (the share beside the bar)")
    ax.legend(**ABOVE)
    return fig


def _deletion_values(summary: dict) -> dict[str, float]:
    rows = _income(summary.get("insider_deletions_by_group") or {})
    return {f"{g}|{f}": row.get(f, 0) for g, row in rows.items() for f in ("sought", "deleted")}


def _deletion_bounds(run: RunData) -> Bounds:
    """Times listed citizens looked for an insider and bought a deletion, by row: across
    replicates, else the exact 95% Poisson interval of the simulated events."""
    if run.replicates:
        return across_replicates(run, _deletion_values)
    k = float(run.summary.get("people_per_agent") or 1)
    return {key: poisson_bounds(n, k) for key, n in _deletion_values(run.summary).items()}


def _deletions(run: RunData) -> list[Block]:
    s = run.summary
    text = (
        f"<p>{s.get('insider_deletions_sought', 0):,} times a listed citizen looked for an "
        f"insider to delete their records; {s.get('insider_deletions', 0):,} could pay, for "
        f"{s.get('insider_deletion_yuan', 0):,} yuan in all, and left the list. This is the "
        "harm turned over: a clean file for those who can buy one, by income.</p>"
    )
    out: list[Block] = [text]
    caption = (
        "Listed citizens who looked for an insider to delete their records, and those who could "
        "pay, by income quintile (the price against months of income); whiskers: "
        + _which(run, "95% Poisson intervals of the simulated events")
        + "."
    )
    bounds = _deletion_bounds(run)
    out.append(Plot("insider-deletions", caption, lambda: deletions_by_income(s, bounds)))
    by = s.get("insider_deletions_by_group")
    if isinstance(by, dict) and by:
        columns = [("sought", "Looked for an insider"), ("deleted", "Bought a deletion")]
        rows = group_table(by, columns)
        out.append(details("Deletions by group", table(["Group", *(h for _, h in columns)], rows)))
    return out


def _pledges(run: RunData) -> list[Block]:
    s = run.summary
    text = (
        "<p>Removals from a list held until the citizen made a public apology or credit-repair "
        f"pledge (the debt already paid): {s.get('pledges_required', 0):,}. Pledges made: "
        f"{s.get('pledges_made', 0):,}; citizens who would not make one: "
        f"{s.get('pledges_refused', 0):,}; still held on a list at the end: "
        f"{s.get('pledges_waiting', 0):,}. The waits cost {s.get('pledge_wait_days', 0):,} "
        "person-days on a list with nothing owed.</p>"
    )
    out: list[Block] = [text]
    lists = s.get("pledges_by_list") or {}
    if lists:
        rows = [[n, v.get("required"), v.get("pledged"), v.get("refused")]
                for n, v in lists.items()]  # fmt: skip
        out.append(table(["List", "Removals held", "Pledges made", "Refused"], rows))
    by = s.get("pledges_by_group")
    if isinstance(by, dict) and by:
        columns = [("required", "Removals held"), ("pledged", "Pledges made"),
                   ("refused", "Refused"), ("waiting", "Waiting at the end"),
                   ("wait_days", "Days waiting")]  # fmt: skip
        rows = group_table(by, columns)
        out.append(details("Pledges by group", table(["Group", *(h for _, h in columns)], rows)))
    return out


def _has(key: str):
    return lambda run: isinstance(run.summary.get(key), int | float)


FILE_SECTIONS = [
    Section(
        "secret-file",
        "The secret file",
        _has("secret_file_records"),
        _secret_file,
        "What the state holds on citizens against what they were told: records a citizen can "
        "neither see nor contest, by policy, list and group.",
    ),
    Section(
        "rail-bans",
        "Bans from trains",
        _has("rail_listed"),
        _rail,
        "Passengers barred from trains for conduct on a train (the 2018 rule), on whose record, "
        "and the tickets refused.",
    ),
    Section(
        "insider-deletions",
        "Records deleted for a bribe",
        _has("insider_deletions"),
        _deletions,
        "Listed citizens who paid an insider to delete their records: who could buy a clean file.",
    ),
    Section(
        "pledges",
        "Apologies and pledges before removal",
        _has("pledges_required"),
        _pledges,
        "Removals held until a public apology or credit-repair pledge: the waits and the refusals.",
    ),
]
