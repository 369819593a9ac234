"""A population of credit applicants in groups (Liu et al. 2018's FICO setting): each citizen's
group, and the score their credit file starts from, drawn from the group's score distribution.

Groups are contiguous ranges of citizens in the order given, sized by their shares; a citizen's
starting score is drawn from the group's table (scores and their probability mass) by a
counter-based draw keyed by the citizen, rounded to a whole point. Nothing else is built: no
households, no ages, no graph.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from credsim.engine import Column, PluginParams, Population, World
from credsim.engine.checks import INT16, MAX_LABELS, NonNegative, Probability, check_shares
from credsim.engine.traits import ColumnTrait, Trait

__all__ = ["CreditGroup", "CreditGroupsParams", "CreditGroupsPopulation"]

GROUP_COLUMN = "credit_group"
SCORE_COLUMN = "credit_file"
"""The score the citizen's credit file starts from: public, what a scoring policy starts from."""


class CreditGroup(PluginParams):
    """One group: its share of the citizens and its distribution of starting scores."""

    share: Probability = Field(description="share of the citizens in this group")
    scores: list[float] = Field(
        min_length=1, max_length=100_000, description="score points, ascending"
    )
    mass: list[NonNegative] = Field(
        min_length=1,
        max_length=100_000,
        description="probability mass of each score point (normalised to sum to 1)",
    )

    @model_validator(mode="after")
    def _table(self) -> CreditGroup:
        if len(self.scores) != len(self.mass):
            raise ValueError(
                f"scores ({len(self.scores)}) and mass ({len(self.mass)}) differ in length"
            )
        if any(b <= a for a, b in zip(self.scores, self.scores[1:], strict=False)):
            raise ValueError("scores must rise strictly")
        if not (INT16[0] <= self.scores[0] and self.scores[-1] <= INT16[1]):
            raise ValueError("scores must lie on the int16 scale")
        if sum(self.mass) <= 0:
            raise ValueError("mass must not be all zero")
        return self


class CreditGroupsParams(PluginParams):
    size: int = Field(100_000, ge=1, le=2**31 - 1, description="citizens")
    groups: dict[str, CreditGroup] = Field(
        min_length=1, max_length=MAX_LABELS, description="group -> share and score distribution"
    )

    @model_validator(mode="after")
    def _shares(self) -> CreditGroupsParams:
        check_shares({g: spec.share for g, spec in self.groups.items()}, "groups' shares")
        return self


class CreditGroupsPopulation(Population):
    """Credit applicants in groups, each with a starting score drawn from the group's table."""

    Params = CreditGroupsParams
    params: CreditGroupsParams

    def size(self) -> int:
        return self.params.size

    def columns(self) -> list[Column]:
        return [
            Column(GROUP_COLUMN, "uint8", owner=self.name, doc="group (index into its labels)"),
            Column(SCORE_COLUMN, "int16", owner=self.name, doc="starting score of the credit file"),
        ]

    def group_starts(self) -> np.ndarray:
        """[0, ..., n]: the first citizen of each group (largest remainder of the shares)."""
        n = self.params.size
        shares = np.array([g.share for g in self.params.groups.values()])
        exact = shares / shares.sum() * n
        counts = np.floor(exact).astype(np.int64)
        counts[np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]] += 1
        return np.concatenate([[0], np.cumsum(counts)])

    def build(self, world: World) -> None:
        starts = self.group_starts()
        group, score = world.state[GROUP_COLUMN], world.state[SCORE_COLUMN]
        stream = world.stream(f"population.{self.name}.score")
        for code, spec in enumerate(self.params.groups.values()):
            lo, hi = max(starts[code], world.lo), min(starts[code + 1], world.hi)
            if hi <= lo:
                continue
            citizens = np.arange(lo, hi, dtype=np.int64)
            cdf = np.cumsum(spec.mass)
            row = np.searchsorted(cdf, stream.uniform(0, citizens) * cdf[-1], side="right")
            row = np.minimum(row, len(spec.scores) - 1)
            group[lo:hi] = code
            score[lo:hi] = np.rint(np.asarray(spec.scores)[row]).astype(np.int16)

    def traits(self, world: World) -> dict[str, Trait]:
        return {"group": ColumnTrait(list(self.params.groups), world.state[GROUP_COLUMN])}
