"""A bank that lends by score thresholds per group (Liu, Dean, Rolf, Simchowitz & Hardt 2018).

Each day it takes the day's loan applications (records), ranks each group's applicants by the
score a policy holds (ties in random order), and lends to the top of each group; the others are
refused at the counter (a `refused` sanction on the application record, which the applicant is
told of). How far down each group it lends is chosen by one of the paper's rules, to maximise
its expected profit: +`profit` per repaid loan, `loss_ratio` per default, a repayment expected
with the published chance for the group and score (`repay`, a table the bank holds, not the truth
of who will repay):

- `max_profit`: each group's own profit-maximising threshold;
- `demographic_parity`: one share of every group lent to;
- `equal_opportunity`: one share of every group's would-be repayers lent to.

It sees records, the policy's score column, the group trait and its own table, nothing else.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from credsim.engine import Consequence, PluginParams, PublicDay, RecordWorld
from credsim.engine.checks import MAX_LABELS
from credsim.engine.repay_curve import RepayCurve
from credsim.errors import UserError, did_you_mean
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["LendingRule", "ThresholdLender", "ThresholdLenderParams", "thresholds"]

LendingRule = Literal["max_profit", "demographic_parity", "equal_opportunity"]
GRID = 4001
"""Shares (or true-positive rates) searched by the rules with one share for every group."""


class ThresholdLenderParams(PluginParams):
    policy: str = Field(min_length=1, description="the policy whose score the bank ranks by")
    rule: LendingRule = Field("max_profit", description="how the thresholds are chosen")
    profit: float = Field(1.0, gt=0, le=1e6, description="the bank's gain per repaid loan")
    loss_ratio: float = Field(-4.0, lt=0, ge=-1e6, description="its gain per default (< 0)")
    trait: str = Field("group", min_length=1, description="the trait naming the groups")
    repay: dict[str, RepayCurve] = Field(
        min_length=1, max_length=MAX_LABELS, description="group -> chance of repayment by score"
    )
    application: str = Field("loan_application", description="record kind of an application")

    @model_validator(mode="after")
    def _kind(self) -> ThresholdLenderParams:
        check_kind(self.application, RECORD_KINDS, "record kind")
        return self


class ThresholdLender(Consequence):
    """Lends to the top-scoring applicants of each group, refuses the others (Liu et al. 2018)."""

    Params = ThresholdLenderParams
    params: ThresholdLenderParams

    def init(self, world: RecordWorld) -> None:
        p = self.params
        self.world = world
        info = world.scores.get(p.policy)
        if info is None:
            raise UserError(
                f"consequences.{self.name}: no policy named {p.policy!r}"
                f"{did_you_mean(p.policy, world.scores)}; policies: {', '.join(world.scores)}"
            )
        self.scores = world.state[info.column]
        trait = world.traits.get(p.trait)
        if trait is None:
            raise UserError(
                f"consequences.{self.name}: no trait {p.trait!r}"
                f"{did_you_mean(p.trait, world.traits)}; traits: {', '.join(world.traits)}"
            )
        missing = [g for g in trait.labels if g not in p.repay]
        if missing:
            raise UserError(
                f"consequences.{self.name}.repay: no table for group {missing[0]!r}; "
                f"groups: {', '.join(trait.labels)}"
            )
        self.trait = trait
        codes = world.codes
        self.code = codes.code("consequence", self.name)
        self.refused = codes.code("action", "refused")
        self.application = codes.code("record_kind", p.application)
        self.ties = world.stream(f"consequence.{self.name}.ties")
        self.decisions: dict[str, dict[str, float]] = {}
        """The last day's decision per group: applicants, loans, selection rate, threshold."""

    def respond(self, day: PublicDay) -> None:
        records = day.records
        asking = records["kind"] == self.application
        if not asking.any():
            return
        applicants, record_ids = records["attributed_to"][asking], records["record_id"][asking]
        applicants, first = np.unique(applicants, return_index=True)
        record_ids = record_ids[first]
        score = self.scores[applicants].astype(np.float64)
        group = self.trait.codes(applicants)
        tie = self.ties.uniform(day.day, applicants)
        ranked = []
        for code, label in enumerate(self.trait.labels):
            mine = np.flatnonzero(group == code)
            order = mine[np.lexsort((tie[mine], -score[mine]))]
            ranked.append((label, order, self.params.repay[label].at(score[order])))
        counts = thresholds([rho for _, _, rho in ranked], self.params)
        lent = np.zeros(applicants.shape[0], bool)
        self.decisions = {}
        for (label, order, _), k in zip(ranked, counts, strict=True):
            lent[order[:k]] = True
            self.decisions[label] = {
                "applicants": float(order.shape[0]),
                "loans": float(k),
                "selection_rate": k / order.shape[0] if order.shape[0] else 0.0,
                "threshold": float(score[order[k - 1]]) if k else float("nan"),
            }
        refuse = ~lent
        day.sanctions.add(
            day=day.day,
            citizen=applicants[refuse],
            consequence=self.code,
            action=self.refused,
            record_id=record_ids[refuse],
        )


def thresholds(repay: list[np.ndarray], params: ThresholdLenderParams) -> list[int]:
    """How many of each group's applicants to lend to, given each group's chances of repayment
    in rank order (best score first): the count that maximises the bank's expected profit under
    the rule."""
    utility = [np.concatenate([[0.0], np.cumsum(_utility(r, params))]) for r in repay]
    if params.rule == "max_profit":
        return [int(np.argmax(u)) for u in utility]
    grid = np.linspace(0.0, 1.0, GRID)
    if params.rule == "demographic_parity":
        counts = [np.rint(grid * (u.shape[0] - 1)).astype(np.int64) for u in utility]
    else:  # equal_opportunity: the same share of each group's expected repayers
        counts = []
        for r in repay:
            repaid = np.concatenate([[0.0], np.cumsum(r)])
            at = np.searchsorted(repaid, grid * repaid[-1], side="left")
            counts.append(np.minimum(at, r.shape[0]))
    total = sum(u[k] for u, k in zip(utility, counts, strict=True))
    best = int(np.argmax(total))
    return [int(k[best]) for k in counts]


def _utility(repay: np.ndarray, params: ThresholdLenderParams) -> np.ndarray:
    return repay * params.profit + (1.0 - repay) * params.loss_ratio
