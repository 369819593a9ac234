"""Calibration on synthetic data: does `credsim calibrate` recover known parameter values inside
its intervals, how often, how wide are they, and how fast does it go?

Usage: python benchmarks/calibration.py [--repetitions 10] [--trials 12] [--refine 14]
                                        [--waves 2] [--replicates 2] [--backend local|ray]
                                        [--workers 2]

Each repetition makes targets from one run of the small debts scenario of the tests
(tests/calibration/debts.toml: 20,000 agents, 60 days, loan defaults, court judgments and the
court blacklist) at known values (default rate 4e-4 a day, 45% of debts repaid), with its own
seed, then calibrates both values over ranges that hold them, with its own calibration seed. A
repetition recovers the truth when each known value lies within the accepted points' range
(min-max), and, separately, within their 5th-95th percentiles. Results are printed and saved as
JSON under benchmarks/results/ with the machine's load average (others share it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests" / "calibration"))  # the synthetic set-up

from synthetic import TRUTH, EnteredBackend, calibration_text, synthetic_targets  # noqa: E402

from credsim.calibration import calibrate, load_calibration, prepare_calibration  # noqa: E402
from credsim.experiments.backends import make_backend  # noqa: E402


def _repetition(rep: int, args, pool, root: Path) -> dict:
    truth_seed = 100 + rep
    text = calibration_text(
        synthetic_targets(truth_seed),
        truth_seed,
        seed=rep + 1,
        trials=args.trials,
        refine=args.refine,
        waves=args.waves,
    )
    document = tomllib.loads(text)
    document["replicates"] = args.replicates
    prepared = prepare_calibration(load_calibration(document))
    started = time.perf_counter()
    result = calibrate(prepared, root / f"rep-{rep}", pool)
    seconds = time.perf_counter() - started
    out = {"repetition": rep, "truth_seed": truth_seed, "seconds": round(seconds, 2)}
    out["points_per_minute"] = round(result.trials_run / seconds * 60, 1)
    out["accepted"] = result.summary["accepted"]
    in_range, in_p90 = True, True
    for p in result.summary["parameters"]:
        truth = TRUTH[p["parameter"]]
        if not p["accepted"]:
            in_range = in_p90 = False
            continue
        in_range &= p["min"] <= truth <= p["max"]
        in_p90 &= p["p05"] <= truth <= p["p95"]
        out[p["parameter"]] = {k: p[k] for k in ("min", "p05", "median", "p95", "max")}
        out[p["parameter"]]["share_of_range"] = (p["max"] - p["min"]) / (p["high"] - p["low"])
    out |= {"in_range": bool(in_range), "in_p05_p95": bool(in_p90)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--refine", type=int, default=14)
    parser.add_argument("--waves", type=int, default=2)
    parser.add_argument("--replicates", type=int, default=2)
    parser.add_argument("--backend", default="local")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rows = []
    started = time.perf_counter()
    backend = make_backend(args.backend, workers=args.workers)
    with tempfile.TemporaryDirectory() as scratch, backend:
        pool = EnteredBackend(backend)
        for rep in range(args.repetitions):
            rows.append(_repetition(rep, args, pool, Path(scratch)))
            print(json.dumps(rows[-1]), flush=True)
    summary = {
        "settings": vars(args),
        "truth": TRUTH,
        "in_range": sum(r["in_range"] for r in rows),
        "in_p05_p95": sum(r["in_p05_p95"] for r in rows),
        "repetitions": len(rows),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "load_average": os.getloadavg(),
        "rows": rows,
    }
    print(
        f"recovered within the accepted range in {summary['in_range']} of {len(rows)}, "
        f"within 5-95% in {summary['in_p05_p95']} of {len(rows)}; "
        f"{summary['wall_seconds']} s on {args.backend}"
    )
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / f"calibration-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(summary, indent=2)
    )


if __name__ == "__main__":
    main()
