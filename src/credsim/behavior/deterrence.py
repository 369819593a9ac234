"""Deterrence: a sanction a citizen was shown makes them less likely to repeat what it punished.

Specific deterrence as the evidence on traffic penalties describes it: a sanction lowers the
punished person's chance of repeating the offence, more for a heavier sanction relative to what
they stand to lose, and the effect fades with time. A citizen learns only through the notices they
received (credsim.engine.notices); each lesson has a severity in [0, 1]:

- a deduction shown as points: `grade` x |points| / the points of one grade of that policy (its
  narrowest band), capped at 1; a grade drop shown as a grade: `grade` per grade lost;
- a warning before listing: `warned`; a listing the citizen is told of: `listed`; a refusal at a
  counter because of a list that did not tell them: `listed` (how they learn of it);
- a fine served for one of their records: `fined` (the families of the act kinds fined).

A lesson deters only the families of acts it punished: those of the act kinds whose records the
deduction priced, or on whose records the list rests (its judgment records); a list that rests on
no record (a list by grade) deters every family. Each citizen keeps one level per family,
D in [0, 1]: a lesson of severity s makes it 1 - (1 - D)(1 - s); it halves every `half_life_days`.
Levels are kept in a byte each as they will stand on one day shared by every citizen, the next
epoch boundary: D on day t is the stored level x 2^((epoch - t) / half-life), exact for any day.
Every `epoch_days` (half a half-life) the boundary moves on and the stored levels are decayed to
it, rounded; a level that falls below one step (1/255) is 0. The citizen's
propensity for the family's acts is multiplied by 1 - `max_effect` x D. Feedback arrives the next
day.

Those told of a lesson learn from it too, for the families in `hear_families` (none by default):
the punished citizen's household, each member with chance `hear_household`, and each friend with
chance `hear_friends`, each at `heard_weight` of its severity (general deterrence by word of
mouth: a caught SIM reseller's family and friends resell less).
"""

from __future__ import annotations

import itertools

import numpy as np
from pydantic import Field, field_validator, model_validator

from credsim.behavior.lessons import lesson_rows
from credsim.engine import Behavior, Column, Day, PluginParams, ScoreInfo, World
from credsim.engine.checks import Probability
from credsim.vocab import ACT_KINDS, check_kind

__all__ = ["Deterrence", "DeterrenceParams"]

LEVELS = 255
"""A family's level is stored as round(D x LEVELS) in a byte, D as it will stand at the next
epoch boundary (at most half a half-life ahead, so at least 0.707 of today's): rounding moves a
propensity multiplier by at most max_effect / 360 at each lesson and each boundary."""
CHUNK = 1 << 20
"""Citizens decayed at a time when the epoch moves on."""


def _families() -> dict[str, list[str]]:
    return {
        "debt": ["loan_default", "card_arrears", "contract_breach"],
        "traffic": ["traffic_violation", "jaywalking"],
        "conduct": ["utility_theft", "train_smoking", "wrong_ticket"],
    }


class Severity(PluginParams):
    grade: float = Field(0.25, ge=0, le=1, description="a grade lost (or a grade's points)")
    warned: float = Field(0.5, ge=0, le=1, description="a warning that a listing will follow")
    listed: float = Field(1.0, ge=0, le=1, description="a listing, or a silent list's refusal")
    fined: float = Field(
        0.25,
        ge=0,
        le=1,
        description="a fine served (assumption, range 0.1-0.5: as a grade lost; the 20 yuan of a "
        "jaywalking fine is small beside a licence suspension's -20%)",
    )


