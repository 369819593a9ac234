"""The memory guard: a run it admits stays within the memory it predicted, and a run that will
not fit is refused up front (exit 2, one paragraph, nothing written, nothing allocated).

Peaks are measured in fresh processes (resident memory above the process once its scenario is
loaded, as the guard counts it), two at a time."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import credsim
from credsim.engine.memory import Footprint, check_fits, memory_limit, parse_size
from credsim.errors import UserError
from credsim.scenario.footprint import run_footprint

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").is_file(), reason="reads peak memory from /proc"
)

MEASURE = textwrap.dedent(
    """
    import json, sys
    import credsim
    from credsim.runner import run
    from credsim.scenario.footprint import run_footprint

    def status(key):
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith(key + ":"))

    name, n, days, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    scenario = credsim.load_scenario(name, population=n, days=days)
    predicted = run_footprint(scenario).bytes(n)
    base = status("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    if len(sys.argv) > 5:  # checkpointed every so many days
        from pathlib import Path
        from credsim.experiments.checkpoint import run_checkpointed

        run_checkpointed(scenario, Path(out), int(sys.argv[5]))
    else:
        run(scenario, out=out)
    print(json.dumps({"predicted": predicted, "peak": status("VmHWM") - base}))
    """
)

CASES = [(scenario, n) for scenario in ("default", "reference") for n in (20_000, 60_000, 150_000)]

MEASURE_SHARDS = textwrap.dedent(
    """
    import json, sys
    import credsim
    from credsim.experiments.sharding import run_sharded
    from credsim.scenario.footprint import shards_footprint

    def status(key):
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith(key + ":"))

    name, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    scenario = credsim.load_scenario(name, population=n, days=20, overrides=["but_for=true"])
    predicted = shards_footprint(scenario).bytes(n)
    base = status("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    every = int(sys.argv[4]) if len(sys.argv) > 4 else None  # checkpointed every so many days
    run_sharded(scenario, out, 2, backend="local", checkpoint_every=every)
    print(json.dumps({"predicted": predicted, "peak": status("VmHWM") - base}))
    """
)


def _measure(case: tuple[str, int], tmp: Path, *every: str) -> dict:
    scenario, n = case
    out = tmp / f"{scenario}-{n}"
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, scenario, str(n), "10", str(out), *every],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_admitted_run_stays_within_its_predicted_peak(tmp_path):
    with ThreadPoolExecutor(2) as pool:
        measured = list(pool.map(lambda case: _measure(case, tmp_path), CASES))
    for (scenario, n), m in zip(CASES, measured, strict=True):
        ratio = m["peak"] / m["predicted"]
        assert ratio <= 1.2, f"{scenario} at {n:,}: peak {m['peak']:,} is {ratio:.2f}x predicted"


def test_an_admitted_checkpointed_run_stays_within_its_predicted_peak(tmp_path):
    """A checkpointed run (its counterfactual stepped first and checkpointed, then its own days
    and their checkpoints written) stays within what the guard predicts for it."""
    m = _measure(("default", 150_000), tmp_path, "3")
    ratio = m["peak"] / m["predicted"]
    assert ratio <= 1.2, f"checkpointed: peak {m['peak']:,} is {ratio:.2f}x predicted"


def test_an_admitted_sharded_run_with_its_counterfactual_stays_within_its_predicted_peak(tmp_path):
    """Two shards in this process, each stepping its own citizens' counterfactual first."""
    for scenario in ("default", "everything"):
        out = tmp_path / scenario
        done = subprocess.run(
            [sys.executable, "-c", MEASURE_SHARDS, scenario, "300000", str(out)],
            capture_output=True,
            text=True,
            check=True,
        )
        m = json.loads(done.stdout.strip().splitlines()[-1])
        assert json.loads((out / "summary.json").read_text())["but_for"] is True
        ratio = m["peak"] / m["predicted"]
        assert ratio <= 1.2, f"{scenario}: peak {m['peak']:,} is {ratio:.2f}x predicted"


def test_an_admitted_checkpointed_sharded_run_stays_within_its_predicted_peak(tmp_path):
    """Two shards in this process, checkpointed every 7 days: each steps its counterfactual
    first, checkpointed on the way, then its own days (the guard predicts it as unchecked)."""
    out = tmp_path / "default"
    done = subprocess.run(
        [sys.executable, "-c", MEASURE_SHARDS, "default", "300000", str(out), "7"],
        capture_output=True,
        text=True,
        check=True,
    )
    m = json.loads(done.stdout.strip().splitlines()[-1])
    assert json.loads((out / "run.json").read_text())["but_for"]["stepped"] == "ahead"
    ratio = m["peak"] / m["predicted"]
    assert ratio <= 1.2, f"checkpointed shards: peak {m['peak']:,} is {ratio:.2f}x predicted"


REFUSE = textwrap.dedent(
    """
    import json, os, sys, time

    def status(key):
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith(key + ":"))

    import credsim.cli
    import credsim.experiments.compare, credsim.experiments.sharding, credsim.runner
    os.chdir(sys.argv[1])
    base = status("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    results = []
    for argv in json.loads(sys.argv[2]):
        sys.argv = ["credsim", *argv]
        started = time.perf_counter()
        try:
            credsim.cli.main()
            code = 0
        except SystemExit as end:
            code = end.code
        results.append({"argv": argv, "code": code, "seconds": time.perf_counter() - started})
    print(json.dumps({"results": results, "grown": status("VmHWM") - base}))
    """
)

FOUR_GIB = ["--max-memory", "4G"]
TOO_BIG = [
    ["run", "default", "--population", "2000000000"],  # more than any one machine has (first:
    # --max-memory then holds for the rest of the process)
    ["run", "default", "--population", "300000000", *FOUR_GIB],
    ["run", "national", "--population", "705889500", "--set", "population.people_per_agent=2",
     *FOUR_GIB],
    ["compare", "default", "state", "--population", "300000000", *FOUR_GIB],
    ["run", "default", "--population", "300000000", "--shards", "4", "--no-but-for", *FOUR_GIB],
    ["population", "--size", "700000000", *FOUR_GIB],
    ["run", "default", "--population", "30000000", "--replicates", "4", *FOUR_GIB],
]  # fmt: skip


def test_runs_that_will_not_fit_are_refused_before_anything_is_allocated(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", REFUSE, str(tmp_path), json.dumps(TOO_BIG)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    for result in found["results"]:
        assert result["code"] == 2, result["argv"]
    assert "Traceback" not in done.stderr
    messages = done.stderr.count("error:")
    assert messages == len(TOO_BIG)
    assert done.stderr.count("agents fit") == len(TOO_BIG)  # each names a size that would
    assert found["grown"] < 64 * 2**20  # no citizen was built
    assert list(tmp_path.iterdir()) == []  # no run directory, not even runs/


def test_the_size_named_fits_and_a_larger_one_does_not():
    scenario = credsim.load_scenario("default", population=1000)
    footprint = run_footprint(scenario)
    limit = 4 * 2**30
    with memory_limit(limit), pytest.raises(UserError) as refused:
        check_fits(footprint, 300_000_000, "this run", "--population {most}")
    text = str(refused.value)
    most = int(text.split("At most ")[1].split(" agents")[0].replace(",", ""))
    assert footprint.bytes(most) <= limit < footprint.bytes(int(most * 1.01) + 1000)
    assert f"--population {most}" in text and "4.0 GiB" in text
    with memory_limit(limit):
        check_fits(footprint, most, "this run", "--population {most}")  # admitted


def test_footprints_and_sizes():
    assert parse_size("4G") == 4 * 2**30 and parse_size("512MiB") == 512 * 2**20
    with pytest.raises(UserError, match="--max-memory"):
        parse_size("lots")
    two = Footprint(((100.0, 10.0), (300.0, 5.0)))
    assert two.bytes(10) == 350.0 and two.bytes(100) == 1100.0
    assert two.largest(1100.0) == 100


def test_the_head_of_a_sharded_run_on_a_cluster_needs_no_memory_per_citizen():
    """With --address only the head runs here, and it holds no citizen's state: 1:1 China in
    16 shards is admitted with 16 GiB, while the same shards on this machine are refused."""
    from credsim.scenario.footprint import check_shards_fit

    over = ["population.people_per_agent=1", "population.locality_max_people=5000000"]
    china = credsim.load_scenario("default", population=1_411_778_724, days=365, overrides=over)
    with memory_limit(16 * 2**30):
        check_shards_fit(china, 16, "ray", "10.0.0.1:6379")
        with pytest.raises(UserError, match="16 shards"):
            check_shards_fit(china, 16, "processes", None)
