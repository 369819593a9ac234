"""A counterfactual stepped through every day before its run is built, of which only what the
metrics ask is kept (credsim.engine.but_for).

A run and its counterfactual beside it hold two simulations' state and transients at once (with
the default about 30 bytes a citizen of the counterfactual's own state). Stepped first, the
counterfactual is let go before the run's state is made: the run then holds, besides its own,
a bit a citizen for who is on some list in the counterfactual today, one for where that started
and one for each perk at the end, and a few bytes per listing, removal and refusal of the
counterfactual. The answers are the same as beside it (tested for every bundled scenario with a
counterfactual, day by day): it runs alone from the same seed, and nothing in it reads the run.

Who is on some list changes only for citizens named in a day's sanctions (listed, removed,
died), so each day keeps only the citizens whose standing flipped."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from credsim.engine import stop
from credsim.engine.but_for import ButFor, listed_in, moved_in, refused_in
from credsim.engine.sets import unique

if TYPE_CHECKING:
    from credsim.engine.loop import Simulation
    from credsim.engine.world import Codebook, World

__all__ = ["Ahead", "AheadSteps", "step_ahead"]

CHUNK = 1 << 20
"""Citizens whose standing is read at a time (at the start, and for perks at the end)."""


@dataclass
class _Day:
    """What is kept of one day of the counterfactual."""

    moved: np.ndarray
    flipped: np.ndarray
    refused: np.ndarray
    refused_kinds: np.ndarray


_NONE = np.empty(0, np.int32)
_GONE = _Day(_NONE, _NONE, _NONE, np.empty(0, np.uint8))
"""A day already replayed."""


@dataclass
class Ahead(ButFor):
    """The answers of a counterfactual stepped ahead, replayed day by day (`advance`)."""

    codes: Codebook
    lo: int
    start: np.ndarray
    """Who was on some list before day 0, as bits (citizen `lo` first)."""
    days: list[_Day]
    perks: dict[str, np.ndarray] | None
    """Perk -> who qualifies at the end, as bits (None: the counterfactual offers no perks)."""
    seconds: float = 0.0
    """The time its days took to step."""
    twin_bytes: int = 0
    """Its state and the peak of its calendars (`Simulation.resident_bytes`)."""
    today: int = -1

    def __post_init__(self) -> None:
        self.now = self.start.copy()
        """Who is on some list at the end of `today`, as bits."""

    def advance(self, day: int) -> None:
        """Move to the end of `day` (days come in order, each once), letting go of the day
        before."""
        assert day == self.today + 1, (day, self.today)
        if day > 0:
            self.days[day - 1] = _GONE
        self.today = day
        at = self.days[day].flipped - self.lo
        np.bitwise_xor.at(self.now, at >> 3, (128 >> (at & 7)).astype(np.uint8))

    def listed(self, citizens: np.ndarray) -> np.ndarray:
        return _bits(self.now, citizens - self.lo)

    def moved(self) -> np.ndarray:
        if self.today < 0:
            return np.empty(0, np.int32)
        return self.days[self.today].moved

    def refused(self) -> tuple[np.ndarray, np.ndarray]:
        assert self.today >= 0, "no day stepped yet"
        kept = self.days[self.today]
        return kept.refused, kept.refused_kinds

    def perk_eligible(self, name: str, citizens: np.ndarray) -> np.ndarray | None:
        if self.perks is None:
            return None
        return _bits(self.perks[name], citizens - self.lo)

    def let_go(self) -> None:
        self.days, self.perks = [], None
        self.now = self.start = np.empty(0, np.uint8)

    def nbytes(self) -> int:
        """Bytes held: the standing now and at the start, the rows of each day not yet
        replayed, the perks' bits."""
        rows = sum(a.nbytes for d in self.days for a in vars(d).values())
        perks = sum(p.nbytes for p in (self.perks or {}).values())
        return self.now.nbytes + self.start.nbytes + rows + perks


def step_ahead(twin: Simulation, on_day: Callable[[int], None] | None = None) -> Ahead:
    """Step `twin` through all its days alone and keep what metrics ask of it; `on_day` is told
    each day it finishes."""
    steps = AheadSteps(twin)
    days = []
    started = time.perf_counter()
    for day in range(twin.days):
        days.append(steps.day(day))
        if on_day is not None:
            on_day(day)
    perks, held = steps.end()
    seconds = time.perf_counter() - started
    return Ahead(steps.codes, steps.lo, steps.start, days, perks, seconds, held)


class AheadSteps:
    """`twin` initialised, then stepped a day at a time keeping what metrics ask of each day:
    here (`step_ahead`) or in a process of its own (credsim.engine.but_for_alongside)."""

    def __init__(self, twin: Simulation) -> None:
        twin.initialise()
        self.twin, world = twin, twin.world
        self.codes, self.lo = world.codes, world.lo
        now = np.zeros(world.hi - world.lo, bool)
        for s in range(world.lo, world.hi, CHUNK):
            now[s - self.lo : s - self.lo + CHUNK] = listed_in(
                world, np.arange(s, min(s + CHUNK, world.hi))
            )
        self.now = now
        self.start = np.packbits(now)
        """Who was on some list before day 0, as bits (citizen `lo` first)."""

    def day(self, day: int) -> _Day:
        """Step through `day` (days in order) and keep what metrics ask of it."""
        world = self.twin.world
        d = self.twin.step(day)
        stop.honour()
        assert world.notices is not None
        world.notices.settle()  # nothing reads the counterfactual's notices table
        named = unique(d.sanctions["citizen"])
        standing = listed_in(world, named)
        changed = standing != self.now[named - self.lo]
        self.now[named[changed] - self.lo] = standing[changed]
        refused, kinds = refused_in(world.codes, d)
        return _Day(moved_in(world.codes, d), named[changed], refused, kinds)

    def end(self) -> tuple[dict[str, np.ndarray] | None, int]:
        """After the last day: who qualifies for each perk (as bits), and the bytes the
        counterfactual held (its state and the peak of its calendars)."""
        return _perks(self.twin.world), self.twin.resident_bytes()


def _bits(bits: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Bits `at` of a packed array (`np.packbits`' order: the first in the top bit)."""
    return (bits[at >> 3] & (128 >> (at & 7))) > 0


def _perks(world: World) -> dict[str, np.ndarray] | None:
    """Who qualifies for each perk at the end, as bits."""
    perks = world.services.get("perks")
    if perks is None:
        return None
    out = {}
    for name in perks.offered:
        eligible = [
            perks.eligible(name, np.arange(s, min(s + CHUNK, world.hi)))
            for s in range(world.lo, world.hi, CHUNK)
        ]
        out[name] = np.packbits(np.concatenate(eligible or [np.empty(0, bool)]))
    return out
