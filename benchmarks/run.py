"""Speed and memory of credsim runs: agent-days per second and bytes per citizen.

Usage: python benchmarks/run.py [--sizes 1e5 1e6 1e7] [--days 365] [--scenario default]

Each size runs in its own process (so peak RSS is that run's own), with the event log, citizens
table and report switched off: the figures measure the day loop. The table is printed and saved
as JSON under benchmarks/results/. Targets (issue "The engine ..."): at least 2e7 agent-days/s at
1e6 citizens on a 2-core machine, and at most 32 bytes of resident state per citizen.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys, credsim
out, scenario, n, days = sys.argv[1], sys.argv[2], int(float(sys.argv[3])), int(sys.argv[4])
sets = ["output.events='none'", "output.citizens='none'", "output.report=false"]
results = credsim.run(scenario, out=out, population=n, days=days, overrides=sets)
print(json.dumps(results.run_info))
"""


def measure(scenario: str, n: int, days: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(Path(tmp) / "run"), scenario, str(n), str(days)],
            capture_output=True,
            text=True,
            check=True,
        )
    info = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "citizens": n,
        "days": days,
        "threads": info["threads"],
        "loop_seconds": info["loop_seconds"],
        "wall_seconds": info["wall_seconds"],
        "agent_days_per_second": info["agent_days_per_second"],
        "state_bytes_per_citizen": info["state_bytes_per_citizen"],
        "peak_bytes_per_citizen": info["peak_bytes_per_citizen"],
        "peak_rss_bytes": info["peak_rss_bytes"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6, 1e7])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--scenario", default="default")
    args = parser.parse_args()
    measure(args.scenario, 1000, 2)  # compile and cache the kernels outside the timings
    rows = []
    print(
        f"{'citizens':>12} {'days':>5} {'loop s':>8} {'agent-days/s':>14} "
        f"{'B/citizen':>10} {'peak RSS MiB':>13}"
    )
    for size in args.sizes:
        row = measure(args.scenario, int(size), args.days)
        rows.append(row)
        print(
            f"{row['citizens']:>12,} {row['days']:>5} {row['loop_seconds']:>8.2f} "
            f"{row['agent_days_per_second']:>14.3e} {row['peak_bytes_per_citizen']:>10.2f} "
            f"{row['peak_rss_bytes'] / 2**20:>13.0f}"
        )
    folder = Path(__file__).parent / "results"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    record = {
        "scenario": args.scenario,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "rows": rows,
    }
    (folder / f"engine-{stamp}.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
