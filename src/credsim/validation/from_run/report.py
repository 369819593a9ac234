"""Rows of `credsim validate social-credit-institution --from-run`: what was measured from the run,
the institution's cooperation at that point, and notes on how one became the other."""

from __future__ import annotations

from typing import Any

from credsim.validation.from_run.institution import MAPPING, model_inputs, simulate_run_point
from credsim.validation.from_run.measure import RunMeasurement
from credsim.validation.outcome import Check

__all__ = ["run_point"]

MEASURED = "measured from the run"


def _measured_rows(m: RunMeasurement) -> list[Check]:
    p = m.policy
    rows = [
        Check(
            f"run: record error, {p} (point-moving records misattributed or fabricated)",
            m.record_error,
            MEASURED,
            "-",
            None,
            note=f"{m.records_misattributed} misattributed + {m.records_fabricated} fabricated "
            f"of {m.records_point_moving} records",
        ),
        Check(
            f"run: record error weighted by points, {p}",
            m.record_error_points,
            MEASURED,
            "-",
            None,
        ),
        Check(
            f"run: buyable share, {p} (points bought / positive points)",
            m.buyable_share,
            MEASURED,
            "-",
            None,
            note=f"{m.points_bought} of {m.points_positive} points",
        ),
        Check(
            f"run: citizens shown their standing, {p}",
            1.0 if m.shown else 0.0,
            MEASURED,
            "-",
            None,
            note=f"opacity {m.opacity}",
        ),
        Check(
            f"run: citizens with a wrong point-moving record, {p}",
            m.citizens_with_wrong_record,
            MEASURED,
            "-",
            None,
        ),
    ]
    if m.grades is not None:
        g = m.grades
        rows.append(
            Check(
                f"run: grades wrong (beside true records only), {p}",
                g["wrong_share"],
                MEASURED,
                "-",
                None,
                note=f"worse {g['worse_share']:.2g}, better {g['better_share']:.2g} "
                f"of {g['citizens']} citizens",
            )
        )
    return rows


def _notes(m: RunMeasurement, inputs: dict[str, float]) -> list[str]:
    notes = [
        f"--from-run {m.run}: policy {m.policy!r}"
        + (" (the run's primary policy)" if m.policy == m.primary_policy else "")
        + f"; model record_error {inputs['record_error']:.4g}, buyable_share "
        f"{inputs['buyable_share']:.4g}, knowledge {inputs['knowledge']:g}.",
        *(f"mapping: {key} = {text}." for key, text in MAPPING.items()),
    ]
    if m.gaming_policy is not None and m.gaming_policy != m.policy and m.points_bought == 0:
        notes.append(
            f"gaming in this run targets {m.gaming_policy!r}, not {m.policy!r}: nothing of "
            f"{m.policy!r} is bought; measure the bought score with --policy {m.gaming_policy}."
        )
    if m.gaming_policy is None:
        notes.append("this run has no gaming behaviour: nothing is bought.")
    if m.conformity_points:
        notes.append(
            f"{m.conformity_points} further points came from conformity purchases (real "
            "purchases the score rewards); they are conduct, not counted as bought."
        )
    notes.extend(m.notes)
    return notes


def _change(result: dict[str, Any]) -> str:
    """The paired change in cooperation against no flaw, with 2 standard errors when known."""
    text = f"{result['cooperation_change']:+.3f}"
    if result["cooperation_change_stderr"] is not None:
        text += f" ± {2 * result['cooperation_change_stderr']:.3f} (2 s.e., paired)"
    return text


def run_point(m: RunMeasurement, replicates: int, seed: int) -> dict[str, Any]:
    """{'details', 'checks', 'notes'}: the run's measured inputs, the model at them."""
    inputs = model_inputs(m)
    result = simulate_run_point(inputs, replicates, seed)
    point = Check(
        f"cooperation at this run's point ({m.policy})",
        result["cooperation"],
        "none (beyond the papers)",
        "-",
        None,
        note=f"defectors {result['defectors']:.2f}; with no flaw "
        f"{result['cooperation_without_flaws']:.2f}; change {_change(result)}",
    )
    details = {"measured": m.to_dict(), "model": inputs, "mapping": dict(MAPPING), "result": result}
    return {
        "details": details,
        "checks": [*_measured_rows(m), point],
        "notes": _notes(m, inputs),
    }
