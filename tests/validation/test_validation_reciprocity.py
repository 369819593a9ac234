"""The donation game through the engine: the published figures it is held to, the checks failing
on deliberate bugs in the game, the policy and the source, and the fast kernel as an accelerator."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from credsim.behavior.game import GameParams
from credsim.errors import UserError
from credsim.policies.institution import InstitutionPolicy
from credsim.validation.outcome import Settings
from credsim.validation.reciprocity import GameRun, game_scenario, run_game
from credsim.validation.reproductions import adherence, image_scoring, institutions
from credsim.validation.reputation import GameParams as KernelParams
from credsim.validation.reputation import simulate

SHORT = Settings()


def test_every_short_tolerance_is_under_a_tenth():
    for norm in institutions.NORM_TITLES:
        for empathy in institutions.VIEWS:
            size = institutions.communities_for(norm, empathy, long=False)
            pub = institutions.published()[f"{norm}/{empathy:g}"]
            assert pub["runs"] == 1000
            predicted = 3 * math.sqrt(pub["se"] ** 2 + pub["sd"] ** 2 / size)
            assert max(institutions.FLOOR, predicted) < 0.1, (norm, empathy, size)


def test_a_wrong_norm_in_the_game_fails_the_check(monkeypatch):
    import credsim.behavior.game as game

    original = game.norm_table
    monkeypatch.setattr(game, "norm_table", lambda norm: original("scoring"))
    check, _ = institutions.private_check("stern_judging", 0.0, SHORT)
    assert check.passed is False


def test_empathy_lost_in_the_game_fails_the_check(monkeypatch):
    floats = GameParams.floats

    def no_empathy(self, benefit, cost):
        out = floats(self, benefit, cost)
        out[6] = 0.0
        return out

    monkeypatch.setattr(GameParams, "floats", no_empathy)
    check, _ = institutions.private_check("stern_judging", 1.0, SHORT)
    assert check.passed is False


def test_a_policy_that_never_regrades_fails_image_scoring(monkeypatch):
    """Everyone keeps the good grade they started with: discriminators help defectors too, and
    cooperation no longer persists above the threshold (the short `validate` run, in
    test_validation_cli, shows it does persist there without the bug)."""
    monkeypatch.setattr(InstitutionPolicy, "score", lambda self, day: None)
    above = run_game(image_scoring.image_scenario(5.0, 0.4, 16, 1))
    assert above.cooperation < image_scoring.PERSISTS


def test_a_source_that_loses_the_strangers_grade_changes_the_institution():
    """The witnesses' records carry the stranger's grade; without it (every stranger taken as
    good) Stern Judging's institution loses most of its cooperation."""
    kept = run_game(game_scenario(communities=16, seed=1, institution=(1, 0.5)))
    lost = run_game(
        game_scenario(
            communities=16,
            seed=1,
            institution=(1, 0.5),
            source={"copy_detail": False},
        )
    )
    assert kept.cooperation > 0.85 and lost.cooperation < kept.cooperation - 0.2


@pytest.mark.parametrize(
    ("norm", "start_good", "good_share"),
    [("stern_judging", 1.0, 1.0), ("stern_judging", 0.0, 0.0), ("scoring", 0.0, 1.0)],
)
def test_the_institution_grades_by_its_norm(norm, start_good, good_share):
    """Everyone helps everyone, with no errors: under Stern Judging helping the good is good and
    helping the bad is bad; under Scoring helping is always good."""
    scenario = game_scenario(
        communities=2,
        seed=3,
        days=20,
        norm=norm,
        institution=(2, 0.5),
        game={
            "strategies": ["ALLC"],
            "initial": "ALLC",
            "execution_error": 0.0,
            "assessment_error": 0.0,
            "mutation": 0.0,
        },
        policy={"assessment_error": 0.0, "start_good": start_good},
    )
    assert run_game(scenario).summary["game_good_share"] == good_share


def test_the_engine_game_agrees_with_the_fast_kernel():
    """The kernel behind social-credit-institution is an accelerator of the engine's game: on the
    same setting (Stern Judging, an institution of 5 judges, q = 0.5) the two agree."""
    engine = run_game(game_scenario(communities=24, seed=5, institution=(5, 0.5)))
    kernel = simulate(
        KernelParams(norm="stern_judging", monitoring="institution", judges=5, strictness=0.5),
        24,
        seed=5,
    )
    gap = abs(engine.cooperation - kernel.mean_cooperation)
    assert gap < 3 * math.hypot(engine.stderr, kernel.stderr_cooperation) + 0.01


def test_same_summary_on_one_and_two_threads():
    scenario = game_scenario(communities=4, seed=2, days=300, institution=(2, 0.5))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = run_game(scenario).summary
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = run_game(scenario).summary
    finally:
        numba.set_num_threads(before)
    assert one == two


