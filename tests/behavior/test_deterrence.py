"""Deterrence: a sanction a citizen was shown deters what it punished, by its severity, and fades.

The evidence behind the parameters is cited in the default scenario (behavior.deterrence)."""

from __future__ import annotations

import numpy as np
import pytest

import credsim
from credsim.runner import build_simulation
from credsim.scenario import load_scenario


def _acts(tmp_path, name, *sets):
    run = credsim.run(
        "default",
        out=tmp_path / name,
        population=20_000,
        days=120,
        overrides=["output.events='none'", "output.report=false", "but_for=false", *sets],
    )
    return run.summary["acts_by_kind"]


def test_penalties_shown_deter_the_acts_they_punish(tmp_path):
    # Rongcheng's grades hide most traffic deductions; shown as points they teach.
    shown = "policies.rongcheng.opacity='score'"
    on = _acts(tmp_path, "on", shown)
    off = _acts(tmp_path, "off", shown, "behavior.deterrence.enabled=false")
    for kind in ("jaywalking", "traffic_violation", "card_arrears"):
        assert on[kind] < off[kind], kind
    assert on["flight_attempt"] == off["flight_attempt"]  # not a deterred act
    # Each small deduction weighs little (5 points of a 110-point grade); a heavier sanction
    # or a stronger effect deters more.
    stronger = _acts(tmp_path, "strong", shown, "behavior.deterrence.max_effect=1")
    assert stronger["jaywalking"] < on["jaywalking"] < off["jaywalking"]
    assert off["jaywalking"] - on["jaywalking"] < 0.01 * off["jaywalking"]


def test_nothing_is_learned_from_policies_that_show_nothing(tmp_path):
    hidden = [f"policies.{p}.opacity='nothing'" for p in ("rongcheng", "sesame", "financial")]
    quiet = ["consequences.court_blacklist.notify=false", "consequences.court_blacklist.warn=false"]
    unseen = _acts(tmp_path, "unseen", *hidden, *quiet)
    off = _acts(tmp_path, "off2", *hidden, *quiet, "behavior.deterrence.enabled=false")
    assert unseen["card_arrears"] == off["card_arrears"]
    assert unseen["jaywalking"] == off["jaywalking"]


@pytest.fixture(scope="module")
def sim():
    scenario = load_scenario(
        "default", population=2_000, days=5, seed=1, overrides=["but_for=false"]
    )
    s = build_simulation(scenario)
    s.initialise()
    s.step(0)
    s.step(1)  # the deterrence tables are built on the first day with notices
    return s


def _told(sim, rows: list[tuple[int, str, str, int, str]]) -> dict[str, np.ndarray]:
    """Notices as the engine hands them on: (citizen, notice, about, value, record kind)."""
    c, notices = sim.codes, sim.world.notices
    return {
        "citizen": np.array([r[0] for r in rows], np.int32),
        "notice": np.array([notices.code[r[1]] for r in rows], np.uint8),
        "about": np.array([c.code("notice_about", r[2]) for r in rows], np.uint8),
        "value": np.array([r[3] for r in rows], np.int16),
        "record_kind": np.array(
            [c.code("record_kind", r[4]) if r[4] else -1 for r in rows], np.int16
        ),
    }


def test_a_one_point_deduction_deters_far_less_than_a_listing(sim):
    deterrence = sim.world.services["deterrence"]
    deterrence.lessons = deterrence._tables()
    adults = np.flatnonzero(sim.state["age"] >= 30)[:2]
    told = _told(
        sim,
        [
            (adults[0], "points", "sesame", -1, "loan_default"),
            (adults[1], "listed", "court_blacklist", 0, ""),
        ],
    )
    rows = deterrence.lesson_rows(told)
    deterrence._learn(3, *rows)
    point, listing = 1.0 - deterrence.factor("loan_default", adults, 4)
    assert listing > 0.15  # a listing is a full lesson: about max_effect, fresh
    assert point * 10 <= listing
    # ... and each deters only what it punished: neither touches traffic offences.
    np.testing.assert_array_equal(deterrence.factor("jaywalking", adults, 4), 1.0)
    # The lesson fades: half of it after the half-life.
    later = 1.0 - deterrence.factor("loan_default", adults[1:], 4 + 365)
    assert later[0] == pytest.approx(listing / 2, rel=0.02)


