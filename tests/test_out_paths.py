"""Where credsim writes: output paths checked before any work, earlier results replaced only with
--force, partial directories of dead runs cleaned (credsim's only), Ray connections and sweep
designs bounded. Every case exits 0, or 2 with one paragraph and nothing left behind."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import credsim
from credsim.cli import main
from credsim.engine import stop
from credsim.errors import UserError
from credsim.results.partial import MARK, hold, mark
from credsim.results.paths import default_out

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]
TINY = ["--population", "1000", "--days", "3", "--quiet", "--set", "output.report=false"]


def cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run `credsim ARGS` in this process: (exit code, stdout, stderr as one line)."""
    monkeypatch.setattr(sys, "argv", ["credsim", *args])
    with pytest.raises(SystemExit) as ended:
        main()
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return ended.value.code, out, " ".join(err.split())


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A tiny finished run directory (no report)."""
    out = tmp_path_factory.mktemp("finished") / "run"
    credsim.run("default", out=out, population=1000, days=3, overrides=["output.report=false"])
    return out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", *TINY, "--out", ""], "give the name of a directory"),
        (["run", *TINY, "--out", "."], "give the name of a directory"),
        (["run", *TINY, "--out", "/proc/credsim-run"], "/proc is a virtual file system"),
        (["run", *TINY, "--out", "/sys/credsim-run"], "/sys is a virtual file system"),
        (["run", *TINY, "--out", "x" * 300], "is 300 bytes long"),
        (["run", *TINY, "--out", "y" * 240], "at most 237"),
        (["run", *TINY, "--out", "FILE/run"], "is a file, not a directory"),
        (["run", *TINY, "--out", "FILE"], "exists and is not a directory"),
        (["run", "--resume", ""], "give the --out of the interrupted run"),
        (["run", "--resume", "/"], "give the --out of the interrupted run"),
        (["run", *TINY, "--replicates", "2", "--out", ""], "give the name of a directory"),
        (["run", *TINY, "--shards", "2", "--out", "/proc/x"], "/proc is a virtual"),
        (["compare", "default", "default", "--population", "1000", "--out", ""], "give the name"),
        (["sweep", "wrongful-listing", "--out", "/proc/x"], "/proc is a virtual"),
        (["serve", "--runs-dir", "/proc/x"], "/proc is a virtual file system"),
        (["clean", "--runs-dir", "/proc/x"], "/proc is a virtual file system"),
        (["clean", "--runs-dir", "nowhere"], "no such directory"),
    ],
)
def test_bad_output_paths_exit_2_before_any_work(monkeypatch, capsys, tmp_path, args, needle):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FILE").write_text("mine")
    started = time.perf_counter()
    code, _, err = cli(monkeypatch, capsys, *args)
    assert code == 2 and needle in err, err
    assert time.perf_counter() - started < 5  # refused before the simulation, not after
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FILE"]
    assert (tmp_path / "FILE").read_text() == "mine"


@pytest.mark.parametrize("damage", ["summary.json", "citizens.parquet", "records", "a list"])
def test_dossier_and_report_of_a_damaged_run_exit_2(
    monkeypatch, capsys, tmp_path, finished, damage
):
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    if damage == "records":
        for file in (run / "events" / "records").iterdir():
            file.write_bytes(b"PAR1 not parquet")
    elif damage == "a list":
        (run / "summary.json").write_text("[1, 2]")
    else:
        (run / damage).write_bytes(b"\x00{not what it should be")
    code, _, err = cli(monkeypatch, capsys, "dossier", str(run), "--citizen", "1")
    assert code == 2, err
    assert str(run) in err


def test_report_figures_onto_a_file_exits_2(monkeypatch, capsys, tmp_path, finished):
    target = tmp_path / "figures.png"
    target.write_text("mine")
    code, _, err = cli(monkeypatch, capsys, "report", str(finished), "--figures", str(target))
    assert code == 2 and "--figures" in err and "not a directory" in err
    assert target.read_text() == "mine" and not (finished / "report.html").exists()


def test_run_out_existing_needs_force(monkeypatch, capsys, tmp_path):
    out = tmp_path / "run"
    assert cli(monkeypatch, capsys, "run", *TINY, "--out", str(out))[0] == 0
    first = (out / "summary.json").read_bytes()
    code, _, err = cli(monkeypatch, capsys, "run", *TINY, "--seed", "9", "--out", str(out))
    assert code == 2 and f"--out {out}: holds an earlier credsim run; add --force" in err
    assert (out / "summary.json").read_bytes() == first
    assert (
        cli(monkeypatch, capsys, "run", *TINY, "--seed", "9", "--out", str(out), "--force")[0] == 0
    )
    assert json.loads((out / "summary.json").read_text())["seed"] == 9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_sweep_and_a_comparison_refuse_an_earlier_result_without_force(
    monkeypatch, capsys, tmp_path
):
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "sweep.toml").write_text("# an earlier sweep")
    (sweep / "outcomes.parquet").write_bytes(b"")
    code, _, err = cli(monkeypatch, capsys, "sweep", "wrongful-listing", "--out", str(sweep))
    assert code == 2 and f"--out {sweep}: holds an earlier credsim sweep; add --force" in err
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "compare.json").write_text("{}")
    args = ["compare", "default", "default", "--population", "1000", "--days", "2"]
    code, _, err = cli(monkeypatch, capsys, *args, "--out", str(twin))
    assert code == 2 and "holds an earlier credsim comparison; add --force" in err
    assert sorted(p.name for p in sweep.iterdir()) == ["outcomes.parquet", "sweep.toml"]


def test_the_default_run_directory_is_new_every_time(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # within the same second: the second name gets -2
        assert cli(monkeypatch, capsys, "run", *TINY)[0] == 0
    made = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert len(made) == 2 and all(name.startswith("default-") for name in made)
    assert default_out("../../escaped", tmp_path).parent == tmp_path  # a name is never a path
    assert default_out("a/b", tmp_path).name.startswith("a-b-")


def test_clean_removes_only_dead_partial_directories_credsim_made(monkeypatch, capsys, tmp_path):
    runs = tmp_path / "runs"
    dead = runs / ".default-1.partial-abcd1234"  # a killed run's
    live = runs / ".default-2.partial-efgh5678"  # a run being written now
    resumable = runs / "nat.partial"  # an interrupted checkpointed run
    nested = runs / "sweep" / "runs" / ".p00000-r000.partial-ijkl9012"
    users = runs / ".notes.partial-2024"  # named like one, not credsim's
    for folder, what in ((dead, "run"), (live, "run"), (resumable, "checkpointed run")):
        folder.mkdir(parents=True)
        mark(folder, what, runs / "x")
    nested.mkdir(parents=True)
    mark(nested, "run", nested.parent / "p00000-r000")
    (resumable / "checkpoint.json").write_text("{}")
    (dead / "events").mkdir()
    (dead / "events" / "a.parquet").write_bytes(b"x" * 5000)
    users.mkdir()
    (users / "mine.txt").write_text("keep")
    lock = hold(live)
    try:
        code, out, _ = cli(monkeypatch, capsys, "clean", "--runs-dir", str(runs), "--dry-run")
        assert code == 0 and "would remove" in out and dead.exists() and nested.exists()
        code, out, _ = cli(monkeypatch, capsys, "clean", "--runs-dir", str(runs))
        assert code == 0
        assert not dead.exists() and not nested.exists()
        assert live.exists() and resumable.exists() and (users / "mine.txt").exists()
        assert "in use" in out and "credsim run --resume" in out and "left alone" in out
        code, out, _ = cli(monkeypatch, capsys, "clean", "--runs-dir", str(runs), "--checkpoints")
        assert not resumable.exists() and live.exists()
    finally:
        os.close(lock)


def test_a_stale_partial_of_the_same_name_is_cleared_by_the_next_run(tmp_path):
    stale = tmp_path / ".run.partial-dead0001"
    stale.mkdir()
    mark(stale, "run", tmp_path / "run")
    other = tmp_path / ".run.partial-notours"  # no marker: not touched
    other.mkdir()
    credsim.run(
        "default", out=tmp_path / "run", population=1000, days=2, overrides=["output.report=false"]
    )
    assert not stale.exists() and other.exists() and not (other / MARK).exists()


def test_a_run_stopped_with_sigterm_leaves_nothing(tmp_path):
    out = tmp_path / "run"
    args = ["run", "--population", "30000", "--days", "400", "--quiet", "--no-but-for"]
    args += ["--set", "output.flush_days=3"]
    proc = subprocess.Popen([*CLI, *args, "--out", str(out)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if list(tmp_path.glob(".run.partial-*/events")):
            break
        time.sleep(0.05)
    assert proc.poll() is None, proc.stderr.read()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def _silent_listener() -> socket.socket:
    """A port that accepts connections and never answers (as a hung cluster would)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    return server


