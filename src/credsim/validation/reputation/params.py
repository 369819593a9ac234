"""Parameters of the indirect-reciprocity model: game, norm, errors, monitoring, evolution."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from credsim.norms import NORMS, STRATEGIES, norm_table

__all__ = ["NORMS", "STRATEGIES", "GameParams"]


class GameParams(BaseModel):
    """One population playing the donation game under one norm and one way of judging."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    population: int = Field(50, ge=2, le=2000, description="individuals N")
    benefit: float = Field(5.0, gt=0, description="b: what a recipient gains from help")
    cost: float = Field(1.0, ge=0, description="c: what helping costs the donor")
    selection: float = Field(1.0, ge=0, description="w: selection strength of the Fermi rule")
    mutation: float = Field(0.025, ge=0, le=1, description="chance per generation of a mutant")
    execution_error: float = Field(0.02, ge=0, le=1, description="e1: intended help fails")
    assessment_error: float = Field(0.02, ge=0, le=1, description="e2: a judgement is flipped")
    norm: str = Field("stern_judging", description="one of NORMS")
    monitoring: Literal["private", "institution"] = "private"
    empathy: float = Field(
        0.0, ge=0, le=1, description="E: chance an observer judges from the donor's view"
    )
    judges: int = Field(1, ge=1, description="Q: members of the institution")
    strictness: float = Field(0.5, ge=0, lt=1, description="q: verdict good above this share")
    knowledge: float = Field(
        1.0, ge=0, le=1, description="chance a donor knows the recipient's standing (else: good)"
    )
    record_error: float = Field(
        0.0, ge=0, le=1, description="chance a judge's record is of someone else's act"
    )
    buyable_share: float = Field(
        0.0, ge=0, le=1, description="share of the institution's score that can be bought"
    )
    strategies: tuple[str, ...] = STRATEGIES
    initial: str = Field("random", description="'random' (uniform over strategies) or one strategy")
    initial_standing: Literal["random", "good"] = "random"
    generations: int = Field(10_000, ge=2, description="generations (one strategy update each)")
    burn_in: float = Field(0.5, ge=0, lt=1, description="share of generations not averaged")

    @field_validator("norm")
    @classmethod
    def _known_norm(cls, value: str) -> str:
        if value not in NORMS:
            raise ValueError(f"unknown norm {value!r}; choose one of {', '.join(NORMS)}")
        return value

    @field_validator("strategies")
    @classmethod
    def _known_strategies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [s for s in value if s not in STRATEGIES]
        if unknown or not value:
            raise ValueError(f"strategies must be a non-empty subset of {STRATEGIES}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> GameParams:
        if self.monitoring == "institution" and self.judges > self.population:
            raise ValueError("judges (Q) cannot exceed the population (N)")
        if self.initial != "random" and self.initial not in self.strategies:
            raise ValueError(f"initial must be 'random' or one of {self.strategies}")
        return self

    def initial_index(self) -> int:
        """-1 for a random start, else the index in STRATEGIES everyone starts with."""
        return -1 if self.initial == "random" else STRATEGIES.index(self.initial)

    def norm_table(self) -> np.ndarray:
        """The norm as an int8 array [action, recipient_good]."""
        return norm_table(self.norm)

    def permitted(self) -> np.ndarray:
        """A bool mask over STRATEGIES of the strategies in play."""
        return np.array([s in self.strategies for s in STRATEGIES], dtype=np.bool_)
