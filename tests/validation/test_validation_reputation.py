"""The indirect-reciprocity module: reproducible draws, and the behaviours the reproductions use."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from numba import njit
from pydantic import ValidationError

from credsim.engine.rng import draw_u64, stream_key
from credsim.validation.reputation import GameParams, simulate
from credsim.validation.reputation.kernel import _bits, day_keys

FAST = {"generations": 3000}


@njit
def _draws(keys, gen, indices):
    dk = day_keys(keys, gen)
    out = np.empty(indices.shape[0], np.uint64)
    for i in range(indices.shape[0]):
        out[i] = _bits(dk[0], indices[i])
    return out


def test_kernel_draws_are_the_engine_counter_based_draws():
    key = stream_key(3, "reputation/test")
    indices = np.array([0, 1, 7, 2499, 10**9], np.int64)
    got = _draws(np.array([key], np.uint64), 42, indices)
    expected = [draw_u64(key, 42, int(i)) for i in indices]
    assert got.tolist() == [int(e) for e in expected]


def test_same_seed_same_result_on_any_thread_count_and_seeds_differ():
    params = GameParams(population=20, generations=400)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = simulate(params, 4, seed=5, label="t")
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = simulate(params, 4, seed=5, label="t")
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(one.cooperation, two.cooperation)
    assert np.array_equal(one.strategy_shares, two.strategy_shares)
    other = simulate(params, 4, seed=6, label="t")
    assert not np.array_equal(one.cooperation, other.cooperation)


def test_stern_judging_collapses_under_egocentric_but_not_empathetic_assessment():
    ego = simulate(GameParams(norm="stern_judging", empathy=0.0, **FAST), 4, label="sj")
    emp = simulate(GameParams(norm="stern_judging", empathy=1.0, **FAST), 4, label="sj")
    assert ego.mean_cooperation < 0.1
    assert np.median(emp.cooperation) > 0.8  # from a random start, a rare run falls to ALLD
    assert ego.summary()["strategy_shares"]["ALLD"] > 0.8


def test_empathy_cannot_change_anything_under_scoring():
    ego = simulate(GameParams(norm="scoring", empathy=0.0, **FAST), 3, label="sc")
    emp = simulate(GameParams(norm="scoring", empathy=1.0, **FAST), 3, label="sc")
    assert np.array_equal(ego.cooperation, emp.cooperation)


def test_an_institution_restores_cooperation_under_stern_judging():
    inst = simulate(GameParams(monitoring="institution", judges=1, **FAST), 4, label="i")
    assert np.median(inst.cooperation) > 0.8


def test_scores_for_sale_above_the_strictness_let_defectors_take_over():
    base = {"monitoring": "institution", "judges": 5, "strictness": 0.5, **FAST}
    honest = simulate(GameParams(**base), 4, label="buy")
    bought = simulate(GameParams(buyable_share=0.6, **base), 4, label="buy")
    assert np.median(honest.cooperation) > 0.8
    assert bought.mean_cooperation < 0.2
    assert bought.summary()["strategy_shares"]["ALLD"] > 0.8


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"norm": "stern"}, "stern_judging"),
        ({"monitoring": "institution", "judges": 60}, "judges"),
        ({"strategies": ("ALLC", "TFT")}, "strategies"),
        ({"initial": "ALLC", "strategies": ("ALLD", "DISC")}, "initial"),
        ({"execution_error": 1.5}, "execution_error"),
    ],
)
def test_bad_parameters_are_refused_with_the_field_named(changes, needle):
    with pytest.raises(ValidationError, match=needle):
        GameParams(**changes)
