"""Sections on the gaming and identity mechanisms of issue 21: the SIM-transfer ban and pooled
relatives' IDs, the price of points bought per point and through rented friends, a platform's
rewards for its own products, and competing credit bureaus.

Each applies when the summary holds its metric's keys, which the metrics write only when the
mechanism is on (`sim_transfers_recorded`, `pooled_ids`, `gaming_per_point`,
`friend_renting_ties`, `reward_points`, `bureau_spread_mean`).
"""

from __future__ import annotations

from .run import RunData
from .section import Block, Section
from .tables import details, group_table, table

__all__ = ["GAMING_IDENTITY_SECTIONS"]


def _n(value: object) -> str:
    return f"{value:,}" if isinstance(value, int | float) else "—"


def _groups(title: str, by: object, columns: list[tuple[str, str]]) -> str:
    rows = group_table(by, columns) if isinstance(by, dict) else []
    return details(title, table(["Group", *(h for _, h in columns)], rows)) if rows else ""


def _identity(run: RunData) -> list[Block]:
    s = run.summary
    out: list[Block] = []
    if "sim_transfers_recorded" in s:
        out.append(
            f"<p>{_n(s['sim_transfers_recorded'])} transfers of a phone number were recorded "
            "against the ban, "
            f"{_n(s.get('sim_transfers_recorded_wrongly'))} of them against someone who did not "
            "transfer it (an impostor had registered the number in their name).</p>"
        )
        out.append(
            _groups(
                "Transfers recorded, by group",
                s.get("sim_transfers_by_group"),
                [("recorded", "Recorded"), ("recorded_wrongly", "Against a non-seller")],
            )
        )
    if "pooled_ids" in s:
        out.append(
            f"<p>{_n(s['pooled_ids'])} relatives' IDs were pooled by their users, exposing "
            f"{_n(s.get('pooled_relatives_exposed'))} relatives; "
            f"{_n(s.get('pooled_records_on_relatives'))} records of the users' acts named the "
            "relatives instead.</p>"
        )
        kinds = s.get("pooled_records_by_kind")
        if isinstance(kinds, dict) and kinds:
            rows = [[kind, n] for kind, n in kinds.items()]
            out.append(details("Records on relatives, by kind", table(["Record", "Records"], rows)))
        out.append(
            _groups(
                "Relatives exposed, by the relative's group",
                s.get("pooled_by_group"),
                [("exposed", "Relatives"), ("records", "Records on them")],
            )
        )
    return out


def _price(run: RunData) -> list[Block]:
    s = run.summary
    out: list[Block] = []
    for name, row in (s.get("gaming_per_point") or {}).items():
        if not isinstance(row, dict):
            continue
        out.append(
            f"<p>{name.replace('_', ' ').capitalize()} charged {_n(row.get('yuan_per_point'))} "
            f"yuan a point gained: {_n(row.get('buyers'))} buyers paid {_n(row.get('yuan'))} yuan "
            f"for {_n(row.get('points'))} points, and lost {_n(row.get('penalty_points'))} when "
            "caught.</p>"
        )
        out.append(
            _groups(
                f"{name.replace('_', ' ').capitalize()}: who bought, by group",
                row.get("by_group"),
                [
                    ("buyers", "Buyers"),
                    ("points", "Points"),
                    ("yuan", "Yuan"),
                    ("yuan_per_net_point", "Yuan per net point"),
                ],
            )
        )
    if "friend_renting_ties" in s:
        out.append(
            f"<p>{_n(s['friend_renting_ties'])} high-score friends were rented as real ties for "
            f"{_n(s.get('friend_renting_yuan'))} yuan; they raised their renters' friends' term "
            f"by {_n(s.get('friend_renting_points'))} points "
            f"({_n(s.get('friend_renting_yuan_per_point'))} yuan a point) and moved the rented "
            f"friends' own terms by {_n(s.get('friend_renting_points_to_friends'))}.</p>"
        )
        out.append(
            _groups(
                "Rented friends, by the renter's group",
                s.get("friend_renting_by_group"),
                [
                    ("renters", "Renters"),
                    ("ties", "Ties"),
                    ("points", "Points"),
                    ("yuan", "Yuan"),
                    ("yuan_per_point", "Yuan per point"),
                ],
            )
        )
    return out


def _rewards(run: RunData) -> list[Block]:
    s = run.summary
    kinds = s.get("reward_points_by_record") or {}
    rows = [[k, v.get("records"), v.get("points")] for k, v in kinds.items() if isinstance(v, dict)]
    return [
        f"<p>The platform's score granted {_n(s['reward_points'])} points for "
        f"{_n(s.get('reward_records'))} records of its own products' use.</p>",
        table(["Record", "Records", "Points"], rows) if rows else "",
        _groups(
            "Points for the platform's products, by group",
            s.get("reward_by_group"),
            [("points", "Points"), ("points_per_1000_people", "Points per 1,000 people")],
        ),
    ]


def _bureaus(run: RunData) -> list[Block]:
    s = run.summary
    names = ", ".join(s.get("bureaus") or [])
    share = s.get("bureau_decisions_split_share")
    applied = s.get("bureau_applications_split_share")
    return [
        f"<p>The bureaus ({names}) scored the same citizen {_n(s['bureau_spread_mean'])} points "
        f"apart on average; for {_n(s.get('bureau_decisions_split'))} citizens "
        f"({_n(None if share is None else round(100 * share, 2))}%) a lender's decision would "
        f"turn on which bureau it asked, as it did for "
        f"{_n(s.get('bureau_applications_split'))} of {_n(s.get('bureau_applications'))} loan "
        f"applications ({_n(None if applied is None else round(100 * applied, 2))}%).</p>",
        _groups(
            "Spread and split decisions, by group",
            s.get("bureau_by_group"),
            [
                ("spread_mean", "Mean spread"),
                ("decision_split_share", "Decisions split"),
                ("applications_split_share", "Applications split"),
            ],
        ),
    ]


GAMING_IDENTITY_SECTIONS = [
    Section(
        "sim-ban",
        "Phone numbers: the transfer ban and pooled IDs",
        lambda run: "sim_transfers_recorded" in run.summary or "pooled_ids" in run.summary,
        _identity,
        "Numbers in someone else's hands recorded against their holders, and relatives whose "
        "IDs a gaming service pooled.",
    ),
    Section(
        "score-price",
        "The price of a point",
        lambda run: "gaming_per_point" in run.summary or "friend_renting_ties" in run.summary,
        _price,
        "Points charged for as they land, and friends rented into the friends' term.",
    ),
    Section(
        "platform-rewards",
        "Rewards for the platform's own products",
        lambda run: "reward_points" in run.summary,
        _rewards,
        "Score points for paying through the platform's app and recruiting friends to it.",
    ),
    Section(
        "credit-bureaus",
        "Competing credit bureaus",
        lambda run: "bureau_spread_mean" in run.summary,
        _bureaus,
        "The same citizen's scores at bureaus whose files differ, and decisions that turn on it.",
    ),
]
