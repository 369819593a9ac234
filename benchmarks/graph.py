"""Speed and memory of the social graph: citizens per second of `neighbour_mean`, per layer.

Usage: python benchmarks/graph.py [--citizens 1e7] [--provinces 31] [--repeats 3]

Builds a synthetic population (provinces of uneven sizes, ages 0-100, contiguous households of
1-6), then times `SocialGraph` construction and `neighbour_mean` of the ages over each layer
(best of --repeats, after a warm-up call that compiles or loads the cached kernels). Target: at
least 2e7 citizens per second for "friends" at 1e7 citizens on a 2-core machine, and a graph that
holds next to no bytes per citizen.
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np

from credsim.population.graph import LAYERS, GraphParams, SocialGraph


def synthetic_population(n: int, provinces: int, seed: int) -> tuple[np.ndarray, ...]:
    """Province boundaries, ages and household bytes for n citizens (vectorised NumPy)."""
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0.0, 0.6, provinces)
    segments = np.concatenate([[0], np.cumsum(weights / weights.sum() * n)]).astype(np.int64)
    segments[-1] = n
    age = rng.integers(0, 101, n, dtype=np.uint8)
    sizes = rng.integers(1, 7, n // 2 + 8)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    starts = starts[starts < n]
    # Households never straddle a province boundary: every boundary also starts a household.
    starts = np.union1d(starts, segments[:-1])
    lengths = np.diff(np.append(starts, n))
    first = np.repeat(starts, lengths)
    position = np.arange(n) - first
    household = ((np.repeat(lengths, lengths) << 4) | position).astype(np.uint8)
    return segments, age, household


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=float, default=1e7)
    parser.add_argument("--provinces", type=int, default=31)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n = int(args.citizens)
    params = GraphParams()

    warm = synthetic_population(20_000, 3, 1)
    small = SocialGraph(20_000, *warm, seed=1, params=params)
    for layer in LAYERS:
        small.neighbour_mean(warm[1], layer)
        small.degrees(layer)

    segments, age, household = synthetic_population(n, args.provinces, 2)
    start = time.perf_counter()
    graph = SocialGraph(n, segments, age, household, seed=2, params=params)
    build = time.perf_counter() - start
    print(f"citizens {n:,}  provinces {args.provinces}  numba threads {numba.get_num_threads()}")
    print(f"build      {build * 1e3:9.3f} ms   graph bytes {graph.nbytes:,}")
    print(f"           {graph.nbytes / n:.2e} bytes per citizen (input columns not counted)")
    for layer in LAYERS:
        best = float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            _, count = graph.neighbour_mean(age, layer)
            best = min(best, time.perf_counter() - start)
        print(
            f"{layer:<10} {best:9.3f} s    {n / best:12.4g} citizens/s   "
            f"mean degree {count.mean():.3f}"
        )


if __name__ == "__main__":
    main()
