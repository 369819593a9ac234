"""Where a plug-in works: the regions it covers, and those where it is switched on today.

A scenario may limit a source, policy or consequence to regions (`regions = ["Rongcheng"]`): a
pilot city's scheme scores only its residents. The engine enforces it by what it hands the
plug-in: a scoped source sees only the acts of citizens in scope, a scoped policy or consequence
only their records and score changes. What a plug-in does on its own initiative (a policy's
friends' term, a perk's eligibility) asks `Plugin.in_scope`. A timeline entry with `regions`
switches a plug-in on or off in those regions only.

Behaviour is what people do and happens everywhere; a region limits the system, not the people.
"""

from __future__ import annotations

import numpy as np

from credsim.engine.batch import Batch
from credsim.engine.regions import region_of

__all__ = ["Scope", "ScopedDay", "within"]


class Scope:
    """Regions a plug-in covers at all (`territory`) and where it is on now (`on`); both are
    boolean arrays over the run's regions (`starts`: [0, ..., n])."""

    def __init__(self, starts: np.ndarray, territory: np.ndarray, on: np.ndarray) -> None:
        self.starts = np.asarray(starts, np.int64)
        self.territory = np.asarray(territory, bool)
        self.on = np.asarray(on, bool) & self.territory

    def contains(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen lives where the plug-in works today."""
        return self.on[region_of(self.starts, np.asarray(citizens, np.int64))]

    def covers(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen lives in the plug-in's territory (on today or not)."""
        return self.territory[region_of(self.starts, np.asarray(citizens, np.int64))]

    def switch(self, regions: np.ndarray, on: bool) -> None:
        """Switch the plug-in on or off in `regions` (a boolean array over regions)."""
        self.on = (self.on | regions) if on else (self.on & ~regions)
        self.on &= self.territory

    def ranges(self) -> list[tuple[int, int]]:
        """The territory as ranges of citizens [lo, hi)."""
        r = np.flatnonzero(self.territory)
        return [(int(self.starts[i]), int(self.starts[i + 1])) for i in r]


def within(batch: Batch, field: str, scope: Scope) -> Batch:
    """The rows of a closed batch whose `field` (a citizen) is in scope today."""
    rows = np.flatnonzero(scope.contains(batch[field]))
    return Batch.of(batch.table, {f: batch.take(f, rows) for f in batch.fields})


class ScopedDay:
    """A day as a scoped source sees it: the acts of citizens in scope; what it writes goes to
    the day's records."""

    __slots__ = ("acts", "day", "records", "sanctions", "score_changes")

    def __init__(self, day, scope: Scope) -> None:
        self.day = day.day
        self.acts = within(day.acts, "actor", scope)
        self.records = day.records
        self.score_changes = day.score_changes
        self.sanctions = day.sanctions
