"""Sweep throughput: runs per minute on the local and Ray backends with 1 and 2 workers.

Usage: python benchmarks/sweep.py [--population 1e5] [--days 60] [--points 8] [--replicates 1]
                                  [--backends local ray] [--workers 1 2] [--threads 1]

Runs the bundled `wrongful-listing` sweep (Latin hypercube, resized by the flags) once per backend,
worker count and Numba threads per run, into temporary directories. `runs_per_minute` counts from
the backend's start (worker processes spawned, or the Ray cluster started) to the last row
written, so it includes the start-up; `run_seconds_mean` is the mean wall time of one run inside
a worker. Every configuration must give the same outcomes table (wall times aside); the script
checks it. Results are printed and saved as JSON under benchmarks/results/. The machine's load
average is recorded too: on a shared machine other work slows every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
import tomllib
from importlib import resources
from pathlib import Path

from credsim.experiments.backends import make_backend
from credsim.experiments.sweep import run_sweep
from credsim.experiments.sweep_check import prepare_sweep


def sweep_document(population: int, days: int, points: int, replicates: int) -> dict:
    """The bundled example sweep, resized."""
    text = (resources.files("credsim.sweeps") / "wrongful-listing.toml").read_text()
    document = tomllib.loads(text)
    document.update(population=population, days=days, replicates=replicates)
    document["design"] = {"kind": "latin_hypercube", "n": points}
    return document


def measure(prepared, backend_name: str, workers: int, threads: int) -> tuple[dict, object]:
    with tempfile.TemporaryDirectory() as tmp:
        result = run_sweep(
            prepared,
            out=Path(tmp) / "sweep",
            backend=make_backend(backend_name, workers=workers, threads=threads),
        )
    table = result.outcomes
    walls = table.column("wall_seconds").to_pylist()
    summary = result.summary
    row = {
        "backend": backend_name,
        "workers": workers,
        "threads_per_run": summary.get("threads_per_run"),
        "runs": summary["runs"],
        "wall_seconds": summary["wall_seconds"],
        "runs_per_minute": summary["runs_per_minute"],
        "run_seconds_mean": round(sum(walls) / len(walls), 3),
        "load_average_1min_after": round(os.getloadavg()[0], 2),
    }
    return row, table.drop(["wall_seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=float, default=1e5)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--points", type=int, default=8)
    parser.add_argument("--replicates", type=int, default=1)
    parser.add_argument("--backends", nargs="+", default=["local", "ray"])
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--threads", nargs="+", type=int, default=[1])
    args = parser.parse_args()
    document = sweep_document(int(args.population), args.days, args.points, args.replicates)
    prepared = prepare_sweep(document)  # checks keys and compiles the kernels outside timings
    rows, reference = [], None
    for backend_name in args.backends:
        for workers in args.workers:
            for threads in args.threads:
                row, table = measure(prepared, backend_name, workers, threads)
                if reference is None:
                    reference = table
                row["same_outcomes_as_first"] = table.equals(reference)
                rows.append(row)
                print(json.dumps(row), flush=True)
    header = ["backend", "workers", "threads_per_run", "runs", "runs_per_minute"]
    print("\n" + " | ".join([*header, "run s (mean)", "load"]))
    for row in rows:
        cells = [str(row[h]) for h in header]
        print(
            " | ".join([*cells, str(row["run_seconds_mean"]), str(row["load_average_1min_after"])])
        )
    report = {
        "benchmark": "sweep",
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "sweep": {
            "population": int(args.population),
            "days": args.days,
            "points": args.points,
            "replicates": args.replicates,
        },
        "results": rows,
    }
    folder = Path(__file__).parent / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"sweep-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"saved {path}")
    if not all(row["same_outcomes_as_first"] for row in rows):
        raise SystemExit("backends or worker counts gave different outcomes")


if __name__ == "__main__":
    main()
