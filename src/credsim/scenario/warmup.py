"""The warm-up of a run: the first days, while an invented history arrives.

A scenario that starts with years of past debts (`behavior.<name>.history_days`) dumps their
judgments and lenders' reports into the records on day 0; lists take them up after their listing
delay and agencies enforce them after their pick-up delay. Until then the run's listings and
refusals are that history arriving, not the system at work. Unless the scenario sets
`warmup_days`, the warm-up is the longest listing delay plus the longest pick-up, plus the day
the history arrives; a run that starts from an empty list (no history) needs none.

Every figure that leaves out a warm-up reads it from here (summary.json's `after_warmup`, the
report's curves, and the calibration and plausibility metrics unless they set their own).
"""

from __future__ import annotations

from typing import Any

__all__ = ["warmup_days"]


def _enabled(table: Any) -> list[dict]:
    if not isinstance(table, dict):
        return []
    return [v for v in table.values() if isinstance(v, dict) and v.get("enabled", True)]


def warmup_days(scenario: dict[str, Any]) -> dict[str, Any]:
    """{"days", "set_by", "reason"} of a resolved scenario (as in scenario.toml)."""
    if scenario.get("warmup_days") is not None:
        days = int(scenario["warmup_days"])
        return {"days": days, "set_by": "scenario", "reason": "set in the scenario (warmup_days)"}
    behaviors = _enabled(scenario.get("behavior")) + _enabled(scenario.get("behaviors"))
    history = max((int(b.get("history_days") or 0) for b in behaviors), default=0)
    if history <= 0:
        return {
            "days": 0,
            "set_by": "derived",
            "reason": "the run starts with no invented past debts (history_days = 0)",
        }
    consequences = _enabled(scenario.get("consequences"))
    delay = max((int(c.get("listing_delay_days") or 0) for c in consequences), default=0)
    pickup = max(
        (
            int(a.get("pickup_days") or 0)
            for c in consequences
            for a in (c.get("agencies") or {}).values()
            if isinstance(a, dict)
        ),
        default=0,
    )
    years = f"{history / 365:.0f} years" if history >= 365 else f"{history} days"
    return {
        "days": delay + pickup + 1,
        "set_by": "derived",
        "reason": (
            f"{years} of invented past debts (history_days) reach the records on day 0, lists "
            f"take them up to {delay} days later and agencies act on them up to {pickup} days "
            "after that"
        ),
    }
