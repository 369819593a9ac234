"""What a calibration writes beside its store: every trial, the accepted set, the fit table, the
best scenario and the fit figure, each written under a temporary name and renamed into place."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from credsim.calibration.history import match
from credsim.experiments.sweep_task import scenario_with

__all__ = ["OUTPUT_FILES", "write_outputs"]

OUTPUT_FILES = (
    "trials.parquet",
    "accepted.parquet",
    "fit.csv",
    "fit.parquet",
    "predictions.csv",
    "predictions.parquet",
    "best.toml",
    "fit.png",
    "calibration.json",
)


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    partial = path.with_name(f".{path.name}.partial")
    write(partial)
    os.replace(partial, path)


def _trials_table(prepared, trials: list, search_trials: int) -> pd.DataFrame:
    """One row per trial: its values, each target's model mean and implausibility (with the
    dispersion pooled over every trial), the largest, and whether it is accepted."""
    m = prepared.calibration.model
    specs = m.parameters
    scores, _ = match([t.user_attrs["values"] for t in trials], prepared.published,
                      prepared.obs_sd, prepared.world_share)  # fmt: skip
    rows = []
    for t, score in zip(trials, scores, strict=True):
        wave = (t.number - search_trials) // m.refine + 1
        stage = "search" if t.number < search_trials else f"wave {wave}"
        row: dict[str, Any] = {"trial": t.number, "stage": stage}
        row |= {name: _shown(specs[name], value) for name, value in t.params.items()}
        for name, values in t.user_attrs["values"].items():
            row[f"{name}.model_mean"] = float(np.mean(values))
            row[f"{name}.implausibility"] = score[name]
        row["max_implausibility"] = max(score.values())
        row["search_objective"] = t.value
        row["accepted"] = bool(row["max_implausibility"] < m.cutoff)
        rows.append(row)
    return pd.DataFrame(rows)


def _shown(spec, value: float) -> Any:
    """A search value as the tables show it: a date range's as an ISO date."""
    return spec.value(value).isoformat() if spec.is_date else value


def _intervals(prepared, accepted: pd.DataFrame, best) -> list[dict[str, Any]]:
    out = []
    for name, spec in prepared.calibration.model.parameters.items():
        values = np.array([spec.number(v) for v in accepted[name]], np.float64)
        entry: dict[str, Any] = {"parameter": name, "key": prepared.keys[name]}
        entry |= {"low": spec.low, "high": spec.high, "best": best.params[name]}
        entry["accepted"] = len(values)
        if len(values):
            q = np.quantile(values, [0.05, 0.5, 0.95])
            entry |= {"min": values.min(), "p05": q[0], "median": q[1], "p95": q[2]}
            entry["max"] = values.max()
        for k in ("low", "high", "best", "min", "p05", "median", "p95", "max"):
            if spec.is_date and k in entry:
                entry[k] = spec.value(spec.number(entry[k])).isoformat()
        out.append({k: (float(v) if isinstance(v, np.floating) else v) for k, v in entry.items()})
    return out


def _fit_table(prepared, shown: list) -> pd.DataFrame:
    m = prepared.calibration.model
    rows = []
    for name, spec in m.targets.items():
        runs = np.concatenate([t.user_attrs["values"][name] for t in shown])
        low, median, high = np.quantile(runs, [0.05, 0.5, 0.95])
        rows.append(
            {
                "target": name,
                "metric": spec.metric,
                "kind": spec.kind,
                "dates": spec.dates,
                "published": spec.published,
                "observation_sd": prepared.obs_sd[name],
                "model_median": median,
                "model_p05": low,
                "model_p95": high,
                "runs": len(runs),
                "source": spec.source,
            }
        )
    return pd.DataFrame(rows)


PREDICTION_COLUMNS = (
    "prediction", "metric", "kind", "dates", "model_median", "model_p05", "model_p95", "runs",
    "held_out", "held_out_inside_90", "source",
)  # fmt: skip


