"""A calibration killed mid-way and resumed ends with the same trials and the same accepted set
as an uninterrupted one; what it writes is a scenario `credsim run` takes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib

import pandas as pd
from synthetic import KEYS, calibration_text, synthetic_targets

from credsim.calibration import calibrate, load_calibration, prepare_calibration
from credsim.scenario import load_scenario

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]


def _complete(db) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as con:
            query = "select count(*) from trials where state = 'COMPLETE'"
            return con.execute(query).fetchone()[0]
    except sqlite3.Error:
        return 0  # not made yet


def test_killed_and_resumed_calibration_matches_an_uninterrupted_one(tmp_path, local_pool):
    text = calibration_text(synthetic_targets(100), 100, seed=3, trials=8, refine=8)
    (tmp_path / "cal.toml").write_text(text)
    prepared = prepare_calibration(load_calibration(tomllib.loads(text)))
    whole = calibrate(prepared, tmp_path / "whole", local_pool)

    killed = tmp_path / "killed"
    argv = [*CLI, "calibrate", str(tmp_path / "cal.toml"), "--out", str(killed), "--quiet"]
    proc = subprocess.Popen(argv, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while _complete(killed / "study.db") < 6 and proc.poll() is None:
            assert time.monotonic() < deadline, "the calibration made no progress"
            time.sleep(0.05)
        assert proc.poll() is None, "the calibration finished before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the command and its worker processes
        proc.wait()
    assert 6 <= _complete(killed / "study.db") < 24  # 8 search points and 2 waves of 8
    assert not (killed / "accepted.parquet").exists()

    resumed = calibrate(prepared, killed, local_pool)
    assert resumed.trials_run < 24  # it did not start again
    for name in ("trials.parquet", "accepted.parquet", "fit.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(whole.path / name), pd.read_parquet(killed / name)
        )
    assert resumed.summary == whole.summary

    best = load_scenario(whole.path / "best.toml")
    fitted = {p["key"]: p["best"] for p in whole.summary["parameters"]}
    citizens = best.to_dict()["behavior"]["citizens"]
    assert citizens["acts"]["loan_default"]["rate"] == fitted[KEYS["default_rate"]]
    assert citizens["repayment"]["share"] == fitted[KEYS["repaid_share"]]
    assert best.model.output.events == "none"  # the scenario's own output, not the search's
