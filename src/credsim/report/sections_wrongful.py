"""Report sections on who is wrongly sanctioned: by group (counts, rates and intervals, and
whether the data separate a group from everyone), why, and every province at a glance."""

from __future__ import annotations

from .figures_map import province_tiles
from .figures_sanctions import BY_GROUP_DIMS, wrongful_by_group
from .run import RunData
from .section import Block, Plot, Section
from .spread import GroupSpread, group_spread, wilson_spread
from .style import DIM_NAMES
from .tables import details, fmt, group_table, note, table

__all__ = ["WRONGFUL_SECTIONS", "after_warmup_view"]


def after_warmup_view(run: RunData, fields: tuple[str, ...]) -> dict:
    """The summary with `fields` (totals and by group) counted after the warm-up, where the run
    has one and summary.json gives them (`after_warmup`); the summary itself otherwise."""
    after = run.summary.get("after_warmup")
    if not run.warmup_days or not isinstance(after, dict) or not after.get("days"):
        return run.summary
    later = after.get("by_group") or {}
    by_group = {}
    for dim, labels in (run.summary.get("by_group") or {}).items():
        if not isinstance(labels, dict):
            continue
        by_group[dim] = {
            label: {**v, **{f: (later.get(dim) or {}).get(str(label), {}).get(f) for f in fields}}
            if isinstance(v, dict) else v
            for label, v in labels.items()
        }  # fmt: skip
    return {**run.summary, **{f: after.get(f) for f in fields}, "by_group": by_group}


def _wrongful(run: RunData) -> list[Block]:
    but_for = bool(run.summary.get("but_for"))
    field, days = (
        ("sanctioned_wrongful", "wrongful_sanction_days")
        if but_for or "but_for" not in run.summary
        else ("sanctioned_touched_by_wrong_record", "touched_sanction_days")
    )
    summary = after_warmup_view(run, (days,))
    when = (
        f" after the warm-up (the first {run.warmup_days:,} days are left out)"
        if summary is not run.summary
        else ""
    )
    if "but_for" not in run.summary:  # a run from a credsim before but-for harm
        caption = (
            "People on a list whom a wrong record of the list's kind reached (this run's "
            "credsim called them 'wrongly sanctioned'; some would be listed anyway), per 100,000 "
            f"in each group (and person-days per 1,000{when})."
        )
    elif but_for:
        caption = (
            "People on a list at the end of the run who are on no list in the same run without "
            "its wrong records (misattributed, fabricated, planted), per 100,000 in each group; "
            f"and person-days so listed per 1,000{when}. Dashed lines: the whole population."
        )
    else:
        caption = (
            "This run did not step its counterfactual, so who is wrongfully listed is not known; "
            "shown instead: people on a list whom a wrong record of the list's kind reached, per "
            f"100,000 in each group (and person-days per 1,000{when}). Some would be listed "
            "anyway."
        )
    rows = group_table(
        summary["by_group"],
        [("citizens", ""), ("sanctioned", ""), (field, "")],
        {"w": (field, 1e5), "d": (days, 1e3)},
        skip=(),
    )
    label = "Wrongly" if but_for else "Touched"
    head = ["Group", "Citizens", "On a list", label, f"{label} per 100,000",
            f"{label} days per 1,000"]  # fmt: skip
    spreads = (group_spread(run, field, 1e5, BY_GROUP_DIMS),
               group_spread(run, days, 1e3, BY_GROUP_DIMS))  # fmt: skip
    blocks: list[Block] = []
    if spreads[0] is not None:
        caption += (
            f" Bars: means of {run.replicates} replicates, with their 90% intervals (whiskers; "
            "shaded: the whole population's). Pale grey bars: groups whose interval overlaps the "
            "whole population's, a difference the replicates do not separate from chance."
        )
        rows = _with_spread(rows, run, field, group_spread(run, field, 1e5, _dims(run)), "90%")
        head += [f"{label} per 100,000: 90% interval", "Distinguishable from everyone"]
        blocks.append(_unseparated_note(spreads[0], "the replicates"))
    else:
        caption += (
            " Whiskers: 95% Wilson intervals of the rate, from the counts (shaded: the whole "
            "population's). Pale grey bars: groups whose interval overlaps the whole "
            "population's: not distinguishable in this run."
        )
        single = wilson_spread(run.summary, field, 1e5, _dims(run))
        rows = _with_spread(rows, run, field, single, "95%")
        head += [f"{label} per 100,000: 95% interval", "Distinguishable from everyone"]
        spreads = (wilson_spread(run.summary, field, 1e5, BY_GROUP_DIMS), None)
        blocks.append(_unseparated_note(single, "this run"))
    blocks += [
        Plot(
            "wrongful-by-group",
            caption,
            lambda: wrongful_by_group(summary, field, days, spreads),
        ),
        details("By group (every group, provinces included)", table(head, rows)),
    ]
    reasons = run.summary.get("sanctioned_wrongful_reasons")
    if but_for and reasons:
        rows = [[why, fmt(count)] for why, count in reasons.items()]
        blocks.append(
            details(
                "Why they are wrongfully listed (one person can have wrong records under several "
                "lists; 'no wrong record of their own' is knock-on harm)",
                table(["Reason", "People"], rows, {1}),
            )
        )
    return blocks


def _dims(run: RunData) -> tuple[str, ...]:
    return tuple(d for d, v in (run.summary.get("by_group") or {}).items() if isinstance(v, dict))


