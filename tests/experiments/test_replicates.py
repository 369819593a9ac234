"""`credsim run --replicates K`: intervals that cover fresh runs, the same bytes on every backend
and in any completion order, bad flags refused, and a report that shows the intervals."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from credsim.experiments.backends import BackendUnavailable, LocalBackend
from credsim.experiments.backends.ray import RayBackend
from credsim.experiments.replicates import (
    ReplicateTask,
    replicate_seeds,
    run_replicate,
    run_replicates,
)
from credsim.report import write_report
from credsim.report.tables import fmt
from credsim.results.intervals import aggregate_summaries
from credsim.scenario import load_scenario

QUIET = ["output.events='none'", "output.citizens='none'", "output.report=false", "but_for=false"]


class InProcess:
    """A backend that runs every task here, in the order given (reversed if asked): the
    completion order a pool could produce, without starting processes."""

    name = "in-process"

    def __init__(self, reverse: bool = False) -> None:
        self.reverse = reverse

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def map_unordered(self, fn: Callable, items: Iterable) -> Iterator[tuple]:
        for item in reversed(list(items)) if self.reverse else list(items):
            yield item, fn(item)

    def describe(self) -> dict:
        return {"backend": self.name, "workers": 1, "threads_per_run": 1}


def _small(seed: int = 1, days: int = 30, quiet: bool = True, population: int = 2_000):
    overrides = QUIET if quiet else ["but_for=false"]
    return load_scenario("default", population=population, days=days, seed=seed,
                         overrides=overrides)  # fmt: skip


def test_the_90_percent_interval_covers_most_fresh_single_runs():
    """The interval of 20 replicates holds the figure of about 90% of runs with fresh seeds
    (Weibull percentiles; the plain linear ones would give about 81%). One interval's own
    coverage is random (a Beta(18.9, 2.1) draw: 0.90 +- 0.064), so six disjoint sets of 20 runs
    each give an interval, checked against the 100 runs outside it; their mean coverage is
    0.90 +- 0.027 and must be at least 0.84. Replicates and fresh runs are the same tasks
    `run_replicates` hands to its backend."""
    scenario = _small(days=20, population=1_000).to_dict()
    seeds = replicate_seeds(1, 20) + list(range(10_001, 10_101))
    tasks = [ReplicateTask(i, seed, scenario) for i, seed in enumerate(seeds)]
    with LocalBackend(workers=2) as pool:
        done = {
            task.replicate: out["summary"] for task, out in pool.map_unordered(run_replicate, tasks)
        }
    coverage = []
    for first in range(0, 120, 20):
        inside = range(first, first + 20)
        mean, low, high, _ = aggregate_summaries([done[i] for i in inside])
        bounds = (low["records_total"], high["records_total"])
        assert bounds[0] < mean["records_total"] < bounds[1]  # a figure with real spread
        fresh = [done[i]["records_total"] for i in range(120) if i not in inside]
        coverage.append(sum(bounds[0] <= value <= bounds[1] for value in fresh) / len(fresh))
    assert sum(coverage) / len(coverage) >= 0.84, coverage


FILES = [
    "summary.json",
    "replicates.parquet",
    "timeseries.parquet",
    "timeseries_p5.parquet",
    "timeseries_p95.parquet",
    "scenario.toml",
    *(f"replicates/r{r:03d}.json" for r in range(4)),
]


def _bytes(path: Path) -> dict[str, bytes]:
    return {name: (path / name).read_bytes() for name in FILES}


@pytest.fixture(scope="module")
def in_process(tmp_path_factory) -> Path:
    """Four replicates run here in order: the reference bytes."""
    out = tmp_path_factory.mktemp("replicates") / "a"
    return run_replicates(_small(days=20), out, 4, InProcess()).path


def test_same_bytes_whatever_the_workers_threads_or_completion_order(tmp_path, in_process):
    scenario = _small(days=20)
    reversed_ = run_replicates(scenario, tmp_path / "b", 4, InProcess(reverse=True))
    pool = run_replicates(scenario, tmp_path / "c", 4, LocalBackend(workers=2, threads=2))
    assert _bytes(in_process) == _bytes(reversed_.path) == _bytes(pool.path)
    assert pool.summary["replicates"]["seeds"] == replicate_seeds(1, 4)
    assert pool.run_info["backend"] == "local" and pool.run_info["replicates"] == 4


def test_same_bytes_on_ray(tmp_path, in_process):
    try:
        on_ray = run_replicates(_small(days=20), tmp_path / "d", 4, RayBackend(workers=2))
    except BackendUnavailable as err:
        pytest.skip(f"Ray cannot start here: {err}")
    assert on_ray.run_info["backend"] == "ray"
    assert _bytes(on_ray.path) == _bytes(in_process)


def test_replicate_zero_keeps_the_event_log_and_the_report_shows_intervals(tmp_path):
    scenario = _small(days=40, quiet=False, population=3_000)
    result = run_replicates(scenario, tmp_path / "r", 3, InProcess())
    files = set(result.files)
    assert "citizens.parquet" in files and any(f.startswith("events/") for f in files)
    assert not any(".replicate-" in f for f in files)
    summary = result.summary
    assert summary["replicates"]["count"] == 3 and summary["citizens"] == 3_000
    assert isinstance(summary["citizens"], int)  # the same in every replicate: kept as it is
    income = summary["p95"]["by_group"]["income"]
    assert all("sanctioned" in row for row in income.values())
    page = (result.path / "report.html").read_text(encoding="utf-8")
    assert "Mean [90% interval]" in page and "mean of 3 replicates" in page
    low, high = summary["p5"]["acts_total"], summary["p95"]["acts_total"]
    assert f"{fmt(summary['acts_total'])} [{fmt(low)}–{fmt(high)}]" in page
    wrongful = page[page.index('id="sec-wrongful"') :]
    assert "90% intervals" in wrongful and "Distinguishable from everyone" in wrongful
    assert "Pale grey bars" in wrongful
    assert "bands: 90% of them" in page  # the sanctions time series
    assert "Means of 3 replicates with their 90% intervals" in page  # misattribution by group
    write_report(result.path)  # the report of a run of replicates is written again alike
    assert (result.path / "report.html").read_text(encoding="utf-8") == page


CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--replicates", "0"], "--replicates 0: give at least 1"),
        (["--replicates", "-3"], "--replicates -3"),
        (["--replicates", "2", "--checkpoint-every", "5"], "--replicates with --checkpoint-every"),
        (["--replicates", "2", "--shards", "2"], "--replicates with --shards"),
        (["--replicates", "2", "--resume", "x"], "--replicates with --resume"),
        (["--workers", "2"], "add --replicates K"),
        (["--replicates", "2", "--workers", "0"], "--workers 0"),
    ],
)
def test_bad_replicate_flags_exit_2_and_write_nothing(tmp_path, args, needle):
    out = tmp_path / "run"
    done = subprocess.run(
        [*CLI, "run", "--population", "1000", "--days", "5", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == []


def test_credsim_run_takes_replicates(tmp_path):
    import credsim

    results = credsim.run("default", out=tmp_path / "r", replicates=2, backend=InProcess(),
                          population=1_000, days=5, overrides=QUIET)  # fmt: skip
    assert results.summary["replicates"]["count"] == 2
    assert set(results.summary["p95"]) <= set(results.summary)
    with pytest.raises(credsim.errors.UserError, match="checkpoint"):
        credsim.run("default", replicates=2, checkpoint_every=5, population=1_000, days=5)
