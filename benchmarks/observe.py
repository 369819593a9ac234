"""The observe and score phases cost what their acts and records cost, not citizens x days.

Usage: python benchmarks/observe.py

Three runs of the default scenario for 120 days, with the event log off: 1e6 citizens; 1e7
citizens with every act rate divided by 10 (the same acts per day as the first); and 1e6 citizens
with every rate multiplied by 10 (ten times the acts). If observing costs per act, the first two
take about the same time and the third about ten times as long. Network terms are switched off
here: a network term is a pass over the graph every `network_cadence_days`, by design.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import tomli_w

from credsim.scenario import load_scenario

CHILD = """
import json, sys, credsim
results = credsim.run(sys.argv[1], out=sys.argv[2])
info = results.run_info
s = results.summary
print(json.dumps({"phase_seconds": info["phase_seconds"], "acts": s["acts_total"],
                  "records": s["records_total"]}))
"""


def scenario_file(folder: Path, n: int, scale: float) -> Path:
    resolved = load_scenario("default", population=n, days=120).to_dict()
    for act in resolved["behavior"]["citizens"]["acts"].values():
        act["rate"] = min(act["rate"] * scale, 1.0)
    resolved["output"].update(events="none", citizens="none", report=False)
    for policy in resolved["policies"].values():
        policy["network_weight"] = 0.0
    path = folder / f"observe-{n}-{scale}.toml"
    path.write_text(tomli_w.dumps(resolved))
    return path


def main() -> None:
    print(
        f"{'citizens':>11} {'rate x':>7} {'acts':>12} {'observe s':>10} {'us/act':>7} "
        f"{'records':>12} {'score s':>8} {'us/record':>10}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n, scale in ((1_000_000, 1.0), (10_000_000, 0.1), (1_000_000, 10.0)):
            path = scenario_file(folder, n, scale)
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(path), str(folder / f"run-{n}-{scale}")],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            observe, score = r["phase_seconds"]["observe"], r["phase_seconds"]["score"]
            print(
                f"{n:>11,} {scale:>7} {r['acts']:>12,} {observe:>10.2f} "
                f"{1e6 * observe / r['acts']:>7.3f} {r['records']:>12,} {score:>8.2f} "
                f"{1e6 * score / r['records']:>10.3f}"
            )


if __name__ == "__main__":
    main()
