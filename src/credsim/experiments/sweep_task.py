"""One run of a sweep, as a backend executes it: self-contained (the resolved scenario travels with
the task, so a worker on another machine needs only credsim), returning the kept outcomes."""

from __future__ import annotations

import copy
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from credsim.errors import ScenarioError
from credsim.experiments.outcomes import outcome_value

__all__ = ["RunTask", "derive_seed", "run_task", "scenario_with", "set_key"]


@dataclass(frozen=True)
class RunTask:
    """A design point's replicate: the resolved base scenario, the swept values, the seed."""

    point: int
    replicate: int
    seed: int
    scenario: dict[str, Any]
    settings: dict[str, Any]
    outcomes: tuple[str, ...]
    run_dir: str | None = None


def derive_seed(sweep_seed: int, point: int, replicate: int, common: bool = True) -> int:
    """A run's seed from the sweep seed: with `common`, replicate r has the same seed at every
    point (common random numbers, so points differ only by their parameters)."""
    entropy = [sweep_seed, replicate] if common else [sweep_seed, point, replicate]
    state = np.random.SeedSequence(entropy).generate_state(1, dtype=np.uint64)[0]
    return int(state) & (2**63 - 1)


def set_key(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted key in a scenario dict, making tables on the way (like `--set`)."""
    parts = key.split(".")
    node = data
    for depth, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            held = ".".join(parts[: depth + 1])
            raise ScenarioError(f"{key}: {held!r} is a value, not a table, so it has no keys.")
        node = child
    node[parts[-1]] = copy.deepcopy(value)


def scenario_with(base: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """A copy of `base` with each dotted key set."""
    data = copy.deepcopy(base)
    for key, value in settings.items():
        set_key(data, key, value)
    return data


def run_task(task: RunTask) -> dict[str, Any]:
    """Run one replicate; return {"outcomes": {key: float | None}, "wall_seconds": float}."""
    from credsim.runner import run
    from credsim.scenario import load_scenario

    started = time.perf_counter()
    scenario = load_scenario(scenario_with(task.scenario, task.settings), seed=task.seed)
    if task.run_dir is not None:
        # The sweep's own directory: a task run again after an interruption replaces its run.
        summary = run(scenario, out=task.run_dir, force=True).summary
    else:
        scratch = Path(tempfile.mkdtemp(prefix="credsim-sweep-"))
        try:
            summary = run(scenario, out=scratch / "run").summary
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return {
        "outcomes": {key: outcome_value(summary, key) for key in task.outcomes},
        "wall_seconds": time.perf_counter() - started,
    }
