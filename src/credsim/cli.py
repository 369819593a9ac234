"""The `credsim` command: run scenarios, list them, print a run's plan, rebuild a report."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from credsim.cli_tables import print_plan, print_results
from credsim.engine import stop
from credsim.engine.threads import wait_passively
from credsim.errors import UserError
from credsim.progress import RunProgress

__all__ = ["app", "main"]

app = typer.Typer(
    add_completion=False,
    help="Simulate a social credit system over a synthetic population.",
)
out_console = Console()
err_console = Console(stderr=True)


def _print_version(value: bool) -> None:
    if value:
        from credsim.version import __version__

        out_console.print(f"credsim {__version__}", highlight=False)
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Simulate a social credit system over a synthetic population."""
    if ctx.invoked_subcommand is None:  # `credsim` alone: the help, and success
        out_console.print(ctx.get_help(), highlight=False, markup=False)
        raise typer.Exit()


@app.command()
def run(
    scenario: Annotated[
        str, typer.Argument(help="bundled scenario name or path to a TOML file")
    ] = "default",
    population: Annotated[int | None, typer.Option(help="citizens (agents) to simulate")] = None,
    days: Annotated[int | None, typer.Option(help="days to simulate")] = None,
    seed: Annotated[int | None, typer.Option(help="random seed")] = None,
    start: Annotated[
        str | None, typer.Option(help="date of the first day, YYYY-MM-DD (default 2020-01-01)")
    ] = None,
    end: Annotated[
        str | None, typer.Option(help="date of the last day, YYYY-MM-DD (sets the days)")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="run directory to write")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="override a scenario key: dotted.key=value (repeatable)"),
    ] = None,
    plan: Annotated[bool, typer.Option(help="print the phases of a day and exit")] = False,
    quiet: Annotated[bool, typer.Option(help="no progress bar and no summary table")] = False,
    checkpoint_every: Annotated[
        int | None,
        typer.Option(help="save a checkpoint every DAYS days in <out>.partial/ (see --resume)"),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option(help="finish the interrupted run whose --out was RUN_DIR from its checkpoint"),
    ] = None,
    but_for: Annotated[
        bool | None,
        typer.Option(
            "--but-for/--no-but-for",
            help="step the run without erroneous records beside it, for but-for harm figures "
            "(default: the scenario's but_for, on in most bundled scenarios; 1.5-2x the time)",
        ),
    ] = None,
    shards: Annotated[
        int | None,
        typer.Option(help="split the run by province into SHARDS shards (same summary)"),
    ] = None,
    backend: Annotated[
        str,
        typer.Option(
            help="where shards run: local (this process, one after another), processes (one "
            "process each, on this machine's cores) or ray (actors)"
        ),
    ] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster to join for --backend ray (default: start one)")
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(help="Numba threads (per shard with --shards; default: all, or 1 per shard)"),
    ] = None,
    alongside: Annotated[
        bool | None,
        typer.Option(
            "--but-for-alongside/--but-for-first",
            help="step the counterfactual in a second process while the run steps (faster on "
            "two cores; both in memory) or first, alone (least memory); the same results "
            "(default: alongside when two cores are free, the run is long and both fit)",
        ),
    ] = None,
    replicates: Annotated[
        int | None,
        typer.Option(help="run K seeds; figures are means with 90% intervals (docs/replicates.md)"),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="--replicates: runs at a time (default: one per core)")
    ] = None,
    ensemble: Annotated[
        Path | None,
        typer.Option(
            help="run the points a calibration accepted (its directory), one per "
            "replicate (docs/calibration.md)"
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option(help="replace an earlier run in --out (refused without it)")
    ] = False,
    connect_timeout: Annotated[
        float | None,
        typer.Option(help="ray --address: seconds to wait for the cluster (default 30)"),
    ] = None,
    max_memory: Annotated[
        str | None,
        typer.Option(help="memory the run may use, e.g. 20G (default: what is available)"),
    ] = None,
) -> None:
    """Run a scenario and write its run directory."""
    from credsim.api import run as run_scenario
    from credsim.engine.memory import parse_size, set_memory_limit
    from credsim.results.paths import check_out_path, default_out
    from credsim.scenario import load_scenario
    from credsim.scenario.footprint import check_run_fits, check_shards_fit

    if max_memory is not None:  # before the scenario loads: its population is checked too
        set_memory_limit(parse_size(max_memory))
    if out is not None and resume is None:  # before anything runs
        check_out_path(out)
    if connect_timeout is not None:
        from credsim.experiments.backends.ray import connect_timeout as check_timeout

        check_timeout(connect_timeout)

    if replicates is not None or workers is not None or ensemble is not None:
        from credsim.experiments.replicates_cli import run_replicates_cli

        given = {"--resume": resume, "--checkpoint-every": checkpoint_every, "--shards": shards}
        options = {"population": population, "days": days, "seed": seed, "start": start}
        options |= {"end": end, "overrides": set_, "but_for": but_for}
        run_replicates_cli(scenario, options, replicates, workers, backend, address, threads,
                           out, plan, quiet, given, out_console, err_console,
                           force=force, timeout=connect_timeout, ensemble=ensemble)  # fmt: skip
        return
    if resume is not None:
        from credsim.experiments.checkpoint_cli import resume_with_progress

        given = {"SCENARIO": scenario != "default", "--population": population, "--days": days}
        given |= {"--seed": seed, "--out": out, "--set": set_, "--plan": plan or None}
        given |= {"--start": start, "--end": end, "--force": force or None}
        results = resume_with_progress(resume, checkpoint_every, given, err_console, quiet)
        if not quiet:
            print_results(out_console, results)
        return
    if but_for is not None:
        set_ = [*(set_ or []), f"but_for={'true' if but_for else 'false'}"]
    loaded = load_scenario(
        scenario,
        overrides=set_,
        population=population,
        days=days,
        seed=seed,
        start=start,
        end=end,
    )
    if plan:
        print_plan(out_console, loaded)
        return
    if threads is not None and threads < 1:
        raise UserError(f"--threads {threads}: give at least 1 thread.")
    if threads is not None and shards is None:
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    if alongside is not None and shards is not None:
        flag = "--but-for-alongside" if alongside else "--but-for-first"
        raise UserError(
            f"{flag}: each shard of a sharded run steps its counterfactual first; leave out "
            f"{flag}, or --shards."
        )
    if alongside and checkpoint_every is not None:
        raise UserError(
            "--but-for-alongside: a checkpointed run steps its counterfactual first (and "
            "checkpoints it too); leave out --but-for-alongside, or --checkpoint-every."
        )
    if shards is None and (backend != "local" or address is not None):
        raise UserError(
            "--backend and --address choose where shards or replicates run: add --shards N or "
            "--replicates K."
        )
    if shards is None:  # refused before anything is written
        if alongside is None and checkpoint_every is None:
            from credsim.scenario.twin_choice import twin_alongside

            alongside = twin_alongside(loaded)
        alongside = bool(alongside) and loaded.model.but_for
        check_run_fits(loaded, alongside=alongside)
    else:
        check_shards_fit(loaded, shards, backend, address)
    if out is None:
        out = default_out(loaded.name)
    with RunProgress(err_console, loaded.name, loaded.model.days, quiet=quiet) as progress:
        if shards is not None:
            from credsim.experiments.sharding import run_sharded

            results = run_sharded(
                loaded,
                out,
                shards,
                backend,
                address,
                threads=threads or 1,
                on_day=progress.on_day,
                checkpoint_every=checkpoint_every,
                force=force,
                timeout=connect_timeout,
                on_but_for_day=progress.on_but_for_day,
            )
        else:
            results = run_scenario(
                loaded,
                out=out,
                on_day=progress.on_day,
                on_but_for_day=progress.on_but_for_day,
                checkpoint_every=checkpoint_every,
                force=force,
                alongside=alongside,
            )
    if not quiet:
        print_results(out_console, results)


