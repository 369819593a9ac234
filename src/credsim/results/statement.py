"""The itemised statement a citizen of the simulated system never gets: every record that moved
one policy's score, its source, day, kind and points, recoveries and the friends' term, and the
final standing; with `truth`, whether each record was true, misattributed or fabricated."""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING

import numpy as np

from credsim.errors import UserError, did_you_mean
from credsim.results.results import as_id, id_or_none
from credsim.results.statement_lists import ListWords

if TYPE_CHECKING:
    from credsim.results.results import Results

__all__ = ["statement"]


def _truth(citizen: int, true_actor: int) -> str:
    """Whose act a record was; `true_actor` as `as_id` reads it (-1: null, fabricated)."""
    if true_actor < 0:
        return "fabricated"
    return "true" if true_actor == citizen else "misattributed"


def statement(results: Results, citizen: int, policy: str | None = None, truth: bool = False):
    """One citizen's statement under one policy (default: the primary policy)."""
    summary = results.summary
    policies = list(summary.get("policies", {}))
    policy = policy or summary.get("primary_policy")
    if policy not in policies:
        did = did_you_mean(str(policy), policies, sentence=True)
        raise UserError(
            f"--policy {policy!r}: no such policy in this run.{did} "
            f"Policies: {', '.join(policies)}."
        )
    if not 0 <= citizen < summary["citizens"] // summary.get("people_per_agent", 1):
        raise UserError(
            f"--citizen {citizen}: the run has citizens 0 to "
            f"{summary['citizens'] // summary.get('people_per_agent', 1) - 1}."
        )
    if not (results.path / "citizens.parquet").is_file():
        raise UserError(
            f"{results.path}: the run kept no citizens table (output.citizens = 'none')."
        )
    if not (results.path / "events" / "score_changes").is_dir():
        raise UserError(f"{results.path}: the run kept no event log (output.events = 'none').")
    row = results.citizens_row(citizen)
    changes = results.events("score_changes", citizen)
    changes = changes[changes["policy"].astype(str) == policy]
    records = results.events("records").set_index("record_id")
    items = []
    for change in changes.itertuples(index=False):
        rule = str(change.rule)
        item = {
            "day": int(change.day),
            "points": int(change.delta),
            "rule": rule,
            "score": int(change.score),
        }
        if as_id(change.record_id) >= 0:
            record = records.loc[change.record_id]
            item.update(
                source=str(record["source"]),
                kind=str(record["kind"]),
                record_id=int(change.record_id),
                detail=int(record["detail"]),
            )
            if rule.endswith(":recovery"):
                item["kind"] = f"recovery of {item['kind']}"
            if (listing := _listing(rule)) is not None:
                item["kind"] = f"{listing} ({item['kind']})"
            if truth:
                item["truth"] = _truth(citizen, as_id(record["true_actor"]))
        elif (listing := _listing(rule)) is not None:  # a listing that rests on no record
            item.update(source="lists", kind=listing, record_id=None)
            if truth:
                item["truth"] = "list"
        else:
            item.update(source="network", kind="friends' scores", record_id=None)
            if truth:
                item["truth"] = "network"
        items.append(item)
    base, final = int(row[f"base.{policy}"]), int(row[f"score.{policy}"])
    out = {
        "citizen": citizen,
        "policy": policy,
        "base": base,
        "final": final,
        "items": items,
        "points_total": int(np.sum([i["points"] for i in items], dtype=np.int64)),
    }
    out["sanctions"] = _sanctions(results, citizen, records, truth)
    grade = row.get(f"grade.{policy}")
    if grade is not None:
        out["grade"] = str(grade)
    out["listed"] = bool(row.get("listed", False))
    return out


def _listing(rule: str) -> str | None:
    """'listed on L' or 'delisted on L' for a policy's rule reading list L, else None."""
    _, _, move = rule.partition(":")
    action, _, on_list = move.partition(".")
    return f"{action} on {on_list}" if action in ("listed", "delisted") and on_list else None


def _sanctions(results: Results, citizen: int, records, truth: bool = False) -> list[dict]:
    """Listings, removals, refusals, fines and namings of this citizen, with the agency and the
    record; fines and namings also as a sentence (`text`)."""
    events = results.events("sanctions", citizen)
    amounts = _fine_amounts(results) if len(events) else {}
    reads = _agency_lists(results) if len(events) else {}
    out = []
    firm_listings: dict[str, dict] = {}  # list -> the firm listing that reached the citizen
    words = ListWords(results, reads) if len(events) else None
    for event in events.itertuples(index=False):
        rid = id_or_none(event.record_id)
        record = records.loc[rid] if rid is not None and rid in records.index else None
        item = {
            "day": int(event.day),
            "action": str(event.action),
            "by": str(event.agency),
            "kind": None if record is None else str(record["kind"]),
            "record_id": rid,
        }
        actor = None if record is None or not truth else as_id(record["true_actor"])
        text = _sentence(item, amounts.get(str(event.consequence), {}), citizen, actor)
        on_list = str(event.consequence)
        text = _firm_sentence(item, record, on_list, firm_listings, reads, actor) or text
        if words is not None:
            text = words.sentence(item, on_list, actor, citizen) or text
        if text:
            item["text"] = text
        out.append(item)
    return out


