"""The social-credit institution at the values a credsim run measured: its record errors become the
judges' record error, its bought points the buyable share of the verdict score, its opacity
whether donors see the verdict."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from credsim.validation.from_run.measure import RunMeasurement, measure_run

__all__ = ["MAPPING", "institution_from_run", "model_inputs", "simulate_run_point"]

MAPPING = {
    "record_error": "share of the policy's point-moving records that are misattributed or "
    "fabricated (the model's chance that the judges read someone else's acts)",
    "buyable_share": "points bought through gaming services / every positive point granted under "
    "the policy (the model's weight of the bought part of the verdict score)",
    "knowledge": "1 when the policy shows a grade or score (opacity grade, score or itemised), "
    "0 when it shows nothing (credsim's strangers then see no grade; in the model a donor who "
    "cannot see the recipient's standing treats them as good)",
}
"""How each measured value becomes a parameter of the institution model."""


def model_inputs(measured: RunMeasurement) -> dict[str, float]:
    """The institution model's parameters for a measured run (see MAPPING)."""
    return {
        "record_error": float(measured.record_error),
        "buyable_share": float(measured.buyable_share),
        "knowledge": 1.0 if measured.shown else 0.0,
    }


def simulate_run_point(inputs: dict[str, float], replicates: int, seed: int) -> dict[str, Any]:
    """Cooperation of the institution at `inputs`, and with no flaw, on the same random numbers
    as the experiment's curves (label 'social'); the change is paired replicate by replicate."""
    from credsim.validation.reproductions.social_credit_institution import base_params
    from credsim.validation.reputation import simulate

    at = simulate(base_params(**inputs), replicates, seed, label="social")
    clean = simulate(base_params(), replicates, seed, label="social")
    point = at.summary()
    change = at.cooperation - clean.cooperation
    stderr = float(change.std(ddof=1) / np.sqrt(replicates)) if replicates > 1 else None
    return {
        "cooperation": point["cooperation"],
        "cooperation_stderr": None
        if math.isnan(at.stderr_cooperation)
        else point["cooperation_stderr"],
        "defectors": point["strategy_shares"]["ALLD"],
        "good_share": point["good_share"],
        "strategy_shares": point["strategy_shares"],
        "cooperation_without_flaws": clean.mean_cooperation,
        "cooperation_change": float(change.mean()),
        "cooperation_change_stderr": stderr,
        "replicates": replicates,
        "seed": seed,
    }


def institution_from_run(
    path: str | Path, policy: str | None = None, *, replicates: int = 16, seed: int = 1
) -> dict[str, Any]:
    """Measure a run directory (one policy; default: the primary one) and run the institution
    model at what was measured. Returns {'measured', 'model', 'mapping', 'result'} (plain dicts,
    JSON-ready): the measured rates and counts, the model's parameters, how one became the other,
    and the cooperation (with its standard error, defectors' share and cooperation with no flaw).
    """
    measured = measure_run(path, policy)
    inputs = model_inputs(measured)
    return {
        "measured": measured.to_dict(),
        "model": inputs,
        "mapping": dict(MAPPING),
        "result": simulate_run_point(inputs, replicates, seed),
    }