def test_seeds_give_different_games():
    a = run_game(game_scenario(communities=4, seed=1, days=300)).summary
    b = run_game(game_scenario(communities=4, seed=2, days=300)).summary
    assert a["game_cooperation_by_community"] != b["game_cooperation_by_community"]


def test_bad_game_input_names_the_field():
    with pytest.raises(UserError, match=r"game\.initial.*ALLC"):
        run_game(
            game_scenario(
                communities=2, seed=1, days=2, game={"strategies": ["ALLD"], "initial": "ALLC"}
            )
        )
    with pytest.raises(Exception, match="norm"):
        game_scenario(communities=2, seed=1, days=2, norm="stern_judgin")


def test_the_crossing_is_interpolated():
    points = [(0.1, 0.0), (0.2, 0.2), (0.3, 0.8)]
    assert image_scoring.crossing(points) == pytest.approx(0.25)
    assert np.isnan(image_scoring.crossing([(0.1, 0.0), (0.2, 0.1)]))


def test_empathy_cannot_change_a_scoring_game():
    ego = run_game(game_scenario(communities=4, seed=1, days=400, norm="scoring")).summary
    emp = run_game(game_scenario(communities=4, seed=1, days=400, norm="scoring", empathy=1.0))
    assert ego == emp.summary


def _adherence(days: int, **game) -> GameRun:
    settings = {"adherents": "one", "settle_days": 20, "mutation": 0.0, "initial": "equal"}
    return run_game(
        game_scenario(
            communities=8, seed=4, days=days, institution=(1, 0.1), game={**settings, **game}
        )
    )


def test_no_one_adheres_before_the_settling_day_and_one_a_community_on_it():
    settled = _adherence(20)  # days 0-19: reputations settle, no one adheres yet
    assert settled.summary["game_adherent_share"] == 0.0
    first = _adherence(21, settle_days=20)  # the metric averages days 11-20; day 20 is the first
    share = first.summary["game_adherent_share"] * 10  # one day of ten averaged
    assert 0 < share <= 2 / 50 + 1e-9  # one each, give or take the day's one imitation


def test_an_institution_no_one_reads_changes_nothing_in_the_private_game():
    private = run_game(game_scenario(communities=4, seed=6, days=300)).summary
    ignored = run_game(
        game_scenario(
            communities=4, seed=6, days=300, institution=(2, 0.5), game={"adherents": "none"}
        )
    ).summary
    assert ignored["game_cooperation_by_community"] == private["game_cooperation_by_community"]


def test_a_fixation_run_ends_with_adherence_fixed_or_lost_everywhere():
    run = _adherence(6000, stop_when_settled=True)
    assert run.summary["game_adherence_fixed"] + run.summary["game_adherence_lost"] == 8


def test_days_after_every_community_settled_are_counted_as_if_stepped():
    """run_game stops stepping once every community has settled; the summary is the one of a
    run stepped to its last day (Simulation.step every day)."""
    from credsim.runner import build_simulation

    settings = {"adherents": "one", "settle_days": 20, "mutation": 0.0, "initial": "equal"}
    scenario = game_scenario(
        communities=8,
        seed=4,
        days=6000,
        institution=(1, 0.1),
        game={**settings, "stop_when_settled": True},
    )
    fast = run_game(scenario)
    sim = build_simulation(scenario)
    sim.initialise()
    game, settled_on = sim.world.services["strangers"].game, []
    for day in range(sim.world.days):
        sim.step(day)
        if game.settled(day + 1):
            settled_on.append(day + 1)
    stepped = next(p for p in sim.plugins if p.name == "reciprocity")
    assert settled_on and settled_on[0] < 3000  # most days were left unstepped by run_game
    assert settled_on == list(range(settled_on[0], 6001))  # and settled stays settled
    assert fast.summary == stepped.summary()
    assert fast.summary["game_days_averaged"] == 3000


def test_adherents_need_an_institution():
    with pytest.raises(UserError, match=r"adherents.*needs an institution"):
        run_game(game_scenario(communities=2, seed=1, days=2, game={"adherents": "one"}))


def test_the_published_fixation_targets_cover_every_trial():
    targets = adherence.published()
    assert len(targets) == 960  # 4 norms x 2 views x 3 Q x 5 q x 4 starts x 2 kinds of board
    assert {t["runs"] for t in targets.values()} == {1000}
    for setting in adherence.SHORT + adherence.LONG:
        assert setting.key in targets


def test_adherence_dies_out_under_a_lenient_board():
    setting = adherence.SHORT[2]
    check, result = adherence.fixation_check(setting, communities=100, seed=2)
    assert check.passed, check
    assert result.summary["game_adherence_lost"] >= 95
