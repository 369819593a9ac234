"""The default model over all of China at 1:100: 14.1 million agents for 365 days.

Usage: python benchmarks/national.py [--people-per-agent 100] [--days 365]

Runs `credsim run` with the census preset at its full 1,411,778,724 people (facts), each agent
standing for `people_per_agent` people, with the event log and citizens table off; prints the
run's wall time, loop time, agent-days per second, state bytes per citizen and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

PEOPLE = 1_411_778_724


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people-per-agent", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    agents = round(PEOPLE / args.people_per_agent)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "national"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from credsim.cli import main; main()",
                "run",
                "--population",
                str(agents),
                "--days",
                str(args.days),
                "--quiet",
                "--out",
                str(out),
                "--set",
                f"population.people_per_agent={args.people_per_agent}",
                "--set",
                "output.events='none'",
                "--set",
                "output.citizens='none'",
            ],
            check=True,
        )
        info = json.loads((out / "run.json").read_text())
        summary = json.loads((out / "summary.json").read_text())
    print(
        f"agents {agents:,} x {args.days} days (1:{args.people_per_agent}, "
        f"{summary['citizens']:,} people)"
    )
    for key in (
        "wall_seconds",
        "loop_seconds",
        "agent_days_per_second",
        "state_bytes_per_citizen",
        "peak_rss_bytes_per_citizen",
        "peak_rss_bytes",
    ):
        print(f"  {key:<24} {info[key]:,}")
    print(f"  sanctioned (people)      {summary['sanctioned']:,}")
    print(f"  blocked flights (people) {summary['blocked_flights']:,}")


if __name__ == "__main__":
    main()
