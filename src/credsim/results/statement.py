"""The itemised statement a citizen of the simulated system never gets: every record that moved
one policy's score, its source, day, kind and points, recoveries and the friends' term, and the
final standing; with `truth`, whether each record was true, misattributed or fabricated."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from credsim.errors import UserError, did_you_mean

if TYPE_CHECKING:
    from credsim.results.results import Results

__all__ = ["statement"]


def _truth(citizen: int, true_actor: int) -> str:
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
        if change.record_id >= 0:
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
                item["truth"] = _truth(citizen, int(record["true_actor"]))
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
    out["sanctions"] = _sanctions(results, citizen, records)
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


def _sanctions(results: Results, citizen: int, records) -> list[dict]:
    """Listings, removals and refusals of this citizen, with the agency and the record."""
    events = results.events("sanctions", citizen)
    out = []
    for event in events.itertuples(index=False):
        record = records.loc[event.record_id] if event.record_id in records.index else None
        out.append(
            {
                "day": int(event.day),
                "action": str(event.action),
                "by": str(event.agency),
                "kind": None if record is None else str(record["kind"]),
                "record_id": int(event.record_id),
            }
        )
    return out