def test_a_fine_deters_the_conduct_it_priced_as_much_as_its_severity(sim):
    deterrence = sim.world.services["deterrence"]
    deterrence.lessons = deterrence._tables()
    someone = np.flatnonzero(sim.state["age"] >= 30)[7:8]
    told = _told(sim, [(someone[0], "fined", "fines", 0, "jaywalking")])
    citizen, _, severity = deterrence.lesson_rows(told)
    assert citizen.tolist() == someone.tolist()
    assert severity.tolist() == [deterrence.params.severity.fined]
    deterrence._learn(3, citizen, *deterrence.lesson_rows(told)[1:])
    expected = deterrence.params.max_effect * deterrence.params.severity.fined
    assert 1.0 - deterrence.factor("jaywalking", someone, 3)[0] == pytest.approx(expected, rel=0.01)
    np.testing.assert_array_equal(deterrence.factor("loan_default", someone, 3), 1.0)


def test_a_refusal_teaches_only_those_no_list_told(sim):
    deterrence = sim.world.services["deterrence"]
    deterrence.lessons = deterrence._tables()
    someone = np.flatnonzero(sim.state["age"] >= 30)[5:6]
    told = _told(sim, [(someone[0], "refused", "lender_blacklist", 0, "")])
    citizen, _, severity = deterrence.lesson_rows(told)
    assert citizen.tolist() == someone.tolist() and severity.tolist() == [1.0]
    sim.state["listed_since.court_blacklist"][someone] = 1  # now a list told them
    assert deterrence.lesson_rows(told)[0].shape[0] == 0
    sim.state["listed_since.court_blacklist"][someone] = -1


OFF = [
    f"{k}.enabled=false"
    for k in (
        "behavior.self_censorship",
        "behavior.exclusion",
        "behavior.gaming",
        "behavior.conformity",
        "behavior.strangers",
        "adversaries.lenders",
        "adversaries.brokers",
        "adversaries.breach",
        "sources.online",
        "sources.commerce",
        "sources.platforms",
        "consequences.perks",
    )
]


