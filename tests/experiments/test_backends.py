"""Backends are interchangeable: the local process pool and Ray give the same outcomes."""

from __future__ import annotations

import math

import pyarrow.parquet as pq
import pytest

from credsim.experiments.backends import BackendUnavailable, LocalBackend
from credsim.experiments.backends.ray import RayBackend
from credsim.experiments.sweep import run_sweep
from credsim.experiments.sweep_check import prepare_sweep


def test_local_backend_yields_every_result_and_raises_a_workers_error():
    with LocalBackend(workers=2) as backend:
        assert dict(backend.map_unordered(math.factorial, [3, 4, 5])) == {3: 6, 4: 24, 5: 120}
        with pytest.raises(ValueError):
            dict(backend.map_unordered(math.factorial, [2, -1]))


SWEEP = {
    "name": "backends",
    "scenario": "default",
    "population": 5000,
    "days": 20,
    "seed": 4,
    "replicates": 2,
    "outcomes": ["acts_total", "records_total", "sanctioned", "policies.sesame.score_mean"],
    "design": {"kind": "latin_hypercube", "n": 4},
    "uncertainties": {
        "posts": {"key": "behavior.citizens.acts.post.rate", "low": 0.005, "high": 0.05},
        "court_errors": {
            "key": "sources.courts.records.court_judgment.misattribution_rate",
            "low": 0.001,
            "high": 0.1,
        },
    },
    "levers": {
        "delay": {"key": "consequences.court_blacklist.listing_delay_days", "low": 0, "high": 60}
    },
}


def test_local_and_ray_backends_give_the_same_outcomes(tmp_path):
    prepared = prepare_sweep(SWEEP)
    local = run_sweep(prepared, out=tmp_path / "local", backend=LocalBackend(workers=2))
    try:
        on_ray = run_sweep(prepared, out=tmp_path / "ray", backend=RayBackend(workers=2))
    except BackendUnavailable as err:
        pytest.skip(f"Ray cannot start here: {err}")
    assert on_ray.summary["backend"] == "ray" and local.summary["backend"] == "local"
    first = pq.read_table(tmp_path / "local" / "outcomes.parquet").drop(["wall_seconds"])
    second = pq.read_table(tmp_path / "ray" / "outcomes.parquet").drop(["wall_seconds"])
    assert first.num_rows == 8
    assert first.equals(second)
    assert local.summary["by_point"] == on_ray.summary["by_point"]
