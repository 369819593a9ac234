"""`credsim run --ensemble CALIBRATION_DIR`: replicate r runs accepted point r mod P with its own
seed, exactly as a single run of the scenario at those values and that seed would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

import credsim
from credsim.experiments.ensemble import load_ensemble
from credsim.experiments.replicates import replicate_seeds
from credsim.experiments.sweep_task import scenario_with

SCENARIO = Path(__file__).parents[1] / "calibration" / "debts.toml"
CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]
RATE = "behavior.citizens.acts.loan_default.rate"
DELAY = "sources.courts.records.court_judgment.delay_days"


def _calibration_dir(path: Path, accepted: list[dict]) -> Path:
    """A calibration directory as `credsim calibrate` writes it (the files an ensemble reads)."""
    path.mkdir()
    parameters = [
        {"parameter": "rate", "key": RATE, "low": 1e-4, "high": 1.6e-3},
        {"parameter": "delay", "key": DELAY, "low": 1, "high": 30},
    ]
    summary = {"calibration": "debts-test", "parameters": parameters, "best_implausibility": 0.5}
    (path / "calibration.json").write_text(json.dumps(summary))
    pd.DataFrame(accepted).to_parquet(path / "accepted.parquet", index=False)
    return path


def test_each_replicate_is_the_run_of_its_point(tmp_path):
    points = [{"trial": 7, "rate": 8e-4, "delay": 3.0}, {"trial": 2, "rate": 2e-4, "delay": 20.0}]
    caldir = _calibration_dir(tmp_path / "cal", points)
    ensemble = load_ensemble(caldir)
    assert ensemble.trials == [2, 7]  # in order of trial number
    assert ensemble.settings[0] == {RATE: 2e-4, DELAY: 20}  # integer keys stay integers
    out = tmp_path / "ens"
    done = subprocess.run(
        [*CLI, "run", str(SCENARIO), "--ensemble", str(caldir), "--replicates", "3",
         "--population", "3000", "--days", "40", "--workers", "2", "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ensemble"]["points"] == 2 and summary["ensemble"]["runs"] == 3
    seeds = replicate_seeds(1, 3)
    base = credsim.load_scenario(str(SCENARIO), population=3000, days=40).to_dict()
    for r in (1, 2):  # replicate 2 is point 0 again, with its own seed
        direct = credsim.run(
            credsim.load_scenario(scenario_with(base, ensemble.settings[r % 2]), seed=seeds[r]),
            out=tmp_path / f"direct-{r}",
        ).summary
        kept = json.loads((out / "replicates" / f"r{r:03d}.json").read_text())
        assert kept["listed_total"] == direct["listed_total"]
        assert kept["acts_by_kind"] == direct["acts_by_kind"]
    # The two points differ enough for the interval to show it.
    assert summary["p5"]["acts_total"] < summary["p95"]["acts_total"]


def test_a_directory_that_is_not_a_calibration_exits_2(tmp_path):
    for caldir in (tmp_path, _calibration_dir(tmp_path / "none", [])):
        done = subprocess.run(
            [*CLI, "run", str(SCENARIO), "--ensemble", str(caldir), "--out", str(tmp_path / "x")],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and "--ensemble" in done.stderr
        assert not (tmp_path / "x").exists()