TINY_SWEEP = """scenario = "default"
population = 1000
days = 2
outcomes = ["sanctioned"]
[design]
kind = "latin_hypercube"
n = 2
[uncertainties]
"consequences.court_blacklist.listing_delay_days" = { low = 0, high = 30 }
"""


def test_a_sweep_on_an_address_where_nothing_listens_exits_2_at_once(monkeypatch, capsys, tmp_path):
    pytest.importorskip("ray")
    (tmp_path / "tiny.toml").write_text(TINY_SWEEP)
    out = tmp_path / "out"
    args = ["sweep", str(tmp_path / "tiny.toml"), "--backend", "ray", "--quiet"]
    args += ["--address", "127.0.0.1:1", "--out", str(out)]
    code, _, err = cli(monkeypatch, capsys, *args)  # refused before Ray is asked to connect
    assert code == 2 and "--address 127.0.0.1:1: cannot connect" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.toml"]


def test_a_ray_cluster_that_never_answers_times_out_with_exit_2(tmp_path):
    """An address that accepts connections and never answers, as a hung cluster would: Ray
    itself would wait for ever; with --connect-timeout 1 the run ends in seconds."""
    pytest.importorskip("ray")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    address = f"127.0.0.1:{server.getsockname()[1]}"
    args = ["run", *TINY, "--shards", "2", "--backend", "ray", "--address", address]
    args += ["--connect-timeout", "1", "--out", str(tmp_path / "out")]
    started = time.monotonic()
    try:
        done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)
    finally:
        server.close()
    assert done.returncode == 2, done.stderr
    err = " ".join(done.stderr.split())
    assert "no Ray cluster answered within 1 s" in err and "Traceback" not in err
    assert time.monotonic() - started < 60
    assert list(tmp_path.iterdir()) == []


