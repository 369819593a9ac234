"""Self-censorship: citizens hold back posts when they feel watched, and learn what a post costs.

A post is held back with chance real-name x perceived flag chance x responsiveness x fear, where

- real-name: the citizen posts from a number registered to themselves (the `accounts` service);
- sensitive posts: `flag_chance` x `sensitivity`; ordinary posts: `chill` (the small share of
  ordinary posts a fully afraid citizen holds back, as ordinary posts are rarely flagged);
- fear, between 0 and 1: `background_fear` (fear of what the run does not model: police visits,
  and account closures and detention unless speech enforcement is on) plus the rest up to 1 in
  proportion to what the citizen believes a flagged post costs, relative to `penalty_scale`.

What a flagged post costs is learned, never assumed: a citizen told of a deduction, a drop of
grade, a warning, a listing, a closed account or a detention for a `post_flagged` record
(credsim.engine.notices; speech enforcement is consequences.speech_enforcement) remembers the
points (a grade drop counts as the full `penalty_scale`, a sanction as the most a post can cost);
their household learns it with them and each friend with chance `hear_share`. So fear reads the
sanctions the people around a citizen actually met. `penalty` is what citizens believe before
anyone has learned anything (0: nothing). Where a flagged post is free, or the cost is never told,
fear stays at the background. With `memory_days` > 0 what a learned cost adds to fear halves
every `memory_days` (computed lazily from the day it was learned, for the citizens who post) and
a fresh lesson renews it, so fear falls again when enforcement does; 0 keeps it for good. The
baseline behaviour asks this plug-in which intended posts are made; switched off, everyone posts
what they mean to.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Behavior, Column, Day, PluginParams, World
from credsim.engine.sets import among
from credsim.population.households import household_members

__all__ = ["HeldBack", "SelfCensorship"]

FULL = 255
"""`post_penalty_known` of a citizen who knows a flagged post can get them warned, listed, their
account closed or detained."""
SANCTIONS = ("warned", "listed", "account_closed", "detained")
"""Notices of a sanction for a flagged post (credsim.engine.notices)."""
UNTIL_MAX = 65535


class SelfCensorshipParams(PluginParams):
    flag_chance: float = Field(
        0.7, ge=0, le=1, description="perceived chance a sensitive post is flagged"
    )
    sensitivity: float = Field(
        0.8,
        ge=0,
        le=1,
        description="share of sensitive posts held back at a sure flag and full fear",
    )
    chill: float = Field(
        0.01, ge=0, le=1, description="share of ordinary posts held back at full fear"
    )
    background_fear: float = Field(
        0.45,
        ge=0,
        le=1,
        description="fear of sanctions outside the credit system (0-1), the same for everyone",
    )
    penalty: float = Field(
        0.0,
        ge=0,
        le=10_000,
        description="points citizens believe a flagged post costs before learning",
    )
    penalty_scale: float = Field(
        10.0, gt=0, le=10_000, description="a known cost of this many points makes fear complete"
    )
    hear_share: float = Field(
        0.3, ge=0, le=1, description="chance a friend hears what a flagged post cost someone"
    )
    record: str = Field("post_flagged", description="record kind of a flagged post")
    memory_days: float = Field(
        0.0,
        ge=0,
        le=36500,
        description="half-life in days of a learned cost (0: never forgotten); with it, fear "
        "follows enforcement down as well as up",
    )


class HeldBack:
    """The posts one day held back: who, whether the post was sensitive, and whether it would
    have been made with the background fear alone (held back because of the credit system)."""

    def __init__(self, day: int = -1) -> None:
        self.day = day
        self.citizens = np.empty(0, np.int32)
        self.sensitive = np.empty(0, bool)
        self.by_credit = np.empty(0, bool)

    def add(self, citizens: np.ndarray, sensitive: np.ndarray, by_credit: np.ndarray) -> None:
        self.citizens = np.concatenate([self.citizens, citizens.astype(np.int32)])
        self.sensitive = np.concatenate([self.sensitive, sensitive])
        self.by_credit = np.concatenate([self.by_credit, by_credit])


class SelfCensorship(Behavior):
    """Holds back posts in proportion to perceived surveillance and the learned cost of a flag."""

    singleton = True  # the post_penalty_known column and the self_censorship service
    Params = SelfCensorshipParams
    params: SelfCensorshipParams
    live = ("background_fear", "chill", "sensitivity", "flag_chance", "hear_share")

    def columns(self) -> list[Column]:
        cols = [
            Column(
                "post_penalty_known",
                "uint8",
                owner=self.name,
                truth=True,
                doc="points the citizen believes a flagged post costs, learned from notices "
                "to them, their household or friends (255: a sanction)",
            )
        ]
        if self.params.memory_days > 0:
            cols.append(
                Column(
                    "post_penalty_day",
                    "uint16",
                    owner=self.name,
                    truth=True,
                    doc="day the citizen last learned what a flagged post costs (what they "
                    "believe fades from it)",
                )
            )
        return cols

    def init(self, world: World) -> None:
        self.world = world
        self.known = world.state["post_penalty_known"]
        self.learned_on = world.state["post_penalty_day"] if self.params.memory_days > 0 else None
        self.stream = world.stream(f"behavior.{self.name}.hold_back")
        self.hear = world.stream(f"behavior.{self.name}.hear")
        self.flagged = world.codes.code("record_kind", self.params.record)
        self.held = HeldBack()
        world.offer("self_censorship", self)

    def act(self, day: Day) -> None:
        """Learn from yesterday's notices what a flagged post cost; posts are decided in `keep`."""
        learned, points = self._told(day.day)
        if learned.shape[0] == 0:
            return
        self._learn(day.day, learned, points)
        owner, kin = household_members(self.world.state["household"], learned)
        self._learn(day.day, kin, points[np.searchsorted(learned, owner)])
        if self.params.hear_share > 0 and self.world.graph is not None:
            at, friend = self.world.graph.friend_pairs(learned)
            hears = self.hear.uniform(day.day, friend) < self.params.hear_share
            self._learn(day.day, friend[hears], points[at[hears]])

    def _told(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Citizens told yesterday of a penalty for a flagged post (ascending), and the points."""
        notices = self.world.notices
        told = notices.yesterday if notices is not None else {}
        if not told or not told["citizen"].shape[0]:
            return np.empty(0, np.int64), np.empty(0)
        code = notices.code
        # Only notices about a flagged post teach anything: the rest are left unread.
        rows = np.flatnonzero(self._record_kinds(told) == self.flagged)
        kind, value = told["notice"][rows], told["value"][rows].astype(np.float64)
        points = np.where(kind == code["points"], -value, float(FULL))
        sanctions = [code[k] for k in SANCTIONS]
        adverse = (kind == code["points"]) & (value < 0)
        adverse |= among(kind, [code["grade_down"], *sanctions])
        if not adverse.any():
            return np.empty(0, np.int64), np.empty(0)
        who = told["citizen"][rows[adverse]].astype(np.int64)
        scale = self.params.penalty_scale
        # A grade drop or a sanction says only that it cost much: the full scale at least.
        points = np.where(kind[adverse] == code["points"], points[adverse], max(scale, 1.0))
        points = np.where(among(kind[adverse], sanctions), FULL, points)
        order = np.lexsort((-points, who))
        who, points = who[order], points[order]
        first = np.ones(who.shape[0], bool)
        first[1:] = who[1:] != who[:-1]
        return who[first], points[first]

    def _record_kinds(self, told: dict) -> np.ndarray:
        """The kind of record each notice was for: the notice says so where the engine names it;
        otherwise the record it names among yesterday's (a notice is the citizen being shown it)."""
        kinds = np.full(told["citizen"].shape[0], -1, np.int16)
        if "record_kind" in told:
            kinds = told["record_kind"].astype(np.int16)  # a copy: the lookup below fills it
        records = self.world.yesterday_records
        missing = kinds < 0
        missing &= told["record_id"] >= 0
        if missing.any() and records and records["record_id"].shape[0]:
            ids, rkind = records["record_id"], records["kind"]
            order = np.argsort(ids, kind="stable")
            ids, rkind = ids[order], rkind[order]
            wanted = told["record_id"][missing]
            at = np.minimum(np.searchsorted(ids, wanted), ids.shape[0] - 1)
            kinds[missing] = np.where(ids[at] == wanted, rkind[at], -1)
        return kinds

    def _learn(self, day: int, who: np.ndarray, points: np.ndarray) -> None:
        if who.shape[0] == 0:
            return
        value = np.minimum(np.ceil(points), FULL).astype(np.uint8)
        if self.learned_on is None:
            np.maximum.at(self.known, who, value)
            return
        # Fading memory: a lesson replaces what a citizen remembers when it weighs at least as
        # much as what is left of it today (a fresh sanction renews the fear).
        order = np.lexsort((-value.astype(np.int64), who))
        who, value = who[order], value[order]
        first = np.ones(who.shape[0], bool)
        first[1:] = who[1:] != who[:-1]
        who, value = who[first], value[first]
        scale = self.params.penalty_scale
        take = np.minimum(value / scale, 1.0) >= self._learned_cost(who, day)
        self.known[who[take]] = value[take]
        self.learned_on[who[take]] = min(day, UNTIL_MAX)

    def _learned_cost(self, citizens: np.ndarray, day: int) -> np.ndarray:
        """What each citizen's learned cost of a flagged post adds to their fear on `day`, as a
        share of the most it can add (0-1), faded since it was learned."""
        cost = np.minimum(self.known[citizens] / self.params.penalty_scale, 1.0)
        if self.learned_on is None:
            return cost
        elapsed = np.maximum(day - self.learned_on[citizens].astype(np.int64), 0)
        return cost * np.exp2(-elapsed / self.params.memory_days)

    def fear(self, citizens: np.ndarray, day: int = 0) -> tuple[np.ndarray, float]:
        """Each citizen's fear (0-1) on `day`, and the background fear alone."""
        p = self.params
        if self.learned_on is None:
            believed = np.maximum(self.known[citizens].astype(np.float64), p.penalty)
            cost = np.minimum(believed / p.penalty_scale, 1.0)
        else:
            prior = min(p.penalty / p.penalty_scale, 1.0)
            cost = np.maximum(self._learned_cost(citizens, day), prior)
        return p.background_fear + (1.0 - p.background_fear) * cost, p.background_fear

    def named(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen posts from a number registered to themselves."""
        accounts = self.world.services.get("accounts")
        if accounts is None:
            return np.ones(citizens.shape[0])
        return (accounts.holder(citizens) == citizens).astype(np.float64)

    def held_on(self, day: int) -> HeldBack:
        """The posts held back on `day`."""
        return self.held if self.held.day == day else HeldBack(day)

    def suppressed_on(self, day: int) -> np.ndarray:
        """Citizens who held back a post on `day`."""
        return self.held_on(day).citizens

    def keep(self, day: int, citizens: np.ndarray, sensitive: np.ndarray) -> np.ndarray:
        """Which intended posts are made; the others are counted as held back today."""
        p = self.params
        fear, background = self.fear(citizens, day)
        watched = self.named(citizens) * np.where(sensitive, p.flag_chance * p.sensitivity, p.chill)
        u = self.stream.uniform(day, citizens)
        made = u >= watched * fear
        by_credit = ~made & (u >= watched * background)
        if self.held.day != day:
            self.held = HeldBack(day)
        self.held.add(citizens[~made], sensitive[~made], by_credit[~made])
        return made
