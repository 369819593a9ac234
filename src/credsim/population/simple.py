"""A simple population: independent traits drawn from published national shares.

Traits are drawn per citizen from counter-based streams (index = citizen number), so a citizen's
traits do not depend on the population size or on the thread count. Households, provinces and the
social graph arrive with the census presets.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Column, PluginParams, Population, World

__all__ = ["SimplePopulation"]

MAX_CITIZENS = 2**31 - 1


class SimpleParams(PluginParams):
    size: int = Field(100_000, ge=1, le=MAX_CITIZENS, description="agents in the run")
    people_per_agent: int = Field(1, ge=1, description="people each agent stands for")
    males_per_100_females: float = Field(105.07, gt=0, description="sex ratio")
    urban_share: float = Field(0.6389, ge=0, le=1)
    age_shares: dict[str, float] = Field(
        default_factory=lambda: {"0-14": 0.1795, "15-59": 0.6335, "60+": 0.1870},
        description="share of each age band; must include the adult bands 15-59 and 60+",
    )
    group_shares: dict[str, float] = Field(
        default_factory=lambda: {"g0": 0.9, "g1": 0.1},
        description="synthetic demographic groups used by identification error models",
    )

    @field_validator("age_shares", "group_shares")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("needs at least one entry")
        if any(s < 0 for s in v.values()):
            raise ValueError("shares must not be negative")
        if len(v) > 255:
            raise ValueError("at most 255 entries")
        total = sum(v.values())
        if abs(total - 1.0) > 1e-3:
            raise ValueError(f"shares must add up to 1 (they add up to {total:.4f})")
        return v


class SimplePopulation(Population):
    """Citizens with sex, age band, urban/rural and a synthetic group from national shares."""

    Params = SimpleParams
    params: SimpleParams

    def size(self) -> int:
        return self.params.size

    def people_per_agent(self) -> int:
        return self.params.people_per_agent

    def dimensions(self) -> dict[str, list[str]]:
        return {
            "sex": ["female", "male"],
            "age_band": list(self.params.age_shares),
            "urban": ["rural", "urban"],
            "group": list(self.params.group_shares),
        }

    def columns(self) -> list[Column]:
        return [
            Column(name, "uint8", owner=self.name, doc=f"{name} code")
            for name in ("sex", "age_band", "urban", "group")
        ]

    def build(self, world: World) -> None:
        p = self.params
        male = p.males_per_100_females / (100.0 + p.males_per_100_females)
        shares = {
            "sex": [1.0 - male, male],
            "age_band": list(p.age_shares.values()),
            "urban": [1.0 - p.urban_share, p.urban_share],
            "group": list(p.group_shares.values()),
        }
        index = np.arange(world.n, dtype=np.int64)
        for trait, probs in shares.items():
            cum = np.cumsum(probs)
            cum[-1] = 1.0
            u = world.stream(f"population.{trait}").uniform(0, index)
            world.state[trait][:] = np.searchsorted(cum, u, side="right").astype(np.uint8)
