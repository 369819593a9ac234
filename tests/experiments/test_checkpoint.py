"""Checkpoints: a run killed with SIGKILL and resumed ends exactly as one never interrupted."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import credsim
from credsim.engine.but_for_ahead import Ahead
from credsim.engine.events import TABLES
from credsim.errors import UserError
from credsim.experiments import resume
from credsim.experiments.checkpoint import PROGRESS, has_checkpoint, partial_path, pending
from credsim.experiments.checkpoint_format import decode, encode, read_npz, write_npz
from credsim.results.partial import MARK, mark
from credsim.runner import build_simulation
from credsim.scenario import bundled_scenarios

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]
SIZE = {"population": 6_000, "days": 60, "seed": 5}
# Event files every 7 days and checkpoints every 10: a kill usually lands after files that the
# last checkpoint does not count, which the resume must delete and write again.
SETS = ["output.flush_days=7", "output.report=false"]


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> credsim.Results:
    """The same run, never interrupted and never checkpointed."""
    out = tmp_path_factory.mktemp("ref") / "run"
    return credsim.run("default", out=out, overrides=SETS, **SIZE)


def _assert_same_run(run: credsim.Results, ref: credsim.Results) -> None:
    assert (run.path / "summary.json").read_bytes() == (ref.path / "summary.json").read_bytes()
    for name in ("citizens.parquet", "timeseries.parquet"):
        ours, theirs = pq.read_table(run.path / name), pq.read_table(ref.path / name)
        assert ours.schema == theirs.schema, name
        assert ours.to_pandas().equals(theirs.to_pandas()), name  # NaN where NaN, too
    for table in TABLES:  # same rows in the same order: none duplicated, none missing
        assert run.events(table).equals(ref.events(table)), table
    assert run.run_info["event_rows_written"] == ref.run_info["event_rows_written"]
    assert not (run.path / PROGRESS).exists() and not list(run.path.glob("checkpoint-*"))
    assert not (run.path / MARK).exists()
    assert not partial_path(run.path).exists()


def _later_files(partial: Path, day: int) -> list[Path]:
    found = []
    for path in (partial / "events").glob("*/days-*.parquet"):
        first = int(re.search(r"days-(\d+)-", path.name).group(1))
        if first > day:
            found.append(path)
    return found


# The run to kill, in its own process. Each day waits 30 ms (after it is computed and logged,
# so results are untouched) so that the test can land its kill between checkpoints however fast
# the machine is.
SLOW_RUN = """
import sys, time, credsim
size = {{"population": {population}, "days": {days}, "seed": {seed}}}
credsim.run("default", out=sys.argv[1], overrides={sets!r}, checkpoint_every=10,
            on_day=lambda day: time.sleep(0.03), **size)
"""


def test_a_run_killed_with_sigkill_resumes_to_the_same_results(reference, tmp_path):
    out = tmp_path / "run"
    script = SLOW_RUN.format(sets=SETS, **SIZE)
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    partial = partial_path(out)
    deadline = time.monotonic() + 300
    killed_at = None
    tried_while_running = False
    while time.monotonic() < deadline and proc.poll() is None:
        info = pending(out)
        if info and not tried_while_running:  # one writer at a time
            with pytest.raises(UserError, match="another credsim process is writing"):
                resume(out)
            tried_while_running = True
        if info and info["day"] >= 19 and _later_files(partial, info["day"]):
            proc.send_signal(signal.SIGKILL)
            killed_at = info["day"]
            break
        time.sleep(0.02)
    proc.wait(timeout=60)
    assert killed_at is not None, f"the run ended before it could be killed: {proc.stderr.read()}"
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists() and has_checkpoint(partial)
    # A new interval cuts the event files elsewhere, so a file the dead run wrote after its
    # checkpoint would not be overwritten: the resume must delete it, or rows would repeat.
    done = _cli("run", "--resume", str(out), "--checkpoint-every", "7", "--quiet")
    assert done.returncode == 0, done.stderr
    run = credsim.Results(out)
    _assert_same_run(run, reference)
    assert run.run_info["resumed_from_day"] >= killed_at
    assert run.run_info["checkpoint_every"] == 7


def test_an_interrupted_run_keeps_its_checkpoint_and_resumes_in_python(reference, tmp_path):
    out = tmp_path / "run"

    def interrupt(day: int) -> None:
        if day == 33:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        opts = {"overrides": SETS, "checkpoint_every": 15, **SIZE}
        credsim.run("default", out=out, on_day=interrupt, **opts)
    assert pending(out)["day"] == 29 and not out.exists()
    with pytest.raises(UserError, match="--resume"):  # a fresh run refuses to overwrite it
        credsim.run("default", out=out, overrides=SETS, checkpoint_every=15, **SIZE)
    run = resume(partial_path(out), checkpoint_every=7)  # the .partial path works as well
    assert run.path == out
    _assert_same_run(run, reference)
    assert run.run_info["resumes"] == 1


def test_a_run_stopped_while_its_counterfactual_steps_first_resumes_to_the_same_results(
    reference, tmp_path
):
    """A checkpointed run steps its counterfactual first, checkpointed too: stopped there, it
    goes on from the counterfactual's last checkpoint, then runs, as if never stopped; once the
    run steps, its checkpoints hold the counterfactual's answers, never its simulation."""
    out = tmp_path / "run"

    def interrupt(day: int) -> None:
        if day == 33:
            raise KeyboardInterrupt

    opts = {"overrides": SETS, "checkpoint_every": 15, **SIZE}
    with pytest.raises(KeyboardInterrupt):
        credsim.run("default", out=out, on_but_for_day=interrupt, **opts)
    info = pending(out)
    assert (info["kind"], info["day"]) == ("twin", 29) and not out.exists()
    assert not list((partial_path(out) / "events").glob("*/*"))  # the run has not begun
    twin_days: list[int] = []

    def run_interrupt(day: int) -> None:
        if day == 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        resume(out, on_day=run_interrupt, on_but_for_day=twin_days.append)
    assert twin_days == list(range(30, 60))  # the days after its checkpoint, each once
    info = pending(out)
    assert (info["kind"], info["day"]) == ("single", 14)
    partial = partial_path(out)
    state = partial / info["folder"] / "state.npz"
    saved = decode(*read_npz(state))
    assert saved.sim.twin is None and isinstance(saved.sim._but_for, Ahead)
    run = resume(out)
    _assert_same_run(run, reference)
    assert run.run_info["but_for"]["stepped"] == "ahead" and run.run_info["resumes"] == 2


