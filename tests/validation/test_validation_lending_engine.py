"""Liu et al. (2018) through the engine: the run agrees with the closed-form LendingModel on the
same inputs, the bank decides from records only, and a broken threshold or score update makes the
reproduction fail."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from credsim.consequences import threshold_lender
from credsim.policies.credit_file import CreditFilePolicy
from credsim.runner import build_simulation
from credsim.validation.lending import LendingModel, default_fico_dir, load_fico
from credsim.validation.lending.engine import GROUP_SHARES, lending_scenario, run_lending
from credsim.validation.outcome import Settings
from credsim.validation.reproductions import delayed_impact

pytestmark = pytest.mark.skipif(
    not default_fico_dir().is_dir(), reason="FICO/TransRisk data not available"
)
RULES = ("max_profit", "demographic_parity", "equal_opportunity")


@pytest.fixture(scope="module")
def data():
    return load_fico()


@pytest.fixture(scope="module")
def same_inputs(data):
    """The FICO data as the engine's run holds them: scores rounded to whole points (the score
    column is int16) and the groups' shares those of the population."""
    return dataclasses.replace(
        data,
        score=np.rint(data.score),
        totals={**data.totals, **{g: round(share * 1000) for g, share in GROUP_SHARES.items()}},
    )


@pytest.mark.parametrize("ratio", [-4.0, -10.0])
def test_the_engine_agrees_with_the_closed_form_on_the_same_inputs(data, same_inputs, ratio):
    """Each group's mean score change within 4 standard errors (plus 0.1 point for the grid of
    shares and the whole-point scores), and the share lent to within 0.005."""
    closed = LendingModel(same_inputs, utility_default=ratio, bound_each_outcome=True).policies()
    for rule in RULES:
        run = run_lending(data, rule, ratio, 400_000, seed=3)
        for group, figures in run.groups.items():
            expected = closed[rule].delta_mu[group]
            assert abs(figures.mean_change - expected) <= 4 * figures.standard_error + 0.1, (
                rule,
                group,
                figures,
                expected,
            )
            assert figures.selection_rate == pytest.approx(
                closed[rule].selection_rate[group], abs=0.005
            )
            assert figures.applicants == figures.citizens


def _decisions(scenario, poison: int | None) -> tuple[bytes, bytes]:
    sim = build_simulation(scenario)
    if poison is not None:
        sim.poison_truth(poison)
    sim.initialise()
    sanctions, changes = [], []
    for day in range(sim.days):
        d = sim.step(day)
        sanctions.append(d.sanctions["citizen"].tobytes())
        changes.append(d.score_changes["citizen"].tobytes() + d.score_changes["delta"].tobytes())
    return b"".join(sanctions), b"".join(changes)


def test_the_bank_and_the_score_read_records_only(data):
    """Truth overwritten by noise while the policy and the bank run changes no decision."""
    scenario = lending_scenario(data, "equal_opportunity", -4.0, 20_000, seed=1)
    clean = _decisions(scenario, None)
    assert clean[0] and clean[1]
    assert _decisions(scenario, poison=1) == clean


def _lend_further(original):
    """A bank whose thresholds sit 10% of each group further down than its rule says."""

    def broken(repay, params):
        return [
            min(k + len(r) // 10, len(r))
            for k, r in zip(original(repay, params), repay, strict=True)
        ]

    return broken


def _one_threshold(original):
    """A bank that ignores the groups: one threshold on the pooled applicants."""

    def broken(repay, params):
        pooled = original([np.concatenate(repay)], params)[0]
        share = pooled / sum(len(r) for r in repay)
        return [round(share * len(r)) for r in repay]

    return broken


@pytest.mark.parametrize("mutation", ["lend_further", "one_threshold", "soft_default"])
def test_a_broken_threshold_or_score_update_fails_the_reproduction(monkeypatch, mutation):
    monkeypatch.setitem(delayed_impact.SIZES, "short", 300_000)
    if mutation == "soft_default":
        # A default costs half what the paper says.
        points = {"repayment_on_time": ("repayment_on_time", 75.0), "loan_default": ("d", -75.0)}
        monkeypatch.setattr(CreditFilePolicy, "points", lambda self: points)
    else:
        broken = {"lend_further": _lend_further, "one_threshold": _one_threshold}[mutation]
        monkeypatch.setattr(threshold_lender, "thresholds", broken(threshold_lender.thresholds))
    outcome = delayed_impact.run(Settings())
    assert not outcome.passed
    failed = [c.figure for c in outcome.checks if c.passed is False]
    assert any("mean score change" in f for f in failed), failed
