"""Sections on speech enforcement and checkpoints: warnings, closed accounts and detentions over
flagged posts beside the fear they spread; face checks at stations and airports and the innocent
travellers they stop, by group.

Each applies when its metric ran on a run that had the mechanism: `speech_enforcement_by_day`
(written when the consequence is in the run), `checkpoint_checks` above 0 or a checkpoints source
switched on. Switched off, the metrics write zeros and the sections stay out.
"""

from __future__ import annotations

from html import escape

from .figures_enforcement import enforcement_and_fear
from .figures_sanctions import by_group_rates, group_bars
from .run import RunData
from .section import Block, Plot, Section
from .spread import beside_sizes, group_spread, per_event_spread, spread_of_counts
from .tables import details, group_table, table

__all__ = ["ENFORCEMENT_SECTIONS"]

DIMS = ("sex", "age_band", "urban", "group", "education", "income")


def _with_sizes(by: dict, sizes: dict) -> dict:
    """A metric's table by group with each group's number of citizens (from `by_group`)."""
    out: dict = {}
    for dim, labels in by.items():
        if dim not in DIMS or not isinstance(labels, dict):
            continue
        for label, row in labels.items():
            size = ((sizes.get(dim) or {}).get(label) or {}).get("citizens")
            out.setdefault(dim, {})[label] = {**row, "citizens": size}
    return out


def _speech(run: RunData) -> list[Block]:
    s = run.summary
    n = {k: s.get(k, 0) or 0 for k in (
        "speech_warnings", "speech_accounts_closed", "speech_detentions", "speech_detention_days",
        "speech_detentions_not_sensitive", "speech_detentions_not_author",
        "speech_sanctions_wrongful",
    )}  # fmt: skip
    out: list[Block] = [
        f"<p>{n['speech_warnings']:,} warnings, {n['speech_accounts_closed']:,} accounts closed "
        f"and {n['speech_detentions']:,} detentions ({n['speech_detention_days']:,} person-days "
        f"held, during which the detained did nothing) over flagged posts. "
        f"{n['speech_sanctions_wrongful']:,} of these measures punished a post that was not "
        "sensitive (a classifier's false positive) or not the citizen's own (posted from a "
        f"number in their name); of the detentions, {n['speech_detentions_not_sensitive']:,} "
        f"and {n['speech_detentions_not_author']:,}.</p>"
    ]
    by_day = s.get("speech_enforcement_by_day")
    if isinstance(by_day, dict) and by_day.get("sensitive_meant"):
        caption = (
            "Top: warnings, closed accounts and detentions over flagged posts, per 30 days. "
            "Bottom: the share of the sensitive posts citizens meant to make that they held "
            "back, over the same 30 days. Citizens learn of a measure from their own notices, "
            "their household's and, by word of mouth, their friends' (self-censorship): the "
            "fear follows the enforcement up and, where what is learned fades, down again. "
            + (
                f"Bands: 90% of the {run.replicates} replicates' own curves."
                if run.replicate_summaries
                else "Bands: exact 95% Poisson intervals of the simulated measures (top) and "
                "95% Wilson intervals of the share held back (bottom), in this one run."
            )
        )
        start = s.get("start") if isinstance(s.get("start"), str) else None
        k = float(s.get("people_per_agent") or 1)
        reps = [r.get("speech_enforcement_by_day") or {} for r in run.replicate_summaries]
        draw = lambda: enforcement_and_fear(by_day, start, 30, k, reps)  # noqa: E731
        out.append(Plot("speech-enforcement", caption, draw))
    by = _with_sizes(s.get("speech_enforcement_by_group") or {}, s.get("by_group") or {})
    if by_group_rates(by, "speech_warnings", 1e5, DIMS):
        out.append(_speech_by_group(run))
    if by:
        cols = [("speech_warnings", "Warned"), ("speech_accounts_closed", "Accounts closed"),
                ("speech_detentions", "Detained"), ("speech_detention_days", "Days detained"),
                ("speech_sanctions_wrongful", "Wrongly")]  # fmt: skip
        body = table(["Group", *(h for _, h in cols)], group_table(by, cols))
        out.append(details("Speech enforcement by group", body))
    return out


def _speech_by_group(run: RunData) -> Plot:
    """Warnings (events: Poisson in a single run) and days detained per 100,000 by group."""
    view = beside_sizes("speech_enforcement_by_group")
    warned, which = spread_of_counts(run, view, "speech_warnings", 1e5, DIMS, events=True)
    held = group_spread(run, "speech_detention_days", 1e5, DIMS, view)
    days = by_group_rates(view(run.summary)["by_group"], "speech_detention_days", 1e5, DIMS)
    n_people, s = run.summary.get("citizens"), run.summary
    total_held = 1e5 * (s.get("speech_detention_days") or 0) / n_people if n_people else None
    columns = [
        ("Warnings over posts\n(per 100,000 people)", warned.mean, warned.overall, "{:,.0f}"),
        ("Days detained\n(per 100,000 people)", days, total_held, "{:,.0f}"),
    ]
    days_note = "" if held else "; one run's person-days detained carry no interval"
    caption = (
        "Warnings, and person-days in detention, per 100,000 people in each group, with "
        f"{which} (whiskers; shaded: the whole population's){days_note}; the dashed line is "
        "the whole population. A pale bar's interval overlaps the whole population's."
    )
    return Plot("speech-enforcement-by-group", caption, lambda: group_bars(columns, [warned, held]))


