"""Sharded runs: split by province, stepped in lockstep (in this process or as Ray actors), and
merged into the very results a single process writes."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from credsim.engine.regions import other_in_region
from credsim.engine.rng import Stream
from credsim.errors import UserError
from credsim.experiments.sharding import run_sharded, split
from credsim.experiments.sharding.processes import ProcessShards, ShardProcessDied
from credsim.runner import run
from credsim.scenario import load_scenario

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]


def test_split_keeps_provinces_whole_and_shards_about_equal():
    regions = np.array([0, 10, 10, 35, 60, 61, 100, 130])  # an empty province at 10
    parts = split(regions, 3)
    assert [p.index for p in parts] == [0, 1, 2]
    assert parts[0].lo == 0 and parts[-1].hi == 130
    assert all(a.hi == b.lo for a, b in itertools.pairwise(parts))
    assert all(p.lo in regions and p.hi in regions and p.hi > p.lo for p in parts)
    assert max(p.hi - p.lo for p in parts) <= 2 * 130 / 3
    with pytest.raises(UserError, match="at most 6"):
        split(regions, 7)


def test_hits_of_a_range_are_the_whole_sweeps_hits_in_that_range():
    stream, n = Stream(3, "hits"), 300_000
    whole = stream.hits(5, n, 0.01)
    for lo, hi in [(0, 65536), (1000, 200_001), (131_072, n), (299_999, n)]:
        part = stream.hits(5, n, 0.01, lo, hi)
        assert np.array_equal(part, whole[(whole >= lo) & (whole < hi)])


def test_another_citizen_is_always_someone_else_of_the_same_province():
    starts = np.array([0, 1, 50, 51, 400])
    citizens = np.array([0, 1, 2, 49, 50, 51, 399] * 200)
    keys = np.arange(citizens.shape[0])
    other = other_in_region(Stream(1, "whom"), 0, keys, citizens, starts)
    region = np.searchsorted(starts, citizens, side="right")
    assert np.array_equal(np.searchsorted(starts, other, side="right"), region)
    alone = np.isin(citizens, [0, 50])  # provinces of one citizen
    assert np.array_equal(other[alone], citizens[alone])
    assert np.all(other[~alone] != citizens[~alone])


@pytest.fixture(scope="module")
def twin_runs(tmp_path_factory):
    """The default scenario (every mechanism on, the but-for counterfactual too) in one process
    and in four shards."""
    root = tmp_path_factory.mktemp("sharding")
    scenario = load_scenario(
        "default", population=30_000, days=120, overrides=["output.report=false"]
    )
    single = run(scenario, out=root / "single")
    sharded = run_sharded(scenario, root / "sharded", 4)
    return single, sharded


def test_four_shards_write_the_same_summary_byte_for_byte(twin_runs):
    single, sharded = twin_runs
    summary = (single.path / "summary.json").read_bytes()
    assert (sharded.path / "summary.json").read_bytes() == summary
    # The run exercised the mechanisms that cross citizens (errors, exclusion, strangers, lenders).
    s = single.summary
    assert s["records_misattributed"] > 0 and s["ties_cut"] > 0 and s["help_given"] > 0
    # Each shard stepped the counterfactual of its own citizens: the harm figures are there.
    assert s["but_for"] and s["sanctioned_wrongful"] > 0 and s["wrongful_sanction_days"] > 0


def test_four_shards_give_the_same_citizens_time_series_and_acts(twin_runs):
    single, sharded = twin_runs
    pd.testing.assert_frame_equal(sharded.citizens, single.citizens)
    for result in (single, sharded):  # joined from the shards' parts, written the same way
        first = pq.ParquetFile(result.path / "citizens.parquet").metadata.row_group(0).column(0)
        assert first.path_in_schema == "citizen" and "DELTA_BINARY_PACKED" in first.encodings
    pd.testing.assert_frame_equal(sharded.timeseries, single.timeseries)
    cols = ["day", "actor", "kind", "detail"]
    a = single.events("acts")[cols].sort_values(cols, ignore_index=True)
    b = sharded.events("acts")[cols].sort_values(cols, ignore_index=True)
    pd.testing.assert_frame_equal(a, b)
    info = sharded.run_info
    assert info["backend"] == "local" and len(info["shards"]) == 4
    # Each shard stepped its counterfactual through every day first and held only its own state.
    assert info["but_for"]["stepped"] == "ahead"
    for shard in info["shards"]:
        assert shard["twin_seconds"] > 0 and shard["state_bytes"] < 40 * shard["citizens"]


def test_ray_actors_give_the_same_summary(tmp_path):
    pytest.importorskip("ray")
    scenario = load_scenario(
        "default", population=12_000, days=40, overrides=["output.report=false", "but_for=false"]
    )
    single = run(scenario, out=tmp_path / "single")
    on_ray = run_sharded(scenario, tmp_path / "ray", 4, backend="ray")
    assert (on_ray.path / "summary.json").read_bytes() == (
        single.path / "summary.json"
    ).read_bytes()
    assert on_ray.run_info["backend"] == "ray"


def test_shard_processes_give_the_same_summary_and_report_a_lost_one(tmp_path):
    # With the counterfactual: a shard lets it go before its simulation travels to the head.
    scenario = load_scenario(
        "default", population=12_000, days=40, overrides=["output.report=false"]
    )
    single = run(scenario, out=tmp_path / "single")
    apart = run_sharded(scenario, tmp_path / "processes", 3, backend="processes")
    assert (apart.path / "summary.json").read_bytes() == (single.path / "summary.json").read_bytes()
    assert apart.run_info["backend"] == "processes"
    # A shard process that is killed is named, not waited for.
    part = split(np.array([0, 12_000]), 1)[0]
    group = ProcessShards([(scenario, part, None)], 1)
    try:
        group.procs[0].kill()
        group.procs[0].join()
        with pytest.raises(ShardProcessDied, match="shard 0's process ended"):
            group.call("stats", [()])
    finally:
        group.close()


def test_the_head_of_a_sharded_run_does_not_grow_with_citizens(tmp_path):
    """No citizen's state reaches the head: shards send tallies and write their own part of
    the citizens table, which the head joins a row group at a time."""
    peaks = {}
    for n in (400_000, 1_600_000):
        out = tmp_path / f"run-{n}"
        args = ["run", "--population", str(n), "--days", "10", "--shards", "2", "--quiet"]
        args += ["--backend", "processes", "--no-but-for", "--out", str(out)]
        args += ["--set", "output.report=false", "--set", "output.events='none'"]
        done = subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        peaks[n] = json.loads((out / "run.json").read_text())["peak_rss_bytes"]
        assert pd.read_parquet(out / "citizens.parquet", columns=["citizen"]).shape[0] == n
        assert not (out / "citizens.parts").exists()
    # Four times the citizens: the citizens table alone is about 100 bytes a citizen.
    assert peaks[1_600_000] <= 1.1 * peaks[400_000], peaks


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--shards", "500"], "--shards 500"),
        (["--shards", "2", "--backend", "rya"], "'ray'"),
        (["--backend", "ray"], "add --shards"),
        (["--shards", "2", "--checkpoint-every", "0"], "--checkpoint-every 0"),
        (["--shards", "2", "--threads", "0"], "--threads 0"),
    ],
)
def test_bad_shard_options_exit_2_and_write_nothing(tmp_path, args, needle):
    out = tmp_path / "run"
    done = subprocess.run(
        [*CLI, "run", "--population", "5000", "--days", "5", *args, "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ},
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_the_cli_runs_shards_and_writes_the_same_summary(tmp_path):
    common = ["--population", "6000", "--days", "8", "--quiet", "--set", "output.report=false"]
    common += ["--no-but-for"]
    for name, extra in (("one", []), ("two", ["--shards", "2"]), ("single", ["--shards", "1"])):
        done = subprocess.run(
            [*CLI, "run", *common, *extra, "--out", str(tmp_path / name)],
            capture_output=True,
            text=True,
            env={**os.environ},
        )
        assert done.returncode == 0, done.stderr
    one = (tmp_path / "one" / "summary.json").read_bytes()
    assert (tmp_path / "two" / "summary.json").read_bytes() == one
    assert (tmp_path / "single" / "summary.json").read_bytes() == one


# A sharded run to kill, in its own process; each day of the run (or, with "twin", each of the
# counterfactuals' days, told after each span between checkpoints) waits 30 ms after it is
# computed, so that the test can land its kill between checkpoints however fast the machine is.
SLOW_SHARDED = """
import sys, time
from credsim.experiments.sharding import run_sharded
from credsim.scenario import load_scenario
scenario = load_scenario("default", population=8000, days=50, seed=2,
                         overrides=["output.flush_days=7", "output.report=false"])
