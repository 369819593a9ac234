"""Parameters of the social graph's layers (`[population.graph]` in a scenario), and the keep
thresholds of the friendship layer's candidate ties."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "MAX_BLOCK",
    "MAX_RINGS",
    "MAX_ROUNDS",
    "FriendParams",
    "GraphParams",
    "WorkParams",
    "tie_thresholds",
]

MAX_BLOCK = 1 << 16
"""Largest block whose ring places fit in a uint16 (`ring_cache`)."""
MAX_RINGS = 16
"""Most ring ties ahead of a citizen that fit in a uint16 of bits (`ring_cache`)."""
MAX_ROUNDS = 8
"""Most cross rounds whose two bits each fit in a uint16 (`ring_cache`)."""


class FriendParams(BaseModel):
    """Friendship layer: neighbourhood ring lattices plus province-wide random matchings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mean_degree: float = Field(20.0, ge=0, le=200, description="expected friends per citizen")
    block_size: int = Field(
        1000,
        ge=2,
        le=1_000_000,
        description="citizens per neighbourhood block (consecutive, inside one province; "
        "the last block of a province is shorter)",
    )
    cross_share: float = Field(
        0.1,
        ge=0,
        le=1,
        description="share of ties to random citizens of the province outside the block",
    )
    age_homophily: float = Field(
        0.7,
        ge=0,
        le=1,
        description="weight of age in the ring order of a block: the order key is "
        "h*age/10 + (1-h)*10*u, so 0 is a random order and 1 is by age",
    )
    keep: float = Field(
        0.8,
        ge=0.05,
        le=1,
        description="probability each candidate tie exists (symmetric hash of the pair); "
        "below 1 it spreads the degrees",
    )
    ring_cache: bool = Field(
        False,
        description="keep each citizen's place in its block's ring, who stands at each place, "
        "its ring ties both ways and its cross partners (10 bytes a citizen) so that friends' "
        "terms pass score changes on without recomputing any tie; needs "
        f"block_size <= {MAX_BLOCK}, at most {MAX_RINGS} ring ties ahead and at most "
        f"{MAX_ROUNDS} cross rounds, and a population without demography",
    )

    @model_validator(mode="after")
    def _ring_fits(self) -> FriendParams:
        if not self.ring_cache:
            return self
        rings = tie_thresholds(self.ring_ties_ahead(), self.keep, self.block_size // 2)
        if self.block_size > MAX_BLOCK:
            raise ValueError(
                f"ring_cache needs block_size <= {MAX_BLOCK} (got {self.block_size}): lower "
                "block_size or set ring_cache = false"
            )
        if rings.shape[0] > MAX_RINGS:
            raise ValueError(
                f"ring_cache needs at most {MAX_RINGS} ring ties ahead (got {rings.shape[0]}): "
                "lower mean_degree, raise cross_share or keep, or set ring_cache = false"
            )
        rounds = tie_thresholds(self.mean_degree * self.cross_share / self.keep, self.keep, 1 << 16)
        if rounds.shape[0] > MAX_ROUNDS:
            raise ValueError(
                f"ring_cache needs at most {MAX_ROUNDS} cross rounds (got {rounds.shape[0]}): "
                "lower mean_degree or cross_share, raise keep, or set ring_cache = false"
            )
        return self

    def ring_ties_ahead(self) -> float:
        """Candidate ring ties ahead of a citizen in its block (as many behind)."""
        return self.mean_degree * (1.0 - self.cross_share) / self.keep / 2.0


class WorkParams(BaseModel):
    """Workplace layer: workers of a district cut into complete workplaces."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mean_degree: int = Field(
        8, ge=0, le=200, description="co-workers per worker (workplaces hold mean_degree+1)"
    )
    district_size: int = Field(
        20_000,
        ge=1,
        le=100_000_000,
        description="citizens per district (consecutive, inside one province)",
    )
    min_age: int = Field(18, ge=0, le=255, description="youngest working age, in years")
    max_age: int = Field(59, ge=0, le=255, description="oldest working age, in years")

    @model_validator(mode="after")
    def _ages(self) -> WorkParams:
        if self.min_age > self.max_age:
            raise ValueError(f"min_age ({self.min_age}) is above max_age ({self.max_age})")
        return self


class GraphParams(BaseModel):
    """Parameters of the social graph's layers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    friends: FriendParams = Field(default_factory=FriendParams, description="friendship layer")
    work: WorkParams = Field(default_factory=WorkParams, description="workplace layer")


def tie_thresholds(candidates: float, keep: float, cap: int) -> np.ndarray:
    """Keep threshold (out of 2**53) per ring or round: whole ones at `keep`, then the fraction
    left over at keep * fraction, so the expected number of ties is candidates * keep."""
    whole = int(np.floor(candidates + 1e-9))
    rest = candidates - whole
    probs = np.asarray(([keep] * whole + ([keep * rest] if rest > 1e-9 else []))[:cap])
    return np.floor(probs * 2.0**53).astype(np.uint64)
