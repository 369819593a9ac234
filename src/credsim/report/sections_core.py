"""Sections on the core of a run: headline figures, calibration, scores, grades and sanctions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from .figures import GROUP_DIMS, grade_shares, score_by_group, score_distribution
from .figures_map import province_tiles
from .figures_sanctions import calibration, refused_travel, sanctions, wrongful_by_group
from .run import RunData
from .section import Block, Plot, Section
from .tables import details, fmt, group_table, json_block, note, shares, table

__all__ = ["CORE_SECTIONS", "HEADLINES"]

HEADLINES = {
    "citizens": "Citizens (people)",
    "days": "Days simulated",
    "people_per_agent": "People per agent",
    "acts_total": "Acts",
    "records_total": "Records written",
    "records_misattributed": "Records misattributed to the wrong person",
    "records_fabricated": "Records fabricated",
    "listed_total": "Listings during the run",
    "delisted_total": "Removals from a list during the run",
    "sanctioned": "People on a list at the end",
    "but_for": "But-for counterfactual computed",
    "sanctioned_wrongful": "People on a list at the end who would not be without the wrong records",
    "wrongful_sanction_days": "Person-days on a list not spent so without the wrong records",
    "sanctioned_touched_by_wrong_record": "People on a list reached by a wrong record of its kind",
    "touched_sanction_days": "Person-days on a list while touched by a wrong record",
    "refused_wrongful": "Refusals not met in the run without wrong records",
    "blocked_flights": "Flight purchases refused",
    "blocked_trains": "Train ticket purchases refused",
    "blocked_loans": "Loans refused",
    "blocked_high_consumption": "High-consumption purchases refused",
    "blocked_company_posts": "Company posts refused",
    "children_refused_school": "Children refused a school place",
    "primary_policy": "Primary policy",
    "score_mean": "Mean score (primary policy)",
    "score_gini": "Score Gini coefficient (primary policy)",
    "grade_shares": "Grade shares (primary policy, best first)",
    "score_loss_by_association": "People who lost points through friends alone",
    "internet_access_denied": "Legitimate applicants refused a phone number",
    "numbers_registered_by_impostors": "Numbers registered by impostors",
    "numbers_in_others_names_found": "Numbers in others' names closed by checks",
    "numbers_in_others_names_active": "Numbers in others' names still in use",
    "appeals_filed": "Appeals filed",
    "appeals_won": "Appeals won",
    "appeals_won_owing_nothing": "Appeals won by people who owed nothing",
    "appeals_won_owing": "Appeals won by people who owed",
    "days_to_correction_mean": "Days to correction (mean)",
    "speech_acts": "Posts made",
    "speech_suppressed": "Posts held back for fear of being watched",
    "ties_cut": "Friend ties cut",
    "points_bought": "Score points bought",
    "gaming_cost": "Paid for score points (yuan)",
    "gaming_buyers": "Citizens who bought points",
    "gaming_purchases": "Purchases of points",
    "gaming_caught": "Purchases caught",
    "gaming_penalty_points": "Points taken back as penalties for gaming",
    "help_requests": "Strangers asking for help",
    "help_given": "Strangers helped",
    "trust_index": "Trust index at the end (0–1)",
    "help_refused_wrongly_marked": "Help refused to people holding a wrong record",
    "helping_welfare": "Welfare from help between strangers",
    "conformity_purchases": "Purchases made to look like a good citizen",
    "conformity_yuan": "Spent to look like a good citizen (yuan)",
    "lender_listings": "Listings planted by lenders",
    "lender_listings_detected": "Planted listings detected",
    "broker_records_sold": "Records sold by data brokers",
    "broker_people_exposed": "People whose records brokers sold",
    "breaches": "Data breaches",
    "breach_records_exposed": "Records exposed in data breaches",
    "breach_people_exposed": "People exposed in data breaches",
    "insider_edits": "Records edited by insiders",
}
SHARE_OF = {
    "records_misattributed": "records_total",
    "records_fabricated": "records_total",
    "sanctioned_wrongful": "sanctioned",
    "sanctioned_touched_by_wrong_record": "sanctioned",
    "speech_suppressed": "speech_acts",
    "help_given": "help_requests",
    "lender_listings_detected": "lender_listings",
    "gaming_caught": "gaming_purchases",
    "appeals_won": "appeals_filed",
}
SHOWN_ELSEWHERE = {
    "scenario", "seed", "policies", "by_group", "calibration", "records_by_source",
    "speech_by_group", "perks", "appeals_by_group", "internet_access_denied_by_group",
    "isolation", "ties_cut_by_group", "ties_cut_by_day", "gaming_by_income", "gaming_by_service",
    "broker_people_exposed_by_group", "breach_people_exposed_by_group",
    "score_loss_by_association_by_policy", "help_by_group", "sanctioned_wrongful_reasons",
}  # fmt: skip


def _headline(run: RunData) -> list[Block]:
    summary = run.summary
    if not summary:
        return [note(run.notes.get("summary.json", "summary.json is empty."))]
    scalar = [k for k, v in summary.items() if not isinstance(v, dict | list)]
    scalar += ["grade_shares"] if "grade_shares" in summary else []
    keys = [k for k in HEADLINES if k in summary] + [
        k for k in scalar if k not in HEADLINES and k not in SHOWN_ELSEWHERE
    ]
    rows = []
    for key in keys:
        value = summary[key]
        text = shares(value) if key == "grade_shares" else fmt(value)
        if value is None and "wrongful" in key:
            text = "not computed: this run did not step its counterfactual (credsim run --but-for)"
        base = summary.get(SHARE_OF.get(key, ""))
        if isinstance(value, int | float) and isinstance(base, int | float) and base > 0:
            text += f" ({value / base:.1%} of {HEADLINES[SHARE_OF[key]].lower()})"
        rows.append([HEADLINES.get(key, key), text])
    out: list[Block] = [table(["Figure", "Value"], rows, {1})]
    rest = {
        k: v for k, v in summary.items()
        if isinstance(v, dict | list) and k not in SHOWN_ELSEWHERE and k != "grade_shares"
    }  # fmt: skip
    if rest:
        out.append(details("Other figures in summary.json", json_block(rest)))
    return out


def _bands(run: RunData) -> dict[str, float]:
    for metric in (run.scenario.get("metrics") or {}).values():
        if isinstance(metric, dict) and metric.get("plugin") == "calibration":
            targets = metric.get("targets") or {}
            return {k: float(t.get("band", 0.25)) for k, t in targets.items()}
    return {}


def _calibration(run: RunData) -> list[Block]:
    cal = run.summary["calibration"]
    rows = [
        [
            name.replace("_", " "),
            c.get("published"),
            c.get("model"),
            f"×{c['ratio']:.2f}" if isinstance(c.get("ratio"), int | float) else "n/a",
            c.get("within_band"),
            c.get("source", ""),
        ]
        for name, c in cal.items()
    ]
    head = ["Figure", "Published", "Model (scaled)", "Ratio", "Within band", "Source"]
    caption = (
        "Each calibrated figure as the model gives it, scaled to the published population, "
        "over the published value; the grey band is the accepted distance."
    )
    return [
        Plot("calibration", caption, lambda: calibration(cal, _bands(run))),
        table(head, rows, {1, 2, 3}),
    ]


def _score_dim(run: RunData) -> str | None:
    return next((d for d in ("income", "group", "urban") if d in run.citizen_columns), None)


def _scores(run: RunData) -> list[Block]:
    policies = [p for p in run.policies if f"score.{p}" in run.citizen_columns]
    dim = _score_dim(run)
    dims = [d for d in GROUP_DIMS if d in run.citizen_columns]
    cols = [f"{k}.{p}" for p in policies for k in ("score", "grade")]
    df = run.citizens([*cols, *dims])
    by = f" by {dim.replace('_', ' ')}" if dim else ""
    out: list[Block] = [
        Plot(
            "score-distribution",
            f"Share of each group's citizens at or below each final score{by}, one panel per "
            "policy (log scale where most people share one score); dashed lines: grade bounds.",
            lambda: score_distribution(df, policies, dim),
        )
    ]
    if dims:
        out.append(
            Plot(
                "score-by-group",
                "Mean final score of each population group minus the whole population's mean, "
                "in points, under each policy.",
                lambda: score_by_group(df, policies, dims),
            )
        )
    named = run.summary.get("policies")
    if isinstance(named, dict) and named:
        primary = run.summary.get("primary_policy")
        rows = [
            [f"{p} (primary)" if p == primary else p, v.get("score_mean"), v.get("score_gini"),
             shares(v.get("grade_shares"))]
            for p, v in named.items() if isinstance(v, dict)
        ]  # fmt: skip
        out.append(table(["Policy", "Mean score", "Score Gini", "Grade shares (best first)"], rows))
    return out


def _grade_policies(run: RunData) -> dict[str, list[str]]:
    """{policy: grades best first} from the timeseries columns, in the summary's order."""
    found: dict[str, list[str]] = {}
    for col in run.timeseries_columns:
        if col.startswith("grade_share."):
            policy, _, grade = col[len("grade_share.") :].partition(".")
            found.setdefault(policy, []).append(grade)
    order = [p for p in run.policies if p in found] + [p for p in found if p not in run.policies]
    named = run.summary.get("policies") or {}
    for p in order:
        best_first = list(((named.get(p) or {}).get("grade_shares")) or {})
        if sorted(best_first) == sorted(found[p]):
            found[p] = best_first
    return {p: found[p] for p in order}


