"""The social-credit institution fed by a real credsim run: what is measured from a run directory,
the numbers being zero exactly when the run has no errors or no gaming, and the CLI path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

import credsim
from credsim.errors import UserError
from credsim.validation import institution_from_run, measure_run

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]
SIZE = {"population": 20_000, "days": 120}
RATES = (
    "record_error",
    "record_error_points",
    "buyable_share",
    "citizens_with_wrong_record",
)


def credsim_cli(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=dict(os.environ))


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "default"
    credsim.run("default", out=out, overrides=["output.report=false"], **SIZE)
    return out


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    """Perfect data, no adversary forging records, no gaming."""
    out = tmp_path_factory.mktemp("runs") / "clean"
    overrides = [
        "sources.errors=false",
        "adversaries.lenders.enabled=false",
        "adversaries.insiders.enabled=false",
        "behavior.gaming.enabled=false",
        "output.report=false",
    ]
    credsim.run("default", out=out, overrides=overrides, **SIZE)
    return out


def _check_rates(m):
    for name in RATES:
        assert 0.0 <= getattr(m, name) <= 1.0, name
    if m.grades is not None:
        g = m.grades
        assert 0.0 <= g["wrong_share"] <= 1.0
        assert g["worse_share"] + g["better_share"] == pytest.approx(g["wrong_share"])
        assert g["identity_mismatches"] == 0


def test_default_run_has_record_errors_and_bought_points(default_run):
    primary = measure_run(default_run)
    assert primary.policy == primary.primary_policy == "rongcheng"
    assert primary.opacity == "grade" and primary.shown
    assert primary.records_point_moving > 0
    assert primary.record_error > 0
    assert primary.records_misattributed + primary.records_fabricated > 0
    _check_rates(primary)
    # Gaming targets sesame in the default scenario: rongcheng's points cannot be bought.
    assert primary.gaming_policy == "sesame" and primary.buyable_share == 0
    sesame = measure_run(default_run, "sesame")
    _check_rates(sesame)
    assert sesame.buyable_share > 0
    assert sesame.record_error > 0
    # Points bought from the event log are the run's own points_bought (1 person per agent).
    assert sesame.points_bought == sesame.points_bought_summary > 0
    assert sesame.grades["citizens"] == 20_000


def test_perfect_data_without_forgers_or_gaming_measures_zero(clean_run):
    for policy in ("rongcheng", "sesame", "financial"):
        m = measure_run(clean_run, policy)
        assert m.records_point_moving > 0
        assert m.record_error == 0 and m.record_error_points == 0
        assert m.records_misattributed == m.records_fabricated == 0
        assert m.citizens_with_wrong_record == 0
        assert m.grades["wrong_share"] == 0
        assert m.buyable_share == 0 and m.points_bought == 0
        assert m.gaming_policy is None
        assert m.points_positive > 0


def test_grades_from_the_log_alone_match_those_from_citizens(default_run, tmp_path):
    copy = tmp_path / "no-citizens"
    shutil.copytree(default_run, copy)
    (copy / "citizens.parquet").unlink()
    for policy in ("rongcheng", "sesame"):
        full = measure_run(default_run, policy).grades
        logged = measure_run(copy, policy).grades
        assert full["source"] == "citizens.parquet" and logged["source"] == "score_changes"
        for key in ("citizens", "wrong_share", "worse_share", "better_share"):
            assert logged[key] == full[key], (policy, key)


def test_institution_from_run_returns_the_model_at_the_measured_point(default_run):
    found = institution_from_run(default_run, "sesame", replicates=2)
    assert set(found) == {"measured", "model", "mapping", "result"}
    measured, model = found["measured"], found["model"]
    assert model["record_error"] == measured["record_error"]
    assert model["buyable_share"] == measured["buyable_share"] > 0
    assert model["knowledge"] == 1.0
    assert 0 <= found["result"]["cooperation"] <= 1
    assert found["result"]["replicates"] == 2
    assert found["result"]["cooperation_change_stderr"] is not None  # paired against no flaw
    json.dumps(found, allow_nan=False)  # notebook users save it as JSON


def test_cli_from_run_reports_the_measured_point_and_plots_it(default_run, tmp_path):
    done = credsim_cli(
        "validate",
        "social-credit-institution",
        "--from-run",
        str(default_run),
        "--policy",
        "sesame",
        "--json",
        "--figures",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (outcome,) = json.loads(done.stdout)["reproductions"]
    run = outcome["details"]["run"]
    measured = measure_run(default_run, "sesame")
    assert run["measured"]["record_error"] == measured.record_error
    assert run["model"]["buyable_share"] == measured.buyable_share
    assert 0 <= run["result"]["cooperation"] <= 1
    figures = [c["figure"] for c in outcome["checks"]]
    assert "cooperation at this run's point (sesame)" in figures
    assert any(f.startswith("run: record error, sesame") for f in figures)
    assert "buyable_share" in outcome["details"]["sweeps"]  # the curve is still there
    assert (tmp_path / "social-credit-institution-from-run.png").is_file()


def test_cli_from_run_prints_the_measured_inputs(default_run):
    done = credsim_cli("validate", "social-credit-institution", "--from-run", str(default_run))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "run: record error" in done.stdout and "rongcheng" in done.stdout
    assert "--policy sesame" in done.stdout  # where the bought points are


def test_cli_a_directory_that_is_not_a_run_is_exit_2(tmp_path):
    done = credsim_cli("validate", "social-credit-institution", "--from-run", str(tmp_path))
    assert done.returncode == 2
    assert "holds no credsim run" in done.stderr and "Traceback" not in done.stderr


def test_cli_an_unknown_policy_is_exit_2_with_the_nearest_name(default_run):
    done = credsim_cli(
        "validate", "social-credit-institution", "--from-run", str(default_run),
        "--policy", "sesme",
    )  # fmt: skip
    assert done.returncode == 2
    assert "'sesame'" in done.stderr and "Traceback" not in done.stderr


def test_cli_from_run_belongs_to_the_institution_experiment(default_run):
    done = credsim_cli("validate", "institutions", "--from-run", str(default_run))
    assert done.returncode == 2
    assert "social-credit-institution" in done.stderr and "Traceback" not in done.stderr


def test_a_run_without_an_event_log_cannot_be_measured(default_run, tmp_path):
    copy = tmp_path / "no-events"
    shutil.copytree(default_run, copy, ignore=shutil.ignore_patterns("events"))
    with pytest.raises(UserError, match="event log"):
        measure_run(copy)


def test_a_sampled_event_log_is_measured_on_its_sample(tmp_path):
    out = tmp_path / "sampled"
    overrides = ['output.events="sample"', "output.sample_share=0.3", "output.report=false"]
    credsim.run("default", out=out, overrides=overrides, population=20_000, days=30)
    m = measure_run(out, "sesame")
    assert m.events == "sample" and m.sample_share == 0.3
    assert any("sampled event log" in note for note in m.notes)
    _check_rates(m)  # identity_mismatches == 0: the sample is the log's own citizens
    assert 0.25 * 20_000 < m.grades["citizens"] < 0.35 * 20_000
    assert m.records_point_moving > 0 and m.buyable_share > 0
