"""One run of a calibration point, as a backend executes it: self-contained (the resolved scenario
travels with the task), returning each target's figure and curve."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from credsim.calibration.targets import Window, whole_series
from credsim.experiments.sweep_task import scenario_with

__all__ = ["PointRun", "run_point", "trial_seed"]


@dataclass(frozen=True)
class PointRun:
    """A trial's replicate: the resolved base scenario, the trial's values, the seed."""

    trial: int
    replicate: int
    seed: int
    scenario: dict[str, Any]
    settings: dict[str, Any]
    windows: tuple[Window, ...]


def trial_seed(calibration_seed: int, trial: int, stream: int) -> int:
    """A seed from the calibration's seed and the trial number alone, so that a resumed
    calibration reruns a trial with the same draws (`stream` tells replicates and the sampler
    apart)."""
    state = np.random.SeedSequence([calibration_seed, trial, stream]).generate_state(1)
    return int(state[0])


def run_point(task: PointRun) -> dict[str, Any]:
    """Run one replicate; return {"values": {target: figure}, "curves": {target: [...]}}."""
    from credsim.runner import run
    from credsim.scenario import load_scenario

    scenario = load_scenario(scenario_with(task.scenario, task.settings), seed=task.seed)
    scratch = Path(tempfile.mkdtemp(prefix="credsim-calibrate-"))
    try:
        frame = run(scenario, out=scratch / "run").timeseries
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    days = scenario.model.days
    values, curves = {}, {}
    for window in task.windows:
        series = whole_series(frame, window.metric, days)
        values[window.name] = window.value(series)
        curves[window.name] = window.curve(series)
    return {"values": values, "curves": curves}
