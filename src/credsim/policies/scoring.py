"""What every points-based policy shares: a score column, points per record kind, bounds, grades,
recovery of deductions after a while, a network term from friends' scores
(credsim.policies.network_term), what the citizen is told (opacity), and the lists it reads
(credsim.policies.listings).

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
from credsim.engine.sets import among
from credsim.policies.friends_term import FriendSums, friend_sums_columns
from credsim.policies.listings import ListPoints, ListReader
from credsim.policies.network_term import NetworkTerm

__all__ = ["ScoringParams", "ScoringPolicy", "apply_points", "merge_with_defaults"]

INT16 = (-32768, 32767)
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


class ScoringPolicy(NetworkTerm, Policy):
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
            priced &= among(records["source"], self.source_codes)
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
