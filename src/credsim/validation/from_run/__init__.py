"""The social-credit institution fed by a real credsim run: what a run's records and scores give
an institution (record errors, bought points, opacity, wrong grades), and the institution's
cooperation at those values."""

from credsim.validation.from_run.institution import (
    MAPPING,
    institution_from_run,
    model_inputs,
    simulate_run_point,
)
from credsim.validation.from_run.measure import GAMING_ACTS, RunMeasurement, measure_run

__all__ = [
    "GAMING_ACTS",
    "MAPPING",
    "RunMeasurement",
    "institution_from_run",
    "measure_run",
    "model_inputs",
    "simulate_run_point",
]
