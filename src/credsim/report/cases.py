"""Cases: short dossiers of a few citizens whom the records got wrong, from the event log.

Citizens wrongly on a list at the end come first (one per source of wrong records, so that the
cases differ), then those with the most records of others' acts (or of no act) in their name.
Each case lists those records with the points they cost under each policy, and every sanction
the citizen met, in day order.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from credsim.results.results import as_id

from .run import RunData
from .section import Block, Section
from .tables import table

__all__ = ["CASES_SECTION", "pick_cases"]

CASES = 3
ROWS = 14
TRAITS = ("sex", "age_band", "urban", "province", "synthetic_group")  # citizens.parquet columns


def _wrong_records(run: RunData) -> pd.DataFrame:
    cols = ["record_id", "day", "kind", "source", "attributed_to", "true_actor"]
    # A fabricated record's true actor is null: no act behind it, so it is wrong too.
    actor = pc.field("true_actor")
    wrong = actor.is_null() | (actor != pc.field("attributed_to"))
    return run.memo("wrong_records", lambda: run.events("records", cols, wrong))


def pick_cases(run: RunData, wrong: pd.DataFrame, count: int = CASES) -> list[int]:
    """Citizens wrongly listed at the end, one per source of wrong records first (lowest ids),
    then the citizens with the most records of others' acts (or of none) in their name."""
    picked: list[int] = []
    if "wrongful" in run.citizen_columns:
        people = run.citizens(["citizen", "wrongful"])
        listed = set(people["citizen"][people["wrongful"].astype(bool)].astype(int))
        theirs = wrong[wrong["attributed_to"].isin(listed)]
        for _, rows in sorted(theirs.groupby(theirs["source"].astype(str)), key=lambda g: g[0]):
            fresh = sorted(set(rows["attributed_to"].astype(int)) - set(picked))
            if fresh and len(picked) < count:
                picked.append(fresh[0])
        picked += sorted(listed - set(picked))[: count - len(picked)]
    if len(picked) < count and len(wrong):
        counts = wrong["attributed_to"].astype(int).value_counts()
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        picked += [c for c, _ in ranked if c not in picked and c >= 0][: count - len(picked)]
    return picked


def _case(run: RunData, citizen: int, wrong: pd.DataFrame) -> str:
    mine = wrong[wrong["attributed_to"] == citizen]
    ids = set(mine["record_id"].astype(int))
    changes = run.events(
        "score_changes", ["citizen", "policy", "delta", "record_id"], pc.field("citizen") == citizen
    )
    changes = changes[changes["record_id"].isin(ids)]
    sanctions = run.events(
        "sanctions",
        ["day", "citizen", "action", "agency", "record_id"],
        pc.field("citizen") == citizen,
    )
    rows: list[tuple[int, int, list[str]]] = []
    for rec in mine.itertuples(index=False):
        actor = as_id(rec.true_actor)
        truth = f"citizen {actor:,} did it" if actor >= 0 else "nobody did it (fabricated)"
        own = changes[changes["record_id"] == rec.record_id]
        pairs = zip(own["policy"], own["delta"], strict=True)
        points = " · ".join(f"{p} {int(d):+,}" for p, d in pairs)
        rows.append((int(rec.day), 0, [f"{rec.source}: {rec.kind}", truth, points, ""]))
    for s in sanctions.itertuples(index=False):
        basis = " (on a wrong record)" if as_id(s.record_id) in ids else ""
        rows.append((int(s.day), 1, ["", "", "", f"{s.action} by {s.agency}{basis}"]))
    rows.sort(key=lambda r: (r[0], r[1]))
    shown = [[f"{day:,}", *cells] for day, _, cells in rows[:ROWS]]
    head = ["Day", "What the system recorded", "Truth", "Points", "Consequence"]
    more = len(rows) - ROWS
    tail = ""
    if more > 0:
        tail = f"<p>… and {more:,} more entries (see <code>credsim dossier</code>).</p>"
    return f"<h3>{escape(_who(run, citizen))}</h3>\n{table(head, shown, set())}{tail}"


def _who(run: RunData, citizen: int) -> str:
    cols = ["citizen", *TRAITS, "listed", "wrongful"]
    cols += [f"score.{p}" for p in run.policies] + [f"grade.{p}" for p in run.policies]
    people = run.citizens(cols)
    row = people[people["citizen"] == citizen]
    if row.empty:
        return f"Citizen {citizen:,}"
    r = row.iloc[0]
    traits = ", ".join(str(r[t]) for t in TRAITS if t in r.index)
    scores = []
    for p in run.policies:
        if f"score.{p}" in r.index and not pd.isna(r[f"score.{p}"]):
            grade = f" ({r[f'grade.{p}']})" if f"grade.{p}" in r.index else ""
            scores.append(f"{p} {int(r[f'score.{p}']):,}{grade}")
    status = ""
    if "wrongful" in r.index and bool(r["wrongful"]):
        status = "; wrongly on a list at the end"
    elif "listed" in r.index and bool(r["listed"]):
        status = "; on a list at the end"
    final = f"; final scores {' · '.join(scores)}" if scores else ""
    return f"Citizen {citizen:,} ({traits}){status}{final}"


def _cases(run: RunData) -> list[Block]:
    wrong = _wrong_records(run)
    picked = pick_cases(run, wrong)
    intro = (
        "<p>Dossiers the simulated system never shows: records in these citizens' names that "
        "were about someone else's act or no act at all, what they cost, and every sanction "
        "they met. Synthetic people; nobody real.</p>"
    )
    return [intro, *(_case(run, int(c), wrong) for c in picked)]


def _applies(run: RunData) -> bool:
    if not (run.has_events("records") and "citizen" in run.citizen_columns):
        return False
    wrongful = "wrongful" in run.citizen_columns and bool(
        np.asarray(run.citizens(["wrongful"])["wrongful"], dtype=bool).any()
    )
    return wrongful or bool(len(_wrong_records(run)))


CASES_SECTION = Section("cases", "Cases: people the records got wrong", _applies, _cases)
