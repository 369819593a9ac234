"""Sections on the core of a run: headline figures, calibration, scores, grades and sanctions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from credsim.results.citizens import trait_column
from credsim.results.rates import poisson_intervals, wilson_intervals

from .figures import GROUP_DIMS, grade_shares, score_by_group, score_distribution
from .figures_sanctions import calibration, sanctions
from .run import RunData
from .section import Block, Plot, Section
from .sections_travel import has_ts as _has_ts
from .sections_travel import refusals_logged as _refusals_logged
from .sections_travel import travel as _travel
from .spread import ratio_intervals, replicates_note, with_interval
from .tables import details, fmt, json_block, note, shares, table

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
    "internet_access_denied": "Legitimate applicants refused a phone number at their last try",
    "registration_attempts_failed": "Failed face-verification tries by legitimate applicants",
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
    "speech_sensitive_held_back": "Sensitive posts held back",
    "speech_sensitive_held_back_share": "Share of intended sensitive posts held back",
    "speech_ordinary_held_back": "Ordinary posts held back (the chill)",
    "speech_ordinary_held_back_share": "Share of intended ordinary posts held back",
    "speech_held_back_by_credit": "Posts held back for a cost learned in the credit system",
    "speech_fear_learned": "People who know a flagged post costs something",
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
    "sim_transfers_recorded": "Phone-number transfers recorded against the ban",
    "sim_transfers_recorded_wrongly": "Transfers recorded against someone who did not transfer",
    "pooled_ids": "Relatives' IDs pooled by their users",
    "pooled_ids_no_relative": "ID pooling bought with no adult relative at home",
    "pooled_relatives_exposed": "Relatives whose IDs were pooled",
    "pooled_records_on_relatives": "Records of users' acts naming a relative",
    "friend_renting_ties": "High-score friends rented as ties",
    "friend_renting_no_friend_found": "Rented friends the service could not find",
    "friend_renting_points": "Friends' term points bought by renting friends",
    "friend_renting_points_to_friends": "Friends' term points the rented friends moved by",
    "friend_renting_yuan": "Paid for rented friends (yuan)",
    "friend_renting_yuan_per_point": "Yuan per friends' term point bought",
    "reward_points": "Points granted for the platform's own products",
    "reward_records": "Records of the platform's own products' use",
    "bureau_spread_mean": "Mean spread of a citizen's scores across bureaus",
    "bureau_spread_wide_share": "Share of citizens with a wide spread across bureaus",
    "bureau_decisions_split": "Citizens whose lending decision turns on the bureau",
    "bureau_decisions_split_share": "Share of citizens whose lending decision turns on the bureau",
    "bureau_applications": "Loan applications scored by the bureaus",
    "bureau_applications_split": "Loan applications whose decision turns on the bureau",
    "bureau_applications_split_share": "Share of loan applications split by bureau",
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
    "plausibility", "replicates", "p5", "p95", "key_findings", "warmup", "after_warmup",
    "sim_transfers_by_group", "pooled_records_by_kind", "pooled_by_group", "gaming_per_point",
    "friend_renting_by_group", "reward_points_by_record", "reward_by_group", "bureaus",
    "bureau_by_group",
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
    after = summary.get("after_warmup") if run.warmup_days else None
    after = after if isinstance(after, dict) and after.get("days") else None
    rows = []
    for key in keys:
        row = [HEADLINES.get(key, key), _shown(run, summary, key, key)]
        if after is not None:
            later = key in after and key not in ("citizens", "days")
            row.append(_shown(run, after, key, f"after_warmup.{key}") if later else "")
        rows.append(row)
    head = ["Figure", "Mean [90% interval]" if run.replicates else "Whole run"]
    out: list[Block] = [replicates_note(run)] if run.replicates else []
    if after is not None:
        head.append(f"After the warm-up (last {after['days']:,} days)")
        out.append(
            note(
                f"Flows are also given without the first {run.warmup_days:,} days: "
                f"{run.warmup.get('reason', 'the warm-up')}. Stocks (people on a list, scores) "
                "are as they stand at the end."
            )
        )
    out.append(table(head, rows, set(range(1, len(head)))))
    rest = {
        k: v for k, v in summary.items()
        if isinstance(v, dict | list) and k not in SHOWN_ELSEWHERE and k != "grade_shares"
    }  # fmt: skip
    if rest:
        out.append(details("Other figures in summary.json", json_block(rest)))
    return out


def _shown(run: RunData, figures: dict, key: str, path: str) -> str:
    """A figure as the headline table shows it: its value, interval and share of its base."""
    value = figures[key]
    text = shares(value) if key == "grade_shares" else fmt(value)
    if value is None and "wrongful" in key:
        text = "not computed: this run did not step its counterfactual (credsim run --but-for)"
    text = with_interval(run, path, text)
    base = figures.get(SHARE_OF.get(key, ""))
    if isinstance(value, int | float) and isinstance(base, int | float) and base > 0:
        text += f" ({value / base:.1%} of {HEADLINES[SHARE_OF[key]].lower()})"
    return text


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
            c.get("read", ""),
            c.get("source", ""),
        ]
        for name, c in cal.items()
    ]
    head = ["Figure", "Published", "Model (scaled)", "Ratio", "Within band", "Read as", "Source"]
    bounds, which = ratio_intervals(run, cal, lambda s: s.get("calibration") or {})
    caption = (
        "Each calibrated figure as the model gives it, scaled to the published population, "
        f"over the published value; the grey band is the accepted distance; whiskers: {which}."
    )
    return [
        Plot("calibration", caption, lambda: calibration(cal, _bands(run), bounds)),
        table(head, rows, {1, 2, 3}),
    ]


def _score_dim(run: RunData) -> str | None:
    """The citizens.parquet column the score distribution is split by."""
    columns = (trait_column(d) for d in ("income", "group", "urban"))
    return next((c for c in columns if c in run.citizen_columns), None)


def _scores(run: RunData) -> list[Block]:
    policies = [p for p in run.policies if f"score.{p}" in run.citizen_columns]
    dim = _score_dim(run)
    dims = [trait_column(d) for d in GROUP_DIMS if trait_column(d) in run.citizen_columns]
    cols = [f"{k}.{p}" for p in policies for k in ("score", "grade")]
    df = run.citizens([*cols, *dims])
    by = f" by {dim.replace('_', ' ')}" if dim else ""
    out: list[Block] = [
        Plot(
            "score-distribution",
            f"Share of each group's citizens at or below each final score{by}, one panel per "
            "policy (log scale where most people share one score); dashed lines: grade bounds; "
            "bands: pointwise 95% Wilson intervals of each share from the group's simulated "
            "citizens.",
            lambda: score_distribution(df, policies, dim),
        )
    ]
    if dims:
        out.append(
            Plot(
                "score-by-group",
                "Mean final score of each population group minus the whole population's mean, "
                "in points, under each policy; whiskers: the 95% normal interval of that gap "
                "from the simulated citizens' scores (the group against the rest).",
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


def _holders(summary: dict, policy: str) -> float:
    """Simulated citizens who hold `policy`'s score (at the end): those of age and in its
    territory where the summary counts them (`by_group.*.scored.<policy>`), else everyone."""
    k = float(summary.get("people_per_agent") or 1)
    groups = next(iter((summary.get("by_group") or {}).values()), {})
    scored = [g.get(f"scored.{policy}") for g in groups.values() if isinstance(g, dict)]
    if scored and all(isinstance(v, int | float) for v in scored):
        return float(sum(scored)) / k
    return float(summary.get("citizens") or 0) / k


def _grades(run: RunData) -> list[Block]:
    grades = _grade_policies(run)
    low, high = run.timeseries_bound("p5"), run.timeseries_bound("p95")
    if low is not None and high is not None:
        band = f"bands: 90% of {run.replicates} replicates"

        def bounds(column: str, _shares):
            return low[column].to_numpy(float), high[column].to_numpy(float)

    else:
        band = "bands: 95% Wilson intervals on the simulated holders of each policy's score"

        def bounds(column: str, shares):
            policy = column[len("grade_share.") :].partition(".")[0]
            return wilson_intervals(shares, _holders(run.summary, policy))

    caption = (
        "Share of all citizens in each grade, day by day, one panel per policy "
        f"(log scale, so that the few in the lowest grades show; {band})." + run.warmup_caption()
    )
    draw = lambda: grade_shares(run.timeseries, list(grades), grades, bounds)  # noqa: E731
    return [Plot("grade-shares", caption, draw)]


def _sanctions(run: RunData) -> list[Block]:
    caption = (
        "People on any sanction list each day (top), and those of them on no list in the same "
        "run without its wrong records (bottom; where the run did not compute that, those "
        "listed and reached by a wrong record of the list's kind)." + run.warmup_caption()
    )
    low, high = run.timeseries_bound("p5"), run.timeseries_bound("p95")
    bands = (low, high) if low is not None and high is not None else None
    label = "90% of replicates"
    if bands is not None:
        caption += f" Lines: means of {run.replicates} replicates; bands: 90% of them."
    else:
        bands, label = _poisson_bands(run), "95% Poisson, this run"
        caption += (
            " Bands: the exact 95% Poisson interval of each day's simulated people (what "
            "chance alone gives in one run)."
        )
    return [Plot("sanctions", caption, lambda: sanctions(run.timeseries, bands, label))]


def _poisson_bands(run: RunData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each stock of people in the whole-population time series as exact 95% Poisson intervals
    of its simulated people, scaled back to people."""
    ts, k = run.timeseries, float(run.summary.get("people_per_agent") or 1)
    low, high = ts.copy(), ts.copy()
    for column in ("sanctioned", "sanctioned_wrongful", "sanctioned_touched_by_wrong_record"):
        if column in ts:
            values = ts[column].to_numpy(np.float64)
            a, b = poisson_intervals(np.nan_to_num(values) / k)
            missing = np.isnan(values)
            low[column] = np.where(missing, np.nan, a * k)
            high[column] = np.where(missing, np.nan, b * k)
    return low, high


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
]
