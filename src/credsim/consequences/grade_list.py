"""A list by grade: citizens whose score under a policy falls into the listed grades (such as D)
are listed, and removed when it rises out of them. Agencies can subscribe to it like the court
list. Rongcheng's current measures say a low score alone is never the basis for a penalty, so the
default scenario carries this list switched off."""

from __future__ import annotations

import numpy as np
from numba import njit
from pydantic import Field, field_validator

from credsim.engine import Column, Consequence, PluginParams, PublicDay, RecordWorld, SanctionInfo
from credsim.engine.checks import check_unique
from credsim.engine.listing import NEVER, STATUS_DOC, off_since
from credsim.errors import UserError, did_you_mean
from credsim.vocab import RECORD_KINDS

__all__ = ["GradeList"]

LISTED, DELISTED = 1, 2


class GradeListParams(PluginParams):
    policy: str = Field(description="policy whose grades count")
    grades: list[str] = Field(default_factory=lambda: ["D"], description="grades that list")
    notify: bool = Field(True, description="tell citizens they are listed")

    @field_validator("grades")
    @classmethod
    def _once(cls, v: list[str]) -> list[str]:
        check_unique(v, "grades")
        return v


class GradeList(Consequence):
    """Lists citizens while their grade under a policy is one of the listed grades."""

    Params = GradeListParams
    params: GradeListParams

    @property
    def column(self) -> str:
        return f"listed_since.{self.name}"

    def columns(self) -> list[Column]:
        return [
            Column(self.column, "int16", fill=NEVER, owner=self.name, doc=STATUS_DOC),
        ]

    def sanction_info(self) -> SanctionInfo:
        # Any record that moved the score can be what pushed the citizen into the grade.
        return SanctionInfo(self.column, RECORD_KINDS, True, self.params.notify)

    def init(self, world: RecordWorld) -> None:
        info = world.scores.get(self.params.policy)
        if info is None:
            did = did_you_mean(self.params.policy, world.scores)
            raise UserError(
                f"consequences.{self.name}.policy: no policy {self.params.policy!r}" + did
            )
        names = [g for g, _ in info.grades]
        unknown = [g for g in self.params.grades if g not in names]
        if unknown:
            raise UserError(
                f"consequences.{self.name}.grades: {unknown[0]!r} is not a grade of "
                f"{self.params.policy}; grades are {', '.join(names)}"
            )
        self.bounds = np.array([b for _, b in info.grades], np.int64)
        self.bad = np.array([g in self.params.grades for g in names])
        self.score = world.state[info.column]
        self.listed_since = world.state[self.column]
        codes = world.codes
        self.policy_code = codes.code("policy", self.params.policy)
        self.code = codes.code("consequence", self.name)
        self.agency = codes.code("agency", self.name)
        self.actions = {a: codes.code("action", a) for a in ("listed", "delisted")}

    def respond(self, day: PublicDay) -> None:
        sc = day.score_changes
        mine = sc["policy"] == self.policy_code
        if not mine.any():
            return
        citizens, last = np.unique(sc["citizen"][mine][::-1], return_index=True)
        record_ids = sc.take("record_id", np.flatnonzero(mine))[::-1][last]
        moves = _moves(citizens, self.score, self.bounds, self.bad, self.listed_since)
        for action, move in (("listed", moves == LISTED), ("delisted", moves == DELISTED)):
            who = citizens[move]
            if who.shape[0] == 0:
                continue
            if action == "listed":
                self.listed_since[who] = day.day
            else:
                self.listed_since[who] = off_since(day.day)
            day.sanctions.add(
                day=day.day,
                citizen=who,
                consequence=self.code,
                action=self.actions[action],
                record_id=record_ids[move],
                agency=self.agency,
            )


@njit(cache=True)
def _moves(citizens, score, bounds, bad, listed_since):
    """For each citizen, LISTED if its grade (the first whose lower bound its score reaches,
    else the last) is a listed one and it is not on the list, DELISTED if the reverse, else 0."""
    out = np.zeros(citizens.shape[0], np.int8)
    last = bounds.shape[0] - 1
    for j in range(citizens.shape[0]):
        c = citizens[j]
        s = np.int64(score[c])
        grade = 0
        while grade < last and s < bounds[grade]:
            grade += 1
        listed = listed_since[c] >= 0
        if bad[grade] and not listed:
            out[j] = LISTED
        elif listed and not bad[grade]:
            out[j] = DELISTED
    return out