def _checkpoints(run: RunData) -> list[Block]:
    s = run.summary
    share = s.get("checkpoint_false_alert_share")
    share_text = f"{100 * share:.1f}%" if isinstance(share, int | float) else "none"
    out: list[Block] = [
        f"<p>{s.get('checkpoint_checks', 0):,} travellers' faces were searched against the "
        f"watch list at stations and airports; {s.get('checkpoint_alerts', 0):,} alerts "
        f"stopped {s.get('checkpoint_stops', 0):,} travellers, "
        f"{s.get('checkpoint_stops_innocent', 0):,} of whom were on no list and wanted by "
        f"nobody (false alerts: {escape(share_text)} of stops). They lost "
        f"{s.get('checkpoint_hours_lost', 0):,} hours.</p>"
    ]
    by = _with_sizes(s.get("checkpoint_by_group") or {}, s.get("by_group") or {})
    if any(
        isinstance(row.get("checkpoint_stops_innocent_per_10000_checks"), int | float)
        for labels in by.values()
        for row in labels.values()
    ):
        out.append(_checkpoints_by_group(run, by))
    if by:
        cols = [("checkpoint_checks", "Face checks"), ("checkpoint_alerts", "Alerts"),
                ("checkpoint_stops_innocent", "Innocent stops"),
                ("checkpoint_hours_lost", "Hours lost")]  # fmt: skip
        body = table(["Group", *(h for _, h in cols)], group_table(by, cols))
        out.append(details("Checkpoints by group", body))
    return out


def _checkpoints_by_group(run: RunData, by: dict) -> Plot:
    """Innocent stops per 10,000 face checks (a share of checks: Wilson in a single run) and
    hours lost per 1,000 people, by group."""
    s = run.summary
    view = beside_sizes("checkpoint_by_group")
    per_check = {
        dim: {
            label: row["checkpoint_stops_innocent_per_10000_checks"]
            for label, row in labels.items()
            if isinstance(row.get("checkpoint_stops_innocent_per_10000_checks"), int | float)
        }
        for dim, labels in by.items()
    }
    per_check = {d: rows for d, rows in per_check.items() if rows}
    stops, which = spread_of_counts(
        run, view, "checkpoint_stops_innocent", 1e4, DIMS, of="checkpoint_checks"
    )
    lost = group_spread(run, "checkpoint_hours_lost", 1e3, DIMS, view) or per_event_spread(
        view(s), "checkpoint_hours_lost", "checkpoint_stops_innocent", 1e3, DIMS
    )
    checks, innocent = s.get("checkpoint_checks"), s.get("checkpoint_stops_innocent", 0)
    overall = 1e4 * innocent / checks if checks else None
    hours = by_group_rates(by, "checkpoint_hours_lost", 1e3, DIMS)
    n_people = s.get("citizens")
    total_hours = s.get("checkpoint_hours_lost", 0)
    columns = [
        ("Innocent travellers stopped\n(per 10,000 face checks)", per_check, overall,
         "{:,.1f}"),
        ("Hours lost\n(per 1,000 people)", hours,
         1e3 * total_hours / n_people if n_people else None, "{:,.1f}"),
    ]  # fmt: skip
    hours_note = "" if run.replicates else " (hours: those of the innocent stops, in proportion)"
    caption = (
        "Travellers on no watch list stopped after a false face alert, per 10,000 face "
        "checks of members of each group (the error model's false-match rates differ by "
        "group), and the hours they lost per 1,000 people in the group; dashed: everyone. "
        f"Whiskers: {which} (shaded: everyone's){hours_note}; a pale bar's interval overlaps "
        "everyone's."
    )
    return Plot("checkpoints-by-group", caption, lambda: group_bars(columns, [stops, lost]))


def _checkpoints_on(run: RunData) -> bool:
    checks = run.summary.get("checkpoint_checks")
    if not isinstance(checks, int | float):
        return False
    return checks > 0 or run.plugin("sources", "checkpoints") is not None


ENFORCEMENT_SECTIONS = [
    Section(
        "speech-enforcement",
        "Speech enforcement",
        lambda run: isinstance(run.summary.get("speech_enforcement_by_day"), dict),
        _speech,
        "Warnings, closed accounts and detention over flagged posts, and the fear they spread.",
    ),
    Section(
        "checkpoints",
        "Checkpoints",
        _checkpoints_on,
        _checkpoints,
        "Face checks of travellers at stations and airports against the watch list (the "
        "listed and the wanted): who is stopped without being on it, and the hours they lose.",
    ),
]
