"""The one-step delayed-impact model of lending (Liu, Dean, Rolf, Simchowitz & Hardt 2018).

A bank lends to the top share beta of each group by score (a threshold policy, randomised at the
threshold). A repaid loan moves a borrower's score up by `gain`, a default down by `loss`; the
expected new score is kept inside the 300-850 scale, as in the paper's released code. The bank earns
`utility_repaid` per repaid loan and `utility_default` per default. With `bound_each_outcome`, each
outcome is kept inside the scale instead (x + 75 and x - 150 each clipped), as a score kept by
credsim's engine is (credsim.validation.lending.engine). The outcome curve is a group's
expected mean score change as a function of beta; the three policies are maximum profit per group,
demographic parity (one beta for all groups) and equal opportunity (one true-positive rate, i.e.
share of would-be repayers who get a loan), each chosen to maximise the bank's total profit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from credsim.validation.lending.fico import FicoData

__all__ = ["POLICIES", "LendingModel", "PolicyOutcome"]

POLICIES = {
    "max_profit": "maximum profit (a threshold per group)",
    "demographic_parity": "demographic parity (equal selection rates)",
    "equal_opportunity": "equal opportunity (equal true-positive rates)",
}
_GRID = 4001


@dataclass(frozen=True)
class PolicyOutcome:
    """What one lending policy does to each group."""

    policy: str
    selection_rate: dict[str, float]
    delta_mu: dict[str, float]
    true_positive_rate: dict[str, float]
    threshold_score: dict[str, float]
    profit: float  # bank's expected profit per applicant of the whole population

    def to_dict(self) -> dict:
        return {
            "policy": self.policy,
            "selection_rate": self.selection_rate,
            "delta_mu": self.delta_mu,
            "true_positive_rate": self.true_positive_rate,
            "threshold_score": self.threshold_score,
            "profit": self.profit,
        }


@dataclass
class _Cumulative:
    """Sums over the top of a group's distribution, as functions of the share lent to."""

    mass: np.ndarray
    delta: np.ndarray
    utility: np.ndarray
    repaid: np.ndarray
    score: np.ndarray

    def at(self, beta: np.ndarray | float, column: np.ndarray) -> np.ndarray:
        return np.interp(beta, self.mass, column)


@dataclass
class LendingModel:
    """Delayed impact of threshold lending on the groups of a FicoData."""

    data: FicoData
    groups: tuple[str, ...] = ("Black", "White")
    utility_repaid: float = 1.0
    utility_default: float = -4.0
    gain: float = 75.0
    loss: float = -150.0
    bounds: tuple[float, float] = (300.0, 850.0)
    bound_each_outcome: bool = False
    _cum: dict[str, _Cumulative] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        unknown = [g for g in self.groups if g not in self.data.pmf]
        if unknown:
            raise ValueError(f"unknown group {unknown[0]!r}; known: {self.data.groups}")
        for g in self.groups:
            self._cum[g] = self._cumulate(g)

    def expected_change(self, group: str) -> np.ndarray:
        """Expected score change of a borrower at each score point."""
        rho, x = self.data.repay[group], self.data.score
        if self.bound_each_outcome:
            repaid = np.clip(x + self.gain, *self.bounds) - x
            default = np.clip(x + self.loss, *self.bounds) - x
            return rho * repaid + (1.0 - rho) * default
        new = np.clip(x + rho * self.gain + (1.0 - rho) * self.loss, *self.bounds)
        return new - x

    def expected_utility(self, group: str) -> np.ndarray:
        rho = self.data.repay[group]
        return rho * self.utility_repaid + (1.0 - rho) * self.utility_default

    def _cumulate(self, group: str) -> _Cumulative:
        top = np.argsort(-self.data.score, kind="stable")
        pmf = self.data.pmf[group][top]

        def running(values: np.ndarray) -> np.ndarray:
            return np.concatenate([[0.0], np.cumsum(pmf * values[top])])

        return _Cumulative(
            mass=np.concatenate([[0.0], np.cumsum(pmf)]),
            delta=running(self.expected_change(group)),
            utility=running(self.expected_utility(group)),
            repaid=running(self.data.repay[group]),
            score=np.concatenate([[self.bounds[1]], self.data.score[top]]),
        )

    @property
    def weights(self) -> dict[str, float]:
        """Population shares of the modelled groups."""
        total = sum(self.data.totals[g] for g in self.groups)
        return {g: self.data.totals[g] / total for g in self.groups}

    def outcome_curve(self, group: str, betas: np.ndarray) -> np.ndarray:
        """Expected change of the group's mean score when its top `betas` share is lent to."""
        c = self._cum[group]
        return c.at(betas, c.delta)

    def profit_curve(self, group: str, betas: np.ndarray) -> np.ndarray:
        c = self._cum[group]
        return c.at(betas, c.utility)

    def _outcome(self, policy: str, betas: dict[str, float]) -> PolicyOutcome:
        w = self.weights
        delta, tpr, thr, profit = {}, {}, {}, 0.0
        for g, beta in betas.items():
            c = self._cum[g]
            delta[g] = float(c.at(beta, c.delta))
            tpr[g] = float(c.at(beta, c.repaid) / c.repaid[-1])
            thr[g] = float(np.interp(beta, c.mass, c.score))
            profit += w[g] * float(c.at(beta, c.utility))
        return PolicyOutcome(policy, dict(betas), delta, tpr, thr, profit)

    def max_profit(self) -> PolicyOutcome:
        grid = np.linspace(0.0, 1.0, _GRID)
        betas = {g: float(grid[np.argmax(self.profit_curve(g, grid))]) for g in self.groups}
        return self._outcome("max_profit", betas)

    def demographic_parity(self) -> PolicyOutcome:
        grid = np.linspace(0.0, 1.0, _GRID)
        total = sum(self.weights[g] * self.profit_curve(g, grid) for g in self.groups)
        beta = float(grid[np.argmax(total)])
        return self._outcome("demographic_parity", {g: beta for g in self.groups})

    def equal_opportunity(self) -> PolicyOutcome:
        rates = np.linspace(0.0, 1.0, _GRID)
        betas_at = {}
        for g in self.groups:
            c = self._cum[g]
            betas_at[g] = np.interp(rates * c.repaid[-1], c.repaid, c.mass)
        total = sum(self.weights[g] * self.profit_curve(g, betas_at[g]) for g in self.groups)
        k = int(np.argmax(total))
        return self._outcome("equal_opportunity", {g: float(betas_at[g][k]) for g in self.groups})

    def policies(self) -> dict[str, PolicyOutcome]:
        return {
            "max_profit": self.max_profit(),
            "demographic_parity": self.demographic_parity(),
            "equal_opportunity": self.equal_opportunity(),
        }
