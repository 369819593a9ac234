"""The timeline switches plug-ins on and off at dates, and changes nothing before them."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import credsim
from credsim.experiments.sharding import run_sharded
from credsim.scenario import load_scenario

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]
QUIET = ["output.report=false", "but_for=false"]
# Deterrence stops on 2020-02-10 (day 40); the grade list starts then; cameras record more and
# more jaywalking from then on; the court lists after 10 days instead of 30 from 2020-02-20.
TIMELINE = (
    'timeline=[{date=2020-02-10, disable=["behavior.deterrence"]}, '
    '{date=2020-02-10, enable=["consequences.grade_list"]}, '
    "{date=2020-02-10, until=2020-02-29, step_days=5, "
    'ramp={"sources.cameras.records.jaywalking.share"=[0.2, 1.0]}}, '
    '{date=2020-02-20, set={"consequences.court_blacklist.listing_delay_days"=10}}]'
)


def _run(tmp_path, name, extra, **kw):
    overrides = [*QUIET, "output.events='all'", *extra]
    return credsim.run("default", out=tmp_path / name, overrides=overrides, **kw)


def test_runs_that_differ_after_a_date_share_every_act_and_record_before_it(tmp_path):
    kw = {"population": 10_000, "days": 90, "seed": 3}
    plain = _run(tmp_path, "plain", [], **kw)
    timed = _run(tmp_path, "timed", [TIMELINE], **kw)
    for table in ("acts", "records"):
        a, b = plain.events(table), timed.events(table)
        cols = [c for c in a.columns if c not in ("act_id", "record_id")]
        before = [x[x["day"] < 40][cols].sort_values(cols, ignore_index=True) for x in (a, b)]
        pd.testing.assert_frame_equal(*before)
    # ... and the change shows after it: cameras record a share of jaywalkers during the ramp.
    records = [x.events("records") for x in (plain, timed)]
    ramp = [int(((x["day"] >= 40) & (x["kind"] == "jaywalking")).sum()) for x in records]
    assert ramp[1] < ramp[0]


def test_a_ramp_moves_a_parameter_step_by_step(tmp_path):
    sets = [
        "output.events='all'",
        "timeline=[{date=2020-03-01, until=2020-06-28, step_days=30, "
        'ramp={"sources.cameras.records.jaywalking.share"=[0.1, 1.0]}}]',
    ]
    run = _run(tmp_path, "ramp", sets, population=60_000, days=200, seed=2)
    records = run.events("records")
    jay = records[records["kind"].astype(str) == "jaywalking"]
    # Steps on days 60, 90, 120, 150 and 180 (2020-06-28): shares 0.1, 0.325, ... 1.0.
    per_step = jay[(jay["day"] >= 60) & (jay["day"] < 180)].groupby((jay["day"] - 60) // 30)
    counts = per_step.size().to_numpy()
    assert len(counts) == 4 and (np.diff(counts) > 0).all()
    assert 2.4 < counts[1] / counts[0] < 4.3  # 0.325 / 0.1, with Poisson noise


def test_a_plugin_switched_on_later_does_nothing_before_its_date(tmp_path):
    # The reference model's threshold list starts on day 100 instead of day 0.
    sets = [
        "output.citizens='all'",
        "output.events='all'",
        "consequences.blacklist.enabled=false",
        'timeline=[{date=2020-04-10, enable=["consequences.blacklist"]}]',
    ]
    run = credsim.run("reference", out=tmp_path / "r", population=20_000, days=200, overrides=sets)
    sanctions = run.events("sanctions")
    listed = sanctions[sanctions["action"].astype(str) == "listed"]
    assert len(listed) > 0 and listed["day"].min() == 100
    assert (run.timeseries.query("dimension == 'all' and day < 100")["sanctioned"] == 0).all()


# Place and demography too: a city carved out of Shandong whose scheme is switched on there by
# date, and births and deaths across a new year (ages advance on 2020-01-01, day 31).
PLACE_AND_PEOPLE = [
    "start=2019-12-01",
    'population.cities={Rongcheng={province="Shandong", people=700000}}',
    'policies.rongcheng.regions=["Rongcheng"]',
    "population.demography.enabled=true",
    "population.people_per_agent=150000",
    "timeline=[{date=2019-12-20, enable=['policies.rongcheng'], regions=['Rongcheng']}, "
    "{date=2020-01-10, disable=['behavior.deterrence']}, "
    "{date=2020-01-10, enable=['consequences.grade_list']}, "
    "{date=2020-01-10, until=2020-01-29, step_days=5, "
    "ramp={'sources.cameras.records.jaywalking.share'=[0.2, 1.0]}}]",
    "policies.rongcheng.enabled=false",
]


def test_timeline_runs_are_the_same_for_any_thread_count_and_shard_layout(tmp_path):
    scenario = load_scenario(
        "default", population=9000, days=60, seed=4, overrides=[*QUIET, *PLACE_AND_PEOPLE]
    )
    one = credsim.run(scenario, out=tmp_path / "one")
    sharded = run_sharded(scenario, tmp_path / "three", 3)
    summary = (one.path / "summary.json").read_bytes()
    assert one.summary["demography"]["deaths"] > 0 and one.summary["demography"]["births"] > 0
    assert (sharded.path / "summary.json").read_bytes() == summary
    overrides = [*QUIET, *PLACE_AND_PEOPLE]
    code = (
        "import numba, sys, credsim; numba.set_num_threads(2); "
        "from credsim.scenario import load_scenario; "
        "s = load_scenario('default', population=9000, days=60, seed=4, "
        f"overrides={overrides!r}); credsim.run(s, out=sys.argv[1])"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "two")], check=True)
    assert (tmp_path / "two" / "summary.json").read_bytes() == summary


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ('{date=2019-12-01, enable=["behavior.deterrence"]}', "before the scenario's start"),
        ('{date=2020-02-01, enable=["behavior.deterence"]}', "'behavior.deterrence'"),
        ('{date=2020-02-01, enable=["metrics.core"]}', "metrics and the population"),
        ('{date=2020-02-01, enabel=["behavior.deterrence"]}', "enable"),
        ('{date="soon", enable=["behavior.deterrence"]}', "timeline"),
        (
            '{date=2020-02-01, set={"sources.cameras.face.fmr_scale"=2}}',
            "cannot change during a run",
        ),
        (
            '{date=2020-02-01, set={"sources.cameras.records.jaywalking.share"=7}}',
            "makes sources.cameras invalid",
        ),
        ('{date=2020-02-01, ramp={"behavior.citizens.acts.post.rate"=[0, 1]}}', "until"),
        ('{date=2020-02-01, set={"behavior.citizen.acts.post.rate"=0.1}}', "behavior.citizens"),
    ],
)
def test_bad_timeline_entries_exit_2_and_write_nothing(tmp_path, entry, needle):
    out = tmp_path / "run"
    done = subprocess.run(
        [*CLI, "run", "--days", "5", "--set", f"timeline=[{entry}]", "--out", str(out)],
        capture_output=True,
        text=True,
        env=os.environ,
    )
    assert done.returncode == 2, done.stderr
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_the_plan_prints_the_timeline():
    done = subprocess.run(
        [*CLI, "run", "--plan", "--set", TIMELINE],
        capture_output=True,
        text=True,
        env=os.environ,
    )
    assert done.returncode == 0, done.stderr
    assert "2020-02-10 (day 40): off behavior.deterrence" in done.stdout
    assert done.stdout.count("on consequences.grade_list") == 1
