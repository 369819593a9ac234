"""A sharded run against a single-process run, and what a 1:1 national run would take on a cluster.

Usage: python benchmarks/shards.py [--scenario default] [--population 1000000] [--days 365]
                                   [--shards 4] [--backend ray]

1. Runs SCENARIO once in one process and once split by province into SHARDS shards (Ray actors on
   a local cluster by default), event log off, and checks that the two summary.json files are
   byte-identical.
2. From the shards' measured figures (seconds stepping, state bytes, and peak RSS above the
   actor's RSS at its start, per citizen; each Ray actor is its own process) estimates a 1:1
   national run, 1,411,778,724 citizens for 365 days, with one shard per province on a cluster
   of one node per shard.

Prints a table and writes benchmarks/results/shards-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PEOPLE = 1_411_778_724  # facts: 2020 census
DAYS = 365
CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]


def credsim_run(scenario: str, out: Path, population: int, days: int, extra: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            *CLI,
            "run",
            scenario,
            "--population",
            str(population),
            "--days",
            str(days),
            "--quiet",
            "--out",
            str(out),
            "--set",
            "output.events='none'",
            "--set",
            "output.report=false",
            *extra,
        ],
        check=True,
    )
    return time.perf_counter() - started


def province_shares() -> np.ndarray:
    """Each province's share of the 2020 census population (the china-2020 preset)."""
    from credsim.population.preset import load_preset

    return load_preset("china-2020").province_shares


def estimate(shards: list[dict], days: int, threads: int) -> dict:
    """The 1:1 national run from per-shard figures: one shard per province."""
    citizens = sum(s["citizens"] for s in shards)
    # Cost per citizen-day of the slowest-per-citizen shard (a pessimistic rate).
    seconds_per_citizen_day = max(s["step_seconds"] / (s["citizens"] * days) for s in shards)
    # Memory a shard's citizens cost: the actor's peak less what it held when it was created.
    rss_per_citizen = max(
        (s["peak_rss_bytes"] - s["base_rss_bytes"]) / s["citizens"] for s in shards
    )
    base_rss = max(s["base_rss_bytes"] for s in shards)
    state_per_citizen = max(s["state_bytes"] / s["citizens"] for s in shards)
    largest = float(province_shares().max()) * PEOPLE
    step_hours = largest * DAYS * seconds_per_citizen_day / 3600
    return {
        "measured_citizens": citizens,
        "threads_per_shard": threads,
        "seconds_per_citizen_day_per_shard": seconds_per_citizen_day,
        "peak_rss_bytes_per_citizen": round(rss_per_citizen, 1),
        "state_bytes_per_citizen": round(state_per_citizen, 1),
        "nodes": int(province_shares().shape[0]),
        "largest_shard_citizens": round(largest),
        "process_base_rss_gib": round(base_rss / 2**30, 2),
        "largest_shard_peak_rss_gib": round((base_rss + largest * rss_per_citizen) / 2**30, 1),
        "hours_stepping": round(step_hours, 2),
        "head_node_state_gib": round(PEOPLE * state_per_citizen / 2**30, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--population", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--backend", default="ray")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="credsim-shards-"))
    try:
        single = credsim_run(args.scenario, tmp / "single", args.population, args.days, [])
        sharded = credsim_run(
            args.scenario,
            tmp / "sharded",
            args.population,
            args.days,
            ["--shards", str(args.shards), "--backend", args.backend],
        )
        same = (tmp / "single" / "summary.json").read_bytes() == (
            tmp / "sharded" / "summary.json"
        ).read_bytes()
        one = json.loads((tmp / "single" / "run.json").read_text())
        info = json.loads((tmp / "sharded" / "run.json").read_text())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    threads = info.get("threads_per_shard", 1)
    result = {
        "scenario": args.scenario,
        "population": args.population,
        "days": args.days,
        "shards": args.shards,
        "backend": args.backend,
        "cpus": os.cpu_count(),
        "summary_identical": same,
        "single": {
            "wall_seconds": round(single, 1),
            "loop_seconds": one["loop_seconds"],
            "threads": one["threads"],
            "peak_rss_bytes": one["peak_rss_bytes"],
        },
        "sharded": {
            "wall_seconds": round(sharded, 1),
            "loop_seconds": info["loop_seconds"],
            "per_shard": info["shards"],
        },
        "national_1to1": estimate(info["shards"], args.days, threads),
    }
    print(f"summary.json identical: {same}")
    print(f"single process: {single:.1f} s wall, {one['loop_seconds']:.1f} s loop")
    print(
        f"{args.shards} shards ({args.backend}): {sharded:.1f} s wall, "
        f"{info['loop_seconds']:.1f} s loop"
    )
    for s in info["shards"]:
        print(
            f"  shard {s['index']}: {s['citizens']:>9,} citizens, {s['step_seconds']:.1f} s "
            f"stepping, peak RSS {s['peak_rss_bytes'] / 2**20:.0f} MiB"
        )
    print(json.dumps(result["national_1to1"], indent=2))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = Path(__file__).parent / "results" / f"shards-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written: {path}")


if __name__ == "__main__":
    main()
