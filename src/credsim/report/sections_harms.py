"""Sections on harms: wrong records, self-censorship, identity, perks, appeals, association."""

from __future__ import annotations

from credsim.results.citizens import trait_column

from .figures import is_label
from .figures_harms import (
    misattribution_by_source,
    perk_totals,
    perks_by_income,
    self_censorship,
)
from .figures_sanctions import BY_GROUP_DIMS, by_group_rates, group_bars
from .run import RunData
from .section import Block, Plot, Section
from .sections_wrongful import after_warmup_view
from .spread import (
    across_replicates,
    count_text,
    counted_by_group,
    group_spread,
    interval_head,
    poisson_spread,
    source_bounds,
    spread_of_counts,
    wilson_bounds,
)
from .tables import details, group_table, table

__all__ = ["HARM_SECTIONS"]

OWN_NUMBER = 1
"""Bit of older runs' `sim` column (now `sim_own_name`): holds a number in their own name."""
ADULT_AGE = 18
SPEECH_DIMS = ("sex", "age_band", "urban", "group", "education", "income")


def _misattribution(run: RunData) -> list[Block]:
    summary, out = run.summary, []
    by_source = summary.get("records_by_source")
    if isinstance(by_source, dict) and by_source:
        bounds, which = source_bounds(run, by_source)
        out.append(
            Plot(
                "misattribution-by-source",
                "Left: records that named the wrong person, and records with no act behind "
                "them, per 10,000 records each data source wrote (whole run). Right, on its own "
                f"scale: records adversaries planted, every one fabricated. Whiskers: {which}.",
                lambda: misattribution_by_source(by_source, set(run.table("adversaries")), bounds),
            )
        )
    later = after_warmup_view(run, ("records_misattributed",))
    by_group = later.get("by_group") or {}
    rates = by_group_rates(by_group, "records_misattributed", 1e5)
    if rates:
        n, total = summary.get("citizens"), later.get("records_misattributed")
        overall = 1e5 * total / n if n and isinstance(total, int | float) else None
        title = "Records of others' acts attributed to them\n(per 100,000 people)"
        caption = (
            "Records of someone else's act attributed to members of each group, per 100,000 "
            "people in the group; the dashed line is the whole population."
            + (run.warmup_caption() if later is not summary else "")
        )
        spread, counts = group_spread(run, "records_misattributed", 1e5, BY_GROUP_DIMS), ""
        if spread is not None:
            rates, overall = spread.mean, spread.overall
            caption += (
                f" Means of {run.replicates} replicates with their 90% intervals; pale grey: "
                "groups the intervals do not separate from the whole population."
            )
        else:
            spread = poisson_spread(later, "records_misattributed", 1e5, BY_GROUP_DIMS)
            caption += (
                " Whiskers: 95% Poisson intervals of the count (shaded: the whole population's); "
                "pale grey: groups not distinguishable in this run from the whole population."
            )
            rows = group_table(later["by_group"], [("citizens", ""), ("records_misattributed", "")],
                               {"r": ("records_misattributed", 1e5)}, skip=())  # fmt: skip
            head = ["Group", "Citizens", "Records misattributed to them", "Per 100,000"]
            counts = details("By group (counts)", table(head, rows))
        out.append(
            Plot(
                "misattribution-by-group",
                caption,
                lambda: group_bars([(title, rates, overall, "{:,.1f}")], [spread]),
            )
        )
        if counts:
            out.append(counts)
    return out