class DeterrenceParams(PluginParams):
    max_effect: float = Field(
        0.2, ge=0, le=1, description="propensity reduction after a lesson of severity 1, fresh"
    )
    half_life_days: float = Field(365.0, gt=0, le=36500, description="days for D to halve")
    severity: Severity = Field(default_factory=Severity)
    families: dict[str, list[str]] = Field(
        default_factory=_families, description="family -> act kinds a lesson about one deters"
    )
    hear_families: list[str] = Field(
        default_factory=list,
        description="families whose lessons the household and friends hear of and learn from",
    )
    hear_household: Probability = Field(
        1.0, description="chance each household member hears of a lesson (hear_families only)"
    )
    hear_friends: Probability = Field(
        0.0, description="chance each friend hears of a lesson (hear_families only)"
    )
    heard_weight: Probability = Field(
        0.5, description="a heard lesson's severity relative to one's own"
    )

    @field_validator("families")
    @classmethod
    def _kinds(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        seen: dict[str, str] = {}
        for family, kinds in v.items():
            for k in kinds:
                check_kind(k, ACT_KINDS, "act kind")
                if k in seen:
                    raise ValueError(f"act kind {k!r} is in two families: {seen[k]}, {family}")
                seen[k] = family
        if len(v) > 16:
            raise ValueError(f"at most 16 families (got {len(v)})")
        return v

    @model_validator(mode="after")
    def _heard(self) -> DeterrenceParams:
        unknown = [f for f in self.hear_families if f not in self.families]
        if unknown:
            raise ValueError(
                f"hear_families names {', '.join(unknown)}, not a family "
                f"(families: {', '.join(self.families)})"
            )
        return self


NOTICE_ROWS = 1 << 20
"""Notices read at a time: on the day a friends' term moves, most citizens are told of a score
change, and the masks and severities of every notice at once took about 40 bytes a notice."""


class Deterrence(Behavior):
    """Sanctions a citizen was shown lower their propensity to repeat what they punished."""

    singleton = True  # the deterred.* columns and the deterrence service
    Params = DeterrenceParams
    params: DeterrenceParams
    live = ("max_effect", "half_life_days", "severity.*")

    def columns(self) -> list[Column]:
        cols = [
            Column(
                f"deterred.{family}",
                "uint8",
                owner=self.name,
                truth=True,
                doc=f"deterrence level D x {LEVELS} for {', '.join(kinds)}, as it will stand "
                "at the next epoch boundary (every half a half-life)",
            )
            for family, kinds in self.params.families.items()
        ]
        return cols

    def init(self, world: World) -> None:
        self.world = world
        self.levels = [world.state[f"deterred.{f}"] for f in self.params.families]
        self.epoch_days = max(1, int(np.ceil(self.params.half_life_days / 2)))
        """Days between epoch boundaries (fixed at the start)."""
        self.epoch = self.epoch_days
        """The day the stored levels stand for: the first boundary after today."""
        self.family_of = {
            kind: i for i, kinds in enumerate(self.params.families.values()) for kind in kinds
        }
        self.lessons: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        names = list(self.params.families)
        self.hear_mask = sum(1 << names.index(f) for f in set(self.params.hear_families))
        self.hear = world.stream(f"behavior.{self.name}.hear")
        world.offer("deterrence", self)

    def act(self, day: Day) -> None:
        if day.day >= self.epoch:
            self._next_epoch(day.day)
        notices = self.world.notices
        told = notices.yesterday if notices is not None else {}
        if not told or not told["citizen"].shape[0]:
            return
        if self.lessons is None:
            self.lessons = self._tables()
        citizen, families, severity = self.lesson_rows(told)
        if self.hear_mask and citizen.shape[0]:
            citizen, families, severity = self._passed_on(day.day, citizen, families, severity)
        if citizen.shape[0]:
            self._learn(day.day, citizen, families, severity)

    def _passed_on(self, day: int, citizen, mask, sev) -> tuple[np.ndarray, ...]:
        """The lessons, with those of the `hear_families` also taught to the household members
        and friends who hear of them (at `heard_weight` of their severity)."""
        p = self.params
        rows = np.flatnonzero(mask & self.hear_mask)
        if rows.shape[0] == 0:
            return citizen, mask, sev
        who = citizen[rows].astype(np.int64)
        code = self.world.state["household"][who].astype(np.int64)
        size = code >> 4
        row = np.repeat(rows, size)
        member = np.repeat(who - (code & 15), size)
        member += np.arange(row.shape[0]) - np.repeat(np.cumsum(size) - size, size)
        kin = member != citizen[row]
        heard_by, heard_row = [member[kin]], [row[kin]]
        if self.world.graph is not None and p.hear_friends > 0:
            at, friend = self.world.graph.friend_pairs(who)
            heard_by.append(friend)
            heard_row.append(rows[at])
        chance = np.concatenate(
            [np.full(heard_by[0].shape[0], p.hear_household)]
            + [np.full(h.shape[0], p.hear_friends) for h in heard_by[1:]]
        )
        by, at = np.concatenate(heard_by), np.concatenate(heard_row)
        hears = self.hear.uniform(day, by) < chance
        by, at = by[hears], at[hears]
        return (
            np.concatenate([citizen, by.astype(citizen.dtype)]),
            np.concatenate([mask, mask[at] & self.hear_mask]),
            np.concatenate([sev, sev[at] * p.heard_weight]),
        )

    def lesson_rows(self, told: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
        """(citizen, families as a bit mask, severity) of each lesson in a day's notices, read
        `NOTICE_ROWS` notices at a time."""
        rows = told["citizen"].shape[0]
        if rows <= NOTICE_ROWS:
            return self._lesson_rows(told)
        parts = [
            self._lesson_rows({k: v[lo : lo + NOTICE_ROWS] for k, v in told.items()})
            for lo in range(0, rows, NOTICE_ROWS)
        ]
        return tuple(np.concatenate(columns) for columns in zip(*parts, strict=True))

    def _lesson_rows(self, told: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
        notices = self.world.notices
        code = notices.code
        kind = told["notice"]
        refused = kind == code["refused"]
        told_listed = np.zeros(kind.shape[0], bool)
        if refused.any():  # a refusal teaches only those no list told
            told_listed[refused] = notices.told_listed(told["citizen"][refused])
        s = self.params.severity
        codes = tuple(code[k] for k in ("points", "grade_down", "fined", "warned", "listed"))
        rows, mask, sev = lesson_rows(
            told, (*codes, code["refused"]), (s.grade, s.fined, s.warned, s.listed),
            self.lessons or self._tables(), told_listed,
        )  # fmt: skip
        return told["citizen"][rows], mask, sev

    def _tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Families (bit mask) of each record kind and of each list (by its `notice_about`
        code), and the points of one grade of each policy (by its `notice_about` code)."""
        codes, acts = self.world.codes, self.world.record_acts
        every = (1 << len(self.levels)) - 1
        by_record = np.zeros(256, np.int64)
        for record, kinds in acts.items():
            by_record[codes.code("record_kind", record)] = self._mask(kinds)
        by_list = np.zeros(256, np.int64)
        for name, info in self.world.sanctions.items():
            kinds = {k for r in info.basis for k in acts.get(r, ())}
            by_list[codes.code("notice_about", name)] = self._mask(kinds) if info.basis else every
        per_grade = np.full(256, np.inf)
        for name, info in self.world.scores.items():
            per_grade[codes.code("notice_about", name)] = points_per_grade(info)
        return by_record, by_list, per_grade

    def _mask(self, kinds: set[str]) -> int:
        return sum(1 << f for f in {self.family_of[k] for k in kinds if k in self.family_of})

    def _next_epoch(self, day: int) -> None:
        """Move the boundary to the first one after `day`; decay every stored level to it."""
        boundary = (day // self.epoch_days + 1) * self.epoch_days
        factor = np.exp2(-(boundary - self.epoch) / self.params.half_life_days)
        lo, hi = self.world.lo, self.world.hi
        for level in self.levels:
            for start in range(lo, hi, CHUNK):
                part = level[start : min(start + CHUNK, hi)]
                some = np.flatnonzero(part)
                decayed = part[some] * factor
                part[some] = np.where(decayed < 1.0, 0.0, np.rint(decayed)).astype(np.uint8)
        self.epoch = boundary

    def _learn(self, day: int, citizen: np.ndarray, mask: np.ndarray, sev: np.ndarray) -> None:
        """Add the lessons to the levels as they stand today, stored as of the boundary."""
        ahead = self._decay(day)  # today -> the boundary
        for f, level in enumerate(self.levels):
            mine = (mask >> f) & 1 == 1
            if not mine.any():
                continue
            # Several lessons of a day combine like sequential ones: 1 - prod(1 - s).
            rows, at = np.unique(citizen[mine], return_inverse=True)
            keep = np.ones(rows.shape[0])
            np.multiply.at(keep, at, 1.0 - sev[mine])
            d = np.minimum(level[rows] / LEVELS / ahead, 1.0)
            level[rows] = np.rint((1.0 - (1.0 - d) * keep) * ahead * LEVELS).astype(np.uint8)

    def _decay(self, day: int) -> float:
        """What a level of `day` is worth at the boundary (or, past it, on `day`: above 1)."""
        return float(np.exp2(-(self.epoch - day) / self.params.half_life_days))

    def level(self, family: str, citizens: np.ndarray, day: int) -> np.ndarray:
        """Each citizen's deterrence level D in [0, 1] for `family` on `day`."""
        f = list(self.params.families).index(family)
        return np.minimum(self.levels[f][citizens] / LEVELS / self._decay(day), 1.0)

    def factor(self, kind: str, citizens: np.ndarray, day: int) -> np.ndarray:
        """Propensity multiplier of each citizen for acts of `kind` on `day`."""
        f = self.family_of.get(kind)
        if f is None:
            return np.ones(citizens.shape[0])
        raw = self.levels[f][citizens]
        out = np.ones(citizens.shape[0])
        some = raw > 0
        if some.any():
            d = np.minimum(raw[some] / LEVELS / self._decay(day), 1.0)
            out[some] = 1.0 - self.params.max_effect * d
        return out


def points_per_grade(info: ScoreInfo) -> float:
    """The points of one grade: the narrowest band between two grade bounds, or a quarter of the
    score's range when it has no grades."""
    lows = [low for _, low in info.grades]
    widths = [hi - lo for hi, lo in itertools.pairwise(lows) if hi > lo]
    if widths:
        return float(min(widths))
    return max((info.high - info.low) / 4.0, 1.0)
