"""Speed of the validation suite: the donation game's throughput through the engine and in the fast
kernel, and each reproduction's time.

Usage:
    python benchmarks/validation.py              # kernel throughput + the short reproductions
    python benchmarks/validation.py --long       # also time the long reproductions (minutes)

Kernel throughput is donor-recipient encounters per second (N^2 per generation, each with its
observation and judgement), for private assessment and for a one-judge institution, at N = 50 (the
paper's size) and N = 200, on 1 thread and on every Numba thread. The engine's game (the strangers'
game in communities of 50 through the day loop, private and under a one-judge institution) is
timed the same way. Results are printed and saved to benchmarks/results/validation.json (not
committed).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numba

from credsim.validation.outcome import Settings
from credsim.validation.reciprocity import game_scenario, run_game
from credsim.validation.registry import registered, run
from credsim.validation.reputation import GameParams, simulate


def kernel(population: int, monitoring: str, threads: int) -> dict:
    generations, replicates = 4000, 8
    params = GameParams(population=population, monitoring=monitoring, generations=generations)
    simulate(params.model_copy(update={"generations": 10}), 1)  # compile / load the cache
    numba.set_num_threads(threads)
    wall = time.perf_counter()
    cpu = time.process_time()
    simulate(params, replicates, label="bench")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    encounters = population**2 * generations * replicates
    return {
        "population": population,
        "monitoring": monitoring,
        "threads": threads,
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "encounters_per_second": round(encounters / wall),
    }


def engine(monitoring: str, threads: int, communities: int = 100, days: int = 2000) -> dict:
    institution = (1, 0.5) if monitoring == "institution" else None
    run_game(game_scenario(communities=2, seed=1, days=5, institution=institution))  # compile
    numba.set_num_threads(threads)
    scenario = game_scenario(communities=communities, seed=1, days=days, institution=institution)
    wall, cpu = time.perf_counter(), time.process_time()
    run_game(scenario)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "engine": True,
        "population": 50,
        "monitoring": monitoring,
        "threads": threads,
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "encounters_per_second": round(50**2 * communities * days / wall),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", action="store_true", help="also time the long reproductions")
    args = parser.parse_args()
    most = numba.config.NUMBA_NUM_THREADS
    rows = [
        kernel(n, monitoring, threads)
        for n in (50, 200)
        for monitoring in ("private", "institution")
        for threads in sorted({1, most})
    ]
    rows += [engine(m, t) for m in ("private", "institution") for t in sorted({1, most})]
    numba.set_num_threads(most)
    for row in rows:
        what = "engine" if row.get("engine") else "kernel"
        print(
            f"{what} N={row['population']:<4} {row['monitoring']:<12} threads={row['threads']}: "
            f"{row['encounters_per_second']:.3g} encounters/s ({row['wall_seconds']} s wall)"
        )
    timings = []
    for long in [False, True] if args.long else [False]:
        for reproduction in registered().values():
            wall, cpu = time.perf_counter(), time.process_time()
            outcome = run(reproduction, Settings(long=long))
            timings.append(
                {
                    "name": reproduction.name,
                    "mode": outcome.mode,
                    "passed": outcome.passed,
                    "wall_seconds": round(time.perf_counter() - wall, 2),
                    "cpu_seconds": round(time.process_time() - cpu, 2),
                }
            )
            t = timings[-1]
            print(
                f"{t['name']:<28} {t['mode']:<5} {t['wall_seconds']:>8.1f} s wall "
                f"{t['cpu_seconds']:>8.1f} s cpu  {'pass' if t['passed'] else 'FAIL'}"
            )
    out = Path(__file__).parent / "results" / "validation.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"kernel": rows, "reproductions": timings}, indent=2) + "\n")
    print(f"saved {out}")


if __name__ == "__main__":
    main()
