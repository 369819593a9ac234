"""Speed and memory of credsim runs: agent-days per second and bytes per citizen.

Usage: python benchmarks/run.py [--sizes 1e5 1e6 1e7] [--days 365] [--scenario default]
                                [--but-for both|on|off] [--set KEY=VALUE ...] [--shards K]
                                [--stepped auto|first|alongside]

Each size runs in its own process (so peak RSS is that run's own), with the event log, citizens
table and report switched off: the figures measure the day loop. With `--but-for both` (the
default) every size runs with and without the counterfactual stepped beside it, and the ratio of
their loop times is the counterfactual's cost. `--set` passes scenario overrides (for example
`--set population.demography.enabled=true` for births and deaths); `--shards K` splits each run
into K shards on the processes backend (a core each; same results; the loop is the slowest
shard's); `--stepped` says how a run in one process steps its counterfactual (first, alongside
in a second process, or as `credsim run` would choose). The table is printed and saved
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
shards = int(sys.argv[6])
alongside = {"auto": None, "first": False, "alongside": True}[sys.argv[7]]
sets = ["output.events='none'", "output.citizens='none'", "output.report=false"]
sets += [f"but_for={sys.argv[5]}", *sys.argv[8:]]
if shards:
    from credsim.experiments.sharding.driver import run_sharded
    from credsim.scenario import load_scenario
    loaded = load_scenario(scenario, population=n, days=days, overrides=sets)
    results = run_sharded(loaded, out, shards, backend="processes")
else:
    results = credsim.run(
        scenario, out=out, population=n, days=days, overrides=sets, alongside=alongside
    )
print(json.dumps(results.run_info))
"""


def measure(
    scenario: str,
    n: int,
    days: int,
    but_for: str,
    sets: list[str],
    shards: int = 0,
    stepped: str = "auto",
) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = str(Path(tmp) / "run")
        argv = [run_dir, scenario, str(n), str(days), but_for, str(shards), stepped, *sets]
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *argv],
            capture_output=True,
            text=True,
            check=True,
        )
    info = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "citizens": n,
        "days": days,
        "but_for": but_for == "true",
        "but_for_stepped": (info.get("but_for") or {}).get("stepped"),
        "threads": info["threads"],
        "loop_seconds": info["loop_seconds"],
        "wall_seconds": info["wall_seconds"],
        "agent_days_per_second": info["agent_days_per_second"],
        "state_bytes_per_citizen": info["state_bytes_per_citizen"],
        "declared_bytes_per_citizen": info["declared_bytes_per_citizen"],
        "peak_rss_bytes_per_citizen": info["peak_rss_bytes_per_citizen"],
        "peak_rss_bytes": info["peak_rss_bytes"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6, 1e7])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--but-for", choices=["both", "on", "off"], default="both")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument(
        "--shards", type=int, default=0, help="split each run into SHARDS processes"
    )
    parser.add_argument("--stepped", choices=["auto", "first", "alongside"], default="auto")
    args = parser.parse_args()
    modes = {"both": ["false", "true"], "on": ["true"], "off": ["false"]}[args.but_for]
    # Compile and cache the kernels outside the timings.
    measure(args.scenario, 1000, 2, "true", args.set)
    rows = []
    print(
        f"{'citizens':>12} {'days':>5} {'but-for':>8} {'loop s':>8} {'agent-days/s':>14} "
        f"{'B/citizen':>10} {'peak B/cit.':>11} {'peak RSS MiB':>13}"
    )
    for size in args.sizes:
        for mode in modes:
            row = measure(
                args.scenario, int(size), args.days, mode, args.set, args.shards, args.stepped
            )
            rows.append(row)
            print(
                f"{row['citizens']:>12,} {row['days']:>5} {mode:>8} {row['loop_seconds']:>8.2f} "
                f"{row['agent_days_per_second']:>14.3e} {row['declared_bytes_per_citizen']:>10.2f} "
                f"{row['peak_rss_bytes_per_citizen']:>11.1f} {row['peak_rss_bytes'] / 2**20:>13.0f}"
            )
        if len(modes) == 2:
            ratio = rows[-1]["loop_seconds"] / rows[-2]["loop_seconds"]
            print(f"{'':>12} the counterfactual costs x{ratio:.2f} in loop time")
    folder = Path(__file__).parent / "results"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    record = {
        "scenario": args.scenario,
        "overrides": args.set,
        "shards": args.shards,
        "stepped": args.stepped,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "rows": rows,
    }
    (folder / f"engine-{stamp}.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
