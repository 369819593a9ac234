"""On synthetic data (targets made by credsim itself from known parameter values), calibration
recovers the known values inside its intervals in at least 4 of 5 repetitions with different
seeds. The fuller check is benchmarks/calibration.py."""

from __future__ import annotations

import tomllib

from synthetic import TRUTH, calibration_text, synthetic_targets

from credsim.calibration import calibrate, load_calibration, prepare_calibration


def test_known_values_fall_in_the_accepted_range_in_4_of_5_repetitions(tmp_path, local_pool):
    recovered = []
    for rep in range(5):
        truth_seed = 100 + rep
        text = calibration_text(synthetic_targets(truth_seed), truth_seed, seed=rep + 1)
        prepared = prepare_calibration(load_calibration(tomllib.loads(text)))
        result = calibrate(prepared, tmp_path / f"rep-{rep}", local_pool)
        inside = [
            p["accepted"] > 0 and p["min"] <= TRUTH[p["parameter"]] <= p["max"]
            for p in result.summary["parameters"]
        ]
        recovered.append(all(inside))
    assert sum(recovered) >= 4, recovered