def _with_spread(
    rows: list[list], run: RunData, field: str, spread: GroupSpread | None, level: str
) -> list[list]:
    """Each group's row with its rate's interval and whether it stands apart from the whole
    population's (every dimension, provinces included)."""
    out = []
    for row, (dim, label) in zip(rows, _group_keys(run.summary["by_group"]), strict=True):
        assert spread is not None
        bounds = spread.bounds.get(dim, {}).get(label)
        shown = f"{fmt(bounds[0])}–{fmt(bounds[1])}" if bounds else "n/a"
        apart = bounds is not None and spread.separated(dim, label)
        out.append([*row, shown, "yes" if apart else f"not distinguishable ({level})"])
    return out


def _group_keys(by_group: dict) -> list[tuple[str, str]]:
    """(dim, label) in the order group_table lists rows."""
    return [
        (dim, str(label))
        for dim, labels in by_group.items() if isinstance(labels, dict)
        for label, v in labels.items() if isinstance(v, dict)
    ]  # fmt: skip


def _unseparated_note(spread: GroupSpread, where: str) -> str:
    """Name the groups whose interval is apart from everyone's; the rest are not
    distinguishable in `where` ("this run" or "the replicates")."""
    apart = [f"{DIM_NAMES.get(d, d)}: {g}" for d in spread.bounds for g in spread.bounds[d]
             if spread.separated(d, g)]  # fmt: skip
    if not apart:
        return note(
            "No group's interval is separated from the whole population's: the differences "
            f"between groups in this figure are not distinguishable in {where} from chance."
        )
    return note(
        "Separated from the whole population by the intervals: "
        + ", ".join(apart)
        + f". Every other group's difference is not distinguishable in {where} from chance."
    )


def _by_group_has(run: RunData, field: str) -> bool:
    by = run.summary.get("by_group")
    return isinstance(by, dict) and any(
        isinstance(v, dict) and field in v
        for labels in by.values() if isinstance(labels, dict)
        for v in labels.values()
    )  # fmt: skip


def _provinces(run: RunData) -> list[Block]:
    by_province = run.summary["by_group"]["province"]
    but_for = bool(run.summary.get("but_for"))
    wrong = "sanctioned_wrongful" if but_for else "sanctioned_touched_by_wrong_record"
    panels = [("sanctioned", "On a list at the end")]
    if any(isinstance(r, dict) and isinstance(r.get(wrong), int | float)
           for r in by_province.values()):  # fmt: skip
        panels.append((wrong, "Wrongly" if but_for else "Touched by a wrong record"))
    # Schemes that leave whole provinces unscored (a pilot city's), not those of adults only.
    scored = sorted({f for r in by_province.values() if isinstance(r, dict) for f in r
                     if f.startswith("scored.") and r[f] == 0})  # fmt: skip
    panels += [(f, f"Scored by {f.split('.', 1)[1]}") for f in scored[:2]]
    caption = (
        "Every province at a glance (a tile map: one square per province, placed roughly where "
        "it lies): people on a list at the end of the run per 100,000 residents, and "
        + (
            "those on no list in the run without wrong records."
            if but_for
            else "those listed and reached by a wrong record of the list's kind."
        )
        + (
            " A scheme limited to some regions (a pilot city's) is shown by who has a score in it."
            if scored
            else ""
        )
        + " Small provinces hold few simulated citizens: the table below gives each rate's "
        "count and interval."
    )
    return [
        Plot("provinces", caption, lambda: province_tiles(by_province, panels)),
        _province_table(run, [f for f, _ in panels if not f.startswith("scored.")]),
    ]


def _province_table(run: RunData, fields: list[str]) -> str:
    """Each province's residents and, per field, its count, rate per 100,000 and interval (95%
    Wilson on the simulated residents, or 90% across replicates)."""
    spreads = {}
    for field in fields:
        spread = group_spread(run, field, 1e5, ("province",))
        spreads[field] = spread or wilson_spread(run.summary, field, 1e5, ("province",))
    which = "90% of the replicates" if run.replicates else "95% Wilson, on the simulated people"
    head = ["Province", "Residents"]
    for field in fields:
        name = field.replace("_", " ")
        head += [f"{name}: people", "per 100,000", f"interval ({which})"]
    rows = []
    for label, row in sorted(run.summary["by_group"]["province"].items()):
        if not isinstance(row, dict):
            continue
        cells: list[object] = [label, row.get("citizens")]
        for field in fields:
            mean = spreads[field].mean.get("province", {}).get(label)
            bounds = spreads[field].bounds.get("province", {}).get(label)
            span = f"{bounds[0]:,.1f}–{bounds[1]:,.1f}" if bounds else ""
            cells += [row.get(field), mean, span]
        rows.append(cells)
    return details("Every province: counts, rates and intervals", table(head, rows))


def _has_provinces(run: RunData) -> bool:
    by = run.summary.get("by_group")
    provinces = by.get("province") if isinstance(by, dict) else None
    return isinstance(provinces, dict) and len(provinces) >= 2


WRONGFUL_SECTIONS = [
    Section(
        "wrongful",
        "Who is wrongly sanctioned",
        lambda run: (
            _by_group_has(run, "sanctioned_touched_by_wrong_record")
            or _by_group_has(run, "sanctioned_wrongful")
        ),
        _wrongful,
    ),
    Section("provinces", "Every province at a glance", _has_provinces, _provinces),
]