def test_a_bad_connect_timeout_exits_2(monkeypatch, capsys):
    code, _, err = cli(monkeypatch, capsys, "run", *TINY, "--connect-timeout", "0")
    assert code == 2 and "--connect-timeout 0" in err


@pytest.mark.parametrize(
    ("design", "parameters", "needle"),
    [
        ({"kind": "full_factorial", "levels": 1000}, 4, "1,000,000,000,000 points"),
        ({"kind": "latin_hypercube", "n": 1_000_000}, 2, "1,000,000 points"),
        ({"kind": "sobol", "N": 2**20, "calc_second_order": True}, 10, "23,068,672 points"),
    ],
)
def test_a_huge_sweep_design_is_refused_at_once(
    monkeypatch, capsys, tmp_path, design, parameters, needle
):
    from credsim.experiments.sweep_check import prepare_sweep

    keys = [
        "sources.courts.records.court_judgment.misattribution_rate",
        "sources.finance.records.lender_report.misattribution_rate",
        "sources.courts.records.court_judgment.share",
        "sources.finance.records.lender_report.share",
    ]
    uncertainties = {f"u{i}": {"key": keys[i % 4] if i < 4 else f"x.k{i}", "low": 0.0, "high": 1.0}
                     for i in range(parameters)}  # fmt: skip
    spec = {"scenario": "default", "design": design, "uncertainties": uncertainties}
    spec["outcomes"] = ["sanctioned"]
    started = time.perf_counter()
    with pytest.raises(UserError, match=f"design: {needle}.*at most 100,000 points"):
        prepare_sweep(spec)
    assert time.perf_counter() - started < 1.0
    import tomli_w

    path = tmp_path / "huge.toml"  # and from the command line, --plan included
    path.write_text(tomli_w.dumps(spec))
    code, _, err = cli(monkeypatch, capsys, "sweep", str(path), "--plan")
    assert code == 2 and "at most 100,000 points" in err


def _swallowed_stop() -> None:
    """A SIGTERM whose exit a finaliser swallowed: only the kept request is left."""
    with contextlib.suppress(SystemExit):
        stop.ask(signal.SIGTERM)


@pytest.mark.parametrize("when", ["run's day", "counterfactual's day", "last day"])
def test_a_swallowed_stop_still_ends_the_run_and_leaves_nothing(tmp_path, when):
    days = 4
    hooks = {
        "run's day": {"on_day": lambda day: day == 1 and _swallowed_stop()},
        "counterfactual's day": {"on_but_for_day": lambda day: day == 0 and _swallowed_stop()},
        "last day": {"on_day": lambda day: day == days - 1 and _swallowed_stop()},
    }[when]
    seen = []
    if when == "counterfactual's day":  # the run's own days must not start
        hooks["on_day"] = seen.append
    try:
        with pytest.raises(SystemExit) as stopped:
            credsim.run("default", population=1000, days=days, out=tmp_path / "run", **hooks)
    finally:
        stop.forget()
    assert stopped.value.code == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
    assert seen == []
