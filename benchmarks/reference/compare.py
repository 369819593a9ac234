"""credsim, Mesa and Starsim side by side on the reference model: speed, memory and outcomes.

Usage: python benchmarks/reference/compare.py [--citizens 1e6] [--days 365]
           [--mesa-citizens 1e5] [--mesa-days 365] [--seed 1] [--skip mesa ...]

One command runs every framework in turn, each in a fresh child process of the same Python, so
that one model's memory does not hide another's. In each child the model is first run once at a
tiny size (Numba compiles, imports settle), then built and run at full size:

- speed: agent-days per second = citizens x days / seconds spent stepping through the days
  (building the population and network is timed apart, as `build s`);
- CPU: the process's CPU time over the same days (all threads). On a machine shared with other
  work a single-threaded loop's CPU time is what its wall time would be alone, so the CPU columns
  compare frameworks per core however busy the machine is; credsim on one thread is their base;
- memory: the peak resident set size (RSS, from /proc/self/status) while the model is built and
  run, less the RSS just before, divided by the number of agents; the kernel's high-water mark is
  reset first (/proc/self/clear_refs). RSS counts everything (NumPy, Numba and Python objects),
  unlike tracemalloc, which misses Numba's arrays and slows Mesa several-fold.

Mesa is run at a smaller size by default (--mesa-citizens): its agent-days per second barely
depend on the size, while its memory and time would not fit a 1e6 x 365 run in minutes.
credsim runs with all Numba threads (2 here) and again with one, as Mesa and Starsim use one core.
Results are printed and saved as JSON under benchmarks/results/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRAMEWORKS = ("credsim", "credsim-1-thread", "starsim", "mesa")


def child(framework: str, citizens: int, days: int, seed: int) -> dict:
    """Warm up, then build and run one framework's model; its outcome, speed and memory."""
    sys.path.insert(0, str(HERE))
    from memory import MemoryProbe
    from reference_spec import reference_params

    if framework.startswith("credsim"):
        import numba
        from credsim_model import run_credsim as run

        if framework == "credsim-1-thread":
            numba.set_num_threads(1)
    elif framework == "starsim":
        from starsim_model import run_starsim as run
    elif framework == "mesa":
        from mesa_model import run_mesa as run
    else:
        raise ValueError(f"unknown framework {framework!r}; frameworks are {FRAMEWORKS}")
    run(reference_params(2_000, 15, seed))  # compile and warm up outside the measurement
    threads = numba.get_num_threads() if framework.startswith("credsim") else 1
    probe = MemoryProbe()
    outcome = run(reference_params(citizens, days, seed))
    record = asdict(outcome)
    record.update(
        framework=framework,
        threads=threads,
        agent_days_per_second=outcome.agent_days_per_second,
        agent_days_per_cpu_second=outcome.agent_days_per_cpu_second,
        peak_bytes=probe.peak_bytes,
        resident_bytes=probe.resident_bytes,
        peak_reset=probe.reset,
    )
    return record


def measure(framework: str, citizens: int, days: int, seed: int, passive: bool = False) -> dict:
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"} if passive else None
    done = subprocess.run(
        [sys.executable, __file__, "--child", framework, str(citizens), str(days), str(seed)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{framework} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _table(rows: list[dict]) -> str:
    """Speed and memory; ratios against credsim on wall time (all threads) and against credsim
    on one thread by CPU time (what each gives per core, whatever else the machine runs)."""
    wall = next((r for r in rows if r["framework"] == "credsim"), rows[0])
    core = next((r for r in rows if r["framework"] == "credsim-1-thread"), wall)
    head = (
        f"{'framework':<17} {'citizens':>11} {'days':>5} {'thr':>3} {'build s':>7} "
        f"{'loop s':>8} {'agent-days/s':>12} {'credsim x':>9} {'loop CPU s':>10} "
        f"{'per CPU-s':>10} {'credsim x':>9} {'peak MiB':>8} {'B/agent':>8} {'x credsim':>9}"
    )
    lines = [head]
    for r in rows:
        per_agent = r["peak_bytes"] / r["citizens"]
        lines.append(
            f"{r['framework']:<17} {r['citizens']:>11,} {r['days']:>5} {r['threads']:>3} "
            f"{r['build_seconds']:>7.1f} {r['loop_seconds']:>8.2f} "
            f"{r['agent_days_per_second']:>12.3e} "
            f"{wall['agent_days_per_second'] / r['agent_days_per_second']:>9.1f} "
            f"{r['loop_cpu_seconds']:>10.2f} {r['agent_days_per_cpu_second']:>10.3e} "
            f"{core['agent_days_per_cpu_second'] / r['agent_days_per_cpu_second']:>9.1f} "
            f"{r['peak_bytes'] / 2**20:>8.0f} {per_agent:>8.1f} "
            f"{per_agent / (wall['peak_bytes'] / wall['citizens']):>9.1f}"
        )
    return "\n".join(lines)


def _outcomes(rows: list[dict]) -> str:
    head = (
        f"{'framework':<17} {'citizens':>11} {'days':>5} {'acts/citizen':>12} "
        f"{'records/cit':>11} {'misattr/1e3':>11} {'listed %':>8} {'refused/1e3':>11} "
        f"{'mean score':>10}"
    )
    lines = [head]
    for r in rows:
        n = r["citizens"]
        lines.append(
            f"{r['framework']:<17} {n:>11,} {r['days']:>5} {sum(r['acts'].values()) / n:>12.4f} "
            f"{r['records'] / n:>11.4f} {1e3 * r['misattributed'] / n:>11.3f} "
            f"{100 * r['listed'] / n:>8.3f} {1e3 * r['refused'] / n:>11.3f} "
            f"{r['score_mean']:>10.3f}"
        )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        framework, citizens, days, seed = sys.argv[2], *map(int, sys.argv[3:6])
        print(json.dumps(child(framework, citizens, days, seed)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=float, default=1e6)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--mesa-citizens", type=float, default=1e5)
    parser.add_argument("--mesa-days", type=int, default=None, help="default: --days")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", nargs="*", default=[], choices=FRAMEWORKS)
    parser.add_argument(
        "--omp-passive",
        action="store_true",
        help="OMP_WAIT_POLICY=PASSIVE: Numba's OpenMP threads sleep at barriers instead of "
        "spinning (far faster when other processes share the cores)",
    )
    args = parser.parse_args()
    rows = []
    for framework in FRAMEWORKS:
        if framework in args.skip:
            continue
        citizens, days = int(args.citizens), args.days
        if framework == "mesa":
            citizens, days = int(args.mesa_citizens), args.mesa_days or args.days
        started = time.perf_counter()
        rows.append(measure(framework, citizens, days, args.seed, args.omp_passive))
        print(f"  {framework}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(_table(rows))
    print()
    print(_outcomes(rows))
    if not all(r["peak_reset"] for r in rows):
        print("note: the RSS high-water mark could not be reset; peaks include the warm-up")
    folder = HERE.parent / "results"
    folder.mkdir(exist_ok=True)
    print(f"load average at the end: {os.getloadavg()}")
    record = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "load_average_at_end": os.getloadavg(),
        "omp_wait_policy": "PASSIVE" if args.omp_passive else os.environ.get("OMP_WAIT_POLICY"),
        "rows": rows,
    }
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (folder / f"reference-compare-{stamp}.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
