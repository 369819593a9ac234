"""Avoidance: a citizen refused a train ticket tries less, until told they are off the list."""

from __future__ import annotations

import numpy as np
import pytest

from credsim.errors import UserError
from credsim.runner import build_simulation
from credsim.scenario import load_scenario

# Listed people try trains ten times as often as others, so that each is refused several times
# in the 120 days unless they learn (agencies pick up listings after about two months).
EAGER = [
    "but_for=false",
    "behavior.avoidance.plugin='avoidance'",
    "behavior.citizens.acts.train_attempt.listed_factor=10",
]


def _run(sets: list[str], days: int = 120) -> tuple[dict[int, int], set[int], dict]:
    """Train refusals per citizen, citizens told of a removal, and acts by kind."""
    scenario = load_scenario("default", population=6_000, days=days, seed=3, overrides=sets)
    sim = build_simulation(scenario)
    sim.initialise()
    notices = sim.world.notices
    train = sim.codes.code("record_kind", "train_purchase")
    kinds = sim.codes.names("act_kind")
    refused: dict[int, int] = {}
    delisted: set[int] = set()
    acts = np.zeros(len(kinds), np.int64)
    for t in range(days):
        day = sim.step(t)
        told = notices.yesterday  # today's notices, once the day is closed
        mine = (told["notice"] == notices.code["refused"]) & (told["record_kind"] == train)
        for c in told["citizen"][mine].tolist():
            refused[c] = refused.get(c, 0) + 1
        delisted.update(told["citizen"][told["notice"] == notices.code["delisted"]].tolist())
        acts += np.bincount(day.acts["kind"].astype(np.int64), minlength=len(kinds))[: len(kinds)]
    return refused, delisted, dict(zip(kinds, acts.tolist(), strict=True))


def _refusals(after_train: float, days: int = 120) -> tuple[dict[int, int], set[int], dict]:
    return _run([*EAGER, f"behavior.avoidance.after_refusal.train_attempt={after_train}"], days)


@pytest.fixture(scope="module")
def runs():
    return {v: _refusals(v) for v in (0.0, 1.0)}


def test_a_citizen_refused_once_does_not_try_again_while_listed(runs):
    refused, delisted, _ = runs[0.0]
    assert sum(refused.values()) > 20
    # Only a citizen told of a removal (and listed again) may be refused twice.
    assert all(n == 1 for c, n in refused.items() if c not in delisted)
    # Without avoidance the same citizens meet the counter again and again.
    again, _, _ = runs[1.0]
    assert sum(n > 1 for n in again.values()) > 10
    assert sum(again.values()) > 2 * sum(refused.values())


def test_avoidance_touches_only_the_acts_it_names(runs):
    _, _, avoided = runs[0.0]
    _, _, not_avoided = runs[1.0]
    assert avoided["train_attempt"] < not_avoided["train_attempt"]
    assert avoided["flight_attempt"] == not_avoided["flight_attempt"]


def test_no_avoidance_is_the_run_without_the_plugin():
    refused, _, acts = _refusals(1.0, days=90)
    plain_refused, _, plain_acts = _run([EAGER[0], EAGER[2]], days=90)
    assert refused and (refused, acts) == (plain_refused, plain_acts)


def test_an_unknown_act_kind_names_the_nearest():
    with pytest.raises(UserError) as err:
        load_scenario(
            "default",
            population=1_000,
            days=2,
            overrides=[EAGER[1], "behavior.avoidance.after_refusal.train_atempt=0.5"],
        )
    assert "train_attempt" in str(err.value)


def test_a_removal_the_citizen_is_told_of_ends_the_avoidance():
    avoid = [*EAGER, "behavior.avoidance.after_refusal.train_attempt=0"]
    scenario = load_scenario("default", population=1_000, days=3, overrides=avoid)
    sim = build_simulation(scenario)
    sim.initialise()
    avoidance = sim.world.services["avoidance"]
    assert sim.state["avoids"].dtype == np.uint8  # one byte per citizen
    notices = sim.world.notices
    train = sim.codes.code("record_kind", "train_purchase")
    citizens = np.array([5, 9], np.int32)

    def told(kind: str, record_kind: int) -> dict[str, np.ndarray]:
        return {
            "notice": np.full(2, notices.code[kind], np.int8),
            "citizen": citizens,
            "record_kind": np.full(2, record_kind, np.int16),
        }

    notices.yesterday = told("refused", train)
    assert avoidance.factor("train_attempt", citizens, 1).tolist() == [0.0, 0.0]
    assert avoidance.factor("flight_attempt", citizens, 1).tolist() == [1.0, 1.0]
    notices.yesterday = told("delisted", -1)
    assert avoidance.factor("train_attempt", citizens, 2).tolist() == [1.0, 1.0]
