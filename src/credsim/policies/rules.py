"""Table-driven points: everyone starts at `start`; each record kind is worth its points.

Everything is data in the scenario. `rongcheng` is this policy with Rongcheng's table and grades
(facts) as its defaults.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator, model_validator

from credsim.engine import RecordWorld
from credsim.policies.scoring import INT16, ScoringParams, ScoringPolicy
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["PointsParams", "PointsPolicy", "RongchengPolicy", "RulesPolicy"]


class PointsParams(ScoringParams):
    """A table of points per record kind (negative for deductions)."""

    points: dict[str, int] = Field(
        default_factory=dict, description="points per record kind (negative for deductions)"
    )

    @field_validator("points")
    @classmethod
    def _known_kinds(cls, v: dict[str, int]) -> dict[str, int]:
        for kind, pts in v.items():
            check_kind(kind, RECORD_KINDS, "record kind")
            if abs(pts) > 10_000:
                raise ValueError(f"points for {kind!r} must lie within ±10000, got {pts}")
        return v


class RulesParams(PointsParams):
    start: int = Field(1000, ge=INT16[0], le=INT16[1], description="everyone's first score")

    @model_validator(mode="after")
    def _start_in_bounds(self) -> RulesParams:
        if not self.floor <= self.start <= self.ceiling:
            raise ValueError(
                f"need floor <= start <= ceiling, got {self.floor}, {self.start}, {self.ceiling}"
            )
        return self


class PointsPolicy(ScoringPolicy):
    """A policy whose records are worth the points of its table (`PointsParams`)."""

    params: PointsParams

    def points(self) -> dict[str, tuple[str, float]]:
        return {kind: (kind, float(pts)) for kind, pts in self.params.points.items()}


class RulesPolicy(PointsPolicy):
    """Points per record kind from a table, clamped to bounds, with grade bands."""

    Params = RulesParams
    params: RulesParams

    def base_scores(self, world: RecordWorld, citizens: np.ndarray) -> np.ndarray:
        return np.full(citizens.shape[0], self.params.start)

    def reference(self) -> float:
        return float(self.params.start)


def _rongcheng_points() -> dict[str, int]:
    # Rongcheng Municipal Measures, Attachment 1 (facts).
    return {
        "loan_default": -20,  # failing contract obligations in lending
        "court_judgment": -30,  # sued and found responsible for unpaid debt
        "card_arrears": -10,  # bank arrears / credit card overdue, per monthly cycle
        "traffic_violation": -5,  # traffic ticket (secondary)
        "utility_theft": -60,  # stealing water, gas, electricity or heat
        "heroic_act": 30,  # heroic act (secondary)
        "appeal_upheld": 30,  # a corrected judgment gives its points back
    }


class RongchengParams(RulesParams):
    start: int = Field(1000, ge=INT16[0], le=INT16[1], description="1000 points (facts)")
    ceiling: int = Field(1500, ge=INT16[0], le=INT16[1], description="highest possible score")
    points: dict[str, int] = Field(default_factory=_rongcheng_points)
    grades: dict[str, int] = Field(
        default_factory=lambda: {"A": 960, "B": 850, "C": 600, "D": 0},
        description="NPR (secondary): A 960+, B 850-959, C 600-849, D below 600",
    )


class RongchengPolicy(RulesPolicy):
    """Rongcheng's points scheme: 1000 to start, the municipal table, grades A to D."""

    Params = RongchengParams
    params: RongchengParams
