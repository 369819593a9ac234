"""Replicates of one run: the same scenario under K seeds, run on a sweep backend, written as one
run directory whose figures are means with 90% intervals (credsim.results.intervals).

Replicate r runs with the seed a sweep's replicate r would have (`derive_seed(seed, 0, r)`), so
the same scenario, seed and K give the same files whatever the backend, workers, threads or the
order in which replicates finish. Replicate 0 keeps the scenario's event log and citizens table
(they are the run directory's, for dossiers and cases); the others keep only their summary and
time series.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import tomli_w

from credsim.errors import UserError
from credsim.experiments.backends import Backend, LocalBackend
from credsim.experiments.ensemble import Ensemble
from credsim.experiments.sweep_check import quiet_output
from credsim.experiments.sweep_task import derive_seed, scenario_with
from credsim.results import Results, RunDirectory
from credsim.results.findings import key_findings
from credsim.results.intervals import (
    aggregate_summaries,
    aggregate_timeseries,
    expected_coverage,
    figure_rows,
)
from credsim.scenario import Scenario

__all__ = ["ReplicateTask", "replicate_seeds", "run_replicate", "run_replicates"]


@dataclass(frozen=True)
class ReplicateTask:
    """One replicate: the resolved scenario, its seed, and where to keep its full run (or not)."""

    replicate: int
    seed: int
    scenario: dict[str, Any]
    keep_dir: str | None = None


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """The seed of each replicate (those of a sweep's replicates with the same seed)."""
    return [derive_seed(seed, 0, r) for r in range(replicates)]


def run_replicate(task: ReplicateTask) -> dict[str, Any]:
    """Run one replicate (in a backend's worker); return its summary, time series and run facts."""
    from credsim.runner import run
    from credsim.scenario import load_scenario

    scenario = load_scenario(task.scenario, seed=task.seed)
    if task.keep_dir is not None:
        results = run(scenario, out=task.keep_dir)
        return _returned(results)
    scratch = Path(tempfile.mkdtemp(prefix="credsim-replicate-"))
    try:
        return _returned(run(scenario, out=scratch / "run"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _returned(results: Results) -> dict[str, Any]:
    path = results.path / "timeseries.parquet"
    return {
        "summary": results.summary,
        "run_info": results.run_info,
        "timeseries": pd.read_parquet(path) if path.is_file() else None,
    }


def check_replicates(replicates: int) -> None:
    """Refuse a replicate count below 1."""
    if replicates < 1:
        raise UserError(
            f"--replicates {replicates}: give at least 1 replicate (K runs with seeds derived "
            "from --seed; 20 or more give a 90% interval that covers a fresh run 9 times in 10)."
        )


def run_replicates(
    scenario: Scenario,
    out: str | Path,
    replicates: int,
    backend: Backend | None = None,
    on_replicate: Callable[[int], None] | None = None,
    force: bool = False,
    ensemble: Ensemble | None = None,
) -> Results:
    """Run `replicates` seeds of `scenario` on `backend` (default: local processes, one per core)
    and write the run directory `out` (atomically; an earlier run there is replaced only with
    `force`); `on_replicate(r)` as each one finishes. With `ensemble`, replicate r also takes the
    values of the calibration's accepted point r mod its points."""
    check_replicates(replicates)
    started = time.perf_counter()
    base = scenario.to_dict()
    seed = scenario.model.seed
    seeds = replicate_seeds(seed, replicates)
    points = ensemble.settings if ensemble is not None else [{}]

    def resolved(r: int) -> dict[str, Any]:
        with_point = scenario_with(base, points[r % len(points)])
        if r == 0:
            return scenario_with(with_point, {"output.report": False})
        return quiet_output(with_point)

    backend = backend if backend is not None else LocalBackend()
    done: dict[int, dict[str, Any]] = {}
    with RunDirectory(Path(out), force=force) as rundir:
        kept = rundir.path / ".replicate-000"
        tasks = [
            ReplicateTask(r, s, resolved(r), str(kept) if r == 0 else None)
            for r, s in enumerate(seeds)
        ]
        with backend:
            for task, result in backend.map_unordered(run_replicate, tasks):
                done[task.replicate] = result
                if on_replicate is not None:
                    on_replicate(task.replicate)
        ordered = [done[r] for r in range(replicates)]
        for name in ("events", "citizens.parquet"):
            if (kept / name).exists():
                (kept / name).rename(rundir.path / name)
        shutil.rmtree(kept, ignore_errors=True)
        wall = time.perf_counter() - started
        _write(rundir, scenario, ordered, seeds, backend, wall, ensemble)
        if scenario.model.output.report:
            from credsim.report import write_report

            write_report(rundir.path)
    return Results(out)


def _write(
    rundir: RunDirectory,
    scenario: Scenario,
    ordered: list[dict[str, Any]],
    seeds: list[int],
    backend: Backend,
    wall: float,
    ensemble: Ensemble | None = None,
) -> None:
    summaries = [r["summary"] for r in ordered]
    # Findings are sentences: they are written again from the means, not averaged.
    figures = [{k: v for k, v in s.items() if k != "key_findings"} for s in summaries]
    mean, low, high, partial = aggregate_summaries(figures)
    k = len(ordered)
    mean["seed"] = scenario.model.seed
    mean["replicates"] = {
        "count": k,
        "seeds": seeds,
        "interval": "p5-p95",
        "percentiles": "weibull (k-th of K sorted at k/(K+1))",
        "covers_a_fresh_run": expected_coverage(k),
        **({"partial": partial} if partial else {}),
    }
    for bound in (low, high):
        bound.pop("seed", None)
    if ensemble is not None:
        mean["ensemble"] = ensemble.describe(k)
    mean["p5"], mean["p95"] = low, high
    mean["key_findings"] = key_findings(mean)  # from the means, with their intervals
    rundir.write_text("scenario.toml", tomli_w.dumps(scenario.to_dict()))
    rundir.write_json("summary.json", mean)
    (rundir.path / "replicates").mkdir()
    for r, summary in enumerate(summaries):
        rundir.write_json(f"replicates/r{r:03d}.json", summary)
    rundir.write_parquet("replicates.parquet", _figures_table(figures, seeds))
    frames = [r["timeseries"] for r in ordered if r["timeseries"] is not None]
    if len(frames) == k and frames:
        names = ("timeseries.parquet", "timeseries_p5.parquet", "timeseries_p95.parquet")
        for name, frame in zip(names, aggregate_timeseries(frames), strict=True):
            rundir.write_parquet(name, pa.Table.from_pandas(frame, preserve_index=False))
    rundir.write_json("run.json", _run_info(ordered, scenario.model.seed, seeds, backend, wall))


def _figures_table(summaries: list[dict], seeds: list[int]) -> pa.Table:
    """One row per replicate and number of its summary: replicate, seed, figure, value."""
    replicate, seed, figure, value = [], [], [], []
    for r, summary in enumerate(summaries):
        rows = figure_rows(summary)
        replicate += [r] * len(rows)
        seed += [seeds[r]] * len(rows)
        figure += [key for key, _ in rows]
        value += [v for _, v in rows]
    return pa.table(
        {
            "replicate": pa.array(replicate, pa.int32()),
            "seed": pa.array(seed, pa.int64()),
            "figure": pa.array(figure, pa.string()),
            "value": pa.array(value, pa.float64()),
        }
    )


def _run_info(
    ordered: list[dict], seed: int, seeds: list[int], backend: Backend, wall: float
) -> dict:
    first = ordered[0]["run_info"]
    citizens, days = first.get("citizens", 0), first.get("days", 0)
    per_run = [r["run_info"].get("wall_seconds") for r in ordered]
    info = {k: v for k, v in first.items() if k not in ("phase_seconds", "event_rows_written")}
    info |= {
        "seed": seed,
        "replicates": len(ordered),
        "replicate_seeds": seeds,
        **backend.describe(),
        "wall_seconds": round(wall, 3),
        "replicate_wall_seconds": per_run,
        "agent_days_per_second": round(len(ordered) * citizens * days / max(wall, 1e-9)),
    }
    info.pop("loop_seconds", None)
    return info
