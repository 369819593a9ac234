"""The words every part shares: kinds of acts, kinds of records, and sanction actions.

Acts are what citizens really do; records are what a source writes down. A source maps act kinds
to record kinds (a loan default can become a bank's default report and, later, a court judgment).
"""

from __future__ import annotations

from credsim.errors import nearest

__all__ = ["ACT_KINDS", "RECORD_KINDS", "SANCTION_ACTIONS", "check_kind"]

ACT_KINDS: tuple[str, ...] = (
    "loan_default",  # failing to repay a loan
    "card_arrears",  # a credit-card bill left overdue for a monthly cycle
    "traffic_violation",  # running a light, jaywalking, speeding
    "utility_theft",  # stealing water, gas, electricity or heat
    "heroic_act",  # a deed the municipal schemes reward
    "flight_attempt",  # trying to buy a plane ticket
    "train_attempt",  # trying to buy a high-speed-rail ticket
    "debt_repaid",  # paying off a defaulted debt
)

RECORD_KINDS: tuple[str, ...] = (
    "loan_default",  # a lender reports a default
    "court_judgment",  # a court finds the citizen responsible for an unpaid debt
    "card_arrears",
    "traffic_violation",
    "utility_theft",
    "heroic_act",
    "flight_purchase",  # a real-name ticket purchase, checked against lists
    "train_purchase",
    "judgment_paid",  # a court records that a judgment debt was paid
)

SANCTION_ACTIONS: tuple[str, ...] = ("listed", "delisted", "refused")


def check_kind(value: str, kinds: tuple[str, ...] | list[str], what: str) -> str:
    """`value` if it is one of `kinds`; else a ValueError naming the nearest and all kinds."""
    if value in kinds:
        return value
    hint = nearest(value, kinds)
    did = f" (did you mean {hint!r}?)" if hint else ""
    raise ValueError(f"unknown {what} {value!r}{did}; {what}s are {', '.join(kinds)}")