wait = lambda d: time.sleep(0.03)
slow = {"on_but_for_day": wait} if sys.argv[2] == "twin" else {"on_day": wait}
run_sharded(scenario, sys.argv[1], 3, checkpoint_every=10, **slow)
"""


def _kill_when(out, phase: str, ready) -> int:
    """Start SLOW_SHARDED into `out`, SIGKILL it once its checkpoint is of `phase` and `ready`
    (given checkpoint.json) holds; the day of that checkpoint."""
    from credsim.experiments.checkpoint import pending

    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_SHARDED, str(out), phase],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    killed_at, deadline = None, time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        info = pending(out)
        if info and info.get("phase") == phase and ready(info):
            proc.send_signal(signal.SIGKILL)
            killed_at = info["day"]
            break
        time.sleep(0.02)
    proc.wait(timeout=60)
    assert killed_at is not None, f"the run ended before it could be killed: {proc.stderr.read()}"
    return killed_at


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """SLOW_SHARDED's scenario in one process, never interrupted."""
    overrides = ["output.flush_days=7", "output.report=false"]
    scenario = load_scenario("default", population=8000, days=50, seed=2, overrides=overrides)
    return run(scenario, out=tmp_path_factory.mktemp("uninterrupted") / "single")


def test_a_sharded_run_killed_with_sigkill_resumes_to_the_same_results(tmp_path, uninterrupted):
    from credsim.experiments import resume
    from credsim.experiments.checkpoint import has_checkpoint, partial_path

    # With the counterfactual, stepped first: each shard's checkpoint holds its answers only.
    single, out = uninterrupted, tmp_path / "sharded"
    partial = partial_path(out)

    def later_events(info) -> bool:  # files the checkpoint does not count: resume removes them
        return info["day"] >= 19 and any(
            int(p.name.split("days-")[1].split("-")[0]) > info["day"]
            for p in (partial / "events").glob("*/*.parquet")
        )

    killed_at = _kill_when(out, "run", later_events)
    assert not out.exists() and has_checkpoint(partial)
    saved = partial / f"checkpoint-{killed_at:05d}" / "shard-2.npz"
    with np.load(saved, allow_pickle=False) as arrays:
        assert any(k.startswith("own.") for k in arrays.files)
        assert not [k for k in arrays.files if k.startswith("own.twin:")]  # no counterfactual
    resumed = resume(out)
    assert (resumed.path / "summary.json").read_bytes() == (
        single.path / "summary.json"
    ).read_bytes()
    pd.testing.assert_frame_equal(resumed.citizens, single.citizens)
    cols = ["day", "actor", "kind", "detail"]
    a = single.events("acts")[cols].sort_values(cols, ignore_index=True)
    b = resumed.events("acts")[cols].sort_values(cols, ignore_index=True)
    pd.testing.assert_frame_equal(a, b)
    info = resumed.run_info
    assert info["resumed_from_day"] >= killed_at and info["resumes"] == 1
    assert info["but_for"]["stepped"] == "ahead"
    assert info["event_rows_written"] == single.run_info["event_rows_written"]
    assert not partial.exists() and not list(resumed.path.glob("checkpoint-*"))


