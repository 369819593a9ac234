"""Baseline behaviour: acts at fixed daily rates, loan defaults that are repaid later or never.

Each act kind is a Bernoulli sweep over all citizens found by geometric skipping (cost grows with
acts), thinned per citizen by eligibility (children do not borrow) and an urban multiplier.
A default raises the citizen's true unpaid debt; whether and when it is repaid is drawn at once
and put on a calendar, so no day loops over debtors.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Behavior, Column, Day, PluginParams, World
from credsim.vocab import ACT_KINDS, check_kind

__all__ = ["DEBTS", "BaselineBehavior"]

DEBTS = frozenset({"loan_default", "contract_breach"})
"""Acts that leave a debt the citizen may repay later (a judgment debt once a court rules)."""


class ActRate(PluginParams):
    rate: float = Field(ge=0, le=1, description="probability per eligible citizen per day")
    adults_only: bool = Field(True, description="only citizens in an adult age band act")
    urban_factor: float = Field(1.0, ge=0, description="rate multiplier for urban citizens")
    detail_share: float = Field(
        0.0, ge=0, le=1, description="share of these acts with detail 1 (a post that is sensitive)"
    )


class Repayment(PluginParams):
    share: float = Field(0.3, ge=0, le=1, description="share of defaults repaid at all")
    mean_days: float = Field(180.0, ge=1, description="mean days from default to repayment")


class BaselineParams(PluginParams):
    acts: dict[str, ActRate] = Field(default_factory=dict)
    adult_age: int = Field(18, ge=0, le=100, description="age from which acts `adults_only` occur")
    repayment: Repayment = Field(default_factory=Repayment)

    @field_validator("acts")
    @classmethod
    def _known_kinds(cls, v: dict[str, ActRate]) -> dict[str, ActRate]:
        choices = tuple(k for k in ACT_KINDS if k != "debt_repaid")
        for kind in v:
            check_kind(kind, choices, "act kind")
        return v


class BaselineBehavior(Behavior):
    """Acts at fixed daily rates; defaults repaid after a delay, or never."""

    Params = BaselineParams
    params: BaselineParams

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
        self.repay_stream = world.stream("act.debt_repaid")
        self.wait_stream = world.stream("act.debt_repaid.wait")
        self.repay_calendar = world.calendar({"actor": "int32"})

    def act(self, day: Day) -> None:
        due = self.repay_calendar.pop(day.day)["actor"]
        if due.shape[0]:
            owing = due[self.debt[due] > 0]
            np.subtract.at(self.debt, owing, 1)
            day.acts.add(day=day.day, actor=due, kind=self.code["debt_repaid"])
        for kind, spec in self.params.acts.items():
            actors = self._draw(day.day, kind, spec)
            if actors.shape[0] == 0:
                continue
            detail = 0
            if spec.detail_share > 0:
                detail = self.detail_streams[kind].uniform(day.day, actors) < spec.detail_share
            day.acts.add(day=day.day, actor=actors, kind=self.code[kind], detail=detail)
            if kind in DEBTS:
                self._default(day.day, actors)

    def _draw(self, day: int, kind: str, spec: ActRate) -> np.ndarray:
        hits_stream, thin_stream = self.streams[kind]
        top = max(spec.urban_factor, 1.0)
        candidates = hits_stream.hits(day, self.world.n, spec.rate * top)
        if candidates.shape[0] == 0:
            return candidates.astype(np.int32)
        urban = self.urban_trait.codes(candidates) == 1
        weight = np.where(urban, spec.urban_factor, 1.0) / top
        if spec.adults_only:
            weight = weight * (self.age[candidates] >= self.params.adult_age)
        keep = weight >= 1.0
        partial = (weight > 0) & ~keep
        if partial.any():
            u = thin_stream.uniform(day, candidates[partial])
            keep[partial] = u < weight[partial]
        return candidates[keep].astype(np.int32)

    def _default(self, day: int, actors: np.ndarray) -> None:
        self.debt[actors] = np.minimum(self.debt[actors].astype(np.int16) + 1, 255)
        repay = self.params.repayment
        u = self.repay_stream.uniform(day, actors)
        repaid = actors[u < repay.share]
        if repaid.shape[0]:
            wait = self.wait_stream.geometric(day, repaid, repay.mean_days)
            self.repay_calendar.push(day + wait, actor=repaid)