def _censorship_points(run: RunData) -> tuple[list, tuple[float, float], float | None, str]:
    """Per group: (dim, label, perceived surveillance, held-back share); overall; model slope."""
    params = run.plugin("behavior", "self_censorship") or {}
    flag = float(params.get("flag_chance", 0.7))
    fear = flag * _background_fear(params)
    identity = run.plugin("sources", "identity")
    registered = float(identity.get("registered_share", 0.95)) if identity else 1.0
    dims = [d for d in SPEECH_DIMS if d in (run.summary.get("speech_by_group") or {})]
    citizens = run.table("behavior").get("citizens") or {}
    post = (citizens.get("acts") or {}).get("post")
    named = None
    sim = next((c for c in ("sim_own_name", "sim") if c in run.citizen_columns), None)
    if sim is not None and identity:
        # The real-name share of those who may post (by default adults), not of everyone.
        named = run.citizens([sim, "age", *(trait_column(d) for d in dims)])
        ages = (post or {}).get("ages")
        if "age" in named and ages:
            named = named[named["age"].between(ages[0], ages[1])]
        elif "age" in named and (post or {}).get("adults_only", True):
            named = named[named["age"] >= citizens.get("adult_age", ADULT_AGE)]
    groups, weights = [], []
    if named is not None:
        own = named[sim].to_numpy()
        own = own if sim == "sim_own_name" else (own & OWN_NUMBER) > 0
    for dim in dims:
        for label, v in run.summary["speech_by_group"][dim].items():
            made, held = v.get("speech_acts", 0), v.get("speech_suppressed", 0)
            if made + held <= 0:
                continue
            share = registered
            if named is not None:
                mask = is_label(named[trait_column(dim)], str(label))
                share = float(own[mask].mean()) if mask.any() else registered
            groups.append((dim, str(label), share * fear, held / (made + held)))
            weights.append(made + held if dim == dims[0] else 0)
    made, held = run.summary.get("speech_acts", 0), run.summary.get("speech_suppressed", 0)
    # The population's surveillance as its posters feel it: groups of one dimension, weighted
    # by the posts they meant to make (children, who post nothing, do not dilute it).
    everyone = (
        sum(g[2] * w for g, w in zip(groups, weights, strict=True)) / sum(weights) / fear
        if sum(weights) and fear
        else registered
    )
    overall = (everyone * fear, held / (made + held) if made + held else 0.0)
    slope = None
    if isinstance(post, dict):
        sensitive = float(post.get("detail_share", 0.0))
        hold = sensitive * float(params.get("sensitivity", 0.8))
        chill = float(params.get("chill", 0.01))
        slope = hold + (1 - sensitive) * (chill / flag if flag else 0.0)
    where = "citizens.parquet" if named is not None else "the scenario"
    return groups, overall, slope, f"real-name share of posters {everyone:.0%}, from {where}"


def _background_fear(params: dict) -> float:
    """The fear every citizen starts with (scenarios before `background_fear` feared `penalty`
    points out of `penalty_scale`)."""
    if "background_fear" in params:
        return float(params["background_fear"])
    return min(float(params.get("penalty", 10.0)) / float(params.get("penalty_scale", 10.0)), 1.0)


SPEECH_LINES = (
    ("speech_sensitive_held_back", "speech_sensitive_held_back_share",
     "Sensitive posts held back"),
    ("speech_ordinary_held_back", "speech_ordinary_held_back_share",
     "Ordinary posts held back (the chill)"),
    ("speech_held_back_by_credit", None,
     "Posts held back only because of a cost learned in the credit system"),
    ("speech_fear_learned", None, "People who know a flagged post costs points or a listing"),
)  # fmt: skip


def _censorship(run: RunData) -> list[Block]:
    groups, overall, slope, basis = _censorship_points(run)
    caption = (
        "Share of intended posts held back, by group, against perceived surveillance (real-name "
        f"share × chance of being flagged × background fear; {basis}); dashed: the model's rate "
        "before anyone learns what a flagged post costs. Whiskers on the bars (shaded: "
        + (
            f"everyone's): the 90% interval across {run.replicates} replicates."
            if run.replicates
            else "everyone's): 95% Wilson intervals of the simulated posts (one person's posts "
            "are not independent draws, so they are if anything too narrow)."
        )
    )
    bounds, everyone = _held_bounds(run, [(d, label) for d, label, *_ in groups])
    rows = [[f"{d}: {label}", round(s, 3), f"{100 * h:.2f}%"] for d, label, s, h in groups]
    s = run.summary
    lines = [
        [label, s[key], f"{100 * s[share]:.2f}%" if share and s.get(share) is not None else ""]
        for key, share, label in SPEECH_LINES
        if key in s
    ]
    out: list[Block] = [
        Plot(
            "self-censorship",
            caption,
            lambda: self_censorship(groups, overall, slope, bounds, everyone),
        ),
    ]
    if lines:
        out.append(table(["Speech", "Posts or people", "Share of those intended"], lines, {1}))
    out.append(
        details("Per group", table(["Group", "Perceived surveillance", "Posts held back"], rows))
    )
    return out


