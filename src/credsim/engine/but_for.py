"""But-for: the same run without its erroneous records, stepped beside it.

A citizen is wrongfully sanctioned when the run sanctions them and the same run without the
erroneous records does not. The counterfactual is a second simulation of the same scenario, seed,
population and graph with every source's errors off (no misattribution, fabrication or false
non-match) and no adversaries; counter-based draws give it the same acts wherever behaviour has
not diverged. The engine steps it first each day; metrics compare the two (`Metric.compare_with`).
It has no metrics and writes no events of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credsim.engine.day import Day
    from credsim.engine.world import World

__all__ = ["ButFor"]


@dataclass
class ButFor:
    """What metrics may read of the counterfactual: its world and the day it just stepped (its
    sanctions and records; its acts, score changes and notices are let go when it ends)."""

    world: World | None
    day: Day | None = None

    def let_go(self) -> None:
        """Drop the counterfactual once the plug-ins have taken their end-of-run tallies (a shard,
        before it hands its simulation to the head): metrics keep only that it was computed."""
        self.world = self.day = None
