"""The secret file of a run, read back from its event log: every record the state holds naming a
citizen, each marked by what the citizen was told of it (`told`: a notice named it; `effect only`:
they saw a score or grade move it caused; `never`), the policies it moved a score under and the
lists whose listings rest on it, and the sanctions, including those of lists that never tell.

`credsim dossier RUN --citizen N --as state` prints it beside the citizen's itemised view; the
same rules make the `secret_file` metric's figures (credsim.metrics.secret_file), so the counts of
records a citizen cannot see or contest agree with summary.json.
"""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from credsim.engine.rng import Stream
from credsim.errors import UserError
from credsim.metrics.secret_file import EFFECT, TOLD, notice_reach
from credsim.results.results import as_id, has_id, id_or_none

if TYPE_CHECKING:
    from credsim.results.results import Results

__all__ = ["REACH", "file_counts", "secret_file"]

REACH = {TOLD: "told", EFFECT: "effect only", 0: "never"}
"""What a citizen was told of a record, in words."""


def _scenario(results: Results) -> dict:
    try:
        return tomllib.loads(results.scenario_text())
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _opacity(results: Results, scenario: dict) -> dict[str, str]:
    """Each policy of the run and its opacity (from summary.json, else the scenario)."""
    out = {}
    tables = scenario.get("policies", {})
    for name in results.summary.get("policies", {}):
        table = tables.get(name, {})
        out[name] = str(table.get("opacity", "score")) if isinstance(table, dict) else "score"
    return out


def _categories(frame: pd.DataFrame, column: str) -> tuple[list[str], np.ndarray]:
    """A column's names and each row's code among them."""
    values = pd.Categorical(frame[column].astype(str))
    return [str(c) for c in values.categories], np.asarray(values.codes, np.int64)


def reach_of(results: Results, records: pd.DataFrame, notices: pd.DataFrame) -> np.ndarray:
    """The reach bits (TOLD, EFFECT) of each record, from the notices naming it."""
    opacity = _opacity(results, _scenario(results))
    reach = np.zeros(len(records), np.uint8)
    named = notices[has_id(notices["record_id"])]
    if not len(named):
        return reach
    kinds, kind = _categories(named, "notice")
    about, on = _categories(named, "about")
    by_kind, by_policy = notice_reach(kinds, about, opacity)
    points = np.asarray(kinds, object)[kind] == "points"
    bits = np.where(points, by_policy[on], by_kind[kind])
    ids = named["record_id"].to_numpy(np.int64)
    rids = records["record_id"].to_numpy(np.int64)
    for bit in (TOLD, EFFECT):
        reach[np.isin(rids, ids[(bits & bit) > 0])] |= np.uint8(bit)
    return reach


def file_counts(results: Results) -> dict[str, int]:
    """Records held on citizens, told, effect-only and never told, over the whole run (what the
    `secret_file` metric reports, read from the event log; people per agent not applied)."""
    records = results.events("records")
    records = records[records["attributed_to"] >= 0]
    reach = reach_of(results, records, results.events("notices"))
    told = (reach & TOLD) > 0
    effect = ((reach & EFFECT) > 0) & ~told
    return {
        "records": len(records),
        "told": int(told.sum()),
        "effect_only": int(effect.sum()),
        "hidden": int((~told & ~effect).sum()),
        "unseen": int((~told).sum()),
    }


def secret_file(results: Results, citizen: int, truth: bool = False) -> dict:
    """What the state holds on one citizen, and what they were told of it; with `truth`,
    whether each record was true, misattributed or fabricated."""
    summary = results.summary
    agents = summary["citizens"] // summary.get("people_per_agent", 1)
    if not 0 <= citizen < agents:
        raise UserError(f"--citizen {citizen}: the run has citizens 0 to {agents - 1}.")
    if not (results.path / "events" / "records").is_dir():
        raise UserError(f"{results.path}: the run kept no event log (output.events = 'none').")
    scenario = _scenario(results)
    records = results.events("records", citizen).sort_values(["day", "record_id"])
    notices = results.events("notices", citizen)
    changes = results.events("score_changes", citizen)
    sanctions = results.events("sanctions", citizen)
    reach = reach_of(results, records, notices)
    opacity = _opacity(results, scenario)
    moved = changes[has_id(changes["record_id"])]
    under: dict[int, list[str]] = {}
    for rid, policy in zip(moved["record_id"], moved["policy"].astype(str), strict=True):
        names = under.setdefault(int(rid), [])
        if policy not in names:
            names.append(policy)
    listing = sanctions[
        (sanctions["action"].astype(str) == "listed").to_numpy() & has_id(sanctions["record_id"])
    ]
    lists: dict[int, list[str]] = {}
    for rid, on in zip(listing["record_id"], listing["consequence"].astype(str), strict=True):
        lists.setdefault(int(rid), []).append(on)
    items = []
    for row, bits in zip(records.itertuples(index=False), reach, strict=True):
        rid = int(row.record_id)
        told = TOLD if bits & TOLD else EFFECT if bits & EFFECT else 0
        items.append(
            {
                "day": int(row.day),
                "record_id": rid,
                "source": str(row.source),
                "kind": str(row.kind),
                "told": REACH[told],
                "policies": under.get(rid, []),
                "lists": lists.get(rid, []),
            }
        )
        if truth:
            actor = as_id(row.true_actor)  # null (-1): a fabricated record
            items[-1]["truth"] = (
                "fabricated" if actor < 0 else "true" if actor == citizen else "misattributed"
            )
    told_ids = set(notices.loc[has_id(notices["record_id"]), "record_id"].astype(int))
    out = {
        "citizen": citizen,
        "records": items,
        "counts": _counts(items),
        "by_policy": {
            name: {"opacity": opacity[name], **_counts([i for i in items if name in i["policies"]])}
            for name in opacity
        },
        "by_list": {},
        "sanctions": [
            {
                "day": int(s.day),
                "action": str(s.action),
                "on": str(s.consequence),
                "by": str(s.agency),
                "record_id": id_or_none(s.record_id),
                "told": id_or_none(s.record_id) in told_ids or str(s.action) == "refused",
            }
            for s in sanctions.itertuples(index=False)
        ],
        "watch_list": _watch_list(scenario, citizen),
    }
    for item in items:
        for name in item["lists"]:
            out["by_list"].setdefault(name, []).append(item)
    out["by_list"] = {name: _counts(rows) for name, rows in sorted(out["by_list"].items())}
    return out


def _counts(items: list[dict]) -> dict[str, int]:
    told = sum(i["told"] == "told" for i in items)
    effect = sum(i["told"] == "effect only" for i in items)
    return {
        "records": len(items),
        "told": told,
        "effect_only": effect,
        "hidden": len(items) - told - effect,
        "unseen": len(items) - told,
    }


def _watch_list(scenario: dict, citizen: int) -> list[str]:
    """The police watch lists (checkpoints consequences) that want the citizen: a fixed draw per
    citizen, never told."""
    out = []
    for name, table in (scenario.get("consequences") or {}).items():
        if not isinstance(table, dict) or table.get("plugin") != "checkpoints":
            continue
        if table.get("enabled") is False:
            continue
        share = float(table.get("wanted_share", 0.0))
        draw = Stream(int(scenario.get("seed", 0)), f"consequence.{name}.wanted")
        if draw.uniform(0, np.array([citizen]))[0] < share:
            out.append(name)
    return out
