"""Key findings: a few sentences in plain language, generated from a run's summary, that say who
was sanctioned for what they did not do, how many, how sure, and what the figures leave out.

Each finding is {"id", "text", "figures"}; every number the text quotes is one of its figures,
{"key", "value", "shown", "at"}: `shown` is the number as the text writes it, at character `at`.
A figure's key is a dotted summary.json path (its value is that entry's), or a derived figure
named by how it is computed from paths: `share:A/B`, `per_100000:A/B`, `wilson95_low:A/B` and
`wilson95_high:A/B` (people, so agents' counts scaled back), `poisson95_low:A` and
`poisson95_high:A`.
"""

from __future__ import annotations

from typing import Any

from credsim.results.finding_figures import (
    Sentence,
    count_text,
    derived_value,
    is_number,
    problems,
    rate_text,
    share_text,
    whole_text,
)
from credsim.results.intervals import lookup
from credsim.results.rates import overlap

__all__ = [
    "COMPARED_DIMENSIONS",
    "Sentence",
    "count_text",
    "derived_value",
    "key_findings",
    "problems",
    "rate_text",
    "share_text",
    "whole_text",
]

COMPARED_DIMENSIONS = ("sex", "age_band", "urban", "group", "education", "income")
"""Groupings whose groups the findings compare (provinces are many and small)."""
DIMENSION_NAMES = {
    "sex": "sex",
    "age_band": "age band",
    "urban": "urban and rural residents",
    "group": "synthetic group",
    "education": "education",
    "income": "income quintile",
}


