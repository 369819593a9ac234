"""A sharded run against a single-process run, and what a 1:1 national run would take on a cluster.

Usage: python benchmarks/shards.py [--scenario default] [--population 1000000] [--days 365]
                                   [--shards 4] [--backend ray|processes|local]
                                   [--smaller RESULT.json] [--nodes 16]
                                   [--locality-max-people 5000000] [--but-for]

1. Runs SCENARIO once in one process (Numba threads on every core) and once split into SHARDS
   shards (Ray actors on a local cluster by default; `processes`: one process per shard on this
   machine), event log off in both and the counterfactual too unless `--but-for` (each shard then
   steps its own citizens' counterfactual), and checks that the two summary.json files are
   byte-identical.
2. From the shards' measured figures (seconds stepping, state bytes, and peak RSS above the
   actor's RSS at its start, per citizen; each shard is its own process) estimates a 1:1
   national run, 1,411,778,724 citizens for 365 days, on a cluster of NODES nodes, one shard
   each: provinces cut into localities of at most LOCALITY_MAX_PEOPLE people (0: whole
   provinces, one node each), split as credsim splits them; the largest shard sets the pace.
   Given `--smaller`, an earlier result at fewer citizens, memory per citizen is the growth of
   each actor's peak between the two sizes (which leaves out what an actor holds whatever its
   size).

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


def credsim_run(
    scenario: str, out: Path, population: int, days: int, extra: list[str], but_for: bool
) -> float:
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
            "--but-for" if but_for else "--no-but-for",
            *extra,
        ],
        check=True,
    )
    return time.perf_counter() - started


def national_shards(nodes: int, locality_max_people: int) -> np.ndarray:
    """Citizens of each shard of a 1:1 national run (the china-2020 preset) split into `nodes`
    shards between localities of at most `locality_max_people` (0: whole provinces, one shard
    each): no one is built, only the layout."""
    from credsim.experiments.sharding import split
    from credsim.runner import population_of
    from credsim.scenario import load_scenario

    over = ["population.people_per_agent=1"]
    if locality_max_people:
        over.append(f"population.locality_max_people={locality_max_people}")
    scenario = load_scenario("default", population=PEOPLE, days=1, overrides=over)
    population = population_of(scenario)
    starts = population.localities() if locality_max_people else population.regions()
    count = nodes if locality_max_people else len(np.unique(starts)) - 1
    return np.array([p.hi - p.lo for p in split(starts, count)])


def estimate(
    info: dict, days: int, wall: float, smaller: dict | None, nodes: int, most: int
) -> dict:
    """The 1:1 national run from per-shard figures: one shard per node."""
    shards = info["shards"]
    citizens = sum(s["citizens"] for s in shards)
    # Cost per citizen-day of the slowest-per-citizen shard (a pessimistic rate), its
    # counterfactual's days (stepped first, `twin_seconds`) included.
    seconds_per_citizen_day = max(
        (s["step_seconds"] + (s.get("twin_seconds") or 0.0)) / (s["citizens"] * days)
        for s in shards
    )
    if smaller is not None:
        # Memory per citizen: the growth of each actor's peak between two run sizes.
        pairs = zip(shards, smaller["sharded"]["per_shard"], strict=True)
        rss_per_citizen = max(
            (a["peak_rss_bytes"] - b["peak_rss_bytes"]) / (a["citizens"] - b["citizens"])
            for a, b in pairs
        )
        method = f"peak growth from {smaller['population']:,} to {citizens:,} citizens"
    else:
        # Without a second size: the actor's peak less what it held when it was created.
        rss_per_citizen = max(
            (s["peak_rss_bytes"] - s["base_rss_bytes"]) / s["citizens"] for s in shards
        )
        method = "peak less the actor's memory at its start (an upper bound)"
    fixed = max(s["peak_rss_bytes"] for s in shards) - rss_per_citizen * max(
        s["citizens"] for s in shards
    )
    state_per_citizen = max(s["state_bytes"] / s["citizens"] for s in shards)
    sizes = national_shards(nodes, most)
    largest = float(sizes.max())
    # Building, merging and writing, outside the day loop: per citizen, from the growth between
    # the two sizes if given (which leaves out starting Ray), else all of it (an upper bound).
    rest = max(wall - info["loop_seconds"], 0.0)
    rest_per_citizen = rest / citizens
    if smaller is not None:
        small = smaller["sharded"]
        rest_small = max(small["wall_seconds"] - small["loop_seconds"], 0.0)
        rest_per_citizen = max(rest - rest_small, 0.0) / (citizens - smaller["population"])
    return {
        "measured_citizens": citizens,
        "threads_per_shard": info.get("threads_per_shard", 1),
        "seconds_per_citizen_day_per_shard": seconds_per_citizen_day,
        "peak_rss_bytes_per_citizen": round(rss_per_citizen, 1),
        "memory_method": method,
        "fixed_rss_gib_per_shard": round(fixed / 2**30, 2),
        "state_bytes_per_citizen": round(state_per_citizen, 1),
        "nodes": int(sizes.shape[0]),
        "locality_max_people": most or None,
        "shard_citizens_min_max": [int(sizes.min()), int(sizes.max())],
        "largest_shard_citizens": round(largest),
        "largest_shard_peak_rss_gib": round((fixed + largest * rss_per_citizen) / 2**30, 1),
        "hours_stepping": round(largest * DAYS * seconds_per_citizen_day / 3600, 2),
        "hours_outside_the_loop_on_head": round(PEOPLE * rest_per_citizen / 3600, 2),
        # The head holds no citizen's state (the streaming merge): its measured peak.
        "head_peak_rss_gib_measured": round(info["peak_rss_bytes"] / 2**30, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--population", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--backend", default="ray")
    parser.add_argument("--nodes", type=int, default=16, help="nodes of the 1:1 estimate")
    parser.add_argument(
        "--locality-max-people",
        type=int,
        default=5_000_000,
        help="localities of the 1:1 estimate (0: whole provinces, one node each)",
    )
    parser.add_argument(
        "--smaller",
        type=Path,
        help="an earlier result (JSON) at a smaller population: memory per citizen from the two",
    )
    parser.add_argument(
        "--but-for", action="store_true", help="step the counterfactual (in every shard)"
    )
    args = parser.parse_args()
    smaller = json.loads(args.smaller.read_text()) if args.smaller else None
    tmp = Path(tempfile.mkdtemp(prefix="credsim-shards-"))
    try:
        single = credsim_run(
            args.scenario, tmp / "single", args.population, args.days, [], args.but_for
        )
        sharded = credsim_run(
            args.scenario,
            tmp / "sharded",
            args.population,
            args.days,
            ["--shards", str(args.shards), "--backend", args.backend],
            args.but_for,
        )
        same = (tmp / "single" / "summary.json").read_bytes() == (
            tmp / "sharded" / "summary.json"
        ).read_bytes()
        one = json.loads((tmp / "single" / "run.json").read_text())
        info = json.loads((tmp / "sharded" / "run.json").read_text())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "scenario": args.scenario,
        "population": args.population,
        "days": args.days,
        "shards": args.shards,
        "backend": args.backend,
        "but_for": args.but_for,
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
            "head_peak_rss_bytes": info["peak_rss_bytes"],
        },
        "national_1to1": estimate(
            info, args.days, sharded, smaller, args.nodes, args.locality_max_people
        ),
    }
    print(f"summary.json identical: {same}")
    print(f"single process: {single:.1f} s wall, {one['loop_seconds']:.1f} s loop")
    print(
        f"{args.shards} shards ({args.backend}): {sharded:.1f} s wall, "
        f"{info['loop_seconds']:.1f} s loop"
    )
    for s in info["shards"]:
        twin = s.get("twin_seconds")
        first = f" (its counterfactual first: {twin:.1f} s)" if twin else ""
        print(
            f"  shard {s['index']}: {s['citizens']:>9,} citizens, {s['step_seconds']:.1f} s "
            f"stepping{first}, peak RSS {s['peak_rss_bytes'] / 2**20:.0f} MiB"
        )
    print(json.dumps(result["national_1to1"], indent=2))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = Path(__file__).parent / "results" / f"shards-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written: {path}")


if __name__ == "__main__":
    main()
