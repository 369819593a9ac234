"""Citizens who apply for a loan once, and, if they get it, repay it or default (Liu et al. 2018).

On `apply_day` every citizen applies (act `loan_application`). An applicant the lender did not
refuse (no `refused` notice from it the next day) has the loan, and on the following day repays
it (act `debt_repaid`) or defaults (`loan_default`), with the chance of repayment the group's
table gives at the score of the citizen's credit file: whether a loan is repaid is the truth,
which reaches the lender and the score only as the records a source makes of these acts.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Behavior, Day, PluginParams, World
from credsim.engine.checks import MAX_LABELS
from credsim.engine.repay_curve import RepayCurve
from credsim.engine.sets import difference
from credsim.errors import UserError, did_you_mean

__all__ = ["Borrowers", "BorrowersParams"]


class BorrowersParams(PluginParams):
    apply_day: int = Field(0, ge=0, le=30000, description="the day every citizen applies")
    lender: str = Field(min_length=1, description="the consequence whose refusals applicants hear")
    trait: str = Field("group", min_length=1, description="the trait naming the groups")
    file_column: str = Field("credit_file", min_length=1, description="the credit file's score")
    repay: dict[str, RepayCurve] = Field(
        min_length=1, max_length=MAX_LABELS, description="group -> chance of repaying by score"
    )


class Borrowers(Behavior):
    """Everyone applies for a loan once; borrowers repay or default by their group and score."""

    Params = BorrowersParams
    params: BorrowersParams

    def init(self, world: World) -> None:
        p = self.params
        self.world = world
        trait = world.traits.get(p.trait)
        if trait is None:
            raise UserError(
                f"behavior.{self.name}: no trait {p.trait!r}{did_you_mean(p.trait, world.traits)}"
            )
        missing = [g for g in trait.labels if g not in p.repay]
        if missing:
            raise UserError(f"behavior.{self.name}.repay: no table for group {missing[0]!r}")
        if p.file_column not in world.state:
            raise UserError(f"behavior.{self.name}: no column {p.file_column!r}")
        self.trait = trait
        codes = world.codes
        self.code = {
            k: codes.code("act_kind", k)
            for k in ("loan_application", "debt_repaid", "loan_default")
        }
        self.lender = codes.code("notice_about", p.lender)
        self.repaid = world.stream(f"behavior.{self.name}.repaid")

    def act(self, day: Day) -> None:
        p = self.params
        if day.day == p.apply_day:
            day.acts.add(day=day.day, actor=self.world.own(), kind=self.code["loan_application"])
        elif day.day == p.apply_day + 1:
            self._repay(day)

    def _repay(self, day: Day) -> None:
        """Applicants not refused yesterday have the loan: each repays or defaults."""
        notices = self.world.notices
        told = notices.yesterday if notices is not None else {}
        borrowers = self.world.own()
        if told and told["citizen"].shape[0]:
            refused = (told["notice"] == notices.code["refused"]) & (told["about"] == self.lender)
            borrowers = difference(borrowers, told["citizen"][refused])
        if borrowers.shape[0] == 0:
            return
        chance = np.empty(borrowers.shape[0])
        group = self.trait.codes(borrowers)
        score = self.world.state[self.params.file_column][borrowers].astype(np.float64)
        for code, label in enumerate(self.trait.labels):
            mine = group == code
            chance[mine] = self.params.repay[label].at(score[mine])
        repays = self.repaid.uniform(day.day, borrowers) < chance
        day.acts.add(day=day.day, actor=borrowers[repays], kind=self.code["debt_repaid"])
        day.acts.add(day=day.day, actor=borrowers[~repays], kind=self.code["loan_default"])
