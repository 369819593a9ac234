"""A counterfactual stepped in a second process while its run steps gives the run the same bytes
as one stepped first; the run chooses it only where it pays and fits, and never leaves the
process behind."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numba
import pytest

import credsim
from credsim.engine.but_for_alongside import TwinProcessDied, start_alongside
from credsim.engine.memory import memory_limit
from credsim.scenario import load_scenario
from credsim.scenario.twin_choice import twin_alongside


def _children() -> set[int]:
    """This process's child processes."""
    out: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        out |= {int(pid) for pid in (task / "children").read_text().split()}
    return out


def test_a_counterfactual_alongside_gives_the_bytes_of_one_stepped_first(tmp_path):
    """Every file of the run but run.json: the summary, time series, citizens and each event
    table (`everything`: lists, refusals and perks in the counterfactual)."""
    options = {"population": 4_000, "days": 40, "seed": 3, "overrides": ["output.report=false"]}
    first = credsim.run("everything", out=tmp_path / "first", alongside=False, **options)
    along = credsim.run("everything", out=tmp_path / "along", alongside=True, **options)
    files = sorted(p.relative_to(first.path) for p in first.path.rglob("*.parquet"))
    assert len(files) > 5
    for name in [Path("summary.json"), *files]:
        assert (first.path / name).read_bytes() == (along.path / name).read_bytes(), name
    assert first.summary["sanctioned_wrongful"] is not None
    assert first.run_info["but_for"]["stepped"] == "ahead"
    info = along.run_info
    assert info["but_for"]["stepped"] == "alongside" and info["but_for"]["seconds"] > 0


def test_every_day_of_both_is_told(tmp_path):
    told: list[tuple[str, int]] = []
    credsim.run(
        "default",
        out=tmp_path / "run",
        population=2_000,
        days=6,
        overrides=["output.report=false"],
        on_day=lambda day: told.append(("run", day)),
        on_but_for_day=lambda day: told.append(("but_for", day)),
        alongside=True,
    )
    assert [d for kind, d in told if kind == "but_for"] == list(range(6))
    assert [d for kind, d in told if kind == "run"] == list(range(6))
    # the run's day d reads the counterfactual's day d, told first
    assert all(told.index(("but_for", d)) < told.index(("run", d)) for d in range(6))


def test_a_run_that_stops_ends_its_counterfactuals_process(tmp_path):
    before = _children()

    def fail(day: int) -> None:
        if day == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        credsim.run("default", out=tmp_path / "run", population=2_000, days=30, on_day=fail,
                    alongside=True)  # fmt: skip
    assert _children() == before
    assert list(tmp_path.iterdir()) == []


def test_the_process_tells_its_time_bytes_and_peak_and_ends():
    scenario = load_scenario("default", population=1_000, days=3)
    alongside = start_alongside(scenario.without_errors())
    for day in range(3):
        alongside.advance(day)
    alongside.finish()
    assert alongside.seconds > 0 and alongside.twin_bytes > 0
    assert alongside.twin_peak_bytes > 0  # added to the run's peak (PeakMeter.helpers)
    assert alongside._proc.returncode == 0


def test_a_counterfactual_process_that_dies_is_named():
    scenario = load_scenario("default", population=1_000, days=5)
    alongside = start_alongside(scenario.without_errors())
    alongside._proc.kill()
    with pytest.raises(TwinProcessDied, match=r"ended without answering \(exit code -9\)"):
        alongside.advance(0)


@pytest.fixture
def two_cores(monkeypatch):
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("Numba runs one thread here")
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    threads = numba.get_num_threads()
    numba.set_num_threads(2)
    yield
    numba.set_num_threads(threads)


def test_a_long_run_on_two_cores_steps_its_counterfactual_alongside(two_cores):
    long = load_scenario("default", population=1_000_000, days=365)
    assert twin_alongside(long)
    short = load_scenario("default", population=100_000, days=60)  # the process would not pay
    assert not twin_alongside(short)
    assert not twin_alongside(load_scenario("default", population=1_000_000, overrides=[
        "but_for=false"]))  # fmt: skip
    with memory_limit(long.model.days * 1_000_000):  # 365 MB: both would not fit together
        assert not twin_alongside(long)
    numba.set_num_threads(1)  # --threads 1: one core
    assert not twin_alongside(long)


def test_plug_ins_a_fresh_interpreter_cannot_import_keep_it_here(two_cores):
    long = load_scenario("default", population=1_000_000, days=365)
    name, cls, params = long.plugins["policies"][0]
    local = type(cls.__name__, (cls,), {"__qualname__": f"test.<locals>.{cls.__name__}"})
    plugins = {**long.plugins, "policies": [(name, local, params), *long.plugins["policies"][1:]]}
    assert not twin_alongside(dataclasses.replace(long, plugins=plugins))


CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]


def test_the_command_line_asks_for_either_way(tmp_path):
    tiny = ["--population", "2000", "--days", "4", "--quiet", "--set", "output.report=false"]
    for flag, stepped in (("--but-for-alongside", "alongside"), ("--but-for-first", "ahead")):
        out = tmp_path / stepped
        done = subprocess.run([*CLI, "run", *tiny, flag, "--out", str(out)], capture_output=True,
                              text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert json.loads((out / "run.json").read_text())["but_for"]["stepped"] == stepped
    done = subprocess.run([*CLI, "run", *tiny, "--but-for-first", "--shards", "2", "--out",
                           str(tmp_path / "x")], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--but-for-first: each shard of a sharded run steps its counterfactual" in done.stderr
    out = tmp_path / "checkpointed"
    done = subprocess.run([*CLI, "run", *tiny, "--but-for-alongside", "--checkpoint-every", "2",
                           "--out", str(out)], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr and not out.exists()
    assert "a checkpointed run steps its counterfactual first" in done.stderr


def test_a_run_alongside_that_would_not_fit_is_refused_naming_the_other_way(tmp_path):
    out = tmp_path / "run"
    args = ["run", "--population", "3000000", "--days", "30", "--but-for-alongside"]
    done = subprocess.run([*CLI, *args, "--max-memory", "600M", "--out", str(out)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "its counterfactual in a second process" in done.stderr
    assert "--but-for-first" in done.stderr
    assert not out.exists()
