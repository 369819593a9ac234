"""Redlists and perks: citizens above a policy's threshold get deposit-free rentals and bikes,
discounts, faster refunds and easier visa paperwork. Eligibility is read from scores only; what
the perks are worth is counted by the `perks` metric, in people and in money, by group."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from credsim.engine import Consequence, PluginParams, PublicDay, RecordWorld
from credsim.engine.checks import INT16, Money

__all__ = ["Perk", "Perks"]


class Perk(PluginParams):
    policy: str = Field(description="the policy whose score qualifies")
    min_score: int = Field(ge=INT16[0], le=INT16[1], description="lowest qualifying score")
    value_yuan: Money = Field(0.0, description="money a holder saves (deposit or discount)")
    per: Literal["once", "year"] = Field("once", description="a deposit waived, or a yearly saving")
    uptake: float = Field(1.0, ge=0, le=1, description="share of those eligible who use it")
    source: str = Field("", description="where the threshold comes from")


class PerksParams(PluginParams):
    perks: dict[str, Perk] = Field(default_factory=dict)
    min_age: int = Field(
        18,
        ge=0,
        le=100,
        description="perks go to adults: deposit-free rentals and visas need an adult's account "
        "and contract (a child's score qualifies for nothing)",
    )


class Perks(Consequence):
    """Perks for high scorers (the redlist side of the system)."""

    singleton = True  # the perks service
    Params = PerksParams
    params: PerksParams

    def init(self, world: RecordWorld) -> None:
        # Perks of policies a scenario switched off are left out (a one-policy scenario keeps
        # the default perks table); `skipped` names them in the summary.
        self.offered = {n: p for n, p in self.params.perks.items() if p.policy in world.scores}
        self.skipped = sorted(set(self.params.perks) - set(self.offered))
        self.world = world
        world.offer("perks", self)

    def respond(self, day: PublicDay) -> None:
        """Eligibility is read when it is counted; nothing is refused or granted per day here."""

    def eligible(self, name: str, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen qualifies for the perk now."""
        perk = self.params.perks[name]
        info = self.world.scores[perk.policy]
        good = self.world.state[info.column][citizens] >= perk.min_score
        adult = self.world.state["age"][citizens] >= self.params.min_age
        return good & adult & info.scored(citizens) & self.in_scope(citizens)
