"""An agency that joins joint punishment later than the plug-in is switched on (`acts_from`)."""

import datetime as dt

import duckdb

import credsim


def _refusals(tmp_path, name: str, overrides: list[str]) -> dict[str, list[int]]:
    scenario = credsim.load_scenario(
        "default",
        population=3_000,
        days=120,
        overrides=[
            "output.report=false",
            "behavior.citizens.acts.loan_default.rate=5e-4",
            "behavior.citizens.history_days=400",
            *overrides,
        ],
    )
    run = credsim.run(scenario, out=tmp_path / name)
    rows = duckdb.sql(
        f"select agency, day from '{run.path}/events/sanctions/*.parquet' "
        "where action = 'refused' and consequence = 'joint_punishment'"
    ).fetchall()
    out: dict[str, list[int]] = {}
    for agency, day in rows:
        out.setdefault(agency, []).append(day)
    return out


def test_airlines_refuse_nobody_before_they_join_and_railways_are_unchanged(tmp_path) -> None:
    start = credsim.load_scenario("default", population=100).model.start
    joins = start + dt.timedelta(days=70)
    before = _refusals(tmp_path, "all", [])
    later = _refusals(
        tmp_path, "later", [f"consequences.joint_punishment.agencies.airlines.acts_from={joins}"]
    )
    assert min(before["airlines"]) < 70, "airlines refuse someone before they would join"
    assert later["airlines"] and min(later["airlines"]) >= 70
    assert sorted(later["airlines"]) == sorted(d for d in before["airlines"] if d >= 70)
    assert sorted(later["railways"]) == sorted(before["railways"])
