"""What every points-based policy shares: a score column, points per record kind, bounds, grades,
recovery of deductions after a while, a network term from friends' scores, and what the citizen
is told (opacity), and the lists it reads (credsim.policies.listings).

Every change to a score is a logged score change with its record and rule: a record's points, the
later recovery of those points (same record, rule `<policy>:recovery`) and the network term's
moves (no record, rule `<policy>:network`), and a listing's drop and its return (the listing's
record, rules `<policy>:listed.<list>` and `<policy>:delisted.<list>`). So base + the sum of a
citizen's changes = the final score, for every citizen and every policy.
"""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np
from numba import njit
from pydantic import Field, model_validator

from credsim.engine import Column, PluginParams, Policy, PublicDay, RecordWorld, ScoreInfo
from credsim.engine.checks import MAX_LABELS
from credsim.engine.release import give_back_memory
from credsim.policies.friends_term import FriendSums, friend_sums_columns
from credsim.policies.listings import ListPoints, ListReader

__all__ = ["ScoringParams", "ScoringPolicy", "apply_points", "merge_with_defaults"]

INT16 = (-32768, 32767)
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
Opacity = Literal["nothing", "grade", "score", "itemised"]


def merge_with_defaults(cls, data, field: str):
    """Let a scenario change one entry of a table of named parts (a dimension, a category)
    without restating the others: its keys are merged into the plug-in's default table."""
    if not isinstance(data, dict) or not isinstance(data.get(field), dict):
        return data
    factory = cls.model_fields[field].default_factory
    defaults = {k: v.model_dump() for k, v in factory().items()} if factory else {}
    merged = dict(defaults)
    for name, part in data[field].items():
        merged[name] = {**defaults.get(name, {}), **part} if isinstance(part, dict) else part
    return {**data, field: merged}


class ScoringParams(PluginParams):
    floor: int = Field(0, ge=INT16[0], le=INT16[1], description="lowest possible score")
    ceiling: int = Field(2000, ge=INT16[0], le=INT16[1], description="highest possible score")
    grades: dict[str, int] = Field(
        default_factory=dict, description="grade -> lowest score of that grade, best first"
    )
    recovery_days: int = Field(
        0, ge=0, le=32000, description="days after which a deduction is given back (0: never)"
    )
    max_change_per_day: int = Field(
        0, ge=0, le=INT16[1], description="cap on one citizen's change in a day (0: none)"
    )
    network_weight: float = Field(
        0.0, ge=0, le=1, description="weight of friends' mean score (its distance from the start)"
    )
    network_cadence_days: int = Field(30, ge=1, le=3650, description="days between updates")
    network_layer: Literal["friends", "work", "family"] = "friends"
    opacity: Opacity = Field("score", description="what a citizen is told of their standing")
    min_age: int = Field(
        0,
        ge=0,
        le=100,
        description="score only citizens at least this old; a minor's records are not scored "
        "and a minor has no score in it (0: everyone)",
    )
    consent_share: float = Field(
        1.0,
        ge=0,
        le=1,
        description="share of citizens who consent to be scored; records of the others are "
        "not scored (Rongcheng's current measures need consent)",
    )
    sources: list[str] | None = Field(
        None,
        description="price only the records of these sources (a credit bureau reading its own "
        "file); None: records of every source",
    )
    lists: dict[str, ListPoints] = Field(
        default_factory=dict,
        description="list -> what a listing on it does to the score (points, or a drop into a "
        "grade), given back on removal; read a day after the list acts",
    )

    @model_validator(mode="after")
    def _bounds(self) -> ScoringParams:
        # Here, not on the fields: policies that redefine floor, ceiling or grades keep the check.
        for what, value in [("floor", self.floor), ("ceiling", self.ceiling), *self.grades.items()]:
            if not INT16[0] <= value <= INT16[1]:
                raise ValueError(f"{what} = {value} lies outside the int16 score scale")
        if len(self.grades) > MAX_LABELS:
            raise ValueError(f"at most {MAX_LABELS} grades (got {len(self.grades)})")
        if self.floor > self.ceiling:
            raise ValueError(f"floor {self.floor} is above ceiling {self.ceiling}")
        bounds = list(self.grades.values())
        if any(a <= b for a, b in itertools.pairwise(bounds)):
            raise ValueError(f"grade bounds must fall from best to worst grade, got {self.grades}")
        return self


