"""Conformity: citizens buy what raises their score, when it pays.

Citizens who believe their score under `policy` is below `target` (as shown to them: the score,
or the middle of the grade band they were shown) believe each listed purchase earns
`points` (the commercial scores' reported taste for diapers over video games). When those points
are worth more to them than the price (`points x yuan_per_point >= price_yuan`, a point's worth
coming from the perks above the target), they make extra purchases at `rate` a day. The extra
purchases are ordinary acts of the purchase kind with detail 1, so sources record and policies
price them like any other; the metrics count them and their cost.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Behavior, Day, PluginParams, World
from credsim.engine.checks import Money, Points, Score
from credsim.errors import UserError
from credsim.vocab import ACT_KINDS, check_kind

__all__ = ["Conformity"]


class Purchase(PluginParams):
    price_yuan: Money = Field(description="price of one purchase")
    points: Points = Field(description="points a citizen believes it earns")
    rate: float = Field(ge=0, le=1, description="daily chance of an extra purchase, when it pays")


class ConformityParams(PluginParams):
    policy: str = Field("sesame", description="the score citizens try to raise")
    target: Score = Field(650.0, description="citizens below this score conform")
    yuan_per_point: Money = Field(10.0, description="what a point is worth to a citizen")
    adult_age: int = Field(18, ge=0, le=100)
    purchases: dict[str, Purchase] = Field(
        default_factory=lambda: {
            "buy_diapers": Purchase(price_yuan=60, points=1.2, rate=0.002),
            "buy_curtains": Purchase(price_yuan=150, points=1.2, rate=0.0005),
        },
        description="act kind -> what buying it costs and earns",
    )

    @field_validator("purchases")
    @classmethod
    def _kinds(cls, v: dict[str, Purchase]) -> dict[str, Purchase]:
        for kind in v:
            check_kind(kind, ACT_KINDS, "act kind")
        return v


class Conformity(Behavior):
    """Extra score-raising purchases by citizens below a target, where the points outweigh the
    price."""

    singleton = True  # the conformity service

    Params = ConformityParams
    params: ConformityParams

    def init(self, world: World) -> None:
        p = self.params
        if p.policy not in world.scores:
            raise UserError(
                f"behavior.{self.name}.policy: no policy named {p.policy!r} in this scenario "
                f"(policies: {', '.join(world.scores) or 'none'})."
            )
        self.world = world
        self.info = world.scores[p.policy]
        self.age = world.state["age"]
        self.code = {kind: world.codes.code("act_kind", kind) for kind in p.purchases}
        self.streams = {kind: world.stream(f"behavior.{self.name}.{kind}") for kind in p.purchases}
        world.offer("conformity", self)

    def act(self, day: Day) -> None:
        p = self.params
        if self.info.opacity == "nothing":
            return
        for kind, purchase in p.purchases.items():
            if purchase.points * p.yuan_per_point < purchase.price_yuan:
                continue
            who = self.world.hits(self.streams[kind], day.day, purchase.rate)
            who = self.world.acting(who, day.day, self.code[kind])
            known = self.world.notices.known_score(p.policy, who)
            who = who[(known < p.target) & (self.age[who] >= p.adult_age)]
            if who.shape[0]:
                day.acts.add(
                    day=day.day, actor=who.astype(np.int32), kind=self.code[kind], detail=1
                )

    def prices(self) -> dict[int, float]:
        """Act kind code -> price in yuan."""
        return {self.code[k]: s.price_yuan for k, s in self.params.purchases.items()}
