"""`credsim run --replicates K` against K single runs of the same seeds, one after another.

Each single run is `credsim run SCENARIO --seed S --quiet` in a fresh process (its Numba threads
default to all cores), with S the seed of replicate r; then `credsim run SCENARIO --replicates K
--quiet` in one process (local backend, one worker per core, one thread each). Prints and saves
both wall times, the CPU seconds of the processes, their ratio (target: at most 1.2), and whether
each single run's summary.json equals that replicate's replicates/rNNN.json.

    python benchmarks/replicates.py                      # the default scenario, K = 10
    python benchmarks/replicates.py --population 20000 --days 60 --replicates 4
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from credsim.experiments.replicates import replicate_seeds


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one credsim process."""
    cpu, wall = _children_cpu(), time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - wall, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--population", type=int)
    parser.add_argument("--days", type=int)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--set", action="append", default=[], dest="sets")
    args = parser.parse_args()
    credsim = [sys.executable, "-m", "credsim", "run", args.scenario, "--quiet"]
    for flag, value in (("--population", args.population), ("--days", args.days)):
        credsim += [flag, str(value)] if value is not None else []
    for item in args.sets:
        credsim += ["--set", item]
    scratch = Path(tempfile.mkdtemp(prefix="credsim-bench-replicates-"))
    try:
        singles = []
        for r, seed in enumerate(replicate_seeds(args.seed, args.replicates)):
            out = scratch / f"single-{r:03d}"
            singles.append(_timed([*credsim, "--seed", str(seed), "--out", str(out)]))
            print(f"single run {r}: {singles[-1][0]:.1f} s wall, {singles[-1][1]:.1f} s CPU")
        together = scratch / "replicates"
        argv = [*credsim, "--seed", str(args.seed), "--replicates", str(args.replicates)]
        argv += ["--workers", str(args.workers)] if args.workers else []
        wall, cpu = _timed([*argv, "--out", str(together)])
        same = [
            json.loads((scratch / f"single-{r:03d}" / "summary.json").read_text())
            == json.loads((together / "replicates" / f"r{r:03d}.json").read_text())
            for r in range(args.replicates)
        ]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    single_wall = sum(w for w, _ in singles)
    single_cpu = sum(c for _, c in singles)
    result = {
        "scenario": args.scenario,
        "replicates": args.replicates,
        "population": args.population,
        "days": args.days,
        "sets": args.sets,
        "single_runs_wall_seconds": round(single_wall, 2),
        "single_runs_cpu_seconds": round(single_cpu, 2),
        "replicates_wall_seconds": round(wall, 2),
        "replicates_cpu_seconds": round(cpu, 2),
        "wall_ratio": round(wall / single_wall, 3),
        "cpu_ratio": round(cpu / single_cpu, 3),
        "replicate_summaries_equal_single_runs": all(same),
    }
    print(json.dumps(result, indent=2))
    folder = Path(__file__).parent / "results"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (folder / f"replicates-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
