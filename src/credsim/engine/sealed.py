"""The sealed record-only world: what policies and consequences are given at start-up.

Scores and status may depend only on records. A policy or consequence therefore receives a
`RecordWorld`, built for it alone, that holds the run's size, codes, traits and graph, the public
state columns (the arrays themselves, never the `State` that also holds the truth columns), its own
calendars, and the services it declared (`Plugin.needs`). Each such service must itself be a
policy, a consequence or a `PublicService` (an object that holds no truth). There is no shared
service locator and no attribute that leads back to the full `World`: what a record-only part
offers to others (`offer`) is collected by the engine after its `init`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from credsim.engine.schedule import Calendar
from credsim.engine.span import Span

if TYPE_CHECKING:
    from credsim.engine.state import StateView
    from credsim.engine.traits import Trait
    from credsim.engine.world import Codebook, SanctionInfo, ScoreInfo, World

__all__ = ["PublicService", "RecordWorld", "ServiceError"]


class PublicService:
    """Marker of a service that holds no truth, so policies and consequences may be given it."""


class ServiceError(RuntimeError):
    """A record-only part declared a service that could lead it to the truth."""


class RecordWorld(Span):
    """The run as a policy or consequence sees it: records' public side only."""

    __slots__ = (
        "alive",
        "calendars",
        "codes",
        "days",
        "graph",
        "hi",
        "lo",
        "localities",
        "n",
        "offered",
        "people_per_agent",
        "sanctions",
        "scores",
        "seed",
        "services",
        "start",
        "state",
        "traits",
    )

    def __init__(self, world: World, services: dict[str, object]) -> None:
        state = world.state
        self.state: StateView = state.view() if hasattr(state, "view") else state
        self.seed: int = world.seed
        self.days: int = world.days
        self.n: int = world.n
        self.people_per_agent: int = world.people_per_agent
        self.codes: Codebook = world.codes
        self.traits: dict[str, Trait] = dict(world.traits)
        self.graph = world.graph
        self.scores: dict[str, ScoreInfo] = dict(world.scores)
        self.sanctions: dict[str, SanctionInfo] = dict(world.sanctions)
        self.lo, self.hi = world.lo, world.hi
        self.start: dt.date = world.start
        """The date of day 0."""
        self.localities: np.ndarray | None = world.localities
        self.alive = world.alive
        """Whether each citizen given is alive (public: the register of deaths), if the
        population has births and deaths; None otherwise."""
        self.services: dict[str, object] = dict(services)
        self.calendars: list[Calendar] = []
        self.offered: dict[str, object] = {}

    @classmethod
    def sealed_for(cls, world: World, owner: str, needs: list[str]) -> RecordWorld:
        """The world of record-only plug-in `owner`, with the declared services it may read."""
        from credsim.engine.plugin import Consequence, Policy

        given = {}
        for name in needs:
            service = world.services.get(name)
            if service is None:
                continue
            if not isinstance(service, Policy | Consequence | PublicService):
                raise ServiceError(
                    f"{owner} declares the service {name!r}, a {type(service).__name__}: "
                    "policies and consequences may be given only policies, consequences and "
                    "public services (credsim.engine.sealed.PublicService)"
                )
            given[name] = service
        return cls(world, given)

    def offer(self, name: str, service: object) -> None:
        """Make this plug-in (or a public object of it) a service other plug-ins can declare."""
        self.offered[name] = service
