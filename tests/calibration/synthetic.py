"""Synthetic calibrations of the small debts scenario: targets made by credsim itself from known
parameter values, so a calibration can be checked against the truth."""

from __future__ import annotations

import tomllib
from pathlib import Path

HERE = Path(__file__).parent
SCENARIO = HERE / "debts.toml"
TRUTH = {"default_rate": 4.0e-4, "repaid_share": 0.45}
KEYS = {
    "default_rate": "behavior.citizens.acts.loan_default.rate",
    "repaid_share": "behavior.citizens.repayment.share",
}
TARGETS = """
[targets.listed]
metric = "listed_new"
kind = "cumulative"
start = 2018-01-01
end = 2018-03-01
published = {listed}
source = "credsim debts.toml at the true values, seed {truth_seed}"

[targets.removed]
metric = "delisted"
kind = "flow"
start = 2018-02-01
end = 2018-03-01
per_year = true
published = {removed}
source = "credsim debts.toml at the true values, seed {truth_seed}"

[targets.on_list]
metric = "sanctioned"
kind = "stock"
date = 2018-03-01
published = {on_list}
source = "credsim debts.toml at the true values, seed {truth_seed}"
"""


def calibration_text(
    published: dict[str, float],
    truth_seed: int,
    *,
    seed: int = 1,
    trials: int = 12,
    refine: int = 14,
    waves: int = 2,
    sampler: str = "tpe",
) -> str:
    """A calibration of debts.toml over ranges that hold the truth, with these targets."""
    head = f"""
name = "debts-synthetic"
scenario = "{SCENARIO}"
seed = {seed}
replicates = 2
trials = {trials}
refine = {refine}
waves = {waves}
batch = 4
startup_trials = 8
sampler = "{sampler}"
published_scale = 100  # the targets are one run of debts.toml, whose agents stand for 100 people

[parameters]
default_rate = {{ key = "{KEYS["default_rate"]}", low = 1e-4, high = 1.6e-3, log = true }}
repaid_share = {{ key = "{KEYS["repaid_share"]}", low = 0.05, high = 0.95 }}
"""
    return head + TARGETS.format(truth_seed=truth_seed, **published)


def synthetic_targets(truth_seed: int) -> dict[str, float]:
    """The targets' figures in one run of debts.toml at the true values."""
    import numba

    from credsim.calibration import load_calibration, prepare_calibration
    from credsim.calibration.evaluate import PointRun, run_point

    placeholder = dict.fromkeys(("listed", "removed", "on_list"), 1.0)
    text = calibration_text(placeholder, truth_seed)
    prepared = prepare_calibration(load_calibration(tomllib.loads(text)))
    settings = {KEYS[name]: value for name, value in TRUTH.items()}
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        task = PointRun(0, 0, truth_seed, prepared.base, settings, prepared.windows)
        return run_point(task)["values"]
    finally:
        numba.set_num_threads(threads)


class EnteredBackend:
    """A backend already entered by the caller, lent to several calibrations (one pool of
    workers for a whole test instead of one per calibration)."""

    def __init__(self, backend) -> None:
        self.backend = backend
        self.name = backend.name

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def map_unordered(self, fn, items):
        return self.backend.map_unordered(fn, items)

    def describe(self):
        return self.backend.describe()
