"""What measure_run counts, on a hand-made run directory whose every figure is known in advance."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from credsim.errors import UserError
from credsim.validation.from_run import measure_run

SCENARIO = """
name = "hand-made"
[behavior.gaming]
plugin = "gaming"
policy = "p"
[behavior.conformity]
plugin = "conformity"
policy = "p"
[behavior.conformity.purchases.buy_diapers]
price_yuan = 60.0
points = 1.2
rate = 0.002
[policies.p]
plugin = "rules"
floor = 0
ceiling = 200
opacity = "grade"
[policies.p.grades]
A = 100
B = 50
C = 0
[policies.q]
plugin = "rules"
opacity = "nothing"
[output]
events = "all"
"""

ACT_KINDS = ["traffic_violation", "card_swiping", "buy_diapers", "jaywalking"]


def _labels(values, names):
    return pa.DictionaryArray.from_arrays(
        pa.array([names.index(v) for v in values], pa.int32()), pa.array(names)
    )


def _write(folder, name, columns):
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), folder / name)


def make_run(root, citizens=True, none=None):
    """Four citizens, base 100 under policy p (grades A >= 100, B >= 50, C). An id that names
    nothing is `none`: null as runs write it, or -1 as runs before nulls did."""
    root.mkdir()
    (root / "scenario.toml").write_text(SCENARIO)
    summary = {"citizens": 4, "people_per_agent": 1, "primary_policy": "p", "points_bought": 20,
               "policies": {"p": {}, "q": {}}}  # fmt: skip
    (root / "summary.json").write_text(json.dumps(summary))
    events = root / "events"
    _write(events / "acts", "days-00000-00001.parquet", {
        "act_id": pa.array([0, 1, 2, 3], pa.int64()),
        "actor": pa.array([0, 1, 2, 3], pa.int32()),
        "kind": _labels(ACT_KINDS, ACT_KINDS),
        "detail": pa.array([0, 0, 1, 0], pa.uint8()),
    })  # fmt: skip
    # r0-r2 true; r3 is citizen 3's act on citizen 2; r4 fabricated; r5 priced only by q.
    _write(events / "records", "days-00000-00001.parquet", {
        "record_id": pa.array([0, 1, 2, 3, 4, 5], pa.int64()),
        "attributed_to": pa.array([0, 1, 2, 2, 1, 0], pa.int32()),
        "true_actor": pa.array([0, 1, 2, 3, none, 0], pa.int32()),
        "act_id": pa.array([0, 1, 2, 3, none, 0], pa.int64()),
    })  # fmt: skip
    rows = [  # citizen, delta, score after, record, policy (two files: log order across files)
        [(0, -10, 90, 0, "p"), (1, 20, 120, 1, "p"), (2, 5, 105, 2, "p"), (2, -60, 45, 3, "p")],
        [(2, 10, 55, 3, "p"), (1, -30, 90, 4, "p"), (3, 7, 107, none, "p"), (0, 50, 150, 5, "q")],
    ]
    for day, chunk in enumerate(rows):
        citizen, delta, score, record, policy = zip(*chunk, strict=True)
        _write(events / "score_changes", f"days-{day:05d}-{day:05d}.parquet", {
            "citizen": pa.array(citizen, pa.int32()),
            "delta": pa.array(delta, pa.int16()),
            "score": pa.array(score, pa.int16()),
            "record_id": pa.array(record, pa.int64()),
            "policy": _labels(policy, ["p", "q"]),
        })  # fmt: skip
    if citizens:
        pq.write_table(pa.table({
            "citizen": pa.array([0, 1, 2, 3], pa.int32()),
            "base.p": pa.array([100] * 4, pa.int16()),
            "score.p": pa.array([90, 90, 55, 107], pa.int16()),
        }), root / "citizens.parquet")  # fmt: skip
    return root


@pytest.mark.parametrize(("citizens", "none"), [(True, None), (False, None), (True, -1)])
def test_every_count_of_a_hand_made_run(tmp_path, citizens, none):
    m = measure_run(make_run(tmp_path / "run", citizens, none))
    assert m.policy == "p" and m.opacity == "grade" and m.shown
    assert m.records_point_moving == 5  # r3 moved points twice, r5 not under p
    assert (m.records_misattributed, m.records_fabricated) == (1, 1)
    assert m.record_error == pytest.approx(2 / 5)
    assert m.record_error_points == pytest.approx((60 + 10 + 30) / (10 + 20 + 5 + 60 + 10 + 30))
    assert m.citizens_with_wrong_record == pytest.approx(2 / 4)
    assert m.points_positive == 20 + 5 + 10 + 7  # network points count as granted
    assert m.points_bought == m.points_bought_summary == 20
    assert m.buyable_share == pytest.approx(20 / 42)
    assert m.conformity_points == 5
    assert m.changes_without_record == 1 and m.changes_unmatched == 0
    # Held: 90 B, 90 B, 55 B, 107 A; true records only: 90 B, 120 A, 105 A, 107 A.
    g = m.grades
    assert g["source"] == ("citizens.parquet" if citizens else "score_changes")
    assert (g["citizens"], g["wrong_share"], g["worse_share"], g["better_share"]) == (
        4, 0.5, 0.5, 0.0,
    )  # fmt: skip


def test_a_policy_that_shows_nothing_is_measured_as_hidden(tmp_path):
    m = measure_run(make_run(tmp_path / "run"), "q")
    assert m.opacity == "nothing" and not m.shown
    assert m.records_point_moving == 1 and m.record_error == 0
    assert m.points_bought_summary is None  # gaming targets p


def test_bad_directories_and_policies_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="not a directory"):
        measure_run(tmp_path / "missing")
    with pytest.raises(UserError, match="holds no credsim run"):
        measure_run(tmp_path)
    run = make_run(tmp_path / "run")
    with pytest.raises(UserError, match="Did you mean 'p'"):
        measure_run(run, "pp")
    text = (run / "scenario.toml").read_text().replace('events = "all"', 'events = "none"')
    (run / "scenario.toml").write_text(text)
    with pytest.raises(UserError, match=r"output\.events = 'none'"):
        measure_run(run)
