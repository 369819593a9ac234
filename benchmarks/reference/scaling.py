"""credsim alone on the reference model: time and memory from 1e5 to 1e8 citizens, 30 to 3,650 days.

Usage: python benchmarks/reference/scaling.py [--sizes 1e5 1e6 1e7] [--days 30 365 3650]
           [--max-agent-days 4e9] [--pairs 1e8x365 ...] [--threads N]

Every (citizens, days) pair of the grid up to --max-agent-days runs, then each --pairs entry (for
the one 1e8 run, best made alone on a quiet machine). Each run is a fresh process with the event
log, citizens table and report off, after a small warm-up run that compiles the kernels. Columns:
`build s` (population, graph and plug-ins), `loop s` and agent-days per second (citizens x days /
loop seconds), the phases' seconds (run.json's phase_seconds), `B/citizen` (resident state: every
column plus the peak of every calendar, the budget is 16) and the process's peak RSS. Results are
printed and saved as JSON under benchmarks/results/.
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
import json, sys, numba, credsim
out, n, days, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if threads:
    numba.set_num_threads(threads)
quiet = ["output.events='none'", "output.citizens='none'", "output.report=false"]
credsim.run("reference", out=out + "-warm", population=2000, days=15, overrides=quiet)
results = credsim.run("reference", out=out, population=n, days=days, overrides=quiet)
info, summary = results.run_info, results.summary
info["outcome"] = {k: summary[k] for k in ("acts_total", "records_total", "sanctioned",
                                           "blocked_flights", "score_mean")}
print(json.dumps(info))
"""


def measure(citizens: int, days: int, threads: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="credsim-scaling-") as tmp:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(Path(tmp) / "run"),
                *map(str, (citizens, days, threads)),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"{citizens} x {days} failed:\n{done.stderr[-3000:]}")
    info = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "citizens": citizens,
        "days": days,
        "threads": info["threads"],
        "build_seconds": round(info["wall_seconds"] - info["loop_seconds"], 3),
        "loop_seconds": info["loop_seconds"],
        "agent_days_per_second": info["agent_days_per_second"],
        "phase_seconds": info["phase_seconds"],
        "declared_bytes_per_citizen": info["declared_bytes_per_citizen"],
        "peak_rss_bytes": info["peak_rss_bytes"],
        "outcome": info["outcome"],
    }


def _pair(text: str) -> tuple[int, int]:
    citizens, days = text.lower().split("x")
    return int(float(citizens)), int(days)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", type=float, default=[1e5, 1e6, 1e7])
    parser.add_argument("--days", nargs="*", type=int, default=[30, 365, 3650])
    parser.add_argument("--max-agent-days", type=float, default=4e9)
    parser.add_argument("--pairs", nargs="*", type=_pair, default=[])
    parser.add_argument("--threads", type=int, default=0, help="Numba threads (0: all)")
    args = parser.parse_args()
    grid = [
        (int(n), d) for n in args.sizes for d in args.days if n * d <= args.max_agent_days
    ] + args.pairs
    print(
        f"{'citizens':>13} {'days':>5} {'thr':>3} {'build s':>8} {'loop s':>9} "
        f"{'agent-days/s':>13} {'act':>7} {'observe':>7} {'score':>7} {'respond':>7} "
        f"{'measure':>7} {'B/citizen':>9} {'peak RSS MiB':>12}",
        flush=True,
    )
    rows = []
    for citizens, days in grid:
        r = measure(citizens, days, args.threads)
        rows.append(r)
        p = r["phase_seconds"]
        print(
            f"{citizens:>13,} {days:>5} {r['threads']:>3} {r['build_seconds']:>8.2f} "
            f"{r['loop_seconds']:>9.2f} {r['agent_days_per_second']:>13.3e} {p['act']:>7.2f} "
            f"{p['observe']:>7.2f} {p['score']:>7.2f} {p['respond']:>7.2f} {p['measure']:>7.2f} "
            f"{r['declared_bytes_per_citizen']:>9.2f} {r['peak_rss_bytes'] / 2**20:>12.0f}",
            flush=True,
        )
    folder = Path(__file__).resolve().parent.parent / "results"
    folder.mkdir(exist_ok=True)
    record = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "load_average_at_end": os.getloadavg(),
        "rows": rows,
    }
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (folder / f"reference-scaling-{stamp}.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
