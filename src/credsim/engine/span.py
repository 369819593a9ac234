"""What the full world and the sealed record-only world share: the citizens this process
simulates, its random streams and its calendars."""

from __future__ import annotations

import numpy as np

from credsim.engine.rng import Stream
from credsim.engine.schedule import Calendar

__all__ = ["Span"]


class Span:
    """Methods over `seed`, `n`, `lo`, `hi` and `calendars`, which the subclass holds."""

    __slots__ = ()
    seed: int
    n: int
    lo: int
    hi: int
    calendars: list[Calendar]

    @property
    def sharded(self) -> bool:
        """Whether this process simulates only part of the population."""
        return self.lo > 0 or self.hi < self.n

    def own(self) -> np.ndarray:
        """The citizens this process simulates, in order."""
        return np.arange(self.lo, self.hi, dtype=np.int64)

    def hits(self, stream: Stream, day: int, p: float) -> np.ndarray:
        """Own living citizens hit with probability p each today (the whole run's draws,
        restricted; empty slots of a population with births and deaths are never hit)."""
        hit = stream.hits(day, self.n, p, self.lo, self.hi)
        alive = getattr(self, "alive", None)
        return hit if alive is None else hit[alive(hit)]

    def stream(self, name: str) -> Stream:
        """The random stream `name`; the same name always gives the same draws."""
        return Stream(self.seed, name)

    def calendar(self, fields: dict[str, str]) -> Calendar:
        """A new calendar of future events (its memory is counted in the run's byte budget)."""
        cal = Calendar(fields)
        self.calendars.append(cal)
        return cal
