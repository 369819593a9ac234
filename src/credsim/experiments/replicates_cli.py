"""`credsim run --replicates K`: check the flags, run the replicates with a progress bar, print
the means with their 90% intervals."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.console import Console

from credsim.errors import UserError

__all__ = ["run_replicates_cli"]


def run_replicates_cli(
    scenario: str,
    options: dict[str, Any],
    replicates: int | None,
    workers: int | None,
    backend: str,
    address: str | None,
    threads: int | None,
    out: Path | None,
    plan: bool,
    quiet: bool,
    given: dict[str, Any],
    out_console: Console,
    err_console: Console,
    *,
    force: bool = False,
    timeout: float | None = None,
    ensemble: Path | None = None,
) -> None:
    """Refuse flags that do not go with --replicates, then run and print as `credsim run`
    (`force` replaces an earlier run in `out`; `timeout` bounds joining a Ray cluster; `ensemble`,
    a calibration directory whose accepted points the replicates take in turn)."""
    from credsim.cli_tables import print_plan, print_results
    from credsim.experiments.backends import make_backend
    from credsim.experiments.replicates import check_replicates, run_replicates
    from credsim.progress import progress_bar
    from credsim.results.paths import default_out
    from credsim.scenario import load_scenario

    points = None
    if ensemble is not None:
        from credsim.experiments.ensemble import load_ensemble

        points = load_ensemble(ensemble)
        replicates = replicates if replicates is not None else len(points.settings)
    if replicates is None:
        raise UserError(
            f"--workers {workers}: sets how many replicates run at a time; add --replicates K "
            "(a single run uses Numba threads: --threads)."
        )
    check_replicates(replicates)
    clash = [flag for flag, value in given.items() if value is not None]
    if clash:
        raise UserError(
            f"--{'ensemble' if points else 'replicates'} with {' and '.join(clash)}: "
            "replicates run whole, unsharded and "
            "without checkpoints (each is short beside a national run); drop "
            f"{' and '.join(clash)}, or run a single seed without --replicates."
        )
    but_for = options.pop("but_for")
    overrides = list(options.pop("overrides") or [])
    if but_for is not None:
        overrides.append(f"but_for={'true' if but_for else 'false'}")
    loaded = load_scenario(scenario, overrides=overrides, **options)
    if points is not None:  # every point's keys exist in this scenario and take its values
        from credsim.errors import ScenarioError
        from credsim.experiments.sweep_task import scenario_with

        for trial, settings in zip(points.trials, points.settings, strict=True):
            try:
                load_scenario(scenario_with(loaded.to_dict(), settings))
            except ScenarioError as err:
                raise UserError(
                    f"--ensemble {ensemble}: accepted trial {trial} does not fit scenario "
                    f"{loaded.name!r}: {err}"
                ) from None
    if plan:
        print_plan(out_console, loaded)
        return
    chosen = make_backend(
        backend, workers=workers, address=address, threads=threads, timeout=timeout
    )
    if address is None:  # the replicates run on this machine, some at a time
        from credsim.scenario.footprint import check_replicates_fit

        at_once = min(getattr(chosen, "workers", None) or os.cpu_count() or 1, replicates)
        check_replicates_fit(loaded, at_once)
    if out is None:
        out = default_out(f"{loaded.name}-{'ensemble' if points else 'x'}{replicates}")
    progress = progress_bar(err_console, "replicates", quiet=quiet)
    with progress:
        task = progress.add_task(f"{loaded.name} x{replicates}", total=replicates)
        results = run_replicates(
            loaded,
            out,
            replicates,
            chosen,
            on_replicate=lambda _r: progress.advance(task),
            force=force,
            ensemble=points,
        )
    if not quiet:
        print_results(out_console, results)
