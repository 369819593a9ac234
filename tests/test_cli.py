"""The command line: exit codes, messages, nothing half-written, byte-identical summaries."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]


def credsim(*args, env=None, cwd=None):
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--set", "policies.rongcheng.strat=900"], "policies.rongcheng.start"),
        (["--set", "seed=abc"], "seed"),
        (["--population", "0"], "--population 0"),
        (["--days", "40000"], "--days 40000"),
        (["missing.toml"], "not found"),
        (["defualt"], "'default'"),
        (["--set", "consequences.court_blacklist.plugin=blacklst"], "'blacklist'"),
        (["--population", "many"], "population"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_writes_nothing(tmp_path, args, needle):
    out = tmp_path / "run"
    done = credsim("run", *args, "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2
    assert needle in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_bad_scenario_file_names_file_and_line(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('base = "default"\nname = "mine"\n\n[population]\nsise = 10\n')
    done = credsim("run", str(path), "--out", str(tmp_path / "r"))
    assert done.returncode == 2
    assert "mine.toml, line 5" in done.stderr and "population.size" in done.stderr


def test_plan_prints_the_five_phases_in_order():
    done = credsim("run", "--plan")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    headers = [line.split()[:2] for line in lines if line[:4].strip().isdigit()]
    assert headers == [
        [str(i), p] for i, p in enumerate(("act", "observe", "score", "respond", "measure"), 1)
    ]
    order = [
        next(i for i, line in enumerate(lines) if line.split()[:2] == [str(n), p])
        for n, p in enumerate(("act", "observe", "score", "respond", "measure"), 1)
    ]
    assert order == sorted(order)
    assert "rongcheng" in done.stdout and "court_blacklist" in done.stdout
    # Record-only parts show the services they declared, and only those are given to them.
    assert "reads services: cut_ties" in done.stdout
    assert "reads services: list:court_blacklist, list:lender_blacklist" in done.stdout


def test_scenarios_lists_the_default():
    done = credsim("scenarios")
    assert done.returncode == 0 and "default" in done.stdout


def test_same_scenario_and_seed_give_byte_identical_summaries_for_any_thread_count(tmp_path):
    # Big enough that every kernel runs on both threads, small enough for three runs.
    args = ["run", "--population", "40000", "--days", "120", "--seed", "7", "--quiet"]
    args += ["--set", "output.report=false", "--set", "output.events='none'"]
    outputs = []
    for i, threads in enumerate(["2", "2", "1"]):
        out = tmp_path / f"run{i}"
        done = credsim(*args, "--out", str(out), env={"NUMBA_NUM_THREADS": threads})
        assert done.returncode == 0, done.stderr
        outputs.append((out / "summary.json").read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert b'"sanctioned"' in outputs[0]


def test_run_prints_a_summary_table(tmp_path):
    done = credsim("run", "--population", "2000", "--days", "10", "--out", str(tmp_path / "r"))
    assert done.returncode == 0, done.stderr
    assert "records misattributed" in done.stdout and str(tmp_path / "r") in done.stdout


def test_version_module_entry_and_bare_command(tmp_path):
    from credsim.version import __version__

    done = credsim("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"credsim {__version__}"
    bare = credsim()
    assert bare.returncode == 0 and "Usage" in bare.stdout and "run" in bare.stdout
    module = subprocess.run(
        [sys.executable, "-m", "credsim", "--version"], capture_output=True, text=True
    )
    assert module.returncode == 0 and module.stdout.strip() == f"credsim {__version__}"


def test_error_messages_keep_their_brackets(tmp_path):
    # Terminal markup must not swallow bracketed text (an extra's name, 'credsim[web]', or a range).
    done = credsim(
        "run", "--days", "2", "--population", "500", "--out", str(tmp_path / "r"),
        "--set", "behavior.citizens.acts.post.ages=[15,6]",
    )  # fmt: skip
    assert done.returncode == 2
    assert "[youngest, oldest]" in done.stderr and "[15, 6]" in done.stderr
    assert not (tmp_path / "r").exists()
