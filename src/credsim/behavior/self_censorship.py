"""Self-censorship: citizens hold back posts when they feel watched.

A citizen's perceived surveillance is the chance a post is tied to their real name (they hold a
number registered to themselves) x the chance a sensitive post is flagged x the penalty they
fear, relative to `penalty_scale`. Sensitive posts are held back with probability
`sensitivity` x that, ordinary posts with `chill` x that. The baseline behaviour asks this plug-in
which intended posts are made; switched off, everyone posts what they mean to.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Behavior, Day, PluginParams, World

__all__ = ["SelfCensorship"]


class SelfCensorshipParams(PluginParams):
    flag_chance: float = Field(
        0.7, ge=0, le=1, description="perceived chance a sensitive post is flagged"
    )
    penalty: float = Field(10.0, ge=0, description="points a citizen fears losing per flagged post")
    penalty_scale: float = Field(10.0, gt=0, description="fear saturates at this many points")
    sensitivity: float = Field(0.8, ge=0, le=1, description="holding back sensitive posts")
    chill: float = Field(0.1, ge=0, le=1, description="holding back ordinary posts")


class SelfCensorship(Behavior):
    """Holds back posts in proportion to perceived surveillance; counts what was not said."""

    Params = SelfCensorshipParams
    params: SelfCensorshipParams

    def init(self, world: World) -> None:
        self.world = world
        self.stream = world.stream(f"behavior.{self.name}.hold_back")
        self.suppressed_day, self.suppressed = -1, np.empty(0, np.int32)
        world.offer("self_censorship", self)

    def act(self, day: Day) -> None:
        """Nothing of its own: it answers the baseline behaviour's `keep` (in any order)."""

    def suppressed_on(self, day: int) -> np.ndarray:
        """Citizens who held back a post on `day`."""
        return self.suppressed if self.suppressed_day == day else np.empty(0, np.int32)

    def perceived_surveillance(self, citizens: np.ndarray) -> np.ndarray:
        """Real-name attribution x flag chance x feared penalty, between 0 and 1."""
        accounts = self.world.services.get("accounts")
        named = (
            np.ones(citizens.shape[0])
            if accounts is None
            else (accounts.holder(citizens) == citizens)
        )
        p = self.params
        return named * p.flag_chance * min(p.penalty / p.penalty_scale, 1.0)

    def keep(self, day: int, citizens: np.ndarray, sensitive: np.ndarray) -> np.ndarray:
        """Which intended posts are made; the others are counted as suppressed today."""
        p = self.params
        fear = self.perceived_surveillance(citizens)
        hold = np.where(sensitive, p.sensitivity, p.chill) * fear
        made = self.stream.uniform(day, citizens) >= hold
        held = citizens[~made]
        if self.suppressed_day == day:
            held = np.concatenate([self.suppressed, held])
        self.suppressed_day, self.suppressed = day, held
        return made
