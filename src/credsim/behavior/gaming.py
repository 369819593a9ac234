"""Gaming: citizens buy a better score from card-swiping services, contact-renting, ID pooling
and click farms.

Who buys: an adult among the `aware_share` who know of such services and would use them (fixed
per citizen), who believes their score under `policy` is below `target` (where a better score
pays: a perk, a deposit waived) but within `reach` points of it (the score they were shown, or
the middle of the grade band they were shown: credsim.engine.notices). They may buy each service
on a day, with chance `demand` x what they can afford: 1 - price / (budget_share x monthly income
of their income band), never below zero. What a purchase does is not decided here: it is an
act (`card_swiping`, ...) that platform sources record as ordinary-looking good records (and
sometimes detect, `gaming_detected`), and policies price those records. So the points bought,
the penalties when caught and who can pay all come out of the same records as every other score
change.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Behavior, Day, PluginParams, World
from credsim.engine.checks import Money, Score
from credsim.errors import UserError
from credsim.vocab import ACT_KINDS, check_kind

__all__ = ["NBS_2020_INCOME", "Gaming", "Service"]

NBS_2020_INCOME = {"q1": 656.0, "q2": 1370.0, "q3": 2187.0, "q4": 3431.0, "q5": 6691.0}
"""Monthly per-capita disposable income by quintile, yuan: NBS 2020 yearly figures (7,869;
16,443; 26,249; 41,172; 80,294) divided by 12."""


class Service(PluginParams):
    act: str = Field(description="act kind a purchase is recorded as")
    price_yuan: Money = Field(description="price of one purchase")
    demand: float = Field(ge=0, le=1, description="daily chance of buying, for a free service")

    @field_validator("act")
    @classmethod
    def _kind(cls, v: str) -> str:
        return check_kind(v, ACT_KINDS, "act kind")


def _services() -> dict[str, Service]:
    return {
        "card_swiping": Service(act="card_swiping", price_yuan=50, demand=0.002),
        "friend_renting": Service(act="friend_renting", price_yuan=100, demand=0.001),
        "id_pooling": Service(act="id_pooling", price_yuan=20, demand=0.0005),
        "click_farming": Service(act="click_farming", price_yuan=30, demand=0.002),
    }


class GamingParams(PluginParams):
    policy: str = Field("sesame", description="the score citizens try to raise")
    target: Score = Field(650.0, description="citizens below this score buy (where it pays)")
    budget_share: float = Field(
        0.1, gt=0, le=1, description="share of a month's income a citizen would spend on it"
    )
    income_yuan_month: dict[str, Money] = Field(
        default_factory=lambda: dict(NBS_2020_INCOME),
        description="income band -> monthly income, yuan (NBS 2020 quintiles)",
    )
    reach: float | None = Field(
        50.0,
        gt=0,
        le=65535,
        description="only citizens within this many points below the target buy",
    )
    aware_share: float = Field(
        0.02, ge=0, le=1, description="share of adults who know of such services and would use one"
    )
    adult_age: int = Field(18, ge=0, le=100)
    services: dict[str, Service] = Field(default_factory=_services)


class Gaming(Behavior):
    """Citizens below a target score buy services that fake good records, as they can afford."""

    singleton = True  # the gaming service
    Params = GamingParams
    params: GamingParams

    def init(self, world: World) -> None:
        p = self.params
        self.world = world
        if p.policy not in world.scores:
            raise UserError(
                f"behavior.{self.name}.policy: no policy named {p.policy!r} in this scenario "
                f"(policies: {', '.join(world.scores) or 'none'})."
            )
        self.info = world.scores[p.policy]
        income = world.traits["income"]
        missing = [label for label in income.labels if label not in p.income_yuan_month]
        if missing:
            raise UserError(
                f"behavior.{self.name}.income_yuan_month: no income for band(s) "
                f"{', '.join(missing)} (bands: {', '.join(income.labels)})."
            )
        self.income = income
        budget = np.array([p.income_yuan_month[label] for label in income.labels]) * p.budget_share
        self.afford = {
            name: np.clip(1.0 - s.price_yuan / budget, 0.0, 1.0) for name, s in p.services.items()
        }
        self.code = {name: world.codes.code("act_kind", s.act) for name, s in p.services.items()}
        self.streams = {
            name: (
                world.stream(f"behavior.{self.name}.{name}"),
                world.stream(f"behavior.{self.name}.{name}.thin"),
            )
            for name in p.services
        }
        self.age = world.state["age"]
        self.aware = world.stream(f"behavior.{self.name}.aware")
        world.offer("gaming", self)

    def act(self, day: Day) -> None:
        if self.info.opacity == "nothing":
            return
        for name, service in self.params.services.items():
            hits_stream, thin_stream = self.streams[name]
            who = self.world.hits(hits_stream, day.day, service.demand)
            who = self.world.acting(who, day.day, self.code[name])
            if who.shape[0] == 0:
                continue
            who = who[self.wants(who)]
            chance = self.afford[name][self.income.codes(who)]
            buys = who[thin_stream.uniform(day.day, who) < chance].astype(np.int32)
            if buys.shape[0]:
                day.acts.add(day=day.day, actor=buys, kind=self.code[name])

    def wants(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen would buy points: an adult aware of the services, shown a score
        below the target and within reach of it."""
        p = self.params
        known = self.world.notices.known_score(p.policy, citizens)
        want = (known < p.target) & (self.age[citizens] >= p.adult_age)
        if p.reach is not None:
            want &= known >= p.target - p.reach
        if p.aware_share < 1:
            want &= self.aware.uniform(0, citizens) < p.aware_share
        return want

    def prices(self) -> dict[int, float]:
        """Act kind code -> price in yuan (for the metrics)."""
        return {self.code[n]: s.price_yuan for n, s in self.params.services.items()}