@app.command()
def scenarios() -> None:
    """List the bundled scenarios."""
    from credsim.scenario import bundled_scenarios

    table = Table(title="bundled scenarios")
    table.add_column("name")
    table.add_column("description")
    for name, description in bundled_scenarios().items():
        table.add_row(name, description)
    out_console.print(table)


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="a run directory")],
    figures: Annotated[
        Path | None, typer.Option(help="also save each figure as PNG and SVG here")
    ] = None,
) -> None:
    """Write (again) the report.html of a run directory."""
    from credsim.report import write_report
    from credsim.report.helper import start_helper
    from credsim.results.commands import readable_run
    from credsim.results.paths import check_out_path

    if figures is not None:
        check_out_path(figures, "--figures", temp_extra=0)
    with readable_run(run_dir):
        summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
        helper = start_helper(int(summary.get("citizens", 0)))
        with helper or contextlib.nullcontext():
            path = write_report(run_dir, figures, helper)
    out_console.print(f"wrote {path}")


def _register_packages() -> None:
    """Commands that live with their package (experiments, calibration, validation, the
    dashboard) or in a module of their own (faceid; population and dossier)."""
    from credsim.calibration.commands import register as register_calibration
    from credsim.cli_faceid import register as register_faceid
    from credsim.cli_people import register as register_people
    from credsim.experiments.commands import register as register_experiments
    from credsim.results.commands import register as register_results
    from credsim.validation.commands import register as register_validation
    from credsim.web.commands import register as register_web

    for register in (
        register_people,
        register_experiments,
        register_calibration,
        register_validation,
        register_web,
        register_results,
        register_faceid,
    ):
        register(app)


_register_packages()


def _stop(signum: int, _frame: object) -> None:
    # SystemExit unwinds through the run directory, which removes what it half-wrote; the day
    # loops and the directory's commit exit too should a finaliser have swallowed this one.
    stop.ask(signum)


def main() -> None:
    """Entry point: user errors end in one paragraph and exit code 2, never a traceback."""
    import signal

    from credsim.results.paths import disk_full, is_disk_full

    wait_passively()
    before = {n: signal.getsignal(n) for n in (signal.SIGTERM, signal.SIGHUP)}
    for number, handler in before.items():
        if handler is signal.SIG_DFL:  # a terminal closed or `kill`: clean up, then end
            signal.signal(number, _stop)
    try:
        try:
            app()  # usage errors (a flag of the wrong type) exit 2 with click's message
        except OSError as err:
            if not is_disk_full(err):
                raise
            raise disk_full(err, Path(err.filename or ".")) from None
        finally:
            for number, handler in before.items():
                signal.signal(number, handler)
            stop.forget()
    except UserError as err:
        # Escaped: a message naming an extra ('credsim[web]') must print its brackets.
        message = f"[bold red]error:[/bold red] {escape(str(err))}"
        err_console.print(message, highlight=False, soft_wrap=True)
        sys.exit(2)
