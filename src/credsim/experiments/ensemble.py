"""`credsim run --ensemble CALIBRATION_DIR`: run the parameter sets a calibration accepted.

A calibration (credsim.calibration) keeps every point its published figures do not rule out in
`accepted.parquet`, and each fitted parameter's scenario key in `calibration.json`. An ensemble
run gives replicate r the values of accepted point r mod P (P points) and its own seed, so its
90% intervals hold both what the figures leave open about the parameters and chance. The
scenario is the one named on the command line: the same model at another size or over a longer
period is a view of the calibration (`credsim run rollout --ensemble DIR` runs the calibrated
roll-out at the scenario's own scale).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credsim.errors import UserError

__all__ = ["Ensemble", "load_ensemble"]


@dataclass(frozen=True)
class Ensemble:
    """The accepted points of a calibration, as scenario settings."""

    path: Path
    calibration: str
    settings: list[dict[str, Any]]
    """One {dotted scenario key: value} per accepted point, in order of trial number."""
    trials: list[int]

    def describe(self, runs: int) -> dict[str, Any]:
        """summary.json's `ensemble` entry."""
        return {
            "calibration": self.calibration,
            "directory": str(self.path),
            "points": len(self.settings),
            "runs": runs,
            "trials": self.trials,
            "settings": self.settings,
            "interval": "over the accepted points and seeds (run r: point r mod points)",
        }


def _value(value: Any, low: Any, high: Any) -> Any:
    """The value as the scenario key takes it: an integer when the range's ends are integers,
    a date (as its ISO text) when they are dates."""
    if isinstance(low, str):
        return str(value)
    if isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool):
        return round(float(value))
    return float(value)


def load_ensemble(directory: str | Path) -> Ensemble:
    """Read a calibration directory's accepted points. Raises UserError (exit code 2)."""
    import pandas as pd

    path = Path(directory)
    summary_file, accepted_file = path / "calibration.json", path / "accepted.parquet"
    for needed in (summary_file, accepted_file):
        if not needed.is_file():
            raise UserError(
                f"--ensemble {directory}: {needed.name} is missing; give the directory a "
                "finished `credsim calibrate` wrote (it holds calibration.json and "
                "accepted.parquet)."
            )
    try:
        summary = json.loads(summary_file.read_text("utf-8"))
        accepted = pd.read_parquet(accepted_file)
        parameters = {p["parameter"]: p for p in summary["parameters"]}
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise UserError(f"--ensemble {directory}: cannot read the calibration ({err}).") from None
    if accepted.empty:
        raise UserError(
            f"--ensemble {directory}: calibration {summary.get('calibration')!r} accepted no "
            f"point (best implausibility {summary.get('best_implausibility', math.nan):.3g}); "
            "run its best point alone (credsim run best.toml), or calibrate further."
        )
    missing = [name for name in parameters if name not in accepted.columns]
    if missing:
        raise UserError(
            f"--ensemble {directory}: accepted.parquet has no column for {', '.join(missing)}."
        )
    accepted = accepted.sort_values("trial")
    settings = [
        {p["key"]: _value(row[name], p["low"], p["high"]) for name, p in parameters.items()}
        for _, row in accepted.iterrows()
    ]
    trials = [int(t) for t in accepted["trial"]]
    return Ensemble(path, str(summary.get("calibration", path.name)), settings, trials)
