"""Measure, from a finished credsim run, what an institution reading one policy's scores would
face: how many of the records that moved points were not the citizen's own, how much of the points
granted were bought, whether citizens are shown their standing, and how often grades are wrong."""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from credsim.errors import UserError, did_you_mean
from credsim.validation.from_run.events import event_files, read_columns
from credsim.validation.from_run.grades import grade_check

__all__ = ["GAMING_ACTS", "RunMeasurement", "measure_run"]

GAMING_ACTS = ("card_swiping", "friend_renting", "id_pooling", "click_farming")
"""Act kinds of paid gaming services; a run's `behavior.<gaming>.services` may add others."""


@dataclass(frozen=True)
class RunMeasurement:
    """What one policy of one run gives an institution (counts are agents, as in the log)."""

    run: str
    policy: str
    primary_policy: str
    opacity: str  # what a citizen is told: nothing, grade, score or itemised
    shown: bool  # citizens are shown their grade or score (opacity is not 'nothing')
    events: str  # 'all' or 'sample' (a fixed share of citizens)
    sample_share: float
    records_point_moving: int  # distinct records with a non-zero score change under the policy
    records_misattributed: int  # of those, true actor is another citizen
    records_fabricated: int  # of those, no true actor (-1)
    record_error: float  # (misattributed + fabricated) / point-moving records
    record_error_points: float  # the same, weighted by the points each record moved (|delta|)
    citizens_with_wrong_record: float  # share of citizens with >= 1 wrong point-moving record
    points_positive: int  # every positive score change under the policy (records, network, ...)
    points_bought: int  # positive changes from records whose true act was a gaming purchase
    buyable_share: float  # points_bought / points_positive
    points_bought_summary: int | None  # summary.json's points_bought (people), gaming policy only
    gaming_policy: str | None  # the policy gaming targets in this run (None: no gaming)
    conformity_points: int  # positive changes from conformity purchases (bought conduct; apart)
    grades: dict[str, Any] | None  # GradeCheck as a dict; None for a policy without grades
    changes_without_record: int  # score changes with no record (network term)
    changes_unmatched: int  # changes whose record is not in the log (counted as true)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _load(run: Path) -> tuple[dict, dict]:
    if not run.is_dir():
        raise UserError(f"--from-run: {run} is not a directory (give a credsim run directory).")
    missing = [n for n in ("summary.json", "scenario.toml") if not (run / n).is_file()]
    if missing:
        raise UserError(
            f"--from-run: {run} holds no credsim run (no {' or '.join(missing)}); give a directory "
            "written by `credsim run --out DIR` or `credsim.run(..., out=DIR)`."
        )
    try:
        summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
        scenario = tomllib.loads((run / "scenario.toml").read_text(encoding="utf-8"))
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(
            f"--from-run: {run}: cannot read summary.json/scenario.toml ({exc})."
        ) from exc
    return summary, scenario


def _policy(summary: dict, scenario: dict, run: Path, name: str | None) -> tuple[str, str, dict]:
    specs = {
        k: v for k, v in scenario.get("policies", {}).items() if v.get("enabled", True) is not False
    }
    known = list(summary.get("policies", {})) or list(specs)
    if not known:
        raise UserError(f"--from-run: the run in {run} has no scoring policy to measure.")
    primary = summary.get("primary_policy") or known[0]
    chosen = primary if name is None else name
    if chosen not in known or chosen not in specs:
        raise UserError(
            f"--policy: the run in {run} has no policy {chosen!r}."
            f"{did_you_mean(chosen, known, sentence=True)} Policies: {', '.join(known)}."
        )
    return chosen, primary, specs[chosen]


def _gaming(scenario: dict) -> tuple[str | None, set[str], set[str]]:
    """(gaming policy, gaming act kinds, conformity purchase kinds) of the enabled behaviours."""
    policy, acts, conform = None, set(GAMING_ACTS), set()
    for spec in scenario.get("behavior", {}).values():
        if spec.get("enabled", True) is False:
            continue
        if spec.get("plugin") == "gaming":
            policy = spec.get("policy", "sesame")
            acts |= {s["act"] for s in spec.get("services", {}).values() if "act" in s}
        elif spec.get("plugin") == "conformity":
            conform |= set(spec.get("purchases", {"buy_diapers": 0, "buy_curtains": 0}))
    return policy, acts, conform


