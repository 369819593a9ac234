"""Population and graph at scale: build time, bytes per citizen, one pass over every friendship.

Usage: python benchmarks/population.py [--sizes 1e7 1e8] [--preset china-2020]

Each size runs in its own process. `build s` is the population with its graph object (the
friendship and workplace layers are generated on demand, never stored); `friends pass s` is one
neighbour-mean of a column over every friendship tie, which generates the whole friendship layer
once. Targets (population issue): 1e8 citizens built with the whole graph in at most 2 minutes,
at most 16 bytes of resident state per citizen, the graph included.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys, time
from credsim.population.describe import build_population
preset, n = sys.argv[1], int(float(sys.argv[2]))
population, world, build = build_population(preset, n, 1)
started = time.perf_counter()
mean, count = world.graph.neighbour_mean(world.state["age"], "friends")
friends = time.perf_counter() - started
resident = world.state.nbytes + world.graph.nbytes
print(json.dumps({
    "citizens": n, "build_seconds": build, "friends_pass_seconds": friends,
    "friend_degree_mean": float(count.mean()),
    "bytes_per_citizen": resident / n,
    "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e7, 1e8])
    parser.add_argument("--preset", default="china-2020")
    args = parser.parse_args()
    subprocess.run(
        [sys.executable, "-c", CHILD, args.preset, "1000"], check=True, capture_output=True
    )  # compile and cache the kernels first
    print(
        f"{'citizens':>13} {'build s':>8} {'friends pass s':>15} {'degree':>7} "
        f"{'B/citizen':>10} {'peak RSS GiB':>13}"
    )
    for size in args.sizes:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, args.preset, str(size)],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(done.stdout)
        print(
            f"{r['citizens']:>13,} {r['build_seconds']:>8.1f} {r['friends_pass_seconds']:>15.1f} "
            f"{r['friend_degree_mean']:>7.2f} {r['bytes_per_citizen']:>10.2f} "
            f"{r['peak_rss_bytes'] / 2**30:>13.2f}"
        )


if __name__ == "__main__":
    main()
