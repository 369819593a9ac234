"""Communities of equal size, each a region of its own: the small closed populations of models of
indirect reciprocity (a village, a workplace, the 50 players of Radzvilavicius et al. 2021).

Citizen c belongs to community c // size. Nothing else is built: no households, no ages, no graph;
every citizen counts as an adult. One trait, `group`, with the single label `all`.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Column, PluginParams, Population, World
from credsim.engine.traits import ColumnTrait, Trait

__all__ = ["CommunitiesParams", "CommunitiesPopulation"]

GROUP_COLUMN = "community_group"


class CommunitiesParams(PluginParams):
    communities: int = Field(100, ge=1, le=1_000_000, description="how many communities")
    size: int = Field(50, ge=2, le=2000, description="members of each community")


class CommunitiesPopulation(Population):
    """Equal communities, each a region: members meet only one another."""

    Params = CommunitiesParams
    params: CommunitiesParams

    def size(self) -> int:
        return self.params.communities * self.params.size

    def columns(self) -> list[Column]:
        return [Column(GROUP_COLUMN, "uint8", owner=self.name, doc="group (one label, 'all')")]

    def regions(self) -> np.ndarray:
        p = self.params
        return np.arange(p.communities + 1, dtype=np.int64) * p.size

    def build(self, world: World) -> None:
        world.state[GROUP_COLUMN][world.lo : world.hi] = 0

    def traits(self, world: World) -> dict[str, Trait]:
        return {"group": ColumnTrait(["all"], world.state[GROUP_COLUMN])}
