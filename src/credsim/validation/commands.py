"""Command-line commands of credsim.validation, added to the `credsim` app by `register`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]

FROM_RUN = "social-credit-institution"
"""The one experiment `--from-run` feeds."""


def _value(v: float | None) -> str:
    if v is None:
        return "-"
    if v != 0 and (abs(v) < 0.1 or abs(v) >= 1e4):
        return f"{v:.3g}"
    return f"{v:.3f}"


def _print_outcome(console, outcome) -> None:
    from rich.table import Table

    verdict = "[green]PASS[/green]" if outcome.passed else "[bold red]FAIL[/bold red]"
    table = Table(
        title=f"{outcome.name}: {outcome.title} ({outcome.mode}, {outcome.seconds:.1f} s) "
        f"{verdict}",
        title_justify="left",
    )
    for column, justify in (
        ("figure", "left"),
        ("credsim", "right"),
        ("published", "left"),
        ("tolerance", "left"),
        ("result", "left"),
    ):
        table.add_column(column, justify=justify)
    for check in outcome.checks:
        result = {True: "[green]pass[/green]", False: "[bold red]FAIL[/bold red]", None: "-"}[
            check.passed
        ]
        figure = check.figure + (f" [dim]({check.note})[/dim]" if check.note else "")
        table.add_row(figure, _value(check.credsim), check.published, check.tolerance, result)
    console.print(table)
    console.print(f"[dim]source: {outcome.source}[/dim]", highlight=False, soft_wrap=True)
    for note in outcome.notes:
        console.print(f"[dim]note: {note}[/dim]", highlight=False, soft_wrap=True)
    for path in outcome.figures:
        console.print(f"figure: {path}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add `credsim validate` to `app`."""

    @app.command()
    def validate(
        name: Annotated[
            str | None,
            typer.Argument(help="one reproduction (default: every reproduction, no experiments)"),
        ] = None,
        long: Annotated[
            bool, typer.Option("--long", help="the full versions (minutes), not the short CI ones")
        ] = False,
        json_: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
        seed: Annotated[int, typer.Option(help="random seed of the simulations")] = 1,
        fico_dir: Annotated[
            Path | None,
            typer.Option(help="folder of the FICO/TransRisk CSV files (default $CREDSIM_FICO_DIR)"),
        ] = None,
        figures: Annotated[
            Path | None, typer.Option(help="also save each reproduction's figure (SVG, PNG) here")
        ] = None,
        list_: Annotated[bool, typer.Option("--list", help="list the reproductions")] = False,
        from_run: Annotated[
            Path | None,
            typer.Option(
                "--from-run",
                help="social-credit-institution only: measure record errors, bought points and "
                "opacity from this credsim run directory and run the institution there too",
            ),
        ] = None,
        policy: Annotated[
            str | None,
            typer.Option(help="with --from-run: the policy to measure (default: the primary one)"),
        ] = None,
    ) -> None:
        """Reproduce published results inside credsim; exit 1 when a figure is off tolerance."""
        import json

        from rich.console import Console

        from credsim.errors import UserError
        from credsim.validation.outcome import Settings
        from credsim.validation.registry import get, registered, run

        out, err = Console(), Console(stderr=True)
        known = registered()
        if list_:
            for item in known.values():
                kind = "experiment" if item.experiment else "reproduction"
                out.print(f"{item.name:<28} {kind:<13} {item.title}", highlight=False)
            return
        chosen = [get(name)] if name else [r for r in known.values() if not r.experiment]
        if from_run is not None and name != FROM_RUN:
            raise UserError(
                f"--from-run applies to one experiment only: `credsim validate {FROM_RUN} "
                f"--from-run {from_run}`" + (f" (not {name!r})." if name else ".")
            )
        if policy is not None and from_run is None:
            raise UserError("--policy needs --from-run RUN_DIR (the run whose policy to measure).")
        settings = Settings(
            long=long,
            seed=seed,
            fico_dir=fico_dir,
            figures_dir=figures,
            from_run=from_run,
            policy=policy,
        )
        outcomes = []
        for reproduction in chosen:
            if not json_:
                err.print(f"[dim]running {reproduction.name} ({settings.mode})...[/dim]")
            outcome = run(reproduction, settings)
            outcomes.append(outcome)
            if not json_:
                _print_outcome(out, outcome)
        passed = all(o.passed for o in outcomes)
        if json_:
            document = {
                "mode": settings.mode,
                "seed": seed,
                "passed": passed,
                "reproductions": [o.to_dict() for o in outcomes],
            }
            print(json.dumps(document, indent=2, allow_nan=False, default=float))
        else:
            failed = [o.name for o in outcomes if not o.passed]
            summary = (
                "all within tolerance" if passed else f"OUTSIDE tolerance: {', '.join(failed)}"
            )
            out.print(f"credsim validate ({settings.mode}): {summary}", highlight=False)
        if not passed:
            raise typer.Exit(1)