def test_a_sharded_run_killed_while_its_counterfactuals_step_resumes_them(tmp_path, uninterrupted):
    from credsim.experiments import resume
    from credsim.experiments.checkpoint import partial_path, pending

    out = tmp_path / "sharded"
    partial = partial_path(out)
    killed_at = _kill_when(out, "twin", lambda info: 19 <= info["day"] < 49)
    assert pending(out)["kind"] == "sharded"
    assert (partial / f"checkpoint-{killed_at:05d}-twin" / "shard-2.npz").is_file()
    assert not list(partial.glob("events/*/*.parquet"))  # the run's own days had not begun
    resumed = resume(out)
    assert (resumed.path / "summary.json").read_bytes() == (
        uninterrupted.path / "summary.json"
    ).read_bytes()
    info = resumed.run_info
    assert info["resumes"] == 1 and info["resumed_from_day"] is None
    assert info["but_for"]["stepped"] == "ahead"
    assert not partial.exists() and not list(resumed.path.glob("checkpoint-*"))


@pytest.mark.slow
def test_every_mechanism_gives_the_same_summary_in_three_shards(tmp_path):
    """Fines, naming, speech enforcement, checkpoints, the SIM ban, bureaus, rail lists,
    insiders, pledges, deterrence and firms of `everything` cross shards exactly (firms in
    detail: tests/experiments/test_sharding_firms.py)."""
    quiet = ["but_for=false", "output.report=false", "output.events='none'"]
    scenario = load_scenario("everything", population=8000, days=45, seed=2, overrides=quiet)
    single = run(scenario, out=tmp_path / "one")
    sharded = run_sharded(scenario, tmp_path / "three", 3)
    summary = (single.path / "summary.json").read_bytes()
    assert (sharded.path / "summary.json").read_bytes() == summary
    s = single.summary
    assert s["fines_total"] > 0 and s["named_total"] > 0 and s["checkpoint_stops"] > 0
    assert s["firms_total"] > 0 and s["firm_bids"] > 0


