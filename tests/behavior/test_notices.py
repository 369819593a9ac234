"""Citizens react only to what they were told: the notices table decides, not the state."""

from __future__ import annotations

import numpy as np
import pytest

from credsim.runner import build_simulation
from credsim.scenario import load_scenario

# Lenders report many good customers to their shared list, which refuses nothing here (no bank
# reads it, and no appeal names it): a listing on it can reach a citizen only as a notice.
SILENT_LIST = [
    "adversaries.lenders.rate=0.001",
    "adversaries.lenders.detection=0",
    'consequences.joint_punishment.agencies.banks.lists=["court_blacklist"]',
    'consequences.appeals.lists=["court_blacklist"]',
]
WITHOUT_LIST = [
    *SILENT_LIST,
    "consequences.lender_blacklist.enabled=false",
    "adversaries.lenders.enabled=false",
]


def _run(overrides: list[str], days: int = 120):
    scenario = load_scenario("default", population=20_000, days=days, seed=5, overrides=overrides)
    sim = build_simulation(scenario)
    sim.initialise()
    gaming = {sim.codes.code("act_kind", k) for k in ("card_swiping", "click_farming")}
    gamed, notices = [], []
    for t in range(days):
        day = sim.step(t)
        acts = day.acts
        gamed.append(acts["actor"][np.isin(acts["kind"], list(gaming))])
        notices.append(day.notices.columns()["citizen"])
    listed = (
        sim.state["listed_since.lender_blacklist"]
        if "lender_blacklist" in sim.world.sanctions
        else None
    )
    return sim, np.concatenate(gamed), listed


@pytest.fixture(scope="module")
def twins():
    return {
        "silent": _run(SILENT_LIST),
        "told": _run([*SILENT_LIST, "consequences.lender_blacklist.notify=true"]),
        "without": _run(WITHOUT_LIST),
    }


def _victims(twins) -> np.ndarray:
    _, _, listed = twins["silent"]
    victims = np.flatnonzero(listed >= 0)
    assert victims.shape[0] >= 20  # enough to see a difference
    return victims


def test_a_silent_listing_changes_neither_deterrence_nor_gaming(twins):
    victims = _victims(twins)
    silent, silent_gamed, _ = twins["silent"]
    without, without_gamed, _ = twins["without"]
    for column in ("deterred.debt", "deterred.traffic", "deterred.conduct"):
        np.testing.assert_array_equal(silent.state[column][victims], without.state[column][victims])
    in_silent = np.isin(silent_gamed, victims)
    in_without = np.isin(without_gamed, victims)
    np.testing.assert_array_equal(silent_gamed[in_silent], without_gamed[in_without])


def test_a_listing_that_tells_its_victims_deters_them(twins):
    """The positive control: switch notification on and the same victims learn, and respond."""
    victims = _victims(twins)
    told, _, _ = twins["told"]
    without, _, _ = twins["without"]
    deterrence = told.world.services["deterrence"]
    more = deterrence.level("debt", victims, 119) - without.world.services["deterrence"].level(
        "debt", victims, 119
    )
    # A listing weighs a full lesson: every victim told of it is deterred more than without it.
    assert (more > 0.3).mean() > 0.9


def test_notices_follow_each_policys_opacity():
    """Itemised and score policies tell every change; a grade policy tells only grade moves."""
    sim = build_simulation(load_scenario("default", population=5_000, days=60, seed=2))
    sim.initialise()
    code = sim.world.notices.code
    about = {n: sim.codes.code("notice_about", n) for n in sim.world.scores}
    shown = {"points": 0, "grade": 0, "rongcheng_changes": 0}
    for t in range(60):
        day = sim.step(t)
        told = day.notices.columns()
        rong = about["rongcheng"]
        assert not ((told["about"] == rong) & (told["notice"] == code["points"])).any()
        shown["grade"] += int(((told["about"] == rong) & (told["notice"] != code["points"])).sum())
        changes = day.score_changes
        policy = sim.codes.code("policy", "sesame")
        sesame = int((changes["policy"] == policy).sum())
        sesame_told = (told["about"] == about["sesame"]) & (told["notice"] == code["points"])
        assert int(sesame_told.sum()) == sesame
        shown["rongcheng_changes"] += int(
            (changes["policy"] == sim.codes.code("policy", "rongcheng")).sum()
        )
    assert 0 < shown["grade"] < shown["rongcheng_changes"]


def test_notices_are_built_once_and_only_when_read(monkeypatch):
    """The reference model has no behaviour that reads notices: with no event log, a year of it
    builds none. When something reads them, each day's table is built once, and what the next
    day's behaviour reads is its rows but the score notices that name no record (a friends' term
    moving), the same whether the table was built or not."""
    from credsim.engine.notices import Notices

    built = []
    build = Notices.build
    monkeypatch.setattr(
        Notices, "build", lambda self, *a, **k: built.append(a[0]) or build(self, *a, **k)
    )
    scenario = load_scenario("reference", population=5_000, days=30)
    sim = build_simulation(scenario)
    sim.run()
    assert built == []

    no_twin = ["but_for=false"]  # the counterfactual builds its own citizens' notices
    scenario = load_scenario("default", population=5_000, days=40, seed=3, overrides=no_twin)
    logged, unlogged = build_simulation(scenario), build_simulation(scenario)
    logged.initialise()
    unlogged.initialise()
    codes = logged.world.notices.code
    score = [codes[k] for k in ("points", "grade_down", "grade_up")]
    rows = unnamed = 0
    for t in range(40):
        table = logged.step(t).notices.columns()  # as the event log reads it
        unlogged.step(t)
        told = logged.world.notices.yesterday  # what tomorrow's behaviour will read
        keep = ~(np.isin(table["notice"], score) & (table["record_id"] < 0))
        for field, values in table.items():
            np.testing.assert_array_equal(told[field], values[keep])
            np.testing.assert_array_equal(unlogged.world.notices.yesterday[field], values[keep])
        assert told["record_kind"].shape[0] == keep.sum()
        rows += keep.sum()
        unnamed += (~keep).sum()
    assert rows > 0 and unnamed > 0
    # Each day built once, however often read: fully in one run, only the named in the other.
    assert sorted(built) == sorted(list(range(40)) * 2)


def test_the_kind_a_notice_names_is_the_records_whether_or_not_ids_run_consecutively():
    from credsim.engine.notices import _kind_of

    rng = np.random.default_rng(4)
    kinds = rng.integers(0, 40, 500).astype(np.uint8)
    for ids in (np.arange(1_000, 1_500), np.sort(rng.choice(10_000, 500, replace=False))):
        named = np.concatenate([rng.choice(ids, 300), [-1, -1, ids[0] - 1, ids[-1] + 1]])
        expected = np.full(named.shape[0], -1, np.int16)
        for i, rid in enumerate(named):
            row = np.flatnonzero(ids == rid)
            if row.shape[0]:
                expected[i] = kinds[row[0]]
        np.testing.assert_array_equal(_kind_of(named.astype(np.int64), ids, kinds), expected)
