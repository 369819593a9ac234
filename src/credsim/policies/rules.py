"""A table-driven points policy: a starting score, points per record kind, bounds and grades.

Everything is data in the scenario; the bundled `default` loads Rongcheng's table. Every score
change is logged with the record that caused it and the rule (record kind) that priced it.
"""

from __future__ import annotations

import itertools

import numpy as np
from numba import njit
from pydantic import Field, field_validator, model_validator

from credsim.engine import Column, PluginParams, Policy, PublicDay, ScoreInfo, World
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["RulesPolicy"]

INT16 = (-32768, 32767)


class RulesParams(PluginParams):
    start: int = Field(1000, ge=INT16[0], le=INT16[1], description="everyone's first score")
    floor: int = Field(0, ge=INT16[0], le=INT16[1], description="lowest possible score")
    ceiling: int = Field(2000, ge=INT16[0], le=INT16[1], description="highest possible score")
    points: dict[str, int] = Field(
        default_factory=dict, description="points per record kind (negative for deductions)"
    )
    grades: dict[str, int] = Field(
        default_factory=dict,
        description="grade -> lowest score of that grade, best grade first",
    )

    @field_validator("points")
    @classmethod
    def _known_kinds(cls, v: dict[str, int]) -> dict[str, int]:
        for kind, pts in v.items():
            check_kind(kind, RECORD_KINDS, "record kind")
            if abs(pts) > 10_000:
                raise ValueError(f"points for {kind!r} must lie within ±10000, got {pts}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> RulesParams:
        if not self.floor <= self.start <= self.ceiling:
            raise ValueError(
                f"need floor <= start <= ceiling, got {self.floor}, {self.start}, {self.ceiling}"
            )
        bounds = list(self.grades.values())
        if any(a <= b for a, b in itertools.pairwise(bounds)):
            raise ValueError(f"grade bounds must fall from best to worst grade, got {self.grades}")
        return self


@njit(cache=True)
def _apply(score, citizens, points, floor, ceiling, delta_out, after_out):
    """Apply points in record order (a citizen may have several records in one day)."""
    for i in range(citizens.shape[0]):
        c = citizens[i]
        old = np.int32(score[c])
        new = min(max(old + points[i], floor), ceiling)
        score[c] = new
        delta_out[i] = new - old
        after_out[i] = new


class RulesPolicy(Policy):
    """Points per record kind from a table, clamped to bounds, with grade bands."""

    Params = RulesParams
    params: RulesParams

    @property
    def column(self) -> str:
        return f"score.{self.name}"

    def score_info(self) -> ScoreInfo:
        p = self.params
        return ScoreInfo(self.column, p.floor, p.ceiling, tuple(p.grades.items()))

    def columns(self) -> list[Column]:
        return [Column(self.column, "int16", fill=self.params.start, owner=self.name)]

    def init(self, world: World) -> None:
        self.scores = world.state[self.column]
        self.policy_code = world.codes.code("policy", self.name)
        kinds = [world.codes.code("record_kind", k) for k in RECORD_KINDS]
        size = max(kinds) + 1
        self.points_by_code = np.zeros(size, np.int32)
        self.rule_by_code = np.full(size, -1, np.int32)
        for kind, pts in self.params.points.items():
            code = world.codes.code("record_kind", kind)
            self.points_by_code[code] = pts
            self.rule_by_code[code] = world.codes.code("rule", f"{self.name}:{kind}")

    def score(self, day: PublicDay) -> None:
        records = day.records
        kind = records["kind"]
        if kind.shape[0] == 0:
            return
        rule = self.rule_by_code[kind]
        priced = rule >= 0
        citizens = records["attributed_to"][priced]
        points = self.points_by_code[kind[priced]]
        delta = np.empty(citizens.shape[0], np.int32)
        after = np.empty(citizens.shape[0], np.int32)
        _apply(self.scores, citizens, points, self.params.floor, self.params.ceiling, delta, after)
        changed = delta != 0
        day.score_changes.add(
            day=day.day,
            citizen=citizens[changed],
            policy=self.policy_code,
            delta=delta[changed],
            score=after[changed],
            record_id=records["record_id"][priced][changed],
            rule=rule[priced][changed],
        )
