"""The report's time drawn by one process and by two (credsim.report.helper), and the same page.

Usage: python benchmarks/report.py [--sizes 1e5 1e6] [--days 365] [--scenario default]
                                   [--rounds 3] [--keep-events]

For each size, one run writes its run directory (the report off; the event log removed unless
--keep-events, as the cases section reads it). Then `write_report` rewrites the report from it in
alternating rounds, each in a fresh child process: alone, then with a helper started beside it
(as `credsim report` does). Wall seconds from the helper's start to the page written, medians
over rounds; the page must be the same bytes either way. Saved as JSON under benchmarks/results/
(not committed).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys, time
from pathlib import Path
from credsim.report import write_report
from credsim.report.helper import ReportHelper
run_dir, two = Path(sys.argv[1]), sys.argv[2] == "2"
started = time.perf_counter()
helper = ReportHelper() if two else None
page = write_report(run_dir, helper=helper)
if helper is not None:
    helper.close()
print(time.perf_counter() - started)
"""


def _report(run_dir: Path, processes: int) -> tuple[float, bytes]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(run_dir), str(processes)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip().splitlines()[-1]), (run_dir / "report.html").read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep-events", action="store_true")
    args = parser.parse_args()
    import credsim

    rows = []
    with tempfile.TemporaryDirectory(prefix="credsim-report-bench-") as tmp:
        for size in args.sizes:
            n = int(size)
            out = Path(tmp) / f"run-{n}"
            credsim.run(
                args.scenario, out=out, population=n, days=args.days,
                overrides=["output.report=false"],
            )  # fmt: skip
            if not args.keep_events:
                shutil.rmtree(out / "events", ignore_errors=True)
            _report(out, 1)  # warm: the kernels' and fonts' caches
            times: dict[int, list[float]] = {1: [], 2: []}
            pages: dict[int, bytes] = {}
            for _ in range(args.rounds):
                for processes in (1, 2):
                    seconds, pages[processes] = _report(out, processes)
                    times[processes].append(seconds)
            same = pages[1] == pages[2]
            row = {
                "citizens": n,
                "days": args.days,
                "one_process_s": statistics.median(times[1]),
                "two_processes_s": statistics.median(times[2]),
                "rounds": times,
                "same_page": same,
            }
            rows.append(row)
            print(
                f"{n:>12,} citizens: one process {row['one_process_s']:.2f} s, "
                f"two {row['two_processes_s']:.2f} s "
                f"({row['one_process_s'] / row['two_processes_s']:.2f}x), "
                f"same page: {same}",
                flush=True,
            )
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = results / f"report-{stamp}.json"
    path.write_text(json.dumps({"machine": platform.platform(), "rows": rows}, indent=1))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