def _held_counts(summary: dict) -> dict[str, tuple[float, float]]:
    """Posts held back and posts intended in each group (`dim|label`) and by everyone ("")."""
    rows = [
        (f"{dim}|{label}", v)
        for dim, labels in (summary.get("speech_by_group") or {}).items()
        if isinstance(labels, dict)
        for label, v in labels.items()
        if isinstance(v, dict)
    ]
    out = {}
    for key, v in [*rows, ("", summary)]:
        made, held = v.get("speech_acts", 0) or 0, v.get("speech_suppressed", 0) or 0
        if made + held > 0:
            out[key] = (held, made + held)
    return out


def _held_bounds(
    run: RunData, keys: list[tuple[str, str]]
) -> tuple[list[tuple[float, float] | None], tuple[float, float] | None]:
    """Each group's and everyone's interval of the share held back: across replicates, else
    the 95% Wilson interval of the simulated posts."""
    if run.replicates:
        shares = lambda s: {k: h / n for k, (h, n) in _held_counts(s).items()}  # noqa: E731
        spread = across_replicates(run, shares)
    else:
        k = float(run.summary.get("people_per_agent") or 1)
        spread = {key: wilson_bounds(h, n, k) for key, (h, n) in _held_counts(run.summary).items()}
    return [spread.get(f"{d}|{label}") for d, label in keys], spread.get("")


def _identity(run: RunData) -> list[Block]:
    summary = run.summary
    view = counted_by_group("internet_access_denied_by_group", "denied", "internet_access_denied")
    spread, which = spread_of_counts(run, view, "denied", 1e5, BY_GROUP_DIMS)
    out: list[Block] = []
    if any(spread.mean.values()):
        title = "Refused a phone number\n(people per 100,000)"
        out.append(
            Plot(
                "identity",
                "Legitimate applicants refused a phone number because face verification failed "
                "to match them at every try they made, per 100,000 people in each group, with "
                f"{which}; a pale bar's interval overlaps the whole population's (shaded).",
                lambda: group_bars([(title, spread.mean, spread.overall, "{:,.1f}")], [spread]),
            )
        )
    keys = {
        "internet_access_denied": "Legitimate applicants refused a number at their last try",
        "registration_attempts_failed": "Failed tries by legitimate applicants (each retry counts)",
        "numbers_registered_by_impostors": "Numbers registered with someone else's ID",
        "numbers_in_others_names_found": "Numbers in others' names closed by carrier checks",
        "numbers_in_others_names_active": "Numbers in others' names still in use at the end",
    }
    rows = [[label, summary[k], count_text(run, k)] for k, label in keys.items() if k in summary]
    out.append(table(["Identity", "People or numbers", interval_head(run)], rows, {1, 2}))
    return out


def _perks(run: RunData) -> list[Block]:
    perks = run.summary["perks"]
    rows = [
        [name.replace("_", " "), p.get("people"), p.get("yuan"), p.get("per", "")]
        for name, p in perks.items() if isinstance(p, dict)
    ]  # fmt: skip
    out: list[Block] = []
    income = (run.summary.get("by_group") or {}).get("income") or {}
    sizes = {b: v["citizens"] for b, v in income.items() if (v or {}).get("citizens")}
    # Only perks with a money value and an income breakdown are drawn: none, no chart.
    valued = any(
        isinstance(p, dict) and p.get("yuan") and "income" in (p.get("by_group") or {})
        for p in perks.values()
    )
    if sizes and valued:
        out.append(
            Plot(
                "perks-by-income",
                "Yuan of redlist perks (deposits waived, discounts) per person in each income "
                "quintile, stacked by perk: who the rewards go to; "
                + (
                    f"whiskers: the 90% interval across {run.replicates} replicates of the total."
                    if run.replicates
                    else "one run's yuan per person carry no interval (replicates give one)."
                ),
                lambda: perks_by_income(perks, sizes, _perk_bounds(run)),
            )
        )
    out.append(table(["Perk", "People eligible", "Yuan", "Counted"], rows, {1, 2}))
    skipped = run.summary.get("perks_skipped")
    if skipped:
        out.append(f"<p>Perks not counted: {', '.join(map(str, skipped))}.</p>")
    return out


