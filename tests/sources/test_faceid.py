"""The face identification error model and the base-rate calculator."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from credsim.sources.faceid import base_rates, fmr_from_fpir, fpir

CLI = [sys.executable, "-c", "from credsim.cli import main; main()", "faceid"]


def test_fpir_is_one_minus_the_chance_of_no_false_match_in_the_gallery():
    assert fpir(2.5e-10, 1e9) == pytest.approx(-math.expm1(1e9 * math.log1p(-2.5e-10)))
    assert fpir(2.5e-10, 1e9) == pytest.approx(0.2212, abs=5e-4)
    # NIST's FPIR 0.003 on a 12M gallery implies a per-comparison rate near 2.5e-10 (facts).
    assert fmr_from_fpir(0.003, 12e6) == pytest.approx(2.5e-10, rel=0.01)
    assert fpir(fmr_from_fpir(0.003, 12e6), 12e6) == pytest.approx(0.003)


def test_the_published_base_rate_example():
    done = subprocess.run(
        [*CLI, "--gallery", "1e9", "--fmr", "2.5e-10", "--probes-per-day", "1e7", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["fpir"] == pytest.approx(0.221, abs=0.001)
    assert result["false_alerts_per_day"] == pytest.approx(2.2e6, rel=0.01)
    assert result["false_alert_share"] > 0.99


def test_groups_with_higher_multipliers_get_more_false_alerts():
    result = base_rates(12e6, 2.5e-10, 1e6, 0.001, 0.0023, {"a": (0.5, 1.0), "b": (0.5, 10.0)})
    a, b = result["by_group"]["a"], result["by_group"]["b"]
    assert b["false_alerts_per_day"] > 9 * a["false_alerts_per_day"]
    assert b["false_alert_share"] > a["false_alert_share"]
    assert result["false_alerts_per_day"] == pytest.approx(
        a["false_alerts_per_day"] + b["false_alerts_per_day"]
    )


def test_a_named_group_keeps_its_share_and_the_rest_are_the_reference_group():
    """--group uyghur:0.01:10 is 1% of probes at ten times the rate; the other 99% are the
    reference group, so the total rises a little above the flag-less figure (not to 3x it)."""
    plain = base_rates(1.4e9, 2.5e-10, 1e6)
    flagged = base_rates(1.4e9, 2.5e-10, 1e6, groups={"uyghur": (0.01, 10.0)})
    named, rest = flagged["by_group"]["uyghur"], flagged["by_group"]["reference"]
    assert rest["false_alerts_per_day"] == pytest.approx(0.99 * plain["false_alerts_per_day"])
    assert named["false_alerts_per_day"] == pytest.approx(0.01e6 * 0.999 * named["fpir"])
    assert plain["false_alerts_per_day"] < flagged["false_alerts_per_day"]
    assert flagged["false_alerts_per_day"] < 1.05 * plain["false_alerts_per_day"]
    done = subprocess.run(
        [*CLI, "--gallery", "1.4e9", "--fmr", "2.5e-10", "--group", "uyghur:0.01:10", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["false_alerts_per_day"] == pytest.approx(
        flagged["false_alerts_per_day"]
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--gallery", "0"],
        ["--gallery", "1e400"],
        ["--prevalence", "1.5"],
        ["--fmr", "2"],
        ["--group", "x:1"],
        ["--group", "x:5:2"],
        ["--group", "x:0.9:2", "--group", "y:0.9:2"],
        ["--group", "x:0.1:2", "--group", "x:0.2:2"],
    ],
)
def test_bad_input_exits_2(args):
    done = subprocess.run([*CLI, *args], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert args[0] in done.stderr
