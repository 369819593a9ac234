"""`credsim validate`: the short reproductions pass, JSON output, figures, loud failures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from credsim.validation.lending import default_fico_dir
from credsim.validation.lending.fico import FILES

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]
HAVE_FICO = default_fico_dir().is_dir()


def credsim(*args, env=None):
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


SHORT_SUITE = {
    "institutions": "institutions",
    "adherence": "adherence",
    "image-scoring": "image-scoring",
    "delayed-impact": "delayed-impact-outcome-curve",
    "faceid-base-rates": "faceid-fpir-vs-gallery",
}
"""The reproductions `credsim validate` runs by default, and the figure each saves."""


def test_the_short_suite_is_every_reproduction_and_no_experiment():
    done = credsim("validate", "--list")
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines() if line and not line[0].isspace()]
    reproductions = [row[0] for row in rows if row[1:2] == ["reproduction"]]
    assert reproductions == list(SHORT_SUITE)
    assert any(row[1:2] == ["experiment"] for row in rows)


@pytest.mark.skipif(not HAVE_FICO, reason="FICO/TransRisk data not available")
@pytest.mark.parametrize("name", list(SHORT_SUITE))
def test_every_short_reproduction_is_within_tolerance_with_its_figures(tmp_path, name):
    """One test per reproduction, so that the short suite (minutes) spreads over the workers."""
    figures = tmp_path / "figures"
    done = credsim("validate", name, "--json", "--figures", str(figures))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["mode"] == "short" and report["passed"] is True
    [reproduction] = report["reproductions"]
    assert reproduction["name"] == name
    compared = [c for c in reproduction["checks"] if c["passed"] is not None]
    assert compared and all(c["passed"] for c in compared)
    assert all(c["published"] and c["tolerance"] for c in reproduction["checks"])
    names = {p.name for p in figures.iterdir()}
    assert {f"{SHORT_SUITE[name]}.svg", f"{SHORT_SUITE[name]}.png"} <= names


@pytest.mark.skipif(not HAVE_FICO, reason="FICO/TransRisk data not available")
def test_data_outside_tolerance_fails_loudly(tmp_path):
    for name in FILES.values():
        shutil.copy(default_fico_dir() / name, tmp_path / name)
    totals = tmp_path / FILES["totals"]
    totals.write_text(totals.read_text().replace("18274", "60000"))
    done = credsim("validate", "delayed-impact", "--fico-dir", str(tmp_path))
    assert done.returncode == 1
    assert "FAIL" in done.stdout and "OUTSIDE tolerance: delayed-impact" in done.stdout


def test_a_missing_data_folder_is_exit_2_with_a_message(tmp_path):
    done = credsim("validate", "delayed-impact", env={"CREDSIM_FICO_DIR": str(tmp_path / "no")})
    assert done.returncode == 2
    assert "CREDSIM_FICO_DIR" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_name_is_exit_2_with_the_nearest_name():
    done = credsim("validate", "institutons")
    assert done.returncode == 2
    assert "'institutions'" in done.stderr and "Traceback" not in done.stderr


def test_list_names_reproductions_and_the_experiment():
    done = credsim("validate", "--list")
    assert done.returncode == 0
    assert "social-credit-institution" in done.stdout and "experiment" in done.stdout
    assert "delayed-impact" in done.stdout


def test_the_social_credit_experiment_runs_and_reports_findings(tmp_path):
    done = credsim("validate", "social-credit-institution", "--json", "--figures", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    (outcome,) = json.loads(done.stdout)["reproductions"]
    sweeps = outcome["details"]["sweeps"]
    assert sweeps["buyable_share"]["0"]["cooperation"] > 0.8
    assert sweeps["buyable_share"]["0.6"]["cooperation"] < 0.2
    assert all(c["passed"] is None for c in outcome["checks"])
    assert (tmp_path / "social-credit-institution.png").is_file()