def _grades(run: RunData) -> list[Block]:
    grades = _grade_policies(run)
    caption = (
        "Share of all citizens in each grade, day by day, one panel per policy "
        "(log scale, so that the few in the lowest grades show)."
    )
    draw = lambda: grade_shares(run.timeseries, list(grades), grades)  # noqa: E731
    return [Plot("grade-shares", caption, draw)]


def _sanctions(run: RunData) -> list[Block]:
    caption = (
        "People on any sanction list each day (top), and those of them on no list in the same "
        "run without its wrong records (bottom; where the run did not compute that, those "
        "listed and reached by a wrong record of the list's kind)."
    )
    out: list[Block] = [Plot("sanctions", caption, lambda: sanctions(run.timeseries))]
    warm_up = _warm_up(run)
    if warm_up:
        out.append(note(warm_up))
    return out


def _warm_up(run: RunData) -> str | None:
    """Why the first weeks of a run that starts with invented past debts look as they do."""
    history = max(
        (int(b.get("history_days") or 0) for b in (run.scenario.get("behavior") or {}).values()
         if isinstance(b, dict)),
        default=0,
    )  # fmt: skip
    if history <= 0:
        return None
    delays = sorted(
        {
            int(c.get("listing_delay_days", 0))
            for c in (run.scenario.get("consequences") or {}).values()
            if isinstance(c, dict) and "listing_delay_days" in c
        }
    )
    when = " and ".join(f"day {d}" for d in delays) or "the first days"
    return (
        f"A warm-up, not a finding: this run starts with {history / 365:.0f} years of invented "
        "past debts (behavior history_days). Their unpaid judgments and reports all reach the "
        f"records on day 0 and are listed on {when} (each list's delay after a judgment), so "
        "the number on a list jumps then, and refusals that need a listing start only after "
        "it. Read stocks and flows from after the longest delay on."
    )