@pytest.mark.parametrize("shards_see_the_run", [True, False])
def test_checkpoint_files_are_the_same_whoever_writes_them(
    tmp_path, monkeypatch, shards_see_the_run
):
    """Shards write their own checkpoint files where they see the run directory; where they do
    not (a cluster without shared storage), the driver writes them from the state they send.
    Either way every checkpoint checks against its manifest and the run ends as one process."""
    import credsim.experiments.sharding.shard as shard_module
    from credsim.experiments.checkpoint import partial_path
    from credsim.experiments.checkpoint_files import read_manifest

    if not shards_see_the_run:
        monkeypatch.setattr(shard_module, "sees", lambda folder, token: False)
    overrides = ["output.report=false"]
    scenario = load_scenario("default", population=6000, days=30, seed=4, overrides=overrides)
    out = tmp_path / "sharded"
    checked = []

    def check(day: int) -> None:
        if day in (12, 22):  # after the run's checkpoints at days 9 and 19
            manifest = read_manifest(partial_path(out), "test")  # every file's SHA-256
            assert manifest["phase"] == "run" and manifest["day"] == day - 3
            checked.append(sorted(manifest["files"]))

    sharded = run_sharded(scenario, out, 3, checkpoint_every=10, on_day=check)
    single = run(scenario, out=tmp_path / "single")
    assert (sharded.path / "summary.json").read_bytes() == (
        single.path / "summary.json"
    ).read_bytes()
    assert len(checked) == 2 and all(len(files) == 4 for files in checked)  # 3 shards, state
    assert not list(sharded.path.glob("checkpoint-*"))
