"""Restraints: citizens a consequence holds (detention, a closed account) do not act meanwhile.

A consequence that restrains people declares a `Restraint`: a uint16 column holding, for each
citizen, the first day they are free again (0: never held), and the act kinds it stops (none
named: every act). Behaviours ask `World.acting` only about the citizens they have already drawn
for an act, so a restraint costs nothing per citizen per day and nothing at all in a run without
one. Like death, it is a physical fact, not something a citizen is told: it is checked by the
engine, not read by behaviour as state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["UNTIL_MAX", "Restraint", "Restraints"]

UNTIL_MAX = np.iinfo(np.uint16).max
"""The largest day a restraint column can hold (runs of up to 179 years)."""


@dataclass(frozen=True)
class Restraint:
    """A consequence's column of the first day each citizen is free again (0: never held), and
    the act kinds it stops (empty: every act)."""

    column: str
    acts: tuple[str, ...] = ()


class Restraints:
    """Every restraint of a run, asked about citizens drawn for an act."""

    def __init__(self, columns: list[tuple[np.ndarray, np.ndarray | None]]) -> None:
        """`columns`: each restraint's column and, if it stops only some acts, a boolean table
        by act kind code."""
        self.columns = columns

    def free(self, citizens: np.ndarray, day: int, kind: int) -> np.ndarray:
        """Whether each citizen may do an act of kind code `kind` on `day`."""
        out = np.ones(citizens.shape[0], bool)
        if day < 0:  # acts dated before the run: nobody was held yet
            return out
        for until, kinds in self.columns:
            if kinds is not None and not kinds[kind]:
                continue
            _and_free(until, np.asarray(citizens), np.int64(day), out)
        return out


@njit(cache=True)
def _and_free(until, citizens, day, out):
    """out[i] &= until[citizens[i]] <= day: one pass, no temporaries."""
    for i in range(citizens.shape[0]):
        if until[citizens[i]] > day:
            out[i] = False
