"""The reference model gives the same outcomes in credsim, Mesa, Starsim and the hand-written Numba
and NumPy versions (benchmarks/reference).

Each framework runs the model at 10,000 citizens for 60 days over three seeds; totals are pooled.
Acts, records and misattributions are checked against the rules' exact expectations; listings,
refused travel and the mean score (which depend on the friendship network) are checked between
credsim and each other framework. A check fails when a difference exceeds 4 standard errors:
with 10 checks per framework a false alarm has odds of about 1 in 1,500, while a 2x error in any
rate or a missing friends' term fails by 7 standard errors or more. Mesa and Starsim are the
`bench` extra; without them their checks are skipped.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numba
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks" / "reference"))

from credsim_model import run_credsim
from reference_spec import TRAVEL_ACT, Outcome, ReferenceParams, reference_params

CITIZENS, DAYS, SEEDS = 10_000, 60, (1, 2, 3)
Z = 4.0


def _params() -> list[ReferenceParams]:
    return [reference_params(CITIZENS, DAYS, seed) for seed in SEEDS]


def _pooled(outcomes: list[Outcome]) -> dict[str, float]:
    kinds = outcomes[0].acts
    return {
        **{f"acts.{k}": sum(o.acts[k] for o in outcomes) for k in kinds},
        "violations": sum(o.violations for o in outcomes),
        "records": sum(o.records for o in outcomes),
        "misattributed": sum(o.misattributed for o in outcomes),
        "listed": sum(o.listed for o in outcomes),
        "refused": sum(o.refused for o in outcomes),
        "score_mean": sum(o.score_mean for o in outcomes) / len(outcomes),
    }


def _check_rules(pooled: dict[str, float], params: ReferenceParams) -> list[str]:
    """Differences from what the written rules make certain, beyond Z standard errors."""
    runs = len(SEEDS)
    bad = []
    for kind in [*params.act_rates, TRAVEL_ACT]:
        rate = params.travel_rate if kind == TRAVEL_ACT else params.act_rates[kind]
        want = runs * params.expected_acts(kind)
        got = pooled[f"acts.{kind}"]
        if abs(got - want) > Z * math.sqrt(want * (1 - rate)):
            bad.append(f"acts of {kind}: {got} against {want:.0f} expected")
    for what, of, share in (
        ("records", "violations", 1 - params.miss_rate),
        ("misattributed", "records", params.misattribution_rate),
    ):
        n, got = pooled[of], pooled[what]
        if abs(got - n * share) > Z * math.sqrt(n * share * (1 - share)):
            bad.append(f"{what}: {got} of {n} {of}, expected a share of {share}")
    return bad


def _check_against(pooled: dict[str, float], reference: dict[str, float], params) -> list[str]:
    """Differences from credsim beyond Z standard errors (counts: Poisson; the mean score: the
    spread of points from records over every citizen of every run)."""
    bad = []
    for what in ("listed", "refused"):
        a, b = pooled[what], reference[what]
        if abs(a - b) > Z * math.sqrt(max(a + b, 1.0)):
            bad.append(f"{what}: {a} against credsim's {b}")
    se = math.sqrt(2 * params.record_points_variance() / (CITIZENS * len(SEEDS)))
    a, b = pooled["score_mean"], reference["score_mean"]
    if abs(a - b) > Z * se:
        bad.append(f"score_mean: {a:.3f} against credsim's {b:.3f} (standard error {se:.3f})")
    return bad


@pytest.fixture(scope="module")
def credsim_pooled() -> dict[str, float]:
    # One Numba thread: results are the same for any thread count, and at this size a second
    # thread only waits at barriers (badly so when other processes share the two cores).
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        return _pooled([run_credsim(p) for p in _params()])
    finally:
        numba.set_num_threads(threads)


def test_credsim_follows_the_written_rules(credsim_pooled):
    params = _params()[0]
    assert _check_rules(credsim_pooled, params) == []
    # The model is not trivial at this size: listings, refusals and the friends' term happen.
    assert credsim_pooled["listed"] > 100 and credsim_pooled["refused"] > 20
    assert credsim_pooled["misattributed"] > 50
    loss = DAYS * sum(
        r * (1 - params.miss_rate) * -params.points[k] for k, r in params.act_rates.items()
    )
    # The friends' term lowers the mean below what records alone take (about 0.8 points).
    assert credsim_pooled["score_mean"] < params.start - loss - 0.4


def test_mesa_gives_the_same_outcomes(credsim_pooled):
    pytest.importorskip("mesa")
    from mesa_model import run_mesa

    pooled = _pooled([run_mesa(p) for p in _params()])
    params = _params()[0]
    assert _check_rules(pooled, params) + _check_against(pooled, credsim_pooled, params) == []


def test_starsim_gives_the_same_outcomes(credsim_pooled):
    pytest.importorskip("starsim")
    from starsim_model import run_starsim

    # The same kind of friendship network as credsim's and Mesa's (clustered, small world); the
    # benchmark's random network shifts the rounded friends' term (benchmarks/README.md).
    pooled = _pooled([run_starsim(p, network="small_world") for p in _params()])
    params = _params()[0]
    assert _check_rules(pooled, params) + _check_against(pooled, credsim_pooled, params) == []


@pytest.mark.parametrize("version", ["numba", "numpy"])
def test_hand_written_versions_give_the_same_outcomes(credsim_pooled, version):
    """The Numba kernel (the speed limit) and the NumPy version run the same model."""
    if version == "numba":
        from numba_model import run_numba as run
    else:
        from numpy_model import run_numpy as run

    pooled = _pooled([run(p) for p in _params()])
    params = _params()[0]
    assert _check_rules(pooled, params) + _check_against(pooled, credsim_pooled, params) == []


def test_the_check_catches_a_model_without_the_friends_term(credsim_pooled):
    """The comparison is sharp enough to see the friends' term (about 0.8 points)."""
    pytest.importorskip("mesa")
    from dataclasses import replace

    from mesa_model import run_mesa

    params = [replace(p, network_weight=0.0) for p in _params()[:2]]
    pooled = _pooled([run_mesa(p) for p in params])
    problems = _check_against(pooled, credsim_pooled, params[0])
    assert any(p.startswith("score_mean") for p in problems)