def _predictions_table(prepared, shown: list) -> pd.DataFrame:
    """Each prediction's median and 90% interval over the runs of the points shown (the
    accepted ones), beside the published figure held out of the fit when there is one."""
    rows = []
    for name, spec in prepared.calibration.model.predictions.items():
        runs = np.concatenate([t.user_attrs.get("predictions", {}).get(name, []) for t in shown])
        low, median, high = np.quantile(runs, [0.05, 0.5, 0.95]) if runs.size else [np.nan] * 3
        held = spec.published
        rows.append(
            {
                "prediction": name,
                "metric": spec.metric,
                "kind": spec.kind,
                "dates": spec.dates,
                "model_median": median,
                "model_p05": low,
                "model_p95": high,
                "runs": int(runs.size),
                "held_out": held,
                "held_out_inside_90": None
                if held is None or not runs.size
                else bool(low <= held <= high),
                "source": spec.source,
            }
        )
    return pd.DataFrame(rows, columns=list(PREDICTION_COLUMNS))


def _best_toml(prepared, best, score: float) -> str:
    settings = prepared.settings(best.params)
    data = scenario_with(prepared.scenario.to_dict(), settings)
    header = (
        f"# The best point of calibration {prepared.calibration.name!r} (trial {best.number}, "
        f"largest implausibility {score:.3g}).\n# Run it: credsim run best.toml\n"
    )
    return header + tomli_w.dumps(data)


def write_outputs(prepared, trials: list, search_trials: int, out: Path) -> dict[str, Any]:
    """Write every output of a finished calibration into `out` (`search_trials`: how many of
    the trials were the search's); return calibration.json's content."""
    from credsim.calibration.figures import fit_figure

    m = prepared.calibration.model
    table = _trials_table(prepared, trials, search_trials)
    accepted_table = table[table["accepted"]]
    ranked = table.sort_values(["max_implausibility", "trial"])
    by_number = {t.number: t for t in trials}
    best = by_number[int(ranked["trial"].iloc[0])]
    best_score = float(ranked["max_implausibility"].iloc[0])
    accepted = [by_number[int(n)] for n in accepted_table["trial"]]
    shown = accepted or [best]
    basis = f"{len(accepted)} accepted points" if accepted else "no point accepted: the best one"
    fit = _fit_table(prepared, shown)
    ahead = _predictions_table(prepared, shown)
    _atomic(out / "trials.parquet", lambda p: table.to_parquet(p, index=False))
    _atomic(out / "accepted.parquet", lambda p: accepted_table.to_parquet(p, index=False))
    _atomic(out / "fit.csv", lambda p: fit.to_csv(p, index=False))
    _atomic(out / "fit.parquet", lambda p: fit.to_parquet(p, index=False))
    _atomic(out / "predictions.csv", lambda p: ahead.to_csv(p, index=False))
    _atomic(out / "predictions.parquet", lambda p: ahead.to_parquet(p, index=False))
    _atomic(
        out / "best.toml", lambda p: p.write_text(_best_toml(prepared, best, best_score), "utf-8")
    )
    curves = {
        w.name: np.array([c for t in shown for c in t.user_attrs["curves"][w.name]])
        for w in prepared.windows
    }
    published = dict(zip(fit["target"], fit["published"], strict=True))
    sds = dict(zip(fit["target"], fit["observation_sd"], strict=True))
    model = prepared.scenario.model
    fig = fit_figure(prepared.windows, curves, published, sds, model.start, model.days, basis)
    _atomic(out / "fit.png", lambda p: fig.savefig(p, format="png", dpi=150))
    summary = {
        "calibration": prepared.calibration.name,
        "scenario": prepared.scenario.name,
        "trials": len(trials),
        "search_trials": search_trials,
        "waves": m.waves,
        "wave_trials": len(trials) - search_trials,
        "sampler": m.sampler,
        "replicates": m.replicates,
        "cutoff": m.cutoff,
        "accepted": len(accepted),
        "best_trial": best.number,
        "best_implausibility": best_score,
        "parameters": _intervals(prepared, accepted_table, best),
        "fit": json.loads(fit.to_json(orient="records")),
        "predictions": json.loads(ahead.to_json(orient="records")),
    }
    _atomic(out / "calibration.json", lambda p: p.write_text(json.dumps(summary, indent=2)))
    return summary
