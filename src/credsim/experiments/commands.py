"""Command-line commands of credsim.experiments, added to the `credsim` app by `register`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credsim.progress import progress_bar

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this package's commands to `app` (none yet)."""
    from credsim.experiments.sweep_cli import sweep  # sweep: heavy imports stay inside it

    app.command()(sweep)
    app.command()(compare)


def compare(
    a: Annotated[str, typer.Argument(help="scenario A: bundled name or path to a TOML file")],
    b: Annotated[str, typer.Argument(help="scenario B: bundled name or path to a TOML file")],
    population: Annotated[int | None, typer.Option(help="citizens (agents) in both runs")] = None,
    days: Annotated[int | None, typer.Option(help="days both runs simulate")] = None,
    seed: Annotated[int | None, typer.Option(help="random seed of both runs")] = None,
    out: Annotated[Path | None, typer.Option(help="output directory to write")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="override a key in both scenarios: dotted.key=value"),
    ] = None,
    set_a: Annotated[
        list[str] | None, typer.Option("--set-a", help="override a key in scenario A only")
    ] = None,
    set_b: Annotated[
        list[str] | None, typer.Option("--set-b", help="override a key in scenario B only")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
    force: Annotated[
        bool, typer.Option(help="replace an earlier comparison in --out (refused without it)")
    ] = False,
    max_memory: Annotated[
        str | None,
        typer.Option(help="memory the runs may use, e.g. 20G (default: what is available)"),
    ] = None,
) -> None:
    """Twin run: A and B on the same citizens with the same random draws, compared per citizen."""
    import json

    from rich.console import Console

    from credsim.engine.memory import parse_size, set_memory_limit
    from credsim.scenario.footprint import check_compare_fits

    if max_memory is not None:
        set_memory_limit(parse_size(max_memory))
    from credsim.experiments.compare import compare as run_compare
    from credsim.experiments.compare import load_twins
    from credsim.results.paths import check_out_path, default_out

    if out is not None:
        check_out_path(out)
    options = {"population": population, "days": days, "seed": seed, "overrides": set_}
    twin_a, twin_b = load_twins(a, b, overrides_a=set_a, overrides_b=set_b, **options)
    check_compare_fits(twin_a, twin_b)  # before the progress bar and anything written
    if out is None:
        out = default_out(f"compare-{twin_a.name}-{twin_b.name}")
    err = Console(stderr=True)
    progress = progress_bar(err, "days", quiet=quiet or json_)
    with progress:
        tasks = {
            side: progress.add_task(f"{side.upper()}: {s.name}", total=s.model.days)
            for side, s in (("a", twin_a), ("b", twin_b))
        }
        result = run_compare(
            twin_a,
            twin_b,
            out=out,
            on_day=lambda side, _d: progress.advance(tasks[side]),
            force=force,
        )
    data = result.data
    if json_:
        print(json.dumps(data, indent=2))
        return
    _print_comparison(Console(), data, result.path)


def _print_comparison(console, data: dict, path: Path) -> None:
    """A short table of the twin run's headline differences."""
    from rich.table import Table

    table = Table(title=f"twin run: A = {data['a']['scenario']}, B = {data['b']['scenario']}")
    table.add_column("figure")
    table.add_column("A", justify="right")
    table.add_column("B", justify="right")
    sa, sb = data["summary_a"], data["summary_b"]
    for key in ("records_misattributed", "records_fabricated", "sanctioned", "sanctioned_wrongful"):
        if key in sa and key in sb:
            table.add_row(key.replace("_", " "), f"{sa[key]:,}", f"{sb[key]:,}")
    table.add_row(
        "sanctioned under one run only",
        f"{data['sanctioned_only_a']:,}",
        f"{data['sanctioned_only_b']:,}",
    )
    if data.get("ever_listed_only_a") is not None:
        table.add_row(
            "ever listed under one run only",
            f"{data['ever_listed_only_a']:,}",
            f"{data['ever_listed_only_b']:,}",
        )
    score = data.get("score")
    if score:
        table.add_row(f"score change B - A ({score['policy']}): mean", "", f"{score['mean']:+.3f}")
        table.add_row("citizens whose score differs", "", f"{score['changed']:,}")
    console.print(table)
    console.print(f"comparison: {path}", soft_wrap=True, highlight=False)
