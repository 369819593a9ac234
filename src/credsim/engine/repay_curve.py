"""The chance that a borrower with each score repays, as a published table by score point: read
by the borrowers who repay or default (truth) and by a lender that sets thresholds from the same
published table (what it may know), so neither imports the other."""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from credsim.engine.checks import Probability
from credsim.engine.plugin import PluginParams

__all__ = ["RepayCurve"]


class RepayCurve(PluginParams):
    """The chance that a borrower with each score repays (a published table, by score point)."""

    scores: list[float] = Field(min_length=1, max_length=100_000, description="ascending")
    repay: list[Probability] = Field(min_length=1, max_length=100_000)

    @model_validator(mode="after")
    def _table(self) -> RepayCurve:
        if len(self.scores) != len(self.repay):
            raise ValueError(f"scores ({len(self.scores)}) and repay ({len(self.repay)}) differ")
        if any(b <= a for a, b in zip(self.scores, self.scores[1:], strict=False)):
            raise ValueError("scores must rise strictly")
        return self

    def at(self, scores: np.ndarray) -> np.ndarray:
        """The chance of repayment at each score: the table's nearest score point."""
        points = np.asarray(self.scores)
        right = np.clip(np.searchsorted(points, scores), 1, points.shape[0] - 1)
        if points.shape[0] == 1:
            return np.full(np.shape(scores), self.repay[0])
        left = right - 1
        nearest = np.where(scores - points[left] <= points[right] - scores, left, right)
        return np.asarray(self.repay)[nearest]
