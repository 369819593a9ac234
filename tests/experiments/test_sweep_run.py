"""Running a sweep: one row per run streamed to Parquet, seeds derived from the sweep seed,
per-point confidence intervals, Sobol' indices, kept runs, and nothing half-written on a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest

import credsim
from credsim.errors import UserError
from credsim.experiments.backends import LocalBackend
from credsim.experiments.sweep import run_sweep

POST = "behavior.citizens.acts.post.rate"
SMALL = {"scenario": "default", "population": 2000, "days": 10, "seed": 11}


def _sweep(**changes) -> dict:
    sweep = {
        **SMALL,
        "name": "test",
        "replicates": 2,
        "outcomes": ["acts_total", {"key": "sanctioned", "goal": "minimize"}],
        "design": {"kind": "full_factorial", "levels": 2},
        "uncertainties": {"posts": {"key": POST, "low": 0.01, "high": 0.04}},
    }
    sweep.update(changes)
    return sweep


class SerialBackend:
    """Runs tasks in this process, in order; can fail after some runs, like a lost worker."""

    name = "serial"

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after

    def __enter__(self):
        import numba

        # One thread, as the real backends use: Numba's threads crawl on a busy machine.
        self._threads = numba.get_num_threads()
        numba.set_num_threads(1)
        return self

    def __exit__(self, *exc) -> None:
        import numba

        numba.set_num_threads(self._threads)

    def map_unordered(self, fn, items):
        for index, item in enumerate(items):
            if index == self.fail_after:
                raise RuntimeError("worker lost")
            yield item, fn(item)

    def describe(self) -> dict:
        return {"backend": self.name, "workers": 1}


def test_sweep_writes_one_row_per_run_and_per_point_intervals(tmp_path):
    seen = []
    out = tmp_path / "sweep"
    result = run_sweep(
        _sweep(), out=out, backend=LocalBackend(workers=2), on_run=lambda row: seen.append(row)
    )
    assert len(seen) == 4
    assert sorted(p.name for p in out.iterdir()) == [
        "outcomes.parquet",
        "scenario.toml",
        "summary.json",
        "sweep.toml",
    ]
    table = pq.read_table(out / "outcomes.parquet").to_pandas()
    assert list(table.columns) == [
        "point",
        "replicate",
        "seed",
        "posts",
        "acts_total",
        "sanctioned",
        "wall_seconds",
    ]
    assert list(zip(table["point"], table["replicate"], strict=True)) == [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
    ]
    assert list(table["posts"]) == [0.01, 0.01, 0.04, 0.04]
    # Common random numbers: replicate r has one seed at every point, a new one per replicate.
    seeds = table.pivot(index="replicate", columns="point", values="seed")
    assert (seeds[0] == seeds[1]).all() and seeds[0].nunique() == 2
    acts = table.pivot(index="replicate", columns="point", values="acts_total")
    assert (acts[1] > acts[0]).all()
    assert (table["wall_seconds"] > 0).all()

    # A row is exactly the run credsim.run gives for its seed and parameter values.
    row = table.iloc[3].to_dict()  # Series of one row would turn the int64 seed into a float
    row["seed"] = int(table["seed"].iloc[3])
    direct = credsim.run(
        credsim.load_scenario(
            "default",
            population=SMALL["population"],
            days=SMALL["days"],
            seed=row["seed"],
            overrides=[f"{POST}={row['posts']}"],
        ),
        out=tmp_path / "direct",
    )
    assert direct.summary["acts_total"] == row["acts_total"]
    assert direct.summary["sanctioned"] == row["sanctioned"]

    summary = json.loads((out / "summary.json").read_text())
    assert summary == result.summary
    assert summary["runs"] == 4 and summary["points"] == 2 and summary["backend"] == "local"
    first = summary["by_point"][0]
    assert first["parameters"] == {"posts": 0.01} and first["replicates"] == 2
    stats = first["outcomes"]["acts_total"]
    values = table.loc[table["point"] == 0, "acts_total"].to_numpy()
    assert stats["n"] == 2 and stats["mean"] == pytest.approx(values.mean())
    half = 12.706 * values.std(ddof=1) / np.sqrt(2)  # Student t, 1 degree of freedom
    assert stats["ci95_high"] - stats["mean"] == pytest.approx(half, rel=1e-3)


def test_keep_runs_keeps_each_run_directory(tmp_path):
    sweep = _sweep(
        replicates=1,
        uncertainties={"posts": {"key": POST, "values": [0.02]}},
        constants={"output.report": False},
    )
    result = run_sweep(sweep, out=tmp_path / "sweep", backend=SerialBackend(), keep_runs=True)
    run_dir = tmp_path / "sweep" / "runs" / "p00000-r000"
    kept = json.loads((run_dir / "summary.json").read_text())
    assert kept["acts_total"] == result.outcomes.column("acts_total")[0].as_py()
    assert (run_dir / "citizens.parquet").is_file()  # the scenario's own output settings


def test_a_crash_leaves_finished_rows_in_parts_and_no_outcomes_file(tmp_path):
    out = tmp_path / "sweep"
    with pytest.raises(RuntimeError, match="worker lost"):
        run_sweep(_sweep(), out=out, backend=SerialBackend(fail_after=3))
    assert not (out / "outcomes.parquet").exists()
    assert not (out / "summary.json").exists()
    rows = pq.read_table(out / "parts").to_pandas()
    assert len(rows) == 3 and set(rows["point"]) == {0, 1}
    assert not [p for p in out.rglob("*") if "partial" in p.name]
    # Running again into the same directory replaces the broken sweep, when told to.
    with pytest.raises(UserError, match=r"unfinished: finish it with --resume\); add --force"):
        run_sweep(_sweep(replicates=1), out=out, backend=SerialBackend())
    run_sweep(_sweep(replicates=1), out=out, backend=SerialBackend(), force=True)
    assert pq.read_table(out / "outcomes.parquet").num_rows == 2
    assert not (out / "parts").exists()


def test_sobol_sweep_writes_indices(tmp_path):
    sweep = _sweep(
        replicates=1,
        design={"kind": "sobol", "N": 2},
        levers={
            "delay": {"key": "consequences.court_blacklist.listing_delay_days", "values": [0, 30]}
        },
    )
    result = run_sweep(sweep, out=tmp_path / "sweep", backend=SerialBackend())
    assert result.outcomes.num_rows == 2 * (2 + 2)
    indices = json.loads((tmp_path / "sweep" / "sobol.json").read_text())["outcomes"]
    assert set(indices["acts_total"]["indices"]) == {"posts", "delay"}
    assert set(indices["acts_total"]["indices"]["posts"]) == {"S1", "S1_conf", "ST", "ST_conf"}
    table = pq.read_table(tmp_path / "sweep" / "sobol.parquet").to_pandas()
    assert set(table["parameter"]) == {"posts", "delay"}
    assert result.summary["sobol"]["N"] == 2


def test_cli_runs_a_sweep_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'scenario = "default"\npopulation = 2000\ndays = 5\noutcomes = ["acts_total"]\n'
        '[design]\nkind = "latin_hypercube"\nn = 2\n'
        f'[uncertainties]\n"{POST}" = {{ low = 0.01, high = 0.04 }}\n'
    )
    cli = [sys.executable, "-c", "from credsim.cli import main; main()"]
    done = subprocess.run(
        [*cli, "sweep", str(path), "--workers", "1", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    assert "runs/min" in done.stdout and "2 runs" in done.stdout
    assert pq.read_table(tmp_path / "out" / "outcomes.parquet").num_rows == 2


def test_an_interrupted_sweep_resumes_to_the_same_outcomes(tmp_path):
    whole = run_sweep(_sweep(), out=tmp_path / "whole", backend=SerialBackend())
    out = tmp_path / "cut"
    with pytest.raises(RuntimeError, match="worker lost"):
        run_sweep(_sweep(), out=out, backend=SerialBackend(fail_after=3))
    ran = []
    resumed = run_sweep(_sweep(), out=out, backend=SerialBackend(), resume=True, on_run=ran.append)
    assert len(ran) == 1 and resumed.summary["resumed_with_runs_done"] == 3
    assert resumed.outcomes.drop(["wall_seconds"]).equals(whole.outcomes.drop(["wall_seconds"]))
    assert resumed.summary["by_point"] == whole.summary["by_point"]
    assert not (out / "parts").exists()


def test_resume_refuses_another_sweep_or_a_finished_one(tmp_path):
    from credsim.errors import UserError

    out = tmp_path / "sweep"
    with pytest.raises(RuntimeError):
        run_sweep(_sweep(), out=out, backend=SerialBackend(fail_after=1))
    with pytest.raises(UserError, match="different sweep"):
        run_sweep(_sweep(replicates=1), out=out, backend=SerialBackend(), resume=True)
    run_sweep(_sweep(), out=out, backend=SerialBackend(), resume=True)
    with pytest.raises(UserError, match="has finished"):
        run_sweep(_sweep(), out=out, backend=SerialBackend(), resume=True)
    with pytest.raises(UserError, match="no sweep there"):
        run_sweep(_sweep(), out=tmp_path / "empty", backend=SerialBackend(), resume=True)


def test_cli_resume_needs_the_sweep_directory(tmp_path):
    cli = [sys.executable, "-c", "from credsim.cli import main; main()"]
    done = subprocess.run(
        [*cli, "sweep", "wrongful-listing", "--resume"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "--resume needs --out" in done.stderr
    assert "Traceback" not in done.stderr and not any(tmp_path.iterdir())
