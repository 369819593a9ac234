"""Social exclusion: ties cut to low scorers grow with the weight of the friends' term."""

from __future__ import annotations

import numpy as np

from credsim.population.ties import CutTies


def test_ties_cut_rise_with_network_weight_and_vanish_without_it(quick_summary):
    cut = {}
    for weight in (0.0, 0.03, 0.1):
        summary = quick_summary(f"w{weight}", f"policies.sesame.network_weight={weight}")
        cut[weight] = summary["ties_cut"]
    assert cut[0.0] == 0
    assert 0 < cut[0.03] < cut[0.1]
    off = quick_summary("off", "behavior.exclusion.enabled=false")
    assert off.get("ties_cut", 0) == 0


def test_listed_citizens_and_their_families_are_the_most_isolated(quick_summary):
    summary = quick_summary("iso", "policies.sesame.network_weight=0.1", days=200)
    iso = summary["isolation"]
    assert iso["listed"] > iso["family_of_listed"] > iso["others"] >= 0
    assert sum(summary["ties_cut_by_group"]["sex"].values()) == 2 * summary["ties_cut"]


def test_cut_ties_leave_the_neighbour_mean():
    cuts = CutTies(4)
    values = np.array([10.0, 20.0, 30.0, 40.0])
    # Citizen 0 has friends 1, 2, 3; citizen 1 has friend 0 only.
    mean = np.array([30.0, 10.0, 10.0, 10.0])
    count = np.array([3, 1, 1, 1], np.int32)
    assert cuts.add(np.array([0, 3]), np.array([3, 0])).tolist() == [True, True]
    assert len(cuts) == 1  # one tie, named from either end
    new_mean, new_count = cuts.corrected_mean(mean, count, values)
    assert new_count.tolist() == [2, 1, 1, 0]
    assert new_mean[0] == 25.0 and np.isnan(new_mean[3])
    assert cuts.per_citizen().tolist() == [1, 0, 0, 1]
