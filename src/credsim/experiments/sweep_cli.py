"""`credsim sweep SWEEP.toml`: check a sweep, run it on a backend with a progress bar, print the
per-point results. Heavy imports stay inside the command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from credsim.errors import UserError
from credsim.progress import progress_bar

__all__ = ["sweep"]


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return str(value)


def _mean_ci(stats: dict[str, Any]) -> str:
    if stats["mean"] is None:
        return "-"
    if stats["ci95_high"] is None:
        return _cell(stats["mean"])
    half = (stats["ci95_high"] - stats["ci95_low"]) / 2
    return f"{_cell(stats['mean'])} ±{_cell(half)}"


def _plan_text(prepared, backend) -> str:
    sweep = prepared.sweep
    base = prepared.base
    return (
        f"sweep {sweep.name!r}: {prepared.design.kind}, {len(prepared.design)} points x "
        f"{sweep.model.replicates} replicates = {prepared.runs} runs of scenario "
        f"{sweep.model.scenario!r} at {base['population'].get('size', 0):,} citizens x "
        f"{base['days']} days, backend {backend.name}"
    )


def _print_plan(console, prepared) -> None:
    from rich.table import Table

    table = Table(title="parameters")
    for column in ("name", "role", "scenario key", "range"):
        table.add_column(column, overflow="fold")
    for p in prepared.sweep.parameters:
        table.add_row(p.name, p.role, p.key, p.describe())
    console.print(table)
    shown = ", ".join(o.key for o in prepared.sweep.outcomes)
    console.print(f"outcomes: {shown}", highlight=False)


def _results_table(summary: dict[str, Any], limit: int = 20, outcome_limit: int = 4):
    from rich.table import Table

    table = Table(title=f"sweep {summary['sweep']}: mean ±95% CI half-width across replicates")
    table.add_column("point", justify="right")
    parameters = [p["name"] for p in summary["parameters"]]
    outcomes = [o["name"] for o in summary["outcomes"]][:outcome_limit]
    for name in [*parameters, *outcomes]:
        table.add_column(name, justify="right", overflow="fold")
    for row in summary["by_point"][:limit]:
        table.add_row(
            str(row["point"]),
            *(_cell(row["parameters"][n]) for n in parameters),
            *(_mean_ci(row["outcomes"][n]) for n in outcomes),
        )
    points, kept = len(summary["by_point"]), len(summary["outcomes"])
    if points > limit or kept > outcome_limit:
        table.caption = (
            f"{min(points, limit)} of {points} points, {len(outcomes)} of {kept} outcomes; "
            "all of them in summary.json"
        )
    return table


def sweep(
    sweep_file: Annotated[
        str, typer.Argument(help="sweep file (TOML), or the name of a bundled sweep")
    ],
    backend: Annotated[str, typer.Option(help="where runs execute: local or ray")] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="ray: the cluster to join (e.g. auto, HOST:6379); default: start one"),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="runs at a time (default: one per core / cluster CPU)")
    ] = None,
    threads: Annotated[
        int | None, typer.Option(help="Numba threads in each run (default 1)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="sweep directory (default: runs/sweep-NAME-TIME)")
    ] = None,
    keep_runs: Annotated[
        bool, typer.Option(help="keep each run's full directory under DIR/runs")
    ] = False,
    plan: Annotated[bool, typer.Option(help="check the sweep, print its design, exit")] = False,
    quiet: Annotated[bool, typer.Option(help="no progress bar and no results table")] = False,
    resume: Annotated[
        bool, typer.Option(help="finish the interrupted sweep in --out (runs only what is left)")
    ] = False,
    force: Annotated[
        bool, typer.Option(help="replace an earlier sweep in --out (refused without it)")
    ] = False,
    connect_timeout: Annotated[
        float | None,
        typer.Option(help="ray --address: seconds to wait for the cluster (default 30)"),
    ] = None,
) -> None:
    """Run a scenario over a design of parameter values, with replicates, on a backend."""
    from rich.console import Console

    from credsim.experiments.backends import make_backend
    from credsim.experiments.sweep import check_sweep_out, run_sweep
    from credsim.experiments.sweep_check import prepare_sweep
    from credsim.experiments.sweep_file import resolve_sweep_source
    from credsim.results.paths import default_out

    out_console, err_console = Console(), Console(stderr=True)
    chosen = make_backend(
        backend, workers=workers, address=address, threads=threads, timeout=connect_timeout
    )
    if resume and out is None and not plan:
        raise UserError("--resume needs --out: the directory of the interrupted sweep.")
    if out is not None and not plan:  # before the probe run: nothing is run for a bad --out
        check_sweep_out(out, force, resume)
    with err_console.status("checking the sweep against its scenario", spinner="dots"):
        prepared = prepare_sweep(resolve_sweep_source(sweep_file))
    if plan:
        out_console.print(_plan_text(prepared, chosen), highlight=False, soft_wrap=True)
        _print_plan(out_console, prepared)
        return
    if out is None:
        out = default_out(f"sweep-{prepared.sweep.name}")
    if not quiet:
        err_console.print(_plan_text(prepared, chosen), highlight=False, soft_wrap=True)
    progress = progress_bar(err_console, "runs", quiet=quiet, eta=True)
    with progress:
        task = progress.add_task(prepared.sweep.name, total=prepared.runs)
        if resume:
            from credsim.experiments.sweep import runs_kept

            progress.update(task, completed=runs_kept(out))
        result = run_sweep(
            prepared,
            out=out,
            backend=chosen,
            keep_runs=keep_runs,
            on_run=lambda _row: progress.advance(task),
            resume=resume,
            force=force,
        )
    if not quiet:
        out_console.print(_results_table(result.summary))
        s = result.summary
        out_console.print(
            f"{s['runs']} runs in {s['wall_seconds']:.1f} s ({s['runs_per_minute']:.1f} runs/min) "
            f"on {s['backend']} with {s['workers']} workers",
            highlight=False,
        )
        out_console.print(f"sweep directory: {result.path}", soft_wrap=True, highlight=False)
