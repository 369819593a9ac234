"""Where credsim spends its time on the reference model: py-spy samples, summed by function.

Usage: python benchmarks/reference/profile_credsim.py [--citizens 1e6] [--days 365] [--threads 0]
           [--top 25]

Needs py-spy (`python3 -m pip install py-spy`). Runs the reference scenario once to compile the
kernels, then once under `py-spy record` at 250 samples a second, and prints the functions that
hold the most samples: by their own time (Numba kernels count as the Python line that calls them)
and inclusive of what they call, with the share of the day loop's samples, plus run.json's
phase_seconds.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, sys, numba, credsim
out, n, days, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if threads:
    numba.set_num_threads(threads)
quiet = ["output.events='none'", "output.citizens='none'", "output.report=false"]
results = credsim.run("reference", out=out, population=n, days=days, overrides=quiet)
print(json.dumps(results.run_info))
"""


def _read(raw: Path) -> tuple[collections.Counter, collections.Counter, int]:
    own: collections.Counter = collections.Counter()
    inclusive: collections.Counter = collections.Counter()
    loop = 0
    for line in raw.read_text().splitlines():
        stack, count = line.rsplit(" ", 1)
        frames = stack.split(";")
        if not any("Simulation.run " in f for f in frames):
            continue  # start-up, population build and writing results are not the day loop
        n = int(count)
        loop += n
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    return own, inclusive, loop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=float, default=1e6)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--threads", type=int, default=0, help="Numba threads (0: all)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    spy = shutil.which("py-spy")
    if spy is None:
        sys.exit("py-spy is not installed: python3 -m pip install py-spy")
    with tempfile.TemporaryDirectory(prefix="credsim-profile-") as tmp:
        folder = Path(tmp)
        child = [sys.executable, "-c", CHILD]
        warm = [str(folder / "warm"), "2000", "15", str(args.threads)]
        subprocess.run(child + warm, check=True, capture_output=True)
        raw = folder / "profile.txt"
        run_args = [str(folder / "run"), str(int(args.citizens)), str(args.days), str(args.threads)]
        done = subprocess.run(
            [spy, "record", "-r", "250", "-f", "raw", "-o", str(raw), "--", *child, *run_args],
            check=True,
            capture_output=True,
            text=True,
        )
        info = json.loads(next(x for x in done.stdout.splitlines() if x.startswith("{")))
        own, inclusive, loop = _read(raw)
    print(
        f"{int(args.citizens):,} citizens x {args.days} days, {info['threads']} threads: "
        f"loop {info['loop_seconds']} s, {info['agent_days_per_second']:.3e} agent-days/s"
    )
    print("phase_seconds:", info["phase_seconds"])
    for title, counter in (("own time", own), ("inclusive", inclusive)):
        print(f"\n{'samples':>8} {'% loop':>7}  function ({title})")
        for frame, n in counter.most_common(args.top):
            print(f"{n:>8} {100 * n / max(loop, 1):>6.1f}%  {frame}")


if __name__ == "__main__":
    main()
