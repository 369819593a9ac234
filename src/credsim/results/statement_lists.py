"""Sentences of the dossier about lists with a term, pledges and deletions: a ban from trains
for conduct on a train (the 2018 rule) and the refusals it brings, a removal held until a public
apology or credit-repair pledge, and a listing lifted because an insider deleted the records."""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credsim.results.results import Results

__all__ = ["BAN_WORDS", "ListWords"]

BAN_WORDS = {
    "train_smoking": "smoking on a train",
    "wrong_ticket": "riding with a wrong or invalid ticket",
    "train_purchase": "a rail ticket",
    "flight_purchase": "a flight",
}
"""Record kinds in words."""


class ListWords:
    """Follows one citizen's sanctions in order and says what the list events did."""

    def __init__(self, results: Results, reads: dict[str, list[str]]) -> None:
        try:
            scenario = tomllib.loads(results.scenario_text())
        except (OSError, tomllib.TOMLDecodeError):
            scenario = {}
        self.terms = {
            name: int(table.get("expires_days", 0))
            for name, table in (scenario.get("consequences") or {}).items()
            if isinstance(table, dict)
            and table.get("plugin") in ("blacklist", "court_blacklist")
            and int(table.get("expires_days", 0) or 0) > 0
        }
        self.reads = reads
        self.bans: dict[str, dict] = {}  # list -> the ban in force

    def sentence(self, item: dict, on_list: str, actor: int | None, citizen: int) -> str:
        """The event in words, or "" when it is not one of these."""
        action, day, rid, kind = item["action"], item["day"], item["record_id"], item["kind"]
        whose = ""
        if actor is not None and actor != citizen:
            whose = "; a record with no act behind it" if actor < 0 else f"; the act of {actor}"
        if action == "pledge_required":
            return (
                f"removal from {on_list} held on day {day} until a public apology or "
                "credit-repair pledge"
            )
        if action == "pledged":
            return f"made the apology or pledge on day {day}; removal from {on_list} follows"
        if action == "pledge_refused":
            return f"will not make the apology or pledge (day {day}): stays on {on_list}"
        if action == "delisted" and kind == "record_deleted":
            self.bans.pop(on_list, None)
            bought = "" if actor is None else " (records deleted by an insider for a bribe)"
            return (
                f"taken off {on_list} on day {day}: the records it rested on were deleted{bought}"
            )
        if on_list in self.terms and action == "warned":
            why = BAN_WORDS.get(kind or "", kind or "a record")
            return (
                f"named on {on_list}'s public notice on day {day} for {why} (record {rid}): a "
                f"ban of {self.terms[on_list]} days follows{whose}"
            )
        if on_list in self.terms and action == "listed":
            why = BAN_WORDS.get(kind or "", kind or "a record")
            self.bans[on_list] = {"day": day, "why": why, "whose": whose}
            return (
                f"barred on {on_list} on day {day} for {self.terms[on_list]} days, for {why} "
                f"(record {rid}){whose}"
            )
        if on_list in self.terms and action in ("delisted", "died"):
            self.bans.pop(on_list, None)
            return f"the ban on {on_list} ended on day {day}" if action == "delisted" else ""
        if action != "refused":
            return ""
        held = [
            (name, self.bans[name]) for name in self.reads.get(item["by"], ()) if name in self.bans
        ]
        if not held:
            return ""
        name, ban = held[0]
        what = BAN_WORDS.get(kind or "", kind or "a purchase")
        return (
            f"refused {what} on day {day} by {item['by']}: barred on {name} since day "
            f"{ban['day']} for {ban['why']}{ban['whose']}"
        )