def _lookup(ids: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of `keys` in `ids` and whether each was found (ids need not be sorted)."""
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    if sorted_ids.shape[0] == 0:
        return np.zeros(keys.shape[0], np.int64), np.zeros(keys.shape[0], bool)
    at = np.minimum(np.searchsorted(sorted_ids, keys), sorted_ids.shape[0] - 1)
    found = sorted_ids[at] == keys
    return order[at], found


def _take(values: np.ndarray, pos: np.ndarray, found: np.ndarray, fill: int) -> np.ndarray:
    """values[pos] where found, else fill (int64; a bool column gives 0/1)."""
    out = np.full(pos.shape[0], fill, np.int64)
    out[found] = values[pos[found]]
    return out


def measure_run(path: str | Path, policy: str | None = None) -> RunMeasurement:
    """Measure one policy (default: the run's primary policy) of the run directory `path`."""
    run = Path(path)
    summary, scenario = _load(run)
    name, primary, spec = _policy(summary, scenario, run, policy)
    output = scenario.get("output", {})
    events = output.get("events", "all")
    if events == "none" or not event_files(run, "score_changes"):
        raise UserError(
            f"--from-run: the run in {run} kept no event log (output.events = {events!r}); "
            "measuring needs records and score changes: run it with output.events = 'all' "
            "(or 'sample')."
        )
    share = float(output.get("sample_share", 1.0)) if events == "sample" else 1.0
    gaming_policy, gaming_acts, conform_acts = _gaming(scenario)
    notes: list[str] = []

    changes = read_columns(
        event_files(run, "score_changes"),
        ["citizen", "delta", "score", "record_id"],
        label_tests={"policy": {"mine": [name]}},
    )
    mine = changes.pop("policy:mine")
    changes = {k: v[mine] for k, v in changes.items()}
    records = read_columns(
        event_files(run, "records"), ["record_id", "attributed_to", "true_actor", "act_id"]
    )
    acts = read_columns(
        event_files(run, "acts"),
        ["act_id", "detail"],
        label_tests={"kind": {"gaming": gaming_acts, "conformity": conform_acts}},
    )

    delta = changes["delta"].astype(np.int64)
    rid = changes["record_id"].astype(np.int64)
    linked = rid >= 0
    pos, found = _lookup(records["record_id"].astype(np.int64), rid)
    found &= linked
    true_actor = _take(records["true_actor"], pos, found, 0)
    attributed = _take(records["attributed_to"], pos, found, 0)
    fabricated = found & (true_actor < 0)
    misattributed = found & (true_actor >= 0) & (true_actor != attributed)
    wrong = fabricated | misattributed

    # Distinct point-moving records (a record can move a score twice: points, then recovery).
    ids, first = np.unique(rid[found], return_index=True)
    n_records = int(ids.shape[0])
    n_mis = int(misattributed[found][first].sum())
    n_fab = int(fabricated[found][first].sum())
    moved = np.abs(delta[found])
    wrong_points = float(moved[wrong[found]].sum())

    act_id = _take(records["act_id"], pos, found, -1)
    apos, afound = _lookup(acts["act_id"].astype(np.int64), act_id)
    afound &= act_id >= 0
    gaming = _take(acts["kind:gaming"], apos, afound, 0) == 1
    conformity = (_take(acts["kind:conformity"], apos, afound, 0) == 1) & (
        _take(acts["detail"], apos, afound, 0) == 1
    )
    bought = gaming & (delta > 0)
    conform = conformity & (delta > 0)
    positive = int(delta[delta > 0].sum())
    points_bought = int(delta[bought].sum())

    agents = round(
        int(summary.get("citizens", 0)) / max(int(summary.get("people_per_agent", 1)), 1)
    )
    agents = max(agents, int(changes["citizen"].max(initial=-1)) + 1)
    considered = np.ones(agents, bool)
    if events == "sample":
        from credsim.engine.events import sampled  # the log's own sample rule

        considered = sampled(np.arange(agents, dtype=np.uint64), share)
        notes.append(
            f"sampled event log ({share:g} of citizens): rates are estimated from the sample; a "
            "misattributed record's true act is known only when its actor is sampled too"
        )
    hit = np.zeros(agents, bool)
    hit[changes["citizen"][wrong].astype(np.int64)] = True
    n_considered = max(int(considered.sum()), 1)

    grades_spec = tuple((str(g), int(b)) for g, b in spec.get("grades", {}).items())
    check = None
    if grades_spec:
        bounds = (int(spec.get("floor", -32768)), int(spec.get("ceiling", 32767)))
        check = grade_check(run, name, grades_spec, bounds, {**changes, "wrong": wrong}, considered)
        if check.identity_mismatches:
            notes.append(
                f"{check.identity_mismatches} citizens' base + logged changes differ from their "
                "final score (an incomplete log?)"
            )
    unmatched = int((linked & ~found).sum())
    if unmatched:
        notes.append(f"{unmatched} score changes name records not in the log (counted as true)")
    opacity = str(spec.get("opacity", "score"))
    return RunMeasurement(
        run=str(run),
        policy=name,
        primary_policy=primary,
        opacity=opacity,
        shown=opacity != "nothing",
        events=events,
        sample_share=share,
        records_point_moving=n_records,
        records_misattributed=n_mis,
        records_fabricated=n_fab,
        record_error=(n_mis + n_fab) / n_records if n_records else 0.0,
        record_error_points=wrong_points / float(moved.sum()) if moved.sum() else 0.0,
        citizens_with_wrong_record=float((hit & considered).sum() / n_considered),
        points_positive=positive,
        points_bought=points_bought,
        buyable_share=points_bought / positive if positive else 0.0,
        points_bought_summary=summary.get("points_bought") if gaming_policy == name else None,
        gaming_policy=gaming_policy,
        conformity_points=int(delta[conform].sum()),
        grades=None if check is None else asdict(check),
        changes_without_record=int((~linked).sum()),
        changes_unmatched=unmatched,
        notes=notes,
    )
