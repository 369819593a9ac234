"""A FICO-like credit score: it starts from the score in each citizen's credit file (a public
column the population fills) and moves by points per repayment record, within 300-850.

The defaults are Liu et al. (2018)'s: a repaid loan +75, a default -150. Each change is clamped to
the scale on its own (a default at 400 takes the score to 300).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import RecordWorld
from credsim.engine.checks import INT16
from credsim.errors import UserError
from credsim.policies.scoring import ScoringParams, ScoringPolicy
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["CreditFileParams", "CreditFilePolicy"]


def _liu_points() -> dict[str, int]:
    # Liu, Dean, Rolf, Simchowitz & Hardt (2018), section 6: +75 on repayment, -150 on default.
    return {"repayment_on_time": 75, "loan_default": -150}


class CreditFileParams(ScoringParams):
    floor: int = Field(300, ge=INT16[0], le=INT16[1], description="lowest score (FICO: 300)")
    ceiling: int = Field(850, ge=INT16[0], le=INT16[1], description="highest score (FICO: 850)")
    start_column: str = Field(
        "credit_file", min_length=1, description="public column holding each starting score"
    )
    points: dict[str, int] = Field(
        default_factory=_liu_points, description="points per record kind (negative: deductions)"
    )

    @field_validator("points")
    @classmethod
    def _known_kinds(cls, v: dict[str, int]) -> dict[str, int]:
        for kind, pts in v.items():
            check_kind(kind, RECORD_KINDS, "record kind")
            if abs(pts) > 10_000:
                raise ValueError(f"points for {kind!r} must lie within ±10000, got {pts}")
        return v


class CreditFilePolicy(ScoringPolicy):
    """A credit score that starts from the citizen's credit file and moves by points per record."""

    Params = CreditFileParams
    params: CreditFileParams

    def points(self) -> dict[str, tuple[str, float]]:
        return {kind: (kind, float(pts)) for kind, pts in self.params.points.items()}

    def base_scores(self, world: RecordWorld, citizens: np.ndarray) -> np.ndarray:
        column = self.params.start_column
        if column not in world.state:
            raise UserError(
                f"policies.{self.name}: no column {column!r} to start scores from; the population "
                "must fill it (plugin = 'credit_groups' does: 'credit_file')."
            )
        start = world.state[column][citizens].astype(np.int64)
        return np.clip(start, self.params.floor, self.params.ceiling)
