"""A FICO-like credit score: it starts from the score in each citizen's credit file (a public
column the population fills) and moves by points per repayment record, within 300-850.

The defaults are Liu et al. (2018)'s: a repaid loan +75, a default -150. Each change is clamped to
the scale on its own (a default at 400 takes the score to 300).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import RecordWorld
from credsim.engine.checks import INT16
from credsim.errors import UserError
from credsim.policies.rules import PointsParams, PointsPolicy

__all__ = ["CreditFileParams", "CreditFilePolicy"]


def _liu_points() -> dict[str, int]:
    # Liu, Dean, Rolf, Simchowitz & Hardt (2018), section 6: +75 on repayment, -150 on default.
    return {"repayment_on_time": 75, "loan_default": -150}


class CreditFileParams(PointsParams):
    floor: int = Field(300, ge=INT16[0], le=INT16[1], description="lowest score (FICO: 300)")
    ceiling: int = Field(850, ge=INT16[0], le=INT16[1], description="highest score (FICO: 850)")
    start_column: str = Field(
        "credit_file", min_length=1, description="public column holding each starting score"
    )
    points: dict[str, int] = Field(
        default_factory=_liu_points, description="points per record kind (negative: deductions)"
    )


class CreditFilePolicy(PointsPolicy):
    """A credit score that starts from the citizen's credit file and moves by points per record."""

    Params = CreditFileParams
    params: CreditFileParams

    def base_scores(self, world: RecordWorld, citizens: np.ndarray) -> np.ndarray:
        column = self.params.start_column
        if column not in world.state:
            raise UserError(
                f"policies.{self.name}: no column {column!r} to start scores from; the population "
                "must fill it (plugin = 'credit_groups' does: 'credit_file')."
            )
        start = world.state[column][citizens].astype(np.int64)
        return np.clip(start, self.params.floor, self.params.ceiling)
