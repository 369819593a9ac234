"""Baseline behaviour: acts at fixed daily rates, loan defaults that are repaid later or never.

Each act kind is a Bernoulli sweep over all citizens found by geometric skipping (cost grows with
acts), thinned per citizen by eligibility (children do not borrow) and an urban multiplier.
A default raises the citizen's true unpaid debt; whether and when it is repaid is drawn at once
and put on a calendar, so no day loops over debtors.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator, model_validator

from credsim.engine import Behavior, Column, Day, PluginParams, World
from credsim.engine.checks import (
    Days,
    Multiplier,
    MultiplierTable,
    Probability,
    rate_within_one,
    times_within_one,
)
from credsim.engine.sets import unique
from credsim.engine.traits import LabelTables
from credsim.population.households import parents_of
from credsim.vocab import ACT_KINDS, check_kind

__all__ = ["DEBTS", "BaselineBehavior"]

DEBTS = frozenset({"loan_default", "contract_breach"})
"""Acts that leave a debt the citizen may repay later (a judgment debt once a court rules)."""


class ActRate(PluginParams):
    rate: float = Field(0.0, ge=0, le=1, description="probability per eligible citizen per day")
    adults_only: bool = Field(True, description="only citizens in an adult age band act")
    ages: tuple[int, int] | None = Field(
        None, description="only citizens of these ages (inclusive) act; replaces adults_only"
    )
    entry_ages: dict[int, Probability] | None = Field(
        None,
        description="age -> chance a year at that exact age (entering school at 6 and 12); "
        "replaces rate and ages",
    )
    urban_factor: Multiplier = Field(1.0, description="rate multiplier for urban citizens")
    by_trait: MultiplierTable = Field(
        default_factory=dict,
        description="trait -> label -> rate multiplier (e.g. sex = { male = 1.5 }), by group",
    )
    detail_share: float = Field(
        0.0, ge=0, le=1, description="share of these acts with detail 1 (a post that is sensitive)"
    )
    listed_factor: float = Field(
        1.0,
        ge=0,
        le=100,
        description="rate multiplier for citizens on a list (they are notified when listed)",
    )

    @field_validator("ages")
    @classmethod
    def _ordered(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is not None and not 0 <= v[0] <= v[1] <= 150:
            raise ValueError(f"ages must be [youngest, oldest] within 0-150, got {list(v)}")
        return v

    @field_validator("entry_ages")
    @classmethod
    def _yearly(cls, v: dict[int, float] | None) -> dict[int, float] | None:
        for age, chance in (v or {}).items():
            if not 0 <= age <= 150 or not 0 <= chance <= 1:
                raise ValueError(f"entry_ages: age {age} must be 0-150 and chance {chance} 0-1")
        return v

    @model_validator(mode="after")
    def _one_schedule(self) -> ActRate:
        if self.entry_ages and (self.rate > 0 or self.ages is not None):
            raise ValueError("give either entry_ages or rate (and ages), not both")
        daily = self.daily()
        times_within_one(daily, self.urban_factor, "urban_factor")
        times_within_one(daily, self.listed_factor, "listed_factor")
        rate_within_one(daily, self.by_trait, "by_trait")
        return self

    def daily(self) -> float:
        """The largest daily chance any citizen has (before multipliers)."""
        if self.entry_ages:
            return -np.expm1(np.log1p(-max(self.entry_ages.values())) / 365.0)
        return self.rate

    def by_age(self) -> np.ndarray | None:
        """Weight of each age (0-150) against `daily()` under `entry_ages`, or None."""
        if not self.entry_ages:
            return None
        top = self.daily()
        weight = np.zeros(151)
        for age, chance in self.entry_ages.items():
            weight[age] = -np.expm1(np.log1p(-chance) / 365.0) / top if top > 0 else 0.0
        return weight


class Repayment(PluginParams):
    share: float = Field(0.3, ge=0, le=1, description="share of defaults repaid at all")
    mean_days: Days = Field(180.0, description="mean days from default to repayment")


class AppealFiling(PluginParams):
    share: float = Field(0.05, ge=0, le=1, description="listed citizens who owe and appeal")
    innocent_share: float = Field(
        0.5, ge=0, le=1, description="listed citizens who owe nothing and appeal"
    )
    by_trait: MultiplierTable = Field(
        default_factory=dict, description="trait -> label -> multiplier (education, age)"
    )
    mean_days: Days = Field(60.0, description="mean days from listing to filing")


class BaselineParams(PluginParams):
    acts: dict[str, ActRate] = Field(default_factory=dict)
    adult_age: int = Field(18, ge=0, le=100, description="age from which acts `adults_only` occur")
    repayment: Repayment = Field(default_factory=Repayment)
    appeals: AppealFiling = Field(default_factory=AppealFiling)
    history_days: int = Field(
        0,
        ge=0,
        le=36500,
        description="debts from this many days before the run start the run unpaid or repaid",
    )

    @field_validator("acts")
    @classmethod
    def _known_kinds(cls, v: dict[str, ActRate]) -> dict[str, ActRate]:
        choices = tuple(k for k in ACT_KINDS if k not in ("debt_repaid", "appeal"))
        for kind in v:
            check_kind(kind, choices, "act kind")
        return v


class BaselineBehavior(Behavior):
    """Acts at fixed daily rates; defaults repaid after a delay, or never."""

    singleton = True  # the debt_outstanding column
    Params = BaselineParams
    params: BaselineParams
    live = ("acts.*.rate", "acts.*.urban_factor", "acts.*.listed_factor", "acts.*.detail_share")

    def columns(self) -> list[Column]:
        return [
            Column(
                "debt_outstanding",
                "uint8",
                owner=self.name,
                truth=True,
                doc="defaulted debts the citizen has really not repaid",
            )
        ]

    def init(self, world: World) -> None:
        self.world = world
        self.debt = world.state["debt_outstanding"]
        self.age = world.state["age"]
        self.urban_trait = world.traits["urban"]
        self.code = {k: world.codes.code("act_kind", k) for k in ACT_KINDS}
        self.streams = {
            kind: (world.stream(f"act.{kind}"), world.stream(f"act.{kind}.thin"))
            for kind in self.params.acts
        }
        self.detail_streams = {k: world.stream(f"act.{k}.detail") for k in self.params.acts}
        self.by_trait = {
            k: LabelTables(spec.by_trait, world.traits, f"behavior.{self.name}.acts.{k}.by_trait")
            for k, spec in self.params.acts.items()
            if spec.by_trait
        }
        self.repay_stream = world.stream("act.debt_repaid")
        self.wait_stream = world.stream("act.debt_repaid.wait")
        self.repay_calendar = world.calendar({"actor": "int32"})
        # Citizens know only the lists that notify them (credsim.engine.notices).
        self.any_told_list = any(i.notified for i in world.sanctions.values())
        self.appeal_factor = LabelTables(self.params.appeals.by_trait, world.traits, "appeals")
        self.appeal_calendar = world.calendar({"actor": "int32"})
        self.appeal_streams = (world.stream("act.appeal"), world.stream("act.appeal.wait"))

    def act(self, day: Day) -> None:
        if day.day == 0 and self.params.history_days > 0:
            self._history(day)
        due = self.repay_calendar.pop(day.day)["actor"]
        if due.shape[0]:
            owing = due[self.debt[due] > 0]
            np.subtract.at(self.debt, owing, 1)
            day.acts.add(day=day.day, actor=due, kind=self.code["debt_repaid"])
        self._appeal(day)
        for kind, spec in self.params.acts.items():
            actors = self._draw(day.day, kind, spec)
            if actors.shape[0] == 0:
                continue
            detail = np.zeros(actors.shape[0], bool)
            if spec.detail_share > 0:
                detail = self.detail_streams[kind].uniform(day.day, actors) < spec.detail_share
            censor = self.world.services.get("self_censorship")
            if kind == "post" and censor is not None:
                made = censor.keep(day.day, actors, detail)
                actors, detail = actors[made], detail[made]
            day.acts.add(day=day.day, actor=actors, kind=self.code[kind], detail=detail)
            if kind in DEBTS:
                self._default(day.day, actors)

    def _appeal(self, day: Day) -> None:
        """Citizens told yesterday that they were listed, or refused while on no list they were
        told of, decide whether to appeal, and when; those who owe nothing (they know) appeal
        more often. Only where appeals exist."""
        if "appeals" not in self.world.services:
            return
        filing = self.appeal_calendar.pop(day.day)["actor"]
        if filing.shape[0]:
            innocent = self.debt[filing] == 0
            day.acts.add(day=day.day, actor=filing, kind=self.code["appeal"], detail=innocent)
        notices = self.world.notices
        told = notices.yesterday if notices is not None else {}
        if not told or not told["citizen"].shape[0]:
            return
        news = told["notice"] == notices.code["listed"]  # only lists that tell citizens
        # A refusal tells a citizen on no list they were told of that some list holds them.
        refused = told["citizen"][told["notice"] == notices.code["refused"]]
        refused = refused[~notices.told_listed(refused)]
        listed = unique(np.concatenate([told["citizen"][news], refused]))
        listed = self._appellants(listed)
        if listed.shape[0] == 0:
            return
        p = self.params.appeals
        chance = np.where(self.debt[listed] == 0, p.innocent_share, p.share)
        chance = chance * self.appeal_factor.factor(listed)
        decide, wait = self.appeal_streams
        files = listed[decide.uniform(day.day, listed) < chance]
        if files.shape[0]:
            self.appeal_calendar.push(
                day.day + wait.geometric(day.day, files, p.mean_days), actor=files
            )

    def _appellants(self, told: np.ndarray) -> np.ndarray:
        """Who may appeal for those told: adults for themselves, and for a minor (a child refused
        a school place because a parent is listed) the parents in the household."""
        adult = self.age[told] >= self.params.adult_age
        minors = told[~adult]
        if minors.shape[0] == 0:
            return told
        parents = parents_of(minors, self.world.state["household"], self.world.state["traits"])
        parents = parents[parents >= 0]
        return unique(np.concatenate([told[adult], parents.astype(told.dtype)]))

    def _history(self, day: Day) -> None:
        """Defaults in the years before the run, dated in the past, so that the run starts with
        the debts, judgments and listings they lead to."""
        horizon = self.params.history_days
        for kind in [k for k in self.params.acts if k in DEBTS]:
            spec = self.params.acts[kind]
            chance = -np.expm1(horizon * np.log1p(-spec.rate))
            # Built unchecked: over the years a chance times the urban factor may pass 1.
            past = ActRate.model_construct(rate=chance, urban_factor=spec.urban_factor)
            actors = self._draw(-1, kind, past, use_lists=False)
            ago = 1 + self.world.stream(f"act.{kind}.history").integers(0, actors, horizon)
            day.acts.add(day=-ago, actor=actors, kind=self.code[kind])
            self._default(-1, actors, dated=-ago)

    def _draw(self, day: int, kind: str, spec: ActRate, use_lists: bool = True) -> np.ndarray:
        hits_stream, thin_stream = self.streams[kind]
        listed_factor = spec.listed_factor if use_lists and self.any_told_list else 1.0
        groups = self.by_trait.get(kind)
        top = max(spec.urban_factor, 1.0) * max(listed_factor, 1.0)
        if groups is not None:
            top *= max(groups.largest(), 1.0)
        candidates = self.world.hits(hits_stream, day, min(spec.daily() * top, 1.0))
        if use_lists:  # the detained (and those whose account is closed) do not act
            candidates = self.world.acting(candidates, day, self.code[kind])
        if candidates.shape[0] == 0:
            return candidates.astype(np.int32)
        urban = self.urban_trait.codes(candidates) == 1
        weight = np.where(urban, spec.urban_factor, 1.0) / top
        if groups is not None:
            weight = weight * groups.factor(candidates)
        if listed_factor != 1.0:
            listed = self.world.notices.told_listed(candidates)
            weight = weight * np.where(listed, listed_factor, 1.0)
        deterrence = self.world.services.get("deterrence")
        if deterrence is not None and use_lists:
            weight = weight * deterrence.factor(kind, candidates, day)
        avoidance = self.world.services.get("avoidance")
        if avoidance is not None and use_lists:
            weight = weight * avoidance.factor(kind, candidates, day)
        by_age = spec.by_age()
        if by_age is not None:
            weight = weight * by_age[np.minimum(self.age[candidates], 150)]
        elif spec.ages is not None:
            age = self.age[candidates]
            weight = weight * ((age >= spec.ages[0]) & (age <= spec.ages[1]))
        elif spec.adults_only:
            weight = weight * (self.age[candidates] >= self.params.adult_age)
        return thin_stream.thin(day, candidates, weight)

    def _default(self, day: int, actors: np.ndarray, dated: np.ndarray | None = None) -> None:
        """New debts; whether and when each is repaid is drawn now (from `dated`, if given)."""
        self.debt[actors] = np.minimum(self.debt[actors].astype(np.int16) + 1, 255)
        repay = self.params.repayment
        pays = self.repay_stream.uniform(day, actors) < repay.share
        repaid = actors[pays]
        if repaid.shape[0]:
            wait = self.wait_stream.geometric(day, repaid, repay.mean_days)
            start = day if dated is None else dated[pays]
            self.repay_calendar.push(start + wait, actor=repaid)
