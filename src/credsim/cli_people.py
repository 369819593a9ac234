"""`credsim population` and `credsim dossier`: the figures of a synthetic population, and one
synthetic citizen's statement or file in a run directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from credsim.cli_tables import fmt
from credsim.errors import UserError

__all__ = ["register"]

out_console = Console()


def register(app: typer.Typer) -> None:
    """Add the `population` and `dossier` commands to the `credsim` app."""
    app.command()(population)
    app.command()(dossier)


def population(
    preset: Annotated[str, typer.Option(help="population preset")] = "china-2020",
    size: Annotated[int | None, typer.Option(help="agents (default: the preset's)")] = None,
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
    people_per_agent: Annotated[int, typer.Option(help="people each agent stands for")] = 1,
    json_: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    max_memory: Annotated[
        str | None, typer.Option(help="memory it may use, e.g. 20G (default: what is available)")
    ] = None,
) -> None:
    """Build a population with its social graph and describe it."""
    import json

    from credsim.engine.memory import parse_size, set_memory_limit
    from credsim.population.describe import describe_population

    if max_memory is not None:
        set_memory_limit(parse_size(max_memory))
    facts = describe_population(preset, size, seed, people_per_agent)
    if json_:
        print(json.dumps(facts, indent=2))
        return
    table = Table(title=f"population {preset} (seed {seed})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in facts.items():
        if isinstance(value, dict):
            shown = ", ".join(f"{k} {v:.2%}" for k, v in list(value.items())[:6])
            more = ", ..." if len(value) > 6 else ""
            table.add_row(key, shown + more)
        elif key.endswith("_share"):
            table.add_row(key, f"{value:.2%}")
        else:
            table.add_row(key, fmt(value))
    out_console.print(table)


def dossier(
    run_dir: Annotated[Path, typer.Argument(help="a run directory")],
    citizen: Annotated[int, typer.Option(help="citizen number")],
    policy: Annotated[str | None, typer.Option(help="policy (default: the primary)")] = None,
    truth: Annotated[bool, typer.Option(help="say whether each record was true")] = False,
    json_: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    as_: Annotated[
        str,
        typer.Option(
            "--as",
            help="citizen: the itemised statement of one score; state: the secret file, every "
            "record the state holds and what the citizen was told of it",
        ),
    ] = "citizen",
) -> None:
    """The itemised statement of one citizen's score, or (--as state) the state's whole file."""
    import json

    from credsim.results import Results
    from credsim.results.commands import readable_run

    if as_ not in ("citizen", "state"):
        raise UserError(f"--as {as_!r}: say 'citizen' (the default) or 'state'.")
    if as_ == "state":
        from credsim.results.dossier_view import print_state_view

        with readable_run(run_dir):
            print_state_view(Results(run_dir), citizen, truth, json_, out_console)
        return
    with readable_run(run_dir):  # a damaged run directory: one paragraph, not a traceback
        result = Results(run_dir).statement(citizen, policy, truth)
    if json_:
        print(json.dumps(result, indent=2))
        return
    table = Table(title=f"citizen {citizen} under {result['policy']}: base {result['base']}")
    columns = ["day", "source", "kind", "points", "score", *(["truth"] if truth else [])]
    for column in columns:
        table.add_column(
            column, justify="right" if column in ("day", "points", "score") else "left"
        )
    for item in result["items"]:
        table.add_row(*(str(item.get(c, "")) for c in columns))
    out_console.print(table)
    grade = f", grade {result['grade']}" if "grade" in result else ""
    listed = ", on the blacklist" if result.get("listed") else ""
    out_console.print(f"final score {result['final']}{grade}{listed}")
    for event in result.get("sanctions", []):
        kind = f" ({event['kind']})" if event["kind"] else ""
        text = event.get("text") or f"{event['action']} by {event['by']}{kind}"
        out_console.print(f"  day {event['day']}: {text}")