BLOCKED = {
    "blocked_flights": "Flight purchases",
    "blocked_trains": "Train ticket purchases",
    "blocked_loans": "Loans",
    "blocked_high_consumption": "High-consumption purchases",
    "blocked_company_posts": "Company posts",
    "children_refused_school": "School places (children of the listed)",
}


def _travel(run: RunData) -> list[Block]:
    caption = (
        "Flight and high-speed-rail ticket purchases refused to listed citizens in each calendar "
        "month (the first and last may be partial)."
    )
    out: list[Block] = [Plot("refused-travel", caption, lambda: refused_travel(_travel_frame(run)))]
    rows = [[label, run.summary[k]] for k, label in BLOCKED.items() if k in run.summary]
    if rows:
        out.append(table(["Refused over the run", "Attempts"], rows))
    return out


def _travel_frame(run: RunData) -> pd.DataFrame:
    """Daily refused flights and trains: from the timeseries, else from the sanctions events."""
    if _has_ts(run, "blocked_flights", "blocked_trains"):
        return run.timeseries
    refused = run.events("sanctions", ["day", "action", "agency"], pc.field("action") == "refused")
    days = np.arange(int(run.summary.get("days") or refused["day"].max() + 1))
    k = run.summary.get("people_per_agent") or 1
    frame = {"day": days}
    for column, agency in (("blocked_flights", "airlines"), ("blocked_trains", "railways")):
        hits = refused["day"][refused["agency"].astype(str) == agency].to_numpy(dtype=np.int64)
        frame[column] = k * np.bincount(hits, minlength=len(days))[: len(days)]
    if run.summary.get("start"):
        frame["date"] = np.datetime64(run.summary["start"], "D") + days.astype("timedelta64[D]")
    return pd.DataFrame(frame)


