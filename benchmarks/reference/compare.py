"""credsim, the Numba limit, NumPy, Starsim and Mesa side by side on the reference model: CPU
seconds of the day loop at equal sizes, with outcomes that must agree within sampling error.

Usage: python benchmarks/reference/compare.py [--sizes 1e5 1e6] [--days 365] [--rounds 5]
           [--mesa-rounds 3 1] [--limit-minutes 20] [--seed 1] [--frameworks credsim numba ...]
           [--credsim-src DIR]

Sizes run one after the other. At each size the frameworks run in interleaved rounds (credsim,
numba, numpy, starsim, mesa, credsim, numba, ...), each run in a fresh child process of the same
Python with NUMBA_NUM_THREADS=1, warmed up first at a tiny size (Numba compiles, imports settle).
Mesa joins the first --mesa-rounds rounds (one number per size). A child that takes longer than
--limit-minutes (warm-up, build and days) is stopped and reported as not finished, and that
framework sits out the size's other rounds.

- CPU seconds: time.process_time() of the child over the days only (building the population and
  network is timed apart). Every version runs on one thread, so on a machine shared with other
  work its CPU time is what its wall time would be alone; wall seconds are printed too. The
  headline is the median over rounds and its ratio to credsim's and to the Numba kernel's.
- memory: the peak resident set size (RSS, /proc/self/status) while the model is built and run,
  less the RSS just before, per agent (the kernel's high-water mark is reset first).
- outcomes: acts, records, misattributions, listed, refused and the mean score at the end, per
  citizen; `max |z|` is the largest difference, in standard errors, from what the rules make
  certain (acts, records, misattributions) and from credsim (listed and refused: Poisson; the
  mean score: the spread of points from records), as tests/test_reference_equivalence.py checks.

--credsim-src puts a directory first on the children's PYTHONPATH, to measure a fixed version of
credsim (for example `git archive COMMIT src/credsim | tar -x -C DIR`, then DIR/src) while the
working tree changes. Results are saved as JSON under benchmarks/results/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRAMEWORKS = ("credsim", "numba", "numpy", "starsim", "mesa")
EXTRAS = ("starsim-crn", "starsim-random", "credsim-2-threads")
"""Also available: Starsim with its common random numbers on, on its `RandomNet`, and credsim on
two Numba threads (CPU seconds then count both threads)."""
LABELS = {
    "credsim": "credsim",
    "numba": "Numba kernel (limit)",
    "numpy": "NumPy + scipy.sparse",
    "starsim": "Starsim",
    "mesa": "Mesa",
    "starsim-crn": "Starsim, CRN on",
    "starsim-random": "Starsim, RandomNet",
    "credsim-2-threads": "credsim, 2 threads",
}


def _runner(framework: str):
    """The function that builds and runs one framework's model."""
    if framework.startswith("credsim"):
        from credsim_model import run_credsim

        return run_credsim
    if framework == "numba":
        from numba_model import run_numba

        return run_numba
    if framework == "numpy":
        from numpy_model import run_numpy

        return run_numpy
    if framework.startswith("starsim"):
        import starsim as ss
        from starsim_model import run_starsim

        # Plain draws per agent: Starsim's documented faster option (the other hand-written
        # versions keep no common random numbers either); starsim-crn keeps them.
        ss.options.crn = framework == "starsim-crn"
        network = "random" if framework == "starsim-random" else "small_world"
        return lambda params: run_starsim(params, network)
    if framework == "mesa":
        from mesa_model import run_mesa

        return run_mesa
    raise ValueError(f"unknown framework {framework!r}; frameworks are {FRAMEWORKS + EXTRAS}")


def child(framework: str, citizens: int, days: int, seed: int) -> dict:
    """Warm up, then build and run one framework's model; its outcome, CPU time and memory."""
    sys.path.insert(0, str(HERE))
    from memory import MemoryProbe
    from reference_spec import reference_params

    run = _runner(framework)
    run(reference_params(2_000, 15, seed))  # compile and warm up outside the measurement
    probe = MemoryProbe()
    outcome = run(reference_params(citizens, days, seed))
    record = asdict(outcome)
    record.update(
        framework=framework,
        peak_bytes=probe.peak_bytes,
        peak_reset=probe.reset,
        load_average=os.getloadavg()[0],
    )
    return record


def measure(
    framework: str, citizens: int, days: int, seed: int, src: str | None, limit: float
) -> dict | None:
    """One run in a fresh child process, on one Numba thread unless the framework says two;
    None when it did not finish within `limit` seconds."""
    threads = "2" if framework == "credsim-2-threads" else "1"
    env = {**os.environ, "NUMBA_NUM_THREADS": threads, "OMP_WAIT_POLICY": "PASSIVE"}
    if src:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", framework, str(citizens), str(days), str(seed)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"{framework} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _max_z(run: dict, credsim: dict | None) -> float:
    """The largest difference, in standard errors, from the rules and from credsim."""
    sys.path.insert(0, str(HERE))
    from reference_spec import TRAVEL_ACT, reference_params

    params = reference_params(run["citizens"], run["days"], run["seed"])
    z = []
    for kind, got in run["acts"].items():
        rate = params.travel_rate if kind == TRAVEL_ACT else params.act_rates[kind]
        want = params.expected_acts(kind)
        z.append((got - want) / math.sqrt(want * (1 - rate)))
    violations = sum(n for kind, n in run["acts"].items() if kind != TRAVEL_ACT)
    for got, of, share in (
        (run["records"], violations, 1 - params.miss_rate),
        (run["misattributed"], run["records"], params.misattribution_rate),
    ):
        z.append((got - of * share) / math.sqrt(of * share * (1 - share)))
    if credsim is not None and credsim is not run and credsim["citizens"] == run["citizens"]:
        for key in ("listed", "refused"):
            a, b = run[key], credsim[key]
            z.append((a - b) / math.sqrt(max(a + b, 1)))
        se = math.sqrt(2 * params.record_points_variance() / run["citizens"])
        z.append((run["score_mean"] - credsim["score_mean"]) / se)
    return max(abs(v) for v in z)