@njit(cache=True)
def _apply(score, citizens, points, floor, ceiling, cap, delta_out, after_out):
    """Apply points in order, clamped to the bounds and (cap > 0) to a citizen's daily cap;
    with a cap, each citizen's rows must be consecutive (in record order)."""
    moved = 0
    for i in range(citizens.shape[0]):
        c = citizens[i]
        if i == 0 or citizens[i - 1] != c:
            moved = 0
        want = points[i]
        if cap > 0:
            want = min(max(want, -cap - moved), cap - moved)
        old = np.int32(score[c])
        new = min(max(old + want, floor), ceiling)
        score[c] = new
        delta_out[i] = new - old
        after_out[i] = new
        moved += new - old


def apply_points(score, citizens, points, floor: int, ceiling: int, cap: int = 0):
    """(applied delta, score after) per row; rows of one citizen apply in their given order."""
    n = citizens.shape[0]
    order = np.argsort(citizens, kind="stable") if cap > 0 else np.arange(n)
    delta = np.empty(n, np.int32)
    after = np.empty(n, np.int32)
    _apply(
        score, citizens[order], points[order].astype(np.int32), floor, ceiling, cap, delta, after
    )
    out_delta, out_after = np.empty_like(delta), np.empty_like(after)
    out_delta[order], out_after[order] = delta, after
    return out_delta, out_after