def _refusals_logged(run: RunData) -> bool:
    if not run.has_events("sanctions"):
        return False
    refused = run.events("sanctions", ["agency"], pc.field("action") == "refused")
    return bool(refused["agency"].astype(str).isin(["airlines", "railways"]).any())


def _wrongful(run: RunData) -> list[Block]:
    but_for = bool(run.summary.get("but_for"))
    field, days = (
        ("sanctioned_wrongful", "wrongful_sanction_days")
        if but_for or "but_for" not in run.summary
        else ("sanctioned_touched_by_wrong_record", "touched_sanction_days")
    )
    if "but_for" not in run.summary:  # a run from a credsim before but-for harm
        caption = (
            "People on a list whom a wrong record of the list's kind reached (this run's "
            "credsim called them 'wrongly sanctioned'; some would be listed anyway), per 100,000 "
            "in each group (and person-days per 1,000)."
        )
    elif but_for:
        caption = (
            "People on a list at the end of the run who are on no list in the same run without "
            "its wrong records (misattributed, fabricated, planted), per 100,000 in each group; "
            "and person-days so listed per 1,000. Dashed lines: the whole population."
        )
    else:
        caption = (
            "This run did not step its counterfactual, so who is wrongfully listed is not known; "
            "shown instead: people on a list whom a wrong record of the list's kind reached, per "
            "100,000 in each group (and person-days per 1,000). Some would be listed anyway."
        )
    rows = group_table(
        run.summary["by_group"],
        [("citizens", ""), ("sanctioned", ""), (field, "")],
        {"w": (field, 1e5), "d": (days, 1e3)},
        skip=(),
    )
    label = "Wrongly" if but_for else "Touched"
    head = ["Group", "Citizens", "On a list", label, f"{label} per 100,000",
            f"{label} days per 1,000"]  # fmt: skip
    blocks: list[Block] = [
        Plot("wrongful-by-group", caption, lambda: wrongful_by_group(run.summary, field, days)),
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


def _has_ts(run: RunData, *cols: str) -> bool:
    return "day" in run.timeseries_columns and all(c in run.timeseries_columns for c in cols)


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
    caption = (
        "Every province at a glance (a tile map: one square per province, placed roughly where "
        "it lies): people on a list at the end of the run per 100,000 residents, and "
        + (
            "those on no list in the run without wrong records."
            if but_for
            else "those listed and reached by a wrong record of the list's kind."
        )
        + " Small provinces hold few simulated citizens: read their rates with the counts in "
        "the table of the previous section."
    )
    return [Plot("provinces", caption, lambda: province_tiles(by_province, panels))]


def _has_provinces(run: RunData) -> bool:
    by = run.summary.get("by_group")
    provinces = by.get("province") if isinstance(by, dict) else None
    return isinstance(provinces, dict) and len(provinces) >= 2


CORE_SECTIONS = [
    Section("headline", "Headline figures", lambda run: True, _headline),
    Section(
        "calibration",
        "Against published figures",
        lambda run: (
            isinstance(run.summary.get("calibration"), dict) and bool(run.summary["calibration"])
        ),
        _calibration,
        "The scenario is calibrated: its figures, scaled to the published population, "
        "beside the published ones.",
    ),
    Section(
        "scores",
        "Scores by group",
        lambda run: any(c.startswith("score.") for c in run.citizen_columns),
        _scores,
    ),
    Section(
        "grades",
        "Grades over time",
        lambda run: "day" in run.timeseries_columns and bool(_grade_policies(run)),
        _grades,
    ),
    Section(
        "sanctions",
        "Sanctions and wrongful sanctions",
        lambda run: _has_ts(run, "sanctioned", "sanctioned_wrongful"),
        _sanctions,
    ),
    Section(
        "travel",
        "Refused travel",
        lambda run: _has_ts(run, "blocked_flights", "blocked_trains") or _refusals_logged(run),
        _travel,
    ),
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