def _table(size_runs: dict[str, list[dict]]) -> str:
    """CPU seconds (medians over rounds) and their ratios to credsim and to the Numba kernel."""
    cpu = {fw: _median(runs, "loop_cpu_seconds") for fw, runs in size_runs.items()}
    head = (
        f"{'framework':<22} {'citizens':>10} {'rounds':>6} {'loop CPU s':>10} {'/ credsim':>9} "
        f"{'/ Numba':>8} {'agent-days/CPU-s':>16} {'wall s':>7} {'build s':>7} {'B/agent':>8}"
    )
    lines = [head]
    for fw, runs in size_runs.items():
        r = runs[0]
        agent_days = r["citizens"] * r["days"]
        ratio_c = cpu[fw] / cpu["credsim"] if "credsim" in cpu else math.nan
        ratio_n = cpu[fw] / cpu["numba"] if "numba" in cpu else math.nan
        lines.append(
            f"{LABELS[fw]:<22} {r['citizens']:>10,} {len(runs):>6} {cpu[fw]:>10.2f} "
            f"{ratio_c:>9.2f} {ratio_n:>8.1f} {agent_days / cpu[fw]:>16.3e} "
            f"{_median(runs, 'loop_seconds'):>7.2f} {_median(runs, 'build_seconds'):>7.1f} "
            f"{_median(runs, 'peak_bytes') / r['citizens']:>8.0f}"
        )
    return "\n".join(lines)


def _outcomes(size_runs: dict[str, list[dict]]) -> str:
    head = (
        f"{'framework':<22} {'citizens':>10} {'acts/citizen':>12} {'records/cit':>11} "
        f"{'misattr/1e3':>11} {'listed %':>8} {'refused/1e3':>11} {'mean score':>10} "
        f"{'max |z|':>7}"
    )
    lines = [head]
    credsim = size_runs.get("credsim", [None])[0]
    for fw, runs in size_runs.items():
        r = runs[0]  # every round has the same seed and, per framework, the same outcome
        n = r["citizens"]
        lines.append(
            f"{LABELS[fw]:<22} {n:>10,} {sum(r['acts'].values()) / n:>12.4f} "
            f"{r['records'] / n:>11.4f} {1e3 * r['misattributed'] / n:>11.3f} "
            f"{100 * r['listed'] / n:>8.3f} {1e3 * r['refused'] / n:>11.3f} "
            f"{r['score_mean']:>10.3f} {_max_z(r, credsim):>7.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        framework, citizens, days, seed = sys.argv[2], *map(int, sys.argv[3:6])
        print(json.dumps(child(framework, citizens, days, seed)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e5, 1e6])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mesa-rounds", type=int, nargs="+", default=[3, 1], help="per size")
    parser.add_argument("--limit-minutes", type=float, default=20.0, help="per child process")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--frameworks", nargs="+", default=list(FRAMEWORKS), choices=FRAMEWORKS + EXTRAS
    )
    parser.add_argument("--credsim-src", default=None, help="put first on the children's path")
    args = parser.parse_args()
    if args.credsim_src:
        sys.path.insert(0, args.credsim_src)  # the outcomes' checks read the scenario too
    if len(args.mesa_rounds) not in (1, len(args.sizes)):
        parser.error("--mesa-rounds: one number, or one per size")
    record = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "credsim_src": args.credsim_src,
        "sizes": {},
    }
    folder = HERE.parent / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"reference-compare-{time.strftime('%Y%m%d-%H%M%S')}.json"
    limit = 60 * args.limit_minutes
    for i, size in enumerate(map(int, args.sizes)):
        mesa_rounds = args.mesa_rounds[min(i, len(args.mesa_rounds) - 1)]
        runs: dict[str, list[dict]] = {fw: [] for fw in args.frameworks}
        unfinished: list[str] = []
        for round_ in range(args.rounds):
            for fw in runs:
                if fw in unfinished or (fw == "mesa" and round_ >= mesa_rounds):
                    continue
                started = time.perf_counter()
                run = measure(fw, size, args.days, args.seed, args.credsim_src, limit)
                took = time.perf_counter() - started
                if run is None:
                    unfinished.append(fw)
                    print(f"  {size:,} {fw}: not finished in {took:.0f} s", file=sys.stderr)
                    continue
                runs[fw].append(run)
                print(
                    f"  {size:,} round {round_ + 1} {fw}: loop CPU "
                    f"{run['loop_cpu_seconds']:.2f} s, child {took:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
            record["sizes"][str(size)] = {"runs": runs, "unfinished": unfinished}
            path.write_text(json.dumps(record, indent=2) + "\n")
        runs = {fw: rs for fw, rs in runs.items() if rs}
        print(_table(runs))
        print()
        print(_outcomes(runs))
        for fw in unfinished:
            print(f"{LABELS[fw]}: did not finish within {args.limit_minutes:g} minutes")
        print(f"load average after {size:,}: {os.getloadavg()}")
        print()
        if not all(r["peak_reset"] for rs in runs.values() for r in rs):
            print("note: the RSS high-water mark could not be reset; peaks include the warm-up")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
