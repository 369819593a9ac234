"""Bad sweep files and flags: one message naming the file, line and key and the nearest valid
choice; exit code 2 with no traceback; nothing run and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from credsim.errors import UserError
from credsim.experiments.backends import make_backend
from credsim.experiments.backends.ray import RayBackend
from credsim.experiments.sweep_check import prepare_sweep

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]
KEY = "sources.courts.records.court_judgment.misattribution_rate"
GOOD = f"""scenario = "default"
replicates = 1
population = 2000
days = 5
outcomes = ["sanctioned"]

[design]
kind = "full_factorial"
levels = 2

[uncertainties]
"{KEY}" = {{ low = 0.001, high = 0.05 }}
"""


def _edit(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


CASES = [
    # (sweep text, expected line, needles in the message)
    (_edit("replicates = 1", "replicate = 1"), 2, ["'replicates'"]),
    (_edit("low = 0.001", "lo = 0.001"), 12, [f"'uncertainties.{KEY}.low'"]),
    (_edit('"full_factorial"', '"latin_hypercub"'), 8, ["'latin_hypercube'"]),
    (_edit('"full_factorial"\nlevels = 2', '"sobol"\nN = 10'), 7, ["power of two", "N = 8"]),
    (_edit('"full_factorial"\nlevels = 2', '"latin_hypercube"'), 7, ["needs n"]),
    (_edit("high = 0.05", "high = 0.0001"), 12, ["must be below high"]),
    (_edit("misattribution_rate", "misattribution_rat"), 12, [f"{KEY}'?"]),
    (_edit('"sources.courts', '"sorces.courts'), 12, ["Did you mean 'sources'?"]),
    (
        _edit(
            f'"{KEY}" = {{ low = 0.001, high = 0.05 }}',
            'start = { key = "policies.rongchen.start", low = 800, high = 1000 }',
        ),
        12,
        ["no policies entry named 'rongchen'", "Did you mean 'rongcheng'?"],
    ),
    (_edit("high = 0.05", "high = 2.0"), 12, ["less than or equal to 1"]),
    (
        _edit(
            f'"{KEY}" = {{ low = 0.001, high = 0.05 }}',
            'opacity = { key = "policies.rongcheng.opacity", values = ["grade", "scor"] }',
        ),
        12,
        ["'scor'", "Did you mean 'score'?"],
    ),
    (
        GOOD + '\n[constants]\n"policies.rongcheng.strat" = 900\n',
        15,
        ["'policies.rongcheng.start'"],
    ),
    (_edit('scenario = "default"', 'scenario = "defualt"'), 1, ["Did you mean 'default'?"]),
    (_edit('["sanctioned"]', '["sanctiond"]'), 5, ["Did you mean 'sanctioned'?"]),
    (_edit('["sanctioned"]', '["grade_shares"]'), 5, ["is a table", "grade_shares.A"]),
    (_edit('["sanctioned"]', '["policies.sesam.score_mean"]'), 5, ["Did you mean 'sesame'?"]),
    (_edit('["sanctioned"]', '[{ key = "sanctioned", name = "seed" }]'), 5, ["already used"]),
]


@pytest.mark.parametrize(("text", "line", "needles"), CASES)
def test_bad_sweep_file_names_file_line_and_nearest_choice(tmp_path, text, line, needles):
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(UserError) as caught:
        prepare_sweep(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}:"), message
    for needle in needles:
        assert needle in message, message


def test_sweep_without_parameters_is_refused(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text(GOOD.split("[uncertainties]")[0])
    with pytest.raises(UserError, match="names no parameter"):
        prepare_sweep(path)


def _credsim(*args, cwd):
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=cwd, env=dict(os.environ)
    )


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--backend", "rai"], "Did you mean 'ray'?"),
        (["--address", "auto"], "--backend ray"),
        (["--workers", "0"], "--workers 0"),
        (["--threads", "0"], "--threads 0"),
    ],
)
def test_bad_flags_exit_2_and_write_nothing(tmp_path, flags, needle):
    sweep = tmp_path / "ok.toml"
    sweep.write_text(GOOD)
    done = _credsim("sweep", str(sweep), *flags, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert needle in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.toml"]


def test_bad_sweep_exits_2_before_any_run(tmp_path):
    sweep = tmp_path / "bad.toml"
    sweep.write_text(_edit("misattribution_rate", "misattribution_rat"))
    done = _credsim("sweep", str(sweep), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 2
    assert f"{sweep}, line 12" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_missing_sweep_file_suggests_a_bundled_one(tmp_path):
    done = _credsim("sweep", "wrongful-listng", cwd=tmp_path)
    assert done.returncode == 2
    assert "not found" in done.stderr and "Traceback" not in done.stderr


def test_a_directory_holding_something_else_is_refused(tmp_path):
    from credsim.experiments.sweep import run_sweep

    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    sweep = tmp_path / "ok.toml"
    sweep.write_text(GOOD)
    with pytest.raises(UserError, match="not empty and holds no credsim sweep"):
        run_sweep(sweep, out=out)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_ray_backend_without_ray_is_a_user_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    with pytest.raises(UserError, match=r"credsim\[ray\]"), RayBackend():
        pass


def test_make_backend_gives_the_named_backend():
    assert make_backend("local", workers=1).describe()["workers"] == 1
    assert make_backend("ray", address="auto").name == "ray"