def test_the_command_line_checkpoints_and_leaves_no_checkpoint_behind(tmp_path):
    out = tmp_path / "run"
    args = ["--population", "2000", "--days", "12", "--checkpoint-every", "5", "--quiet"]
    done = _cli("run", *args, "--out", str(out), "--set", "output.report=false")
    assert done.returncode == 0, done.stderr
    run = credsim.Results(out)
    assert run.run_info["checkpoint_every"] == 5 and run.run_info["resumed_from_day"] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert not any(p.name.startswith("checkpoint") for p in out.iterdir())


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--checkpoint-every", "-3"], "--checkpoint-every -3"),
        (["--checkpoint-every", "0"], "--checkpoint-every 0"),
        (["--resume", "nowhere"], "--resume nowhere: no checkpoint found"),
        (["--resume", "nowhere", "--checkpoint-every", "-1"], "--checkpoint-every -1"),
        (["--resume", "nowhere", "--set", "days=3"], "drop --set"),
        (["--resume", "nowhere", "--seed", "0"], "drop --seed"),
    ],
)
def test_bad_checkpoint_options_exit_2_naming_the_option(tmp_path, args, needle):
    size = [] if args[0] == "--resume" else ["--population", "2000", "--days", "5"]
    done = _cli("run", *size, *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert needle in done.stderr.replace("\n", " ")
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_resume_explains_what_is_wrong_with_a_directory(tmp_path):
    finished = credsim.run(
        "default", out=tmp_path / "done", population=2000, days=3, overrides=SETS
    )
    with pytest.raises(UserError, match="finished; there is nothing to resume"):
        resume(finished.path)
    broken = partial_path(tmp_path / "broken")
    broken.mkdir()
    mark(broken, "checkpointed run", tmp_path / "broken")
    (broken / PROGRESS).write_bytes(b"not json")
    with pytest.raises(UserError, match="is damaged"):
        resume(tmp_path / "broken")
    assert (broken / PROGRESS).exists()  # left for the user to inspect or delete


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_bundled_scenario_continues_identically_after_a_checkpoint_round_trip(name, tmp_path):
    """What a checkpoint saves is enough: a simulation restored from checkpoint data (JSON and
    arrays, no pickle) goes on exactly as the original (a plug-in that keeps state the format
    cannot save, or state outside the simulation, fails here)."""
    scenario = credsim.load_scenario(name, population=2_000, days=12, seed=4)
    original = build_simulation(scenario)
    original.initialise()
    for day in range(5):
        original.step(day)
    saved = tmp_path / "state.npz"
    with open(saved, "wb") as f:
        write_npz(f, *encode(original))
    restored = decode(*read_npz(saved))
    for day in range(5, 12):
        original.step(day)
        restored.step(day)
    summaries = []
    for sim in (original, restored):
        summary: dict = {}
        sim.tally_end()
        for metric in sim.metrics:
            summary.update(metric.summary())
        summaries.append(json.dumps(summary, sort_keys=True))
    assert summaries[0] == summaries[1]
    for column in original.state:
        assert (original.state[column] == restored.state[column]).all(), column
