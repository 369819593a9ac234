"""History matching's implausibility: what a point's figures are measured against."""

import math

from credsim.calibration.history import dispersion, implausibility, match


def test_a_run_of_scaled_agents_is_noisier_than_the_world_it_stands_for() -> None:
    # Two runs of a count: mean 100 (in people), variance-to-mean ratio 10 (agents of 10 people).
    runs, z = [90.0, 110.0], 130.0
    phi = dispersion([runs])
    assert phi == 2.0  # var 200 / mean 100
    # Each agent one person: the world's draw is as noisy as a run's.
    one = implausibility(runs, z, obs_sd=0.0, phi=phi, world=1.0)
    assert math.isclose(one, 30.0 / math.sqrt(2.0 * 100.0 * (1 / 2 + 1)))
    # Agents of 10,000 people: the world's figure is nearly exact; the runs' mean is not.
    many = implausibility(runs, z, obs_sd=0.0, phi=phi, world=1 / 10_000)
    assert math.isclose(many, 30.0 / math.sqrt(2.0 * 100.0 * (1 / 2 + 1 / 10_000)))
    assert many > one * 1.7


def test_the_observation_sd_bounds_how_implausible_a_miss_can_look() -> None:
    runs = [100.0, 100.0]  # no spread: only the observation's sd is left
    assert implausibility(runs, 115.0, obs_sd=5.0, phi=0.0, world=0.1) == 3.0
    assert implausibility(runs, 100.0, obs_sd=0.0, phi=0.0) == 0.0
    assert implausibility(runs, 101.0, obs_sd=0.0, phi=0.0) == math.inf


def test_match_pools_the_dispersion_over_points() -> None:
    points = [{"a": [90.0, 110.0]}, {"a": [45.0, 55.0]}]
    scores, phi = match(points, {"a": 100.0}, {"a": 10.0}, world=1.0)
    assert math.isclose(phi["a"], (2.0 + 1.0) / 2)
    assert scores[0]["a"] == 0.0
    assert scores[1]["a"] > 3.0
