"""Scores built from weighted dimensions: Sesame-like (350-950, five dimensions, friends' scores
count) and FICO-like (300-850, financial records only).

Each dimension has a weight and a level between 0 and 1: a starting level, set per citizen from
traits where the scenario says so (income for fulfilment capacity, education for identity), moved
by records (a default lowers credit history). The score is floor + (ceiling - floor) x the
weighted sum of levels, so a record worth p points on a dimension of weight w moves the score by
(ceiling - floor) x w x p / 100.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator, model_validator

from credsim.engine import PluginParams, RecordWorld
from credsim.engine.checks import Points, ProbabilityTable
from credsim.errors import UserError, did_you_mean
from credsim.policies.scoring import ScoringParams, ScoringPolicy, merge_with_defaults
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["DimensionParams", "DimensionPolicy", "FinancialPolicy", "SesamePolicy"]


class Dimension(PluginParams):
    weight: float = Field(ge=0, le=1, description="share of the score")
    start: float = Field(0.5, ge=0, le=1, description="everyone's starting level")
    by_trait: ProbabilityTable = Field(
        default_factory=dict, description="trait -> label -> starting level (replaces start)"
    )
    points: dict[str, Points] = Field(
        default_factory=dict, description="record kind -> change of level, in points of 100"
    )

    @field_validator("points")
    @classmethod
    def _kinds(cls, v: dict[str, float]) -> dict[str, float]:
        for kind in v:
            check_kind(kind, RECORD_KINDS, "record kind")
        return v


class DimensionParams(ScoringParams):
    dimensions: dict[str, Dimension] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _merge(cls, data):
        return merge_with_defaults(cls, data, "dimensions")

    @model_validator(mode="after")
    def _weights(self) -> DimensionParams:
        total = sum(d.weight for d in self.dimensions.values())
        if total > 1 + 1e-9:
            raise ValueError(f"dimension weights add up to {total:.3f}; they must not exceed 1")
        return self


class DimensionPolicy(ScoringPolicy):
    """A score from weighted dimensions, their levels set by traits and moved by records."""

    Params = DimensionParams
    params: DimensionParams

    def points(self) -> dict[str, tuple[str, float]]:
        span = self.params.ceiling - self.params.floor
        out: dict[str, tuple[str, float]] = {}
        for dimension in self.params.dimensions.values():
            for kind, pts in dimension.points.items():
                _, before = out.get(kind, (kind, 0.0))
                out[kind] = (kind, before + span * dimension.weight * pts / 100.0)
        return out

    def init(self, world: RecordWorld) -> None:
        super().init(world)
        # The network term measures friends against the average starting score of those who
        # hold one (children and citizens outside the policy's regions hold none).
        own = self.scores[world.lo : world.hi]
        scored = self.holds_score()
        if scored is not None:
            own = own[scored[world.lo : world.hi]]
        self._start = {"score_sum": int(own.astype(np.int64).sum()), "citizens": own.shape[0]}
        self._reference = 0.0

    def partial_sums(self) -> dict[str, int]:
        return dict(self._start)

    def whole_sums(self, sums: dict[str, int]) -> None:
        citizens = sums.get("citizens", 0)
        self._reference = sums["score_sum"] / citizens if citizens else 0.0

    def reference(self) -> float:
        return self._reference

    def base_scores(self, world: RecordWorld, citizens: np.ndarray) -> np.ndarray:
        p = self.params
        total = np.zeros(citizens.shape[0])
        for name, dimension in p.dimensions.items():
            level = np.full(citizens.shape[0], dimension.start)
            for trait_name, levels in dimension.by_trait.items():
                trait = world.traits.get(trait_name)
                if trait is None:
                    did = did_you_mean(trait_name, world.traits)
                    raise UserError(
                        f"policies.{self.name}.dimensions.{name}.by_trait: unknown trait "
                        f"{trait_name!r}" + did
                    )
                table = np.array([levels.get(label, np.nan) for label in trait.labels])
                found = table[trait.codes(citizens)]
                level = np.where(np.isnan(found), level, found)
            total += dimension.weight * level
        return np.rint(p.floor + (p.ceiling - p.floor) * total).astype(np.int64)


class SesameParams(DimensionParams):
    """Sesame (Zhima) Credit: 350-950, bands and unofficial weights from the facts."""

    floor: int = 350
    ceiling: int = 950
    grades: dict[str, int] = Field(
        default_factory=lambda: {
            "extremely_good": 700,
            "excellent": 650,
            "good": 600,
            "medium": 550,
            "poor": 350,
        }
    )
    network_weight: float = Field(0.05, ge=0, le=1, description="connections (5%, facts)")
    dimensions: dict[str, Dimension] = Field(
        default_factory=lambda: {
            "credit_history": Dimension(
                weight=0.35,
                start=0.6,
                points={
                    "loan_default": -60,
                    "court_judgment": -80,
                    "card_arrears": -10,
                    "judgment_paid": 20,
                    "appeal_upheld": 80,
                    "repayment_on_time": 1.5,
                    "gaming_detected": -5,
                },
            ),
            "fulfilment_capacity": Dimension(
                weight=0.25,
                points={"assets_verified": 3},
                by_trait={
                    "income": {
                        "q1": 0.2,
                        "q2": 0.35,
                        "q3": 0.5,
                        "q4": 0.65,
                        "q5": 0.8,
                    }
                },
            ),
            "behaviour_and_preferences": Dimension(
                weight=0.20,
                points={
                    "purchase_diapers": 2,
                    "purchase_curtains": 2,
                    "purchase_video_games": -2,
                    "late_night_browsing": -1,
                    "platform_activity": 2,
                },
            ),
            "identity_traits": Dimension(
                weight=0.15,
                by_trait={
                    "education": {
                        "child": 0.3,
                        "primary": 0.4,
                        "secondary": 0.6,
                        "tertiary": 0.9,
                    }
                },
            ),
            "connections": Dimension(weight=0.05, points={"high_score_contact": 20}),
        }
    )


class SesamePolicy(DimensionPolicy):
    """Sesame-like: five weighted dimensions, 350-950; friends' scores move one's own."""

    Params = SesameParams
    params: SesameParams


class FinancialParams(DimensionParams):
    """FICO-like: financial records only, 300-850, weights 35/30/15/10/10."""

    floor: int = 300
    ceiling: int = 850
    grades: dict[str, int] = Field(
        default_factory=lambda: {
            "exceptional": 800,
            "very_good": 740,
            "good": 670,
            "fair": 580,
            "poor": 300,
        }
    )
    dimensions: dict[str, Dimension] = Field(
        default_factory=lambda: {
            "payment_history": Dimension(
                weight=0.35,
                start=0.8,
                points={
                    "loan_default": -50,
                    "card_arrears": -15,
                    "court_judgment": -60,
                    "judgment_paid": 20,
                    "appeal_upheld": 60,
                },
            ),
            "amounts_owed": Dimension(
                weight=0.30,
                start=0.7,
                points={
                    "loan_default": -20,
                    "court_judgment": -20,
                    "judgment_paid": 20,
                    "appeal_upheld": 20,
                },
            ),
            "length_of_history": Dimension(
                weight=0.15,
                by_trait={
                    "age_band": {
                        "0-14": 0.0,
                        "15-59": 0.5,
                        "60+": 0.9,
                    }
                },
            ),
            "new_credit": Dimension(weight=0.10, start=0.7),
            "credit_mix": Dimension(weight=0.10, start=0.6),
        }
    )


class FinancialPolicy(DimensionPolicy):
    """FICO-like: payment history, amounts owed, history length, new credit, mix; 300-850."""

    Params = FinancialParams
    params: FinancialParams
