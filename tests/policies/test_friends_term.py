"""The friends' term from running sums: at every update it is exactly what a full pass over the
graph gives (cut and added ties, who holds a score, rounding), it survives a checkpoint, and its
working columns stay out of the citizens table."""

from __future__ import annotations

import numpy as np
import pytest

import credsim
from credsim.experiments.checkpoint_format import decode, encode, read_npz, write_npz
from credsim.policies.scoring import ScoringPolicy
from credsim.runner import build_simulation

WEEKLY = ["policies.sesame.network_cadence_days=7"]
# (scenario, overrides, what the updates must have met)
CASES = {
    "reference": ("reference", [], set()),
    "default": ("default", WEEKLY, {"holders", "cut"}),
    "everything": (
        "everything",
        [*WEEKLY, "behavior.gaming.services.friend_renting.demand=0.02"],  # rented friends
        {"holders", "cut", "added"},
    ),
    # Sesame scores Guangdong's residents, then Shandong's too from day 30: who holds a score
    # changes mid-run, and the sums follow.
    "regions": (
        "default",
        [
            *WEEKLY,
            'policies.sesame.regions=["Guangdong", "Shandong"]',
            'timeline=[{date=2020-01-01, disable=["policies.sesame"], regions=["Shandong"]}, '
            '{date=2020-01-31, enable=["policies.sesame"], regions=["Shandong"]}]',
        ],
        {"holders", "cut", "regions switched"},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_running_sums_give_exactly_the_full_pass_at_every_update(case, monkeypatch, tmp_path):
    name, sets, must_meet = CASES[case]
    met: set[str] = set()
    updates, keys = [], [None]
    network = ScoringPolicy._network

    def checked(self, day):
        sums = self._friend_sums()
        assert sums is not None, "the running sums should cover this run"
        cuts = self._cut_ties()
        mean, count = sums.mean_and_count(cuts)
        full_mean, full_count = self._friends_mean_by_pass()
        assert np.array_equal(count, full_count)
        assert np.array_equal(mean.view(np.int64), full_mean.view(np.int64))  # NaN too
        term, lo, hi = self.world.state[self.network_column], self.world.lo, self.world.hi
        weight, reference = self.params.network_weight, self.reference()
        target = np.where(full_count > 0, np.rint(weight * (full_mean - reference)), 0)
        target = np.clip(np.nan_to_num(target), -32768, 32767).astype(np.int32)
        moving = lo + np.flatnonzero(target != term[lo:hi])
        citizens, targets = sums.moving(cuts, term, weight, reference)
        assert np.array_equal(citizens, moving)
        assert np.array_equal(targets, target[moving - lo])
        # A range of citizens at a time, as the policy moves them (here two or more ranges).
        parts = list(sums.moving_ranges(cuts, term, weight, reference, 3 * 1024))
        assert len(parts) == -(-(hi - lo) // (3 * 1024))
        assert np.array_equal(np.concatenate([c for c, _ in parts]), moving)
        assert np.array_equal(np.concatenate([t for _, t in parts]), target[moving - lo])
        updates.append(day.day)
        if sums.by_holders:
            met.add("holders")
        if cuts is not None and cuts.keys.shape[0]:
            met.add("cut")
        if cuts is not None and cuts.added.shape[0]:
            met.add("added")
        on = None if self.scope is None else self.scope.on.tobytes()
        if self.scope is not None and len(updates) > 1 and on != keys[-1]:
            met.add("regions switched")
        keys.append(on)
        return network(self, day)

    monkeypatch.setattr(ScoringPolicy, "_network", checked)
    off = ["output.report=false", "output.citizens='none'", "output.events='none'"]
    credsim.run(name, out=tmp_path / "r", population=4_000, days=50, seed=2, overrides=sets + off)
    assert len(updates) >= 6
    assert must_meet <= met


def test_the_sums_survive_a_checkpoint_taken_after_they_were_built(tmp_path):
    scenario = credsim.load_scenario(
        "everything", population=2_000, days=30, seed=4, overrides=WEEKLY
    )
    original = build_simulation(scenario)
    original.initialise()
    for day in range(10):
        original.step(day)
    assert all(p.friend_sums.ready for p in original.policies if p.friend_sums is not None)
    saved = tmp_path / "state.npz"
    with open(saved, "wb") as f:
        write_npz(f, *encode(original))
    restored = decode(*read_npz(saved))
    for day in range(10, 30):
        original.step(day)
        restored.step(day)
    for column in original.state:
        assert (original.state[column] == restored.state[column]).all(), column


def test_the_working_columns_stay_out_of_the_citizens_table(tmp_path):
    sets = ["output.citizens='all'"]
    run = credsim.run("reference", out=tmp_path / "r", population=2_000, days=8, overrides=sets)
    assert "network.points" in run.citizens
    assert not [c for c in run.citizens if c.startswith("friends_")]