def _perk_bounds(run: RunData) -> dict[str, tuple[float, float]]:
    """The 90% interval across replicates of each quintile's perks per person ({}: one run)."""

    def totals(summary: dict) -> dict[str, float]:
        income = (summary.get("by_group") or {}).get("income") or {}
        sizes = {b: v["citizens"] for b, v in income.items() if (v or {}).get("citizens")}
        return perk_totals(summary.get("perks") or {}, sizes)

    return across_replicates(run, totals)


def _appeals(run: RunData) -> list[Block]:
    s = run.summary
    keys = {
        "appeals_filed": "Filed",
        "appeals_won": "Won",
        "appeals_won_owing_nothing": "Won by people who owed nothing",
        "appeals_won_owing": "Won by people who owed",
        "days_to_correction_mean": "Days to correction (mean)",
    }
    counts = {k for k in keys if k != "days_to_correction_mean"}
    rows = [
        [label, s[k], count_text(run, k) if k in counts else _mean_text(run, k)]
        for k, label in keys.items()
        if k in s
    ]
    out: list[Block] = [table(["Appeals", "Value", interval_head(run)], rows, {1, 2})]
    by = s.get("appeals_by_group")
    if isinstance(by, dict) and by:
        rows = group_table(by, [("filed", ""), ("won", "")])
        out.append(details("Appeals by group", table(["Group", "Filed", "Won"], rows)))
    return out


def _mean_text(run: RunData, key: str) -> str:
    """A mean's interval across replicates; a single run gives none."""
    bounds = run.interval(key)
    return f"{bounds[0]:,.1f}–{bounds[1]:,.1f}" if bounds else ""


def _association(run: RunData) -> list[Block]:
    by = run.summary.get("score_loss_by_association_by_policy") or {}
    rows = [[p, v.get("citizens"), v.get("points_lost")] for p, v in by.items() if v]
    text = (
        f"<p>{run.summary['score_loss_by_association']:,} people with no record of their own "
        "lost points through their friends' scores.</p>"
    )
    return [text, table(["Policy", "People", "Points lost"], rows)] if rows else [text]


def _speech_on(run: RunData) -> bool:
    on = run.plugin("behavior", "self_censorship") is not None
    return on and isinstance(run.summary.get("speech_by_group"), dict)


HARM_SECTIONS = [
    Section(
        "misattribution",
        "Records that name the wrong person",
        lambda run: (
            isinstance(run.summary.get("records_by_source"), dict)
            or bool(by_group_rates(run.summary.get("by_group") or {}, "records_misattributed", 1))
        ),
        _misattribution,
    ),
    Section("self-censorship", "Self-censorship and surveillance", _speech_on, _censorship),
    Section(
        "identity",
        "Real-name registration",
        lambda run: "internet_access_denied" in run.summary,
        _identity,
    ),
    Section(
        "appeals",
        "Appeals",
        lambda run: isinstance(run.summary.get("appeals_filed"), int | float),
        _appeals,
    ),
    Section(
        "perks",
        "Redlist perks",
        lambda run: isinstance(run.summary.get("perks"), dict) and bool(run.summary["perks"]),
        _perks,
    ),
    Section(
        "association",
        "Points lost through friends",
        lambda run: isinstance(run.summary.get("score_loss_by_association"), int | float),
        _association,
    ),
]