def key_findings(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings a reader should see first, in order; [] for a run without sanctions data."""
    if not is_number(summary.get("sanctioned")) or not is_number(summary.get("citizens")):
        return []
    out = [_wrongful(summary)]
    for make in (_reasons, _after_warmup, _groups, _records, _warmup, _scale):
        finding = make(summary)
        if finding is not None:
            out.append(finding)
    return out


def _but_for(summary: dict[str, Any]) -> bool:
    return bool(summary.get("but_for")) and is_number(summary.get("sanctioned_wrongful"))


def _how_sure(s: Sentence, summary: dict[str, Any], key: str) -> None:
    """Replicates: the 90% interval across seeds; one run: the count's Poisson 95% interval."""
    value = lookup(summary, *key.split("."))
    count = (summary.get("replicates") or {}).get("count")
    low, high = lookup(summary, "p5", *key.split(".")), lookup(summary, "p95", *key.split("."))
    if count and is_number(low) and is_number(high):
        s.say(" That is the mean of ").figure("replicates.count", count, count_text(count))
        s.say(" runs with different seeds; 90% of them give ")
        s.figure(f"p5.{key}", low, count_text(low)).say(" to ")
        s.figure(f"p95.{key}", high, count_text(high)).say(".")
        return
    if not is_number(value):
        return
    low_key, high_key = f"poisson95_low:{key}", f"poisson95_high:{key}"
    low, high = derived_value(summary, low_key), derived_value(summary, high_key)
    s.say(" From chance alone, a count like this one could as well have been ")
    s.figure(low_key, low, whole_text(low)).say(" to ").figure(high_key, high, whole_text(high))
    s.say(" (95% interval; this is one run with one seed).")


def _wrongful(summary: dict[str, Any]) -> dict[str, Any]:
    s = Sentence()
    sanctioned = summary["sanctioned"]
    if _but_for(summary):
        wrongful = summary["sanctioned_wrongful"]
        s.figure("sanctioned_wrongful", wrongful, count_text(wrongful)).say(" of the ")
        s.figure("sanctioned", sanctioned, count_text(sanctioned))
        s.say(" people on a sanction list at the end of this run")
        if sanctioned:
            key = "share:sanctioned_wrongful/sanctioned"
            share = derived_value(summary, key)
            s.say(" (").figure(key, share, share_text(share)).say(")")
        s.say(
            " were punished for something they did not do: in the same run without the records "
            "that named the wrong person, were fabricated or were planted, they would be on no "
            "list."
        )
        _how_sure(s, summary, "sanctioned_wrongful")
        return s.done("wrongfully-sanctioned")
    touched = summary.get("sanctioned_touched_by_wrong_record")
    if is_number(touched):
        s.figure("sanctioned_touched_by_wrong_record", touched, count_text(touched))
        s.say(" of the ").figure("sanctioned", sanctioned, count_text(sanctioned))
        s.say(
            " people on a sanction list at the end of this run were reached by a record of the "
            "list's kind that named the wrong person or was fabricated. This run did not compute "
            "its counterfactual, so how many of them would be listed anyway is not known."
        )
        _how_sure(s, summary, "sanctioned_touched_by_wrong_record")
    else:
        s.figure("sanctioned", sanctioned, count_text(sanctioned))
        s.say(" people are on a sanction list at the end of this run.")
    return s.done("wrongfully-sanctioned")


def _reasons(summary: dict[str, Any]) -> dict[str, Any] | None:
    reasons = summary.get("sanctioned_wrongful_reasons")
    if not _but_for(summary) or not summary["sanctioned_wrongful"] or not isinstance(reasons, dict):
        return None
    items = [(why, n) for why, n in reasons.items() if is_number(n) and n > 0]
    if not items:
        return None
    s = Sentence().say("Of them, ")
    for i, (why, n) in enumerate(items):
        if i:
            s.say(", and " if i == len(items) - 1 else ", ")
        s.figure(f"sanctioned_wrongful_reasons.{why}", n, count_text(n))
        were = "was" if n == 1 else "were"
        if why.startswith("wrong record under "):
            name = why.removeprefix("wrong record under ").replace("_", " ")
            s.say(f" {were} reached by a wrong record under the {name}")
        else:
            s.say(" had no wrong record of their own (knock-on harm)")
    s.say(" (one person can be reached under more than one list).")
    return s.done("why")


def _after_warmup(summary: dict[str, Any]) -> dict[str, Any] | None:
    after = summary.get("after_warmup")
    if not _but_for(summary) or not isinstance(after, dict) or not after.get("days"):
        return None
    days, refused = after.get("wrongful_sanction_days"), after.get("refused_wrongful")
    if not is_number(days) or not is_number(refused):
        return None
    s = Sentence().say("Over the " if after.get("first_day") else "Over the run's ")
    s.figure("after_warmup.days", after["days"], count_text(after["days"]))
    s.say(" days after the warm-up" if after.get("first_day") else " days")
    s.say(", wrong records kept people on a list ")
    s.figure("after_warmup.wrongful_sanction_days", days, count_text(days))
    s.say(" person-days longer than without them, and caused ")
    s.figure("after_warmup.refused_wrongful", refused, count_text(refused))
    s.say(" refusals (flights, trains, loans and the like) that the same people did not meet ")
    s.say("without them.")
    return s.done("harm-over-time")


def _group_rates(summary: dict[str, Any], field: str, dim: str) -> list[dict[str, Any]]:
    """Per group of `dim`: label, count, citizens, rate per 100,000, 95% interval (keys)."""
    rows = []
    count = (summary.get("replicates") or {}).get("count")
    for label, v in ((summary.get("by_group") or {}).get(dim) or {}).items():
        if not isinstance(v, dict) or not v.get("citizens") or not is_number(v.get(field)):
            continue
        base = f"by_group.{dim}.{label}"
        pair = f"{base}.{field}/{base}.citizens"
        rate = derived_value(summary, f"per_100000:{pair}")
        if count:
            low_n = lookup(summary, "p5", *f"{base}.{field}".split("."))
            high_n = lookup(summary, "p95", *f"{base}.{field}".split("."))
            if not (is_number(low_n) and is_number(high_n)):
                continue
            keys = (f"per_100000:p5.{base}.{field}/{base}.citizens",
                    f"per_100000:p95.{base}.{field}/{base}.citizens")  # fmt: skip
        else:
            keys = (f"wilson95_low:{pair}", f"wilson95_high:{pair}")
        bounds = tuple(derived_value(summary, k) for k in keys)
        rows.append({"label": str(label), "base": base, "count": v[field],
                     "sanctioned": v.get("sanctioned", 1),
                     "citizens": v["citizens"], "rate": rate, "rate_key": f"per_100000:{pair}",
                     "keys": keys, "bounds": bounds})  # fmt: skip
    return rows


def _groups(summary: dict[str, Any]) -> dict[str, Any] | None:
    field = "sanctioned_wrongful" if _but_for(summary) else "sanctioned_touched_by_wrong_record"
    if not is_number(summary.get(field)) or not summary[field]:
        return None
    best = None
    for dim in COMPARED_DIMENSIONS:
        # Groups with nobody on a list (children, where only adults are listed) are not at risk.
        rows = [r for r in _group_rates(summary, field, dim)
                if None not in r["bounds"] and r["sanctioned"]]  # fmt: skip
        if len(rows) < 2:
            continue
        high = max(rows, key=lambda r: (r["rate"], r["label"]))
        low = min(rows, key=lambda r: (r["rate"], r["label"]))
        if high is low or high["rate"] == low["rate"]:
            continue
        apart = not overlap(high["bounds"], low["bounds"])
        ratio = high["rate"] / low["rate"] if low["rate"] else float("inf")
        if best is None or (apart, ratio) > (best[0], best[1]):
            best = (apart, ratio, dim, high, low)
    if best is None:
        return None
    apart, _, dim, high, low = best
    what = "wrongly on a list" if _but_for(summary) else "listed and reached by a wrong record"
    interval = "90% of runs" if (summary.get("replicates") or {}).get("count") else "95% interval"
    s = Sentence().say(f"By {DIMENSION_NAMES.get(dim, dim)}, the largest gap: ")
    for i, row in enumerate((high, low)):
        if i:
            s.say(" against ")
        s.figure(row["rate_key"], row["rate"], rate_text(row["rate"]))
        s.say(f" per 100,000 {dim_label(dim, row['label'])} (")
        s.figure(f"{row['base']}.{field}", row["count"], count_text(row["count"])).say(" of ")
        s.figure(f"{row['base']}.citizens", row["citizens"], count_text(row["citizens"]))
        s.say(f"; {interval} ").figure(
            row["keys"][0], row["bounds"][0], rate_text(row["bounds"][0])
        )
        s.say("–").figure(row["keys"][1], row["bounds"][1], rate_text(row["bounds"][1])).say(")")
    s.say(f" were {what} at the end")
    runs = bool((summary.get("replicates") or {}).get("count"))
    where, tell = ("these runs", "tell") if runs else ("this run", "tells")
    if apart:
        s.say(f": the intervals do not overlap, a difference {where} {tell} apart from chance.")
    else:
        s.say(f": the intervals overlap, so the difference is not distinguishable in {where}.")
    return s.done("groups")


def dim_label(dim: str, label: str) -> str:
    """How a group is named in a sentence: 'women', 'people aged 15-59', 'urban residents'."""
    named = {("sex", "female"): "women", ("sex", "male"): "men"}
    if (dim, label) in named:
        return named[(dim, label)]
    if dim == "age_band":
        return f"people aged {label}"
    if dim == "urban":
        return f"{label} residents"
    if dim == "income":
        return f"people in income quintile {label}"
    if dim == "education":
        return f"people with {label.replace('_', ' ')} education"
    return f"people in {DIMENSION_NAMES.get(dim, dim)} {label}"


def _records(summary: dict[str, Any]) -> dict[str, Any] | None:
    total, wrong = summary.get("records_total"), summary.get("records_misattributed")
    by_source = summary.get("records_by_source")
    if not (is_number(total) and is_number(wrong) and total and isinstance(by_source, dict)):
        return None
    s = Sentence().say("Of ").figure("records_total", total, count_text(total))
    s.say(" records the system held, ").figure("records_misattributed", wrong, count_text(wrong))
    key = "share:records_misattributed/records_total"
    s.say(" (").figure(key, derived_value(summary, key), share_text(wrong / total))
    s.say(") named someone other than the person who acted")
    real = {n: r for n, r in by_source.items() if isinstance(r, dict) and not _planted(r)}
    top = sorted(real, key=lambda n: (-(real[n].get("misattributed") or 0), n))[:2]
    top = [n for n in top if real[n].get("misattributed")]
    for i, name in enumerate(top):
        s.say("; most came from " if i == 0 else " and ")
        n = real[name]["misattributed"]
        s.say(f"{name} (").figure(f"records_by_source.{name}.misattributed", n, count_text(n))
        s.say(")")
    planted = {n: r for n, r in by_source.items() if isinstance(r, dict) and _planted(r)}
    s.say(".")
    if planted:
        s.say(" Besides, adversaries planted records against people who did nothing: ")
        for i, name in enumerate(sorted(planted)):
            if i:
                s.say(", ")
            n = planted[name]["fabricated"]
            s.say(f"{name} ").figure(f"records_by_source.{name}.fabricated", n, count_text(n))
        s.say(".")
    return s.done("records")


def _planted(row: dict[str, Any]) -> bool:
    """A writer of records every one of which is fabricated: an adversary, not a data source."""
    records, fabricated = row.get("records") or 0, row.get("fabricated") or 0
    return bool(records) and fabricated == records


def _warmup(summary: dict[str, Any]) -> dict[str, Any] | None:
    warmup = summary.get("warmup")
    if not isinstance(warmup, dict) or not warmup.get("days"):
        return None
    days, during = warmup["days"], warmup.get("during") or {}
    s = Sentence()
    if days >= summary.get("days", 0):
        s.say("This run ends before its warm-up of ").figure("warmup.days", days, count_text(days))
        s.say(f" days does: {warmup['reason']}. ")
        s.say("Its listings and refusals are that history arriving, not findings.")
        return s.done("warm-up")
    s.say("Left out of rates and curves as a warm-up: the first ")
    s.figure("warmup.days", days, count_text(days)).say(f" days, because {warmup['reason']}")
    listed, total = during.get("listed_total"), summary.get("listed_total")
    if is_number(listed) and is_number(total) and total:
        s.say(" (").figure("warmup.during.listed_total", listed, count_text(listed))
        s.say(" of the run's ").figure("listed_total", total, count_text(total))
        s.say(" listings fall in them)")
    s.say(".")
    return s.done("warm-up")


def _scale(summary: dict[str, Any]) -> dict[str, Any] | None:
    k = summary.get("people_per_agent")
    if not is_number(k) or k <= 1:
        return None
    s = Sentence().say("Counts are scaled to the ")
    s.figure("citizens", summary["citizens"], count_text(summary["citizens"]))
    s.say(" people the run stands for: each simulated person stands for ")
    s.figure("people_per_agent", k, count_text(k))
    s.say(", so counts move in steps of that size and intervals are computed on the simulated "
          "people.")  # fmt: skip
    return s.done("scale")
