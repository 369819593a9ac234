"""`credsim dossier --as state`: the secret file of one citizen in a terminal (or as JSON), beside
what the citizen was told: every record the state holds on them, whether a notice named it, the
policies it moved a score under and the lists that rest on it; then the records they cannot see or
contest, by policy and list, the watch lists that want them and every sanction, told or not."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.table import Table

from credsim.results.secret_file import secret_file

if TYPE_CHECKING:
    from rich.console import Console

    from credsim.results.results import Results

__all__ = ["print_state_view"]


def print_state_view(
    results: Results, citizen: int, truth: bool, as_json: bool, console: Console
) -> None:
    """Print citizen `citizen`'s secret file."""
    file = secret_file(results, citizen, truth)
    if as_json:
        print(json.dumps(file, indent=2))
        return
    table = Table(title=f"citizen {citizen}: what the state holds (the secret file)")
    columns = ["day", "source", "kind", "citizen told", "scored under", "lists"]
    columns += ["truth"] if truth else []
    for column in columns:
        table.add_column(column, justify="right" if column == "day" else "left")
    for item in file["records"]:
        row = [str(item["day"]), item["source"], item["kind"], item["told"]]
        row += [", ".join(item["policies"]) or "-", ", ".join(item["lists"]) or "-"]
        row += [item["truth"]] if truth else []
        table.add_row(*row)
    console.print(table)
    n = file["counts"]
    console.print(
        f"The state holds {n['records']} records on citizen {citizen}. A notice named "
        f"{n['told']} of them to the citizen; of {n['effect_only']} they saw only a score or grade "
        f"move; of {n['hidden']} they were never told: {n['unseen']} records they cannot see or "
        "contest."
    )
    for name, row in file["by_policy"].items():
        console.print(
            f"  {name} ({row['opacity']}): {row['records']} records moved the score, "
            f"{row['unseen']} of them unseen by the citizen"
        )
    for name, row in file["by_list"].items():
        console.print(
            f"  {name}: {row['records']} records its listings rest on, {row['unseen']} unseen"
        )
    for name in file["watch_list"]:
        console.print(f"  on the watch list of {name} (wanted by the police; never told)")
    for event in file["sanctions"]:
        told = "" if event["told"] else " (never told)"
        by = "" if event["by"] == event["on"] else f" by {event['by']}"
        rid = event["record_id"]
        record = "no record" if rid is None else f"record {rid}"
        what = f"{event['action']} on {event['on']}{by}"
        console.print(f"  day {event['day']}: {what} ({record}){told}")
