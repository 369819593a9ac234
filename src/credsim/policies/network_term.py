"""The network term of a points-based policy: each citizen's share of the score that follows
their friends' scores, moved on its cadence to its new target, every move a logged score change
that names no record (rule `<policy>:network`). Mixed into `ScoringPolicy`, whose score column,
changes, ages and regions it uses; the friends' running sums are credsim.policies.friends_term's.
"""

from __future__ import annotations

import numpy as np

from credsim.engine import PublicDay
from credsim.engine.release import give_back_memory
from credsim.policies.friends_term import FriendSums

__all__ = ["NetworkTerm"]

GIVE_BACK_FROM = 1 << 22
"""Citizens of a process from which a friends' term's day starts by giving freed pages back
(the other days' NumPy temporaries': about 7.5 bytes per agent at 1e7). A year at 1e7 with the
pages given back the day before each term's day peaked at 66.7 bytes per agent, against 69.6
(one run each, docs/memory.md); at 1e6 it cost 8-15 ms a term day (2% of the loop) for pages
that set no peak."""
MOVE_ROWS = 1 << 18
"""Friends' term moves applied and logged at a time (on a day the term moves for most citizens,
each move's temporaries took about 40 bytes)."""
NO_RECORD = np.int64(-1)
"""The record a friends' term move names: none."""


class NetworkTerm:
    """The friends' term's moves and the friends' mean score behind them (for `ScoringPolicy`)."""

    def _network(self, day: PublicDay) -> None:
        """Move each citizen's friends' term to its new target; the move is a logged change.

        The term's day is a run's largest: in a large process it starts by handing back to the
        system the pages other days' temporaries freed (`give_back_memory`), which the C
        allocator kept and its moves would otherwise stack on (see `GIVE_BACK_FROM`)."""
        graph = self.world.graph
        if graph is None:
            return
        if self.world.hi - self.world.lo >= GIVE_BACK_FROM:
            give_back_memory(collect=False)
        term = self.world.state[self.network_column]
        lo, hi = self.world.lo, self.world.hi
        weight, reference = self.params.network_weight, self.reference()
        sums = self._friend_sums()
        if sums is not None:  # only citizens whose rounded term changes come out, a range at a time
            parts = sums.moving_ranges(self._cut_ties(), term, weight, reference, MOVE_ROWS)
        else:
            mean, count = self._friends_mean_by_pass()
            target = np.where(count > 0, np.rint(weight * (mean - reference)), 0)
            target = np.clip(np.nan_to_num(target), -32768, 32767).astype(np.int32)
            moving = lo + np.flatnonzero(target != term[lo:hi])
            parts = [(moving, target[moving - lo])]
        for moving, target in parts:
            self._move(day, moving, target, term)

    def _move(self, day: PublicDay, moving: np.ndarray, target: np.ndarray, term) -> None:
        """Move the friends' terms of citizens `moving` (ascending) to `target`, logging each."""
        if self.scope is not None:
            keep = self.in_scope(moving)
            moving, target = moving[keep], target[keep]
        if self.params.min_age > 0:
            keep = self.of_age(moving)
            moving, target = moving[keep], target[keep]
        if moving.shape[0] == 0:
            return
        rule = np.int32(self.network_rule)
        for start in range(0, moving.shape[0], MOVE_ROWS):  # most citizens move on some days
            citizens = moving[start : start + MOVE_ROWS].astype(np.int32, copy=False)
            want = target[start : start + MOVE_ROWS] - term[citizens].astype(np.int32)
            delta = self._change(day, citizens, want, NO_RECORD, rule, recover=False, cap=0)
            term[citizens] = term[citizens] + delta

    def friends_mean(self) -> tuple[np.ndarray, np.ndarray]:
        """Per citizen of this process: the mean score of the neighbours who hold one (children,
        the dead and those outside the policy's regions have none), NaN if none does, and how many
        do; ties cut by citizens (the `cut_ties` service) are left out, added ties put in."""
        sums = self._friend_sums()
        if sums is not None:
            return sums.mean_and_count(self._cut_ties())
        return self._friends_mean_by_pass()

    def _cut_ties(self):
        """The `cut_ties` service, if the term reads the friendship layer and someone offers it."""
        if self.params.network_layer != "friends":
            return None
        return self.world.services.get("cut_ties")

    def _friend_sums(self) -> FriendSums | None:
        """The running friends' sums, brought up to date, if they can stand for a full pass
        (not when the graph changes: births and deaths)."""
        sums = self.friend_sums
        if sums is None or self.world.alive is not None:
            return None
        return sums if sums.refresh(self.scores, self.holds_score()) else None

    def _friends_mean_by_pass(self) -> tuple[np.ndarray, np.ndarray]:
        """`friends_mean` from a full pass over the graph."""
        graph = self.world.graph
        layer = self.params.network_layer
        lo, hi = self.world.lo, self.world.hi
        cuts = self._cut_ties()
        scored = self.holds_score()
        if scored is None:
            mean, count = graph.neighbour_mean(self.scores, layer)
            mean, count = mean[lo:hi], count[lo:hi]
            if cuts is not None:
                mean, count = cuts.corrected_mean(mean, count, self.scores, lo)
            return mean, count
        # Mean of (score if scored else 0) over the mean of the scored indicator: the two share
        # a denominator, so their ratio is the mean over scored neighbours.
        held = np.where(scored, self.scores, 0).astype(np.int32)
        share, count = graph.neighbour_mean(scored, layer)
        total, _ = graph.neighbour_mean(held, layer)
        share, total, count = share[lo:hi], total[lo:hi], count[lo:hi]
        if cuts is not None:
            share, kept = cuts.corrected_mean(share, count, scored, lo)
            total, _ = cuts.corrected_mean(total, count, held, lo)
            count = kept
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(share > 0, total / np.where(share > 0, share, 1.0), np.nan)
        scored_count = np.rint(np.nan_to_num(share) * count).astype(np.int32)
        return mean, scored_count
