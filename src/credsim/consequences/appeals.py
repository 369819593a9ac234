"""Appeals: a court that upholds an appeal corrects the contested judgments, and the lists it
names lift the listing. Switch it off (`consequences.appeals.enabled = false`) and nobody
appeals: citizens file only where an appeals process exists.

Who files, and when, is behaviour (citizens know whether they owe); whether an appeal is upheld
is the courts source's record (`appeal_upheld`); what the correction does is here. Policies price
`appeal_upheld` to give back the points a judgment took.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Consequence, PluginParams, PublicDay, RecordWorld
from credsim.engine.checks import check_unique
from credsim.errors import UserError

__all__ = ["Appeals"]


class AppealsParams(PluginParams):
    lists: list[str] = Field(
        default_factory=lambda: ["court_blacklist"], description="lists a correction lifts"
    )
    upheld: str = Field("appeal_upheld", description="record kind of an upheld appeal")

    @field_validator("lists")
    @classmethod
    def _once(cls, v: list[str]) -> list[str]:
        check_unique(v, "lists")
        return v


class Appeals(Consequence):
    """Upheld appeals clear the contested judgments and lift the listings they caused."""

    Params = AppealsParams
    params: AppealsParams

    def needs(self) -> list[str]:
        return [f"list:{name}" for name in self.params.lists]

    def init(self, world: RecordWorld) -> None:
        self.lists = []
        for name in self.params.lists:
            target = world.services.get(f"list:{name}")
            if target is None:
                raise UserError(
                    f"consequences.{self.name}.lists: no list named {name!r} in this scenario "
                    "(lists are consequences such as court_blacklist, listed before appeals)."
                )
            self.lists.append(target)
        self.upheld = world.codes.code("record_kind", self.params.upheld)
        self.agency = world.codes.code("agency", self.name)
        world.offer("appeals", self)

    def respond(self, day: PublicDay) -> None:
        records = day.records
        upheld = records["kind"] == self.upheld
        if not upheld.any():
            return
        citizens, first = np.unique(records["attributed_to"][upheld], return_index=True)
        record_ids = records["record_id"][upheld][first]
        for target in self.lists:
            target.correct(day, citizens, record_ids, self.agency)
