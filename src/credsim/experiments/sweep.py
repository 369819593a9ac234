"""Run a sweep: check it, plan one task per design point and replicate, hand the tasks to a
backend, stream one row per finished run to Parquet, and summarise.

A sweep directory holds `sweep.toml` (the sweep file as given), `scenario.toml` (the resolved
base scenario), `outcomes.parquet` (one row per run), `summary.json` (per-point means and 95%
confidence intervals) and, for Sobol' designs, `sobol.parquet` and `sobol.json`. While the sweep
runs, finished rows are in `parts/`; with `keep_runs`, each run directory is under `runs/`. An
interrupted sweep is finished with `resume=True` (`credsim sweep SWEEP.toml --out DIR --resume`),
which runs only what `parts/` lacks.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import tomli_w

from credsim.errors import UserError
from credsim.experiments.backends import Backend, LocalBackend
from credsim.experiments.design import Parameter
from credsim.experiments.outcomes import point_summaries
from credsim.experiments.outcomes_writer import OutcomeWriter, write_json_atomic, write_text_atomic
from credsim.experiments.sweep_check import PreparedSweep, prepare_sweep, quiet_output
from credsim.experiments.sweep_file import Sweep
from credsim.experiments.sweep_task import RunTask, derive_seed, run_task
from credsim.results.paths import check_out_path, disk_full, is_disk_full

__all__ = [
    "SweepResult",
    "check_sweep_out",
    "plan_tasks",
    "run_sweep",
    "runs_kept",
    "sweep_schema",
]

MARKER = "sweep.toml"
_OLD_FILES = ("outcomes.parquet", "summary.json", "sobol.parquet", "sobol.json", "scenario.toml")


@dataclass
class SweepResult:
    """A finished sweep: its directory, the outcomes table and the summary."""

    path: Path
    outcomes: pa.Table
    summary: dict[str, Any]


def _column_type(p: Parameter) -> pa.DataType:
    if p.kind == "real":
        return pa.float64()
    if p.kind == "integer":
        return pa.int64()
    try:
        return pa.array(list(p.values)).type
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.string()


def sweep_schema(sweep: Sweep) -> pa.Schema:
    """point, replicate, seed, one column per parameter, one float64 per outcome, wall_seconds."""
    fields = [
        pa.field("point", pa.int64()),
        pa.field("replicate", pa.int64()),
        pa.field("seed", pa.int64()),
        *(pa.field(p.name, _column_type(p)) for p in sweep.parameters),
        *(pa.field(o.name, pa.float64()) for o in sweep.outcomes),
        pa.field("wall_seconds", pa.float64()),
    ]
    return pa.schema(fields)


def plan_tasks(prepared: PreparedSweep, runs_dir: Path | None = None) -> list[RunTask]:
    """One task per design point and replicate, replicates of a point next to each other."""
    sweep, model = prepared.sweep, prepared.sweep.model
    base = prepared.base if runs_dir is not None else quiet_output(prepared.base)
    keys = {p.name: p.key for p in sweep.parameters}
    outcome_keys = tuple(o.key for o in sweep.outcomes)
    tasks = []
    for point, values in enumerate(prepared.design.points):
        settings = {keys[name]: value for name, value in values.items()}
        for replicate in range(model.replicates):
            seed = derive_seed(model.seed, point, replicate, common=model.seeds == "common")
            run_dir = None if runs_dir is None else str(runs_dir / f"p{point:05d}-r{replicate:03d}")
            tasks.append(RunTask(point, replicate, seed, base, settings, outcome_keys, run_dir))
    return tasks


def _sweep_text(spec: Sweep) -> str:
    """The sweep file as written to the sweep directory."""
    return spec.text or tomli_w.dumps(spec.model.model_dump(exclude_none=True))


def _reopen_directory(out: Path, spec: Sweep) -> set[tuple[int, int]]:
    """For --resume: check that `out` holds this very sweep, unfinished; return the (point,
    replicate) pairs whose rows are already in its parts."""
    if not (out / MARKER).is_file():
        raise UserError(f"--resume {out}: no sweep there (no {MARKER}); check --out.")
    if (out / MARKER).read_text(encoding="utf-8") != _sweep_text(spec):
        raise UserError(
            f"--resume {out}: that directory holds a different sweep (its {MARKER} differs from "
            "the sweep file given); resume with the same file, or start a new --out."
        )
    if (out / "outcomes.parquet").is_file() and not (out / "parts").is_dir():
        raise UserError(f"--resume {out}: that sweep has finished; its results are there.")
    done: set[tuple[int, int]] = set()
    schema = sweep_schema(spec)
    for part in sorted((out / "parts").glob("part-*.parquet")):
        try:
            table = pq.read_table(part, schema=schema, columns=["point", "replicate"])
        except (pa.ArrowInvalid, OSError) as err:
            raise UserError(f"--resume {out}: cannot read {part.name} ({err}).") from None
        done.update(zip(table["point"].to_pylist(), table["replicate"].to_pylist(), strict=True))
    return done


def runs_kept(out: Path) -> int:
    """Rows an interrupted sweep in `out` has kept (in its parts)."""
    return sum(pq.ParquetFile(p).metadata.num_rows for p in Path(out).glob("parts/part-*.parquet"))


def check_sweep_out(out: Path, force: bool = False, resume: bool = False) -> None:
    """Refuse, before any run, an `--out` the sweep may not write: not a directory path, a
    non-empty directory that holds no sweep, or an earlier sweep without `force`."""
    check_out_path(out)
    if resume:
        return
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UserError(f"--out {out}: exists and is not a directory.")
    if not out.is_dir() or not any(out.iterdir()):
        return
    if not (out / MARKER).is_file():
        raise UserError(
            f"--out {out}: the directory is not empty and holds no credsim sweep; choose a new "
            "directory (credsim replaces only its own results, and only with --force)."
        )
    if not force:
        unfinished = (out / "parts").is_dir() or not (out / "outcomes.parquet").is_file()
        hint = " (unfinished: finish it with --resume)" if unfinished else ""
        raise UserError(
            f"--out {out}: holds an earlier credsim sweep{hint}; add --force to replace it, or "
            "choose another --out."
        )


def _open_directory(out: Path, force: bool) -> None:
    """Refuse what `check_sweep_out` refuses; clear an earlier sweep's results."""
    check_sweep_out(out, force)
    for name in _OLD_FILES:
        (out / name).unlink(missing_ok=True)
    for folder in ("parts", "runs"):
        shutil.rmtree(out / folder, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def _row(task: RunTask, result: dict[str, Any], sweep: Sweep, values: dict) -> dict[str, Any]:
    row: dict[str, Any] = {"point": task.point, "replicate": task.replicate, "seed": task.seed}
    row.update(values)
    for outcome in sweep.outcomes:
        row[outcome.name] = result["outcomes"].get(outcome.key)
    row["wall_seconds"] = round(float(result["wall_seconds"]), 3)
    return row


def run_sweep(
    sweep: Sweep | PreparedSweep | str | Path | dict[str, Any],
    *,
    out: str | Path,
    backend: Backend | None = None,
    keep_runs: bool = False,
    on_run: Callable[[dict[str, Any]], None] | None = None,
    resume: bool = False,
    force: bool = False,
) -> SweepResult:
    """Check and run a sweep into directory `out` (default backend: local, one worker per core).

    `on_run(row)` is called in this process as each run finishes. With `resume`, `out` must hold
    the same sweep, interrupted: the runs whose rows it kept are not run again (each run's seed
    is fixed by its point and replicate, so the finished sweep is the same). Without it, an
    earlier sweep in `out` is replaced only with `force`.
    """
    out = Path(out)
    check_sweep_out(out, force, resume)
    prepared = sweep if isinstance(sweep, PreparedSweep) else prepare_sweep(sweep)
    backend = backend if backend is not None else LocalBackend()
    try:
        with backend:  # joined first: an unreachable cluster leaves nothing under --out
            done, tasks, writer, wall = _run_tasks(
                prepared, out, backend, keep_runs, on_run, resume, force
            )
    except OSError as err:
        if not is_disk_full(err):
            raise
        done_text = "Runs that finished are kept in its parts/: free some space, then --resume."
        raise disk_full(err, out, done=done_text) from None
    table = writer.finish()
    summary = _summary(prepared, table, backend, wall, len(tasks))
    if resume:
        summary["resumed_with_runs_done"] = len(done)
    if prepared.design.kind == "sobol":
        from credsim.experiments.outcomes_sobol import write_sobol

        summary["sobol"] = write_sobol(prepared, table, out)
    write_json_atomic(out / "summary.json", summary)
    return SweepResult(out, table, summary)


def _run_tasks(
    prepared: PreparedSweep,
    out: Path,
    backend: Backend,
    keep_runs: bool,
    on_run: Callable[[dict[str, Any]], None] | None,
    resume: bool,
    force: bool,
) -> tuple[set[tuple[int, int]], list[RunTask], OutcomeWriter, float]:
    """Open (or reopen) the sweep directory and run what it lacks on the entered backend."""
    spec = prepared.sweep
    done: set[tuple[int, int]] = set()
    if resume:
        done = _reopen_directory(out, spec)
    else:
        _open_directory(out, force)
        write_text_atomic(out / MARKER, _sweep_text(spec))
    write_text_atomic(out / "scenario.toml", tomli_w.dumps(prepared.base))
    tasks = plan_tasks(prepared, out / "runs" if keep_runs else None)
    tasks = [t for t in tasks if (t.point, t.replicate) not in done]
    writer = OutcomeWriter(out, sweep_schema(spec))
    started = time.perf_counter()
    try:
        for task, result in backend.map_unordered(run_task, tasks):
            row = _row(task, result, spec, prepared.design.points[task.point])
            writer.add(row)
            if on_run is not None:
                on_run(row)
    finally:
        writer.flush()  # on a crash, every finished run stays readable in parts/
    return done, tasks, writer, time.perf_counter() - started


def _summary(
    prepared: PreparedSweep, table: pa.Table, backend: Backend, wall: float, ran: int
) -> dict[str, Any]:
    spec = prepared.sweep
    model = spec.model
    frame = table.to_pandas()
    outcome_names = [o.name for o in spec.outcomes]
    return {
        "sweep": spec.name,
        "description": model.description,
        "scenario": model.scenario,
        "seed": model.seed,
        "seeds": model.seeds,
        "design": {"kind": prepared.design.kind, **prepared.design.settings},
        "points": len(prepared.design),
        "replicates": model.replicates,
        "runs": table.num_rows,
        "population": prepared.base["population"].get("size"),
        "days": prepared.base["days"],
        **backend.describe(),
        "wall_seconds": round(wall, 3),
        "runs_per_minute": round(60 * ran / max(wall, 1e-9), 3),
        "parameters": [
            {
                "name": p.name,
                "key": p.key,
                "role": p.role,
                "kind": p.kind,
                **({"values": list(p.values)} if p.kind == "categorical" else {}),
                **({"low": p.low, "high": p.high} if p.kind != "categorical" else {}),
            }
            for p in spec.parameters
        ],
        "outcomes": [{"name": o.name, "key": o.key, "goal": o.goal} for o in spec.outcomes],
        "by_point": point_summaries(frame, [p.name for p in spec.parameters], outcome_names),
    }
