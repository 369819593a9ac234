"""The bundled `rollout` scenario (all of China at 1:1000, October 2013 to December 2020): wall
time, loop time by phase and peak memory of the whole run as a user starts it.

Usage: python benchmarks/rollout.py [--population N] [--set KEY=VALUE ...]

It runs `credsim run rollout` in a fresh process (events sampled, citizens table and report
written, as the scenario says) and prints run.json's figures. Target: at most 10 minutes on the
2-core, 24 GiB machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=None)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rollout"
        cmd = [sys.executable, "-c", "from credsim.cli import main; main()", "run", "rollout",
               "--out", str(out)]  # fmt: skip
        if args.population:
            cmd += ["--population", str(args.population)]
        for item in args.set:
            cmd += ["--set", item]
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall = time.perf_counter() - started
        info = json.loads((out / "run.json").read_text())
    print(f"wall seconds (whole process): {wall:.1f}")
    print(f"loop seconds: {info['loop_seconds']:.1f}")
    print("phases:", {k: round(v, 1) for k, v in info["phase_seconds"].items()})
    print(f"peak RSS MiB: {info['peak_rss_bytes'] / 2**20:.0f}")


if __name__ == "__main__":
    main()