def _quarters(*sets: str) -> np.ndarray:
    """Deterred offences (debt family, all families) and new court listings per quarter of two
    years, debts ten times the default rate so that each quarter has hundreds of listings."""
    scenario = load_scenario(
        "default",
        population=200_000,
        days=728,
        seed=4,
        overrides=[
            "but_for=false",
            "output.events='none'",
            "behavior.citizens.acts.loan_default.rate=7.7e-5",
            "behavior.citizens.acts.contract_breach.rate=1e-5",
            *OFF,
            *sets,
        ],
    )
    sim = build_simulation(scenario)
    sim.initialise()
    c = sim.codes
    from credsim.behavior.deterrence import DeterrenceParams

    families = DeterrenceParams().families
    debt = [c.code("act_kind", k) for k in families["debt"]]
    every = [c.code("act_kind", k) for kinds in families.values() for k in kinds]
    listed, court = c.code("action", "listed"), c.code("consequence", "court_blacklist")
    out = np.zeros((8, 3))
    for t in range(728):
        day = sim.step(t)
        kinds = day.acts["kind"][day.acts["day"] >= 0]  # not the invented past
        out[t // 91, 0] += np.isin(kinds, debt).sum()
        out[t // 91, 1] += np.isin(kinds, every).sum()
        s = day.sanctions
        out[t // 91, 2] += ((s["action"] == listed) & (s["consequence"] == court)).sum()
    return out


def test_without_a_policy_change_a_run_is_stationary():
    """After the first quarter (the invented past's judgments arriving), quarterly offences stay
    within 5% of their mean; new listings stay within 5% of the same run without deterrence
    (same draws), so feedback cannot make them drift (raw quarterly listings here carry about
    3% sampling noise, and without deterrence nothing changes their rate)."""
    on, off = _quarters(), _quarters("behavior.deterrence.enabled=false")
    after = on[1:]
    offences = after[:, :2] / after[:, :2].mean(axis=0)
    assert np.abs(offences - 1).max() < 0.05, offences
    ratio = after[:, 2] / off[1:, 2]
    assert np.abs(ratio - 1).max() < 0.05, ratio
    assert after[:, 2].min() > 500  # enough listings for the ratio to mean something


def test_a_lesson_fades_by_its_half_life_across_epochs_and_ends_at_zero(sim):
    """Levels are stored as of a boundary shared by every citizen; as the days pass the boundary
    moves on and the stored levels decay to it: a lesson still halves each half-life, and one
    that fades below a step is gone."""
    from credsim.engine.day import Day

    deterrence = sim.world.services["deterrence"]
    deterrence.lessons = deterrence._tables()
    adult = np.flatnonzero(sim.state["age"] >= 30)[:1]
    deterrence._learn(
        3, *deterrence.lesson_rows(_told(sim, [(adult[0], "listed", "court_blacklist", 0, "")]))
    )
    fresh = deterrence.level("debt", adult, 4)[0]
    assert fresh > 0.9
    sim.world.notices.yesterday = {}
    for day in range(4, 4 + 365 + 1):  # every boundary a year crosses
        deterrence.act(Day(day))
    assert deterrence.epoch > 4 + 365
    assert deterrence.level("debt", adult, 4 + 365)[0] == pytest.approx(fresh / 2, rel=0.02)
    for day in range(4 + 366, 4 + 365 * 12):
        deterrence.act(Day(day))
    assert deterrence.levels[0][adult[0]] == 0  # 2^-12 of a full lesson is below 1/255


def _lessons_by_numpy(told, codes, sev, tables, refused_told):
    """The NumPy expressions the compiled pass replaced."""
    points_c, grade_c, fined_c, warned_c, listed_c, refused_c = codes
    by_record, by_list, per_grade = tables
    kind, about, value = told["notice"], told["about"].astype(np.int64), told["value"]
    rkind = told["record_kind"].astype(np.int64)
    points = (kind == points_c) & (value < 0) & (rkind >= 0)
    grade = (kind == grade_c) & (rkind >= 0)
    fined = (kind == fined_c) & (rkind >= 0)
    warned, listed, refused = kind == warned_c, kind == listed_c, kind == refused_c
    refused &= ~refused_told
    s = np.zeros(kind.shape[0])
    s[points] = sev[0] * -value[points] / per_grade[about[points]]
    s[grade], s[fined], s[warned], s[listed | refused] = sev[0], sev[1], sev[2], sev[3]
    mask = np.zeros(kind.shape[0], np.int64)
    from_record, from_list = points | grade | fined, warned | listed | refused
    mask[from_record] = by_record[rkind[from_record]]
    mask[from_list] = by_list[about[from_list]]
    keep = (mask > 0) & (s > 0)
    return np.flatnonzero(keep), mask[keep], np.minimum(s[keep], 1.0)


def test_lessons_in_one_pass_are_the_numpy_expressions():
    """Deterrence's compiled reading of a day's notices: the same teaching rows, families and
    severities as the array expressions (points over a grade's, grades, fines, warnings,
    listings, refusals of citizens no list told; only notices that name a record for the
    first three)."""
    from credsim.behavior.lessons import lesson_rows

    rng = np.random.default_rng(8)
    n = 30_000
    told = {
        "notice": rng.integers(0, 9, n).astype(np.uint8),
        "about": rng.integers(0, 6, n).astype(np.uint8),
        "value": rng.integers(-80, 40, n).astype(np.int16),
        "record_kind": rng.integers(-1, 12, n).astype(np.int16),
    }
    by_record = rng.integers(0, 8, 256).astype(np.int64)  # some kinds teach about no family
    by_list = rng.integers(0, 8, 256).astype(np.int64)
    per_grade = np.full(256, np.inf)
    per_grade[:6] = rng.uniform(20, 100, 6)
    refused_told = rng.random(n) < 0.5
    codes, sev = (1, 2, 3, 4, 5, 6), (0.25, 0.3, 0.5, 1.0)
    tables = (by_record, by_list, per_grade)
    got = lesson_rows(told, codes, sev, tables, refused_told)
    want = _lessons_by_numpy(told, codes, sev, tables, refused_told)
    assert 1_000 < got[0].shape[0] < n
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
