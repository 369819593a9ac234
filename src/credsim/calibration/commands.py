"""The `credsim calibrate` command, added to the `credsim` app by `register`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from credsim.progress import progress_bar

__all__ = ["calibrate_command", "register"]


def register(app: typer.Typer) -> None:
    """Add this package's commands to `app`."""
    app.command("calibrate")(calibrate_command)


def _number(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    return str(v)


def _print_result(console, result) -> None:
    from rich.table import Table

    s = result.summary
    table = Table(title=f"calibration {s['calibration']}: {s['accepted']} of {s['trials']} points "
                  f"accepted (largest implausibility < {s['cutoff']:g})")  # fmt: skip
    for column in ("parameter", "range", "best", "accepted 5%-95%", "accepted min-max"):
        table.add_column(column, justify="right" if column != "parameter" else "left")
    for p in s["parameters"]:
        spread = ("-", "-")
        if p["accepted"]:
            spread = (f"{_number(p['p05'])} - {_number(p['p95'])}",
                      f"{_number(p['min'])} - {_number(p['max'])}")  # fmt: skip
        span = f"{_number(p['low'])} - {_number(p['high'])}"
        table.add_row(p["parameter"], span, _number(p["best"]), *spread)
    console.print(table)
    fit = Table(title="fit: published vs the model over the accepted points' runs")
    for column in ("target", "dates", "published", "model median", "model 90%"):
        fit.add_column(column, justify="left" if column in ("target", "dates") else "right")
    for row in s["fit"]:
        band = f"{_number(row['model_p05'])} - {_number(row['model_p95'])}"
        fit.add_row(row["target"], row["dates"], _number(row["published"]),
                    _number(row["model_median"]), band)  # fmt: skip
    console.print(fit)
    if s.get("predictions"):
        ahead = Table(title="predictions, not fitted: the model over the accepted points' runs")
        for column in ("prediction", "dates", "model median", "model 90%", "held out"):
            ahead.add_column(
                column, justify="left" if column in ("prediction", "dates") else "right"
            )
        for row in s["predictions"]:
            band = f"{_number(row['model_p05'])} - {_number(row['model_p95'])}"
            held = (
                "-"
                if row["held_out"] is None
                else _number(row["held_out"])
                + (" (inside)" if row["held_out_inside_90"] else " (outside)")
            )
            ahead.add_row(row["prediction"], row["dates"], _number(row["model_median"]), band,
                          held)  # fmt: skip
        console.print(ahead)


def calibrate_command(
    calibration_file: Annotated[
        str, typer.Argument(help="calibration file (TOML), or the name of a bundled one")
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="calibration directory; an existing one is resumed (default: new)"),
    ] = None,
    trials: Annotated[
        int | None, typer.Option(help="points of the search (default: the file's trials)")
    ] = None,
    backend: Annotated[str, typer.Option(help="where runs execute: local or ray")] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="ray: the cluster to join (e.g. auto, HOST:6379); default: start one"),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="runs at a time (default: one per core / cluster CPU)")
    ] = None,
    threads: Annotated[int | None, typer.Option(help="Numba threads in each run")] = None,
    quiet: Annotated[bool, typer.Option(help="no progress bar and no tables")] = False,
) -> None:
    """Fit scenario parameters to published figures: search with Optuna, keep every point the
    figures do not rule out (history matching), write the fit. Rerun with the same --out to
    resume an interrupted calibration."""
    from rich.console import Console

    from credsim.calibration.calibrate import calibrate
    from credsim.calibration.check import prepare_calibration
    from credsim.calibration.file import load_calibration, resolve_calibration_source
    from credsim.calibration.search import import_optuna, open_study
    from credsim.errors import UserError
    from credsim.experiments.backends import make_backend

    if trials is not None and trials < 1:
        raise UserError(f"--trials {trials}: give at least 1 trial.")
    import_optuna()
    out_console, err_console = Console(), Console(stderr=True)
    chosen = make_backend(backend, workers=workers, address=address, threads=threads)
    with err_console.status("checking the calibration against its scenario", spinner="dots"):
        prepared = prepare_calibration(load_calibration(resolve_calibration_source(
            calibration_file)))  # fmt: skip
    if out is None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        out = Path("runs") / f"calibrate-{prepared.calibration.name}-{stamp}"
    m = prepared.calibration.model
    budget = trials or m.trials
    total = budget + m.refine * m.waves
    done = 0
    if (out / "study.db").is_file():
        done = sum(1 for t in open_study(out, prepared, budget).trials if t.value is not None)
    if not quiet:
        err_console.print(
            f"calibration {prepared.calibration.name!r}: {budget} search points ({m.sampler}) "
            f"and {m.waves} waves of {m.refine}, x {m.replicates} replicates of scenario "
            f"{prepared.scenario.name!r}, backend {chosen.name}"
            + (f"; resuming at {done} points" if done else ""),
            highlight=False, soft_wrap=True,
        )  # fmt: skip
    progress = progress_bar(err_console, "points", quiet=quiet, eta=True)
    with progress:
        task = progress.add_task(prepared.calibration.name, total=total, completed=min(done, total))
        result = calibrate(
            prepared, out, chosen, trials=budget, on_trial=lambda _n: progress.advance(task)
        )
    if not quiet:
        _print_result(out_console, result)
        rate = result.trials_run / max(result.wall_seconds, 1e-9) * 60
        out_console.print(
            f"{result.trials_run} points in {result.wall_seconds:.1f} s ({rate:.1f} points/min)",
            highlight=False,
        )
        out_console.print(f"calibration directory: {result.path}", soft_wrap=True, highlight=False)
