"""A checkpointed run's counterfactual, stepped first and checkpointed on the way.

A run without checkpoints steps its counterfactual without erroneous records through every day
before it builds its own citizens, keeping only what its metrics ask (credsim.engine.
but_for_ahead): the two are never in memory together. A checkpointed run does the same. While
the counterfactual steps, a checkpoint every DAYS of its days (and one after its last) saves it
with what was kept of its days so far (`TwinCheckpoint`); once it is done, its answers travel
in the run's own checkpoints (a few bytes per listing, removal and refusal of it), and its state
is let go before the run's is made. An interrupted run resumes in whichever phase it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from credsim.engine.but_for_ahead import Ahead, AheadSteps
from credsim.version import __version__

if TYPE_CHECKING:
    from credsim.scenario import Scenario

__all__ = ["TwinCheckpoint", "step_twin"]


@dataclass
class TwinCheckpoint:
    """A checkpointed run's counterfactual after its day `day`: its simulation and what was kept
    of each of its days so far."""

    scenario: Scenario
    steps: AheadSteps
    kept: list = field(default_factory=list)
    """What was kept of each counterfactual day stepped (credsim.engine.but_for_ahead._Day)."""
    day: int = -1
    every: int = 1
    seconds: float = 0.0
    """The time its days took to step, over every session."""
    wall_seconds: float = 0.0
    """The run's wall time so far, over every session."""
    resumes: int = 0
    credsim_version: str = __version__

    @property
    def days(self) -> int:
        return self.steps.twin.days


def step_twin(
    ck: TwinCheckpoint,
    save: Callable[[TwinCheckpoint], None],
    on_day: Callable[[int], None] | None = None,
) -> tuple[Ahead, float]:
    """Step the counterfactual's days after `ck.day`, calling `save(ck)` every `ck.every` days
    and after the last; return its answers and the run's wall time so far (every session).
    `ck` lets go of the counterfactual's simulation on return."""
    steps = ck.steps
    began, seconds, wall = time.perf_counter(), ck.seconds, ck.wall_seconds
    for day in range(ck.day + 1, ck.days):
        ck.kept.append(steps.day(day))
        if on_day is not None:
            on_day(day)
        if (day + 1) % ck.every == 0 or day + 1 == ck.days:
            ck.day = day
            ck.seconds = seconds + time.perf_counter() - began
            ck.wall_seconds = wall + time.perf_counter() - began
            save(ck)
    perks, held = steps.end()
    elapsed = time.perf_counter() - began
    ahead = Ahead(steps.codes, steps.lo, steps.start, ck.kept, perks, seconds + elapsed, held)
    ck.steps, ck.kept = None, []  # type: ignore[assignment]  # its state goes before the run's
    return ahead, wall + elapsed