class ScoringPolicy(Policy):
    """Shared machinery; subclasses give the points per record kind and the base scores."""

    params: ScoringParams

    def __init__(self, name: str, params: ScoringParams) -> None:
        super().__init__(name, params)
        self.list_reader = ListReader(self)

    @property
    def column(self) -> str:
        return f"score.{self.name}"

    @property
    def network_column(self) -> str | None:
        return f"network.{self.name}" if self.params.network_weight > 0 else None

    def points(self) -> dict[str, tuple[str, float]]:
        """Record kind -> (rule name, points)."""
        raise NotImplementedError

    def base_scores(self, world: RecordWorld, citizens: np.ndarray) -> np.ndarray:
        """Each citizen's score before any record (int)."""
        raise NotImplementedError

    def reference(self) -> float:
        """The score the network term measures friends against."""
        return (self.params.floor + self.params.ceiling) / 2

    def score_info(self) -> ScoreInfo:
        p = self.params
        return ScoreInfo(
            self.column,
            p.floor,
            p.ceiling,
            tuple(p.grades.items()),
            p.opacity,
            self.network_column,
            min_age=p.min_age,
        )

    def columns(self) -> list[Column]:
        cols = [Column(self.column, "int16", owner=self.name, doc="score")]
        if self.network_column:
            # The term is weight x (friends' mean - a reference inside the score's range): a
            # byte holds it when that cannot pass 127 points.
            p = self.params
            small = p.network_weight * (p.ceiling - p.floor) <= 127
            dtype = "int8" if small else "int16"
            cols.append(Column(self.network_column, dtype, owner=self.name, doc="friends' term"))
            if self.params.network_layer == "friends":
                cols += friend_sums_columns(self.name)
        return cols + self.list_reader.columns()

    def needs(self) -> list[str]:
        """Ties citizens cut, taken out of the friends' term (a public service)."""
        return ["cut_ties"] if self.network_column else []

    def init(self, world: RecordWorld) -> None:
        self.world = world
        world.offer(f"policy:{self.name}", self)
        self.scores = world.state[self.column]
        for start in range(world.lo, world.hi, 1 << 20):
            chunk = np.arange(start, min(start + (1 << 20), world.hi))
            self.scores[chunk] = np.clip(self.base_scores(world, chunk), -32768, 32767)
        codes = world.codes
        self.policy_code = codes.code("policy", self.name)
        size = len(codes.names("record_kind"))
        self.points_by_code = np.zeros(size, np.float64)
        self.rule_by_code = np.full(size, -1, np.int32)
        for kind, (rule, pts) in self.points().items():
            code = codes.code("record_kind", kind)
            self.points_by_code[code] = pts
            self.rule_by_code[code] = codes.code("rule", f"{self.name}:{rule}")
        self.source_codes = None
        if self.params.sources is not None:
            self.source_codes = np.array([codes.code("source", s) for s in self.params.sources])
        self.recovery_rule = codes.code("rule", f"{self.name}:recovery")
        self.network_rule = codes.code("rule", f"{self.name}:network")
        self.recoveries = world.calendar(
            {"citizen": "int32", "points": "int32", "record_id": "int64"}
        )
        self.friend_sums = FriendSums.of(world, self.name)
        self.list_reader.init(world)

    def score(self, day: PublicDay) -> None:
        due = self.recoveries.pop(day.day)
        if due["citizen"].shape[0]:
            rules = np.full(due["citizen"].shape[0], self.recovery_rule)
            self._change(day, due["citizen"], due["points"], due["record_id"], rules, False)
        self.list_reader.score(day)
        records = day.records
        kind = records["kind"]
        rule = self.rule_by_code[kind]
        priced = rule >= 0
        if self.source_codes is not None and priced.any():
            priced &= np.isin(records["source"], self.source_codes)
        if self.params.consent_share < 1.0 and priced.any():
            priced &= self.consents(records["attributed_to"])
        if self.params.min_age > 0 and priced.any():
            priced &= self.of_age(records["attributed_to"])
        if priced.any():
            points = np.rint(self.points_by_code[kind[priced]]).astype(np.int32)
            citizens = records["attributed_to"][priced]
            self._change(day, citizens, points, records["record_id"][priced], rule[priced], True)
        p = self.params
        if p.network_weight > 0 and day.day > 0 and day.day % p.network_cadence_days == 0:
            self._network(day)

    def of_age(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen is old enough to be scored (and alive, if people die)."""
        ok = self.world.state["age"][citizens] >= self.params.min_age
        return ok if self.world.alive is None else ok & self.world.alive(citizens)

    def consents(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen consented to this policy's scoring (fixed per citizen)."""
        draw = self.world.stream(f"policy.{self.name}.consent").uniform(0, citizens)
        return draw < self.params.consent_share

    def apply_change(self, day: PublicDay, citizens, points, record_ids, rules) -> np.ndarray:
        """Apply and log score changes that are never recovered nor capped (a listing's drop or
        return); the applied deltas, clamped to the bounds."""
        return self._change(day, citizens, points, record_ids, rules, recover=False, cap=0)

    def _change(
        self,
        day: PublicDay,
        citizens,
        points,
        record_ids,
        rules,
        recover: bool,
        cap: int | None = None,
    ) -> np.ndarray:
        """Apply and log score changes; schedule recoveries of deductions. Returns the deltas.
        `record_ids` and `rules` are per citizen, or one for all (a friends' term move)."""
        p = self.params
        limit = p.max_change_per_day if cap is None else cap
        delta, after = apply_points(self.scores, citizens, points, p.floor, p.ceiling, limit)
        changed = delta != 0
        day.score_changes.add(
            day=day.day,
            citizen=citizens[changed],
            policy=self.policy_code,
            delta=delta[changed],
            score=after[changed],
            record_id=record_ids if np.ndim(record_ids) == 0 else record_ids[changed],
            rule=rules if np.ndim(rules) == 0 else rules[changed],
        )
        if recover and p.recovery_days > 0:
            lost = changed & (delta < 0)
            self.recoveries.push(
                np.full(int(lost.sum()), day.day + p.recovery_days),
                citizen=citizens[lost],
                points=-delta[lost],
                record_id=np.broadcast_to(record_ids, lost.shape)[lost],
            )
        return delta

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

    def holds_score(self) -> np.ndarray | None:
        """Whether each citizen of the run holds a score in this policy now (old enough, alive,
        in its regions), filled for this process's citizens only; None when everyone does."""
        if self.params.min_age == 0 and self.scope is None and self.world.alive is None:
            return None
        world = self.world
        out = np.zeros(world.n, bool)
        for start in range(world.lo, world.hi, 1 << 20):
            chunk = np.arange(start, min(start + (1 << 20), world.hi))
            out[chunk] = self.of_age(chunk) & self.in_scope(chunk)
        return out

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