FIRM_WORDS = {
    "firm_judgment": "a judgment for breach of contract",
    "wages_unpaid": "unpaid wages",
    "deposit_withheld": "a withheld deposit",
    "train_purchase": "rail",
    "flight_purchase": "a flight",
    "firm_bid": "the firm's tender",
    "firm_loan_application": "the firm's loan",
}
"""Record kinds about firms, and what a refusal refused, in words."""


def _firm_sentence(
    item: dict, record, on_list: str, listings: dict, reads: dict, actor: int | None
) -> str:
    """A listing that reached the citizen as a firm's legal representative, and the refusals met
    while it lasted from agencies that read its list (`reads`: agency -> lists), in words
    (events in order: `listings` keeps the firm listings in force, by list)."""
    action, day, rid = item["action"], item["day"], item["record_id"]
    firm = -1 if record is None else as_id(record.get("firm"))
    if action in ("listed", "warned") and firm >= 0:
        why = FIRM_WORDS.get(item["kind"], item["kind"])
        whose = ""
        if actor is not None and actor != int(record["attributed_to"]):
            whose = f"; the act was its owner's, citizen {actor}"
        if action == "warned":
            return f"warned on day {day} as legal representative of firm {firm}: {why}{whose}"
        listings[on_list] = {"firm": firm, "day": day, "why": why, "whose": whose}
        return (
            f"listed on {on_list} on day {day} as legal representative of firm {firm}, "
            f"for {why} (record {rid}){whose}"
        )
    if action in ("delisted", "died"):
        listings.pop(on_list, None)
        return ""
    held = [listings[name] for name in reads.get(item["by"], ()) if name in listings]
    if action != "refused" or not held:
        return ""
    what = FIRM_WORDS.get(item["kind"], item["kind"])
    cause = held[0]
    if firm >= 0 and firm != cause["firm"]:
        return ""
    return (
        f"refused {what} on day {day} by {item['by']}: legal representative of firm "
        f"{cause['firm']}, listed for {cause['why']} since day {cause['day']}{cause['whose']}"
    )


def _fine_amounts(results: Results) -> dict[str, dict[str, int]]:
    """Yuan per record kind of each fines consequence of the run (from its scenario.toml)."""
    try:
        scenario = tomllib.loads(results.scenario_text())
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    tables = scenario.get("consequences", {})
    return {
        name: dict(table.get("amounts", {}))
        for name, table in tables.items()
        if isinstance(table, dict) and table.get("plugin") == "fines"
    }


def _agency_lists(results: Results) -> dict[str, list[str]]:
    """The lists each joint-punishment agency of the run reads (from its scenario.toml)."""
    try:
        scenario = tomllib.loads(results.scenario_text())
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    out: dict[str, list[str]] = {}
    for table in scenario.get("consequences", {}).values():
        if isinstance(table, dict) and table.get("plugin") == "joint_punishment":
            lists = table.get("lists", ["court_blacklist"])
            for name, agency in table.get("agencies", {}).items():
                out[name] = [*out.get(name, []), *(agency.get("lists") or lists)]
    return out


def _sentence(item: dict, amounts: dict[str, int], citizen: int, actor: int | None) -> str:
    """What a fine or a naming did, in words; with the truth, whose act it really was."""
    day, rid, kind = item["day"], item["record_id"], item["kind"]
    whose = ""
    if actor is not None and actor != citizen:
        whose = "a record with no act behind it" if actor < 0 else f"an act of citizen {actor}"
    action = item["action"]
    if action == "named":
        shown = f"shown by {item['by']}"
        if whose:
            return f"named on day {day} for {whose} (record {rid}, {kind}, {shown})"
        return f"named on day {day} for record {rid} ({kind}, {shown})"
    if action == "fined":
        yuan = amounts.get(kind)
        money = f"{yuan} yuan" if yuan is not None else "an amount not in the scenario"
        tail = f", {whose}" if whose else ""
        return f"fined {money} on day {day} for record {rid} ({kind}){tail}"
    texts = {
        "fine_paid": f"paid the fine for record {rid} on day {day}",
        "fine_overdue": f"the fine for record {rid} unpaid on day {day}: in arrears",
        "fine_to_court": f"the fine for record {rid} sent to court for enforcement on day {day}",
    }
    return texts.get(action, "")
