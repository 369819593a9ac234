"""Gaming: citizens buy a better score from card-swiping services, contact-renting, ID pooling and
click farms.

Who buys: an adult among the `aware_share` who know of such services and would use them (fixed per
citizen), who believes their score under `policy` is below `target` (where a better score pays: a
perk, a deposit waived) but within `reach` points of it (the score they were shown, or the middle of
the grade band they were shown: credsim.engine.notices). They may buy each service on a day, with
chance `demand` x what they can afford: 1 - price / (budget_share x monthly income of their income
band), never below zero. A service may charge per point gained instead (`price_yuan_per_point`, paid
once the points land; buyers weigh `points_expected` of them). What a purchase does is not decided
here: it is an act (`card_swiping`, ...) that platform sources record as ordinary-looking good
records (and sometimes detect, `gaming_detected`), and policies price those records. So the points
bought, the penalties when caught and who can pay all come out of the same records as every other
score change.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator, model_validator

from credsim.engine import Behavior, Day, PluginParams, World
from credsim.engine.checks import Money, Score
from credsim.engine.regions import other_in_region
from credsim.errors import UserError
from credsim.population.ties import CutTies
from credsim.vocab import ACT_KINDS, check_kind

__all__ = ["NBS_2020_INCOME", "Gaming", "RentedTies", "Service"]

NBS_2020_INCOME = {"q1": 656.0, "q2": 1370.0, "q3": 2187.0, "q4": 3431.0, "q5": 6691.0}
"""Monthly per-capita disposable income by quintile, yuan: NBS 2020 yearly figures (7,869;
16,443; 26,249; 41,172; 80,294) divided by 12."""


class Service(PluginParams):
    act: str = Field(description="act kind a purchase is recorded as")
    price_yuan: Money | None = Field(None, description="price of one purchase, paid up front")
    price_yuan_per_point: Money | None = Field(
        None,
        description="price per score point the purchase gains, charged once the points land "
        "(a card-swiping service charging 'for how many points your score accumulates')",
    )
    points_expected: float = Field(
        10.0,
        gt=0,
        le=1000,
        description="points a buyer expects one purchase to gain (weighed against their budget "
        "when the service charges per point)",
    )
    demand: float = Field(ge=0, le=1, description="daily chance of buying, for a free service")

    @field_validator("act")
    @classmethod
    def _kind(cls, v: str) -> str:
        return check_kind(v, ACT_KINDS, "act kind")

    @model_validator(mode="after")
    def _priced(self) -> Service:
        if self.price_yuan is None and self.price_yuan_per_point is None:
            raise ValueError("give price_yuan (per purchase) or price_yuan_per_point")
        return self

    @property
    def up_front(self) -> float:
        """Yuan paid when buying."""
        return self.price_yuan or 0.0

    @property
    def expected_yuan(self) -> float:
        """What a buyer expects one purchase to cost in all."""
        return self.up_front + (self.price_yuan_per_point or 0.0) * self.points_expected


def _services() -> dict[str, Service]:
    return {
        "card_swiping": Service(act="card_swiping", price_yuan=50, demand=0.002),
        "friend_renting": Service(act="friend_renting", price_yuan=100, demand=0.001),
        "id_pooling": Service(act="id_pooling", price_yuan=20, demand=0.0005),
        "click_farming": Service(act="click_farming", price_yuan=30, demand=0.002),
    }


class RentedTies(PluginParams):
    """A rented high-score friend as a real friendship: it enters the friends' term."""

    service: str = Field("friend_renting", description="the service whose purchases rent one")
    min_score: Score = Field(700.0, description="rented friends show at least this score")
    days: int = Field(365, ge=1, le=3650, description="days a rented friendship lasts")
    tries: int = Field(
        20, ge=1, le=1000, description="citizens the service looks through for a high scorer"
    )
    friends: int = Field(
        1, ge=1, le=100, description="high-score friends one purchase brings in ('plenty')"
    )


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
    rented_ties: RentedTies | None = Field(
        None,
        description="a rented friend becomes a friendship the friends' term counts (None: the "
        "purchase is only the platform's record of a high-score contact)",
    )

    @model_validator(mode="after")
    def _renting(self) -> GamingParams:
        if self.rented_ties is not None and self.rented_ties.service not in self.services:
            raise ValueError(
                f"rented_ties.service {self.rented_ties.service!r} is not among the services "
                f"({', '.join(self.services)})"
            )
        return self


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
            name: np.clip(1.0 - s.expected_yuan / budget, 0.0, 1.0)
            for name, s in p.services.items()
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
        self.ties: CutTies | None = None
        self.rentals = {f: np.empty(0, np.int32) for f in ("renter", "friend", "until")}
        self.unmatched = 0
        if p.rented_ties is not None:
            ties = world.services.get("cut_ties")
            if ties is None:  # no one cuts ties here: the service is the rented ties alone
                ties = CutTies(world.n)
                world.offer("cut_ties", ties)
            self.ties = ties
            self.look = world.stream(f"behavior.{self.name}.rented_ties")
        world.offer("gaming", self)

    def act(self, day: Day) -> None:
        if self.ties is not None:
            self.ties.end_ties(day.day)
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
                rent = self.params.rented_ties
                if rent is not None and name == rent.service:
                    self._rent(day.day, buys, rent)

    def _rent(self, day: int, renters: np.ndarray, rent: RentedTies) -> None:
        """Find each renter `friends` citizens of their province showing at least `min_score`
        (adults, as only adults hold the score) and tie them for `days`."""
        assert self.ties is not None
        renters = np.repeat(renters.astype(np.int64), rent.friends)
        slot = np.tile(np.arange(rent.friends, dtype=np.int64), renters.shape[0] // rent.friends)
        friend = np.full(renters.shape[0], -1, np.int64)
        for t in range(rent.tries):
            open_ = friend < 0
            if not open_.any():
                break
            who = renters[open_]
            keys = (who * rent.friends + slot[open_]) * rent.tries + t
            places = self.world.localities
            pick = other_in_region(self.look, day, keys, who, places).astype(np.int64)
            known = self.world.notices.known_score(self.params.policy, pick)
            ok = (known >= rent.min_score) & (self.age[pick] >= self.params.adult_age)
            ok &= pick != who
            found = np.flatnonzero(open_)[ok]
            friend[found] = pick[ok]
        matched = friend >= 0
        self.unmatched += int(np.count_nonzero(~matched))
        renter, friend = renters[matched], friend[matched]
        if renter.shape[0] == 0:
            return
        until = day + rent.days - 1
        self.ties.add_ties(renter, friend, until)
        self.rentals = {
            "renter": np.concatenate([self.rentals["renter"], renter.astype(np.int32)]),
            "friend": np.concatenate([self.rentals["friend"], friend.astype(np.int32)]),
            "until": np.concatenate(
                [self.rentals["until"], np.full(renter.shape[0], until, np.int32)]
            ),
        }

    def merge(self, parts: list[Gaming]) -> None:
        """Every shard's rented ties and renters no friend was found for (the gaming metric counts
        them at the end of a sharded run)."""
        self.rentals = {
            field: np.concatenate([values, *(part.rentals[field] for part in parts)])
            for field, values in self.rentals.items()
        }
        self.unmatched += sum(part.unmatched for part in parts)

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
        """Act kind code -> yuan paid up front per purchase (for the metrics)."""
        return {self.code[n]: s.up_front for n, s in self.params.services.items()}

    def prices_per_point(self) -> dict[str, float]:
        """Service -> yuan per point gained, for the services that charge so."""
        return {
            n: s.price_yuan_per_point
            for n, s in self.params.services.items()
            if s.price_yuan_per_point is not None
        }
