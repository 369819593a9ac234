"""`calibrate`: check a calibration file, search on a backend, write the calibration directory."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credsim.calibration.check import PreparedCalibration, prepare_calibration
from credsim.calibration.file import load_calibration
from credsim.calibration.outputs import write_outputs
from credsim.calibration.search import import_optuna, run_search

__all__ = ["CalibrationResult", "calibrate"]


@dataclass
class CalibrationResult:
    """A finished calibration: its directory and calibration.json's content."""

    path: Path
    summary: dict[str, Any]
    trials_run: int
    wall_seconds: float


def calibrate(
    source: str | Path | dict | PreparedCalibration,
    out: str | Path,
    backend=None,
    *,
    trials: int | None = None,
    on_trial: Callable[[int], None] | None = None,
) -> CalibrationResult:
    """Calibrate (or resume the calibration in `out`) with `trials` search points (default: the
    file's) and the file's wave; `backend` defaults to local processes, one per core."""
    import_optuna()
    prepared = (
        source
        if isinstance(source, PreparedCalibration)
        else prepare_calibration(load_calibration(source))
    )
    budget = trials or prepared.calibration.model.trials
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if backend is None:
        from credsim.experiments.backends import make_backend

        backend = make_backend("local")
    run_so_far = 0

    def counted(number: int) -> None:
        nonlocal run_so_far
        run_so_far += 1
        if on_trial is not None:
            on_trial(number)

    started = time.perf_counter()
    with backend:
        complete = run_search(prepared, out, backend, trials=budget, on_trial=counted)
    wall = time.perf_counter() - started
    summary = write_outputs(prepared, complete, budget, out)
    return CalibrationResult(out, summary, run_so_far, wall)
