"""The state system's four categories: commercial sincerity, social security, trust breaking and
judicial credibility. Each category keeps its own sub-score; the overall score is their sum, so
every category's change is also a change of the overall score, logged with its record and rule
(`<policy>:<category>:<record kind>`). A network term, if any, moves the overall score only.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator, model_validator

from credsim.engine import Column, PluginParams, PublicDay, RecordWorld
from credsim.policies.scoring import (
    INT16,
    ScoringParams,
    ScoringPolicy,
    apply_points,
    merge_with_defaults,
)
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["StatePolicy"]


class Category(PluginParams):
    start: int = Field(250, ge=0, le=8000, description="the category's first sub-score")
    ceiling: int = Field(500, ge=0, le=8000, description="highest sub-score")
    points: dict[str, int] = Field(default_factory=dict, description="record kind -> points")

    @field_validator("points")
    @classmethod
    def _kinds(cls, v: dict[str, int]) -> dict[str, int]:
        for kind, pts in v.items():
            check_kind(kind, RECORD_KINDS, "record kind")
            if abs(pts) > 10_000:
                raise ValueError(f"points for {kind!r} must lie within ±10000, got {pts}")
        return v


def _categories() -> dict[str, Category]:
    # Which records count where follows the categories' names in the seed reporting;
    # the points are assumptions on Rongcheng's scale.
    return {
        "commercial_sincerity": Category(points={"loan_default": -20, "card_arrears": -10}),
        "social_security": Category(
            points={
                "traffic_violation": -5,
                "jaywalking": -5,
                "utility_theft": -60,
                "train_smoking": -20,
                "wrong_ticket": -10,
                "heroic_act": 30,
            }
        ),
        "trust_breaking": Category(
            points={"court_judgment": -50, "judgment_paid": 20, "appeal_upheld": 50}
        ),
        "judicial_credibility": Category(
            points={"court_judgment": -30, "post_flagged": -10, "appeal_upheld": 30}
        ),
    }


class StateParams(ScoringParams):
    floor: int = Field(0, ge=0, le=0, description="sub-scores bottom out at 0")
    ceiling: int = Field(2000, ge=0, le=INT16[1], description="highest overall score")
    categories: dict[str, Category] = Field(default_factory=_categories)
    grades: dict[str, int] = Field(
        default_factory=lambda: {"A": 960, "B": 850, "C": 600, "D": 0},
        description="the same bands as Rongcheng's, on the overall score",
    )

    @model_validator(mode="before")
    @classmethod
    def _merge(cls, data):
        return merge_with_defaults(cls, data, "categories")

    @model_validator(mode="after")
    def _fits(self) -> StateParams:
        top = sum(c.ceiling for c in self.categories.values())
        if top > self.ceiling:
            raise ValueError(f"category ceilings add up to {top}, above the ceiling {self.ceiling}")
        for name, c in self.categories.items():
            if c.start > c.ceiling:
                raise ValueError(f"category {name!r}: start {c.start} above ceiling {c.ceiling}")
        return self


class StatePolicy(ScoringPolicy):
    """Four category sub-scores (commercial sincerity, social security, trust breaking, judicial
    credibility) summed into one score."""

    Params = StateParams
    params: StateParams

    def category_column(self, category: str) -> str:
        return f"score.{self.name}.{category}"

    def columns(self) -> list[Column]:
        subs = [
            Column(self.category_column(c), "int16", owner=self.name, doc=f"{c} sub-score")
            for c in self.params.categories
        ]
        return [*super().columns(), *subs]

    def points(self) -> dict[str, tuple[str, float]]:
        return {}  # every record is priced by its categories in `score`

    def base_scores(self, world: RecordWorld, citizens: np.ndarray) -> np.ndarray:
        total = sum(c.start for c in self.params.categories.values())
        return np.full(citizens.shape[0], total)

    def reference(self) -> float:
        return float(sum(c.start for c in self.params.categories.values()))

    def init(self, world: RecordWorld) -> None:
        super().init(world)
        codes = world.codes
        self.tables = []
        for name, category in self.params.categories.items():
            sub = world.state[self.category_column(name)]
            sub[:] = category.start
            pts = np.zeros(len(codes.names("record_kind")), np.int32)
            rules = np.full(pts.shape[0], -1, np.int32)
            for kind, value in category.points.items():
                code = codes.code("record_kind", kind)
                pts[code] = value
                rules[code] = codes.code("rule", f"{self.name}:{name}:{kind}")
            self.tables.append((sub, category, pts, rules))

    def score(self, day: PublicDay) -> None:
        super().score(day)  # recoveries and the network term; no record is priced there
        records = day.records
        kind, who, rid = records["kind"], records["attributed_to"], records["record_id"]
        for sub, category, pts, rules in self.tables:
            priced = rules[kind] >= 0
            if self.params.consent_share < 1.0:
                priced &= self.consents(who)
            if self.params.min_age > 0:
                priced &= self.of_age(who)
            if not priced.any():
                continue
            delta, _ = apply_points(sub, who[priced], pts[kind[priced]], 0, category.ceiling)
            self._change(day, who[priced], delta, rid[priced], rules[kind[priced]], True)
