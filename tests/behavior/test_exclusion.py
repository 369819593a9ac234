"""Social exclusion: ties cut to low scorers grow with the weight of the friends' term and with
how many friends see a score; children neither cut nor are cut."""

from __future__ import annotations

import numpy as np

from credsim import load_scenario
from credsim.population.ties import CutTies
from credsim.runner import build_simulation

# Everyone's score seen by every friend, and everyone minding it: the most ties cut.
SEEN = ["behavior.exclusion.visible_share=1", "behavior.exclusion.motive_share=1"]


def test_ties_cut_rise_with_network_weight_and_vanish_without_it(quick_summary):
    cut = {}
    for weight in (0.0, 0.03, 0.1):
        summary = quick_summary(f"w{weight}", f"policies.sesame.network_weight={weight}", *SEEN)
        cut[weight] = summary["ties_cut"]
    assert cut[0.0] == 0
    assert 0 < cut[0.03] < cut[0.1]
    off = quick_summary("off", "behavior.exclusion.enabled=false")
    assert off.get("ties_cut", 0) == 0


def test_listed_citizens_and_their_families_are_the_most_isolated(quick_summary):
    summary = quick_summary("iso", "policies.sesame.network_weight=0.1", *SEEN, days=200)
    iso = summary["isolation"]
    assert iso["listed"] > iso["family_of_listed"] > iso["others"] >= 0
    assert sum(summary["ties_cut_by_group"]["sex"].values()) == 2 * summary["ties_cut"]
    assert sum(summary["ties_cut_by_reason"].values()) == summary["ties_cut"]


def test_only_friends_who_see_a_score_cut_over_it(quick_summary):
    everyone = quick_summary("all", "policies.sesame.network_weight=0.1", *SEEN)
    few = quick_summary(
        "few",
        "policies.sesame.network_weight=0.1",
        "behavior.exclusion.visible_share=0.1",
        "behavior.exclusion.motive_share=1",
    )
    nobody = quick_summary(
        "none", "policies.sesame.network_weight=0.1", "behavior.exclusion.visible_share=0"
    )
    assert nobody["ties_cut"] == 0
    # A tenth of the friendships see a score: about a tenth of the ties are cut.
    assert 0 < few["ties_cut"] < 0.2 * everyone["ties_cut"]


def test_no_tie_is_cut_with_a_child_at_either_end():
    scenario = load_scenario(
        "default",
        population=6_000,
        days=92,
        seed=5,
        overrides=["but_for=false", "policies.sesame.network_weight=0.2", *SEEN],
    )
    sim = build_simulation(scenario)
    sim.initialise()
    for day in range(92):
        sim.step(day)
    low, high = sim.world.services["cut_ties"].ends()
    assert low.shape[0] > 0
    age = sim.state["age"]
    assert (age[low] >= 18).all() and (age[high] >= 18).all()


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


def test_cuts_are_made_a_range_of_citizens_at_a_time():
    """Exclusion's chunks: each a span of every part (low scorers, kin), at most `size` of each,
    the spans covering every part in order, and each chunk's citizens all below the next's:
    so each block's friendships are worked out once per chunk, whatever the parts' sizes."""
    import itertools

    from credsim.behavior.exclusion import _spans

    rng = np.random.default_rng(7)
    for sizes in ((5_000, 900), (0, 3_000), (2_000, 0), (0, 0), (70, 70_000)):
        everyone = rng.choice(1_000_000, sum(sizes), replace=False)
        arrays = [np.sort(everyone[: sizes[0]]), np.sort(everyone[sizes[0] :])]
        chunks = list(_spans(arrays, 1_000))
        for k, x in enumerate(arrays):
            starts = [c[k][0] for c in chunks]
            stops = [c[k][1] for c in chunks]
            assert starts[:1] in ([0], []) and starts[1:] == stops[:-1]
            assert (stops[-1] if stops else 0) == x.shape[0]
            assert all(b - a <= 1_000 for a, b in (c[k] for c in chunks))
        values = [
            np.concatenate([x[a:b] for x, (a, b) in zip(arrays, c, strict=True)]) for c in chunks
        ]
        values = [v for v in values if v.shape[0]]
        assert all(v.max() < w.min() for v, w in itertools.pairwise(values))
