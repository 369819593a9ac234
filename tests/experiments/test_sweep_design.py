"""Designs: Latin hypercubes fill their ranges, full factorials count right, Sobol' samples and
indices come out as SALib defines them."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from credsim.experiments.design import Parameter, full_factorial, latin_hypercube, sobol
from credsim.experiments.outcomes_sobol import write_sobol
from credsim.experiments.sweep_check import PreparedSweep
from credsim.experiments.sweep_file import load_sweep

RATE = Parameter("rate", "a.rate", "real", low=0.001, high=0.05)
DELAY = Parameter("delay", "a.delay", "integer", role="lever", low=0, high=9)
OPACITY = Parameter("opacity", "a.opacity", "categorical", values=("score", "grade", "none", "x"))


def test_latin_hypercube_puts_one_point_in_every_stratum_of_every_range():
    n = 20
    design = latin_hypercube([RATE, DELAY, OPACITY], n, seed=5)
    assert len(design) == n
    rates = np.array([p["rate"] for p in design.points])
    assert rates.min() >= RATE.low and rates.max() <= RATE.high
    strata = np.floor((rates - RATE.low) / (RATE.high - RATE.low) * n).astype(int)
    assert sorted(strata) == list(range(n))
    # 10 integers over 20 points: every integer twice; 4 categories: each 5 times.
    assert Counter(p["delay"] for p in design.points) == {d: 2 for d in range(10)}
    assert Counter(p["opacity"] for p in design.points) == {v: 5 for v in OPACITY.values}
    assert all(isinstance(p["delay"], int) for p in design.points)


def test_latin_hypercube_is_fixed_by_its_seed():
    first = latin_hypercube([RATE, DELAY], 8, seed=1).points
    assert latin_hypercube([RATE, DELAY], 8, seed=1).points == first
    assert latin_hypercube([RATE, DELAY], 8, seed=2).points != first


def test_full_factorial_takes_every_combination_of_levels():
    four = Parameter("share", "a.share", "real", low=0.0, high=1.0, levels=4)
    design = full_factorial([RATE, four, OPACITY], levels=3)
    assert len(design) == 3 * 4 * 4
    assert len({tuple(p.values()) for p in design.points}) == len(design)
    assert sorted({p["rate"] for p in design.points}) == pytest.approx([0.001, 0.0255, 0.05])
    assert sorted({p["share"] for p in design.points}) == pytest.approx([0, 1 / 3, 2 / 3, 1])
    # An integer range narrower than the levels asked for keeps each integer once.
    narrow = Parameter("d", "a.d", "integer", low=0, high=2)
    assert [p["d"] for p in full_factorial([narrow], levels=5).points] == [0, 1, 2]


@pytest.mark.parametrize(("second", "expected"), [(False, 8 * (3 + 2)), (True, 8 * (2 * 3 + 2))])
def test_sobol_sample_has_saltelli_count(second, expected):
    design = sobol([RATE, DELAY, OPACITY], 8, calc_second_order=second, seed=3)
    assert len(design) == expected
    assert all(RATE.low <= p["rate"] <= RATE.high for p in design.points)
    assert {p["opacity"] for p in design.points} <= set(OPACITY.values)


def _sobol_sweep(second: bool) -> dict:
    return {
        "scenario": "default",
        "outcomes": ["y", "flat"],
        "design": {"kind": "sobol", "N": 512, "calc_second_order": second},
        "uncertainties": {
            "x1": {"key": "a.x1", "low": 0.0, "high": 1.0},
            "x2": {"key": "a.x2", "low": 0.0, "high": 1.0},
            "x3": {"key": "a.x3", "low": 0.0, "high": 1.0},
        },
    }


def test_sobol_analysis_finds_the_parameter_that_drives_the_outcome(tmp_path):
    # y = 4 x1 + x2 with uniform inputs: S1(x1) = 16/17, S1(x2) = 1/17, x3 has no effect.
    sweep = load_sweep(_sobol_sweep(second=True))
    design = sweep.design()
    prepared = PreparedSweep(sweep, base={}, design=design)
    x = np.array([[p["x1"], p["x2"], p["x3"]] for p in design.points])
    rows = {
        "point": np.arange(len(design)),
        "replicate": np.zeros(len(design), dtype=np.int64),
        "y": 4 * x[:, 0] + x[:, 1],
        "flat": np.ones(len(design)),
    }
    document = write_sobol(prepared, pa.table(rows), tmp_path)
    y = document["outcomes"]["y"]["indices"]
    assert y["x1"]["S1"] == pytest.approx(16 / 17, abs=0.05)
    assert y["x2"]["S1"] == pytest.approx(1 / 17, abs=0.03)
    assert abs(y["x3"]["ST"]) < 0.01
    assert 0 < y["x1"]["S1_conf"] < 0.2
    assert "x1|x2" in document["outcomes"]["y"]["S2"]
    assert "constant" in document["outcomes"]["flat"]["skipped"]
    table = pq.read_table(tmp_path / "sobol.parquet").to_pandas()
    assert set(table.columns) == {"outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"}
    assert len(table) == 3 and set(table["outcome"]) == {"y"}
    assert json.loads((tmp_path / "sobol.json").read_text())["conf_level"] == 0.95
