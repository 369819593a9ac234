"""Calibration: fit a scenario's parameters to published figures with their date semantics, and
keep every point the figures do not rule out (history matching). Optuna is an optional extra."""

from __future__ import annotations

from credsim.calibration.calibrate import CalibrationResult, calibrate
from credsim.calibration.check import PreparedCalibration, prepare_calibration
from credsim.calibration.file import Calibration, load_calibration

__all__ = [
    "Calibration",
    "CalibrationResult",
    "PreparedCalibration",
    "calibrate",
    "load_calibration",
    "prepare_calibration",
]
