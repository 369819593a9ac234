"""Demography: ages advance, people die, babies are born, in a fixed number of slots.

Once a calendar year (and on the first day of the run) every living citizen draws whether and on
which day of the year they die, from the age- and sex-specific death rates of a life table, and
every living woman aged 15-49 whether and when she gives birth, from age-specific fertility scaled
so that the total fertility rate is the year's published figure. The draws are keyed by (year,
citizen), so they do not depend on thread count or shard layout, and the work is one pass over the
citizens a year plus the day's events.

A death empties the citizen's slot; a birth takes a free slot of the mother's region and urban or
rural part (slots of the dead become free after `quarantine_days`, so that no record of the dead,
arriving late, falls on a newborn; a reserve of empty slots is kept for the first births). Memory
therefore stays fixed. Ages are completed years on 1 January and advance then (a baby born during
the year is 0 on the next 1 January).

What is not modelled: a newborn is a household of one (households are contiguous ranges of
slots, so a baby cannot join its mother's) and inherits the friendships of its slot; migration
between provinces is absent.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from numba import njit, prange
from pydantic import Field, field_validator

from credsim.engine import PluginParams, World
from credsim.engine.rng import draw_uniform, stream_key
from credsim.engine.sets import unique
from credsim.errors import did_you_mean
from credsim.population.households import GROUP_SHIFT, INCOME_SHIFT
from credsim.population.life_tables import MAX_AGE, demography_tables, load_life_tables
from credsim.population.slots import EMPTY, SlotPool

__all__ = ["FIXED", "Demography", "DemographyParams"]

FIXED = float(1 << 32)
"""Scale of the fixed-point expected counts."""
_NONE = np.empty(0, np.int64)
NEWBORN = 1 << 20
"""Offset of the draw counters of infants' deaths (keyed by birth day) from the years'."""


class DemographyParams(PluginParams):
    enabled: bool = Field(False, description="ages advance, deaths and births (see demography.py)")
    tables: str = Field("china-demography", description="bundled demography tables")
    reserve_share: float = Field(
        0.05, ge=0, le=0.5, description="share of each region's slots kept empty for births"
    )
    quarantine_days: int = Field(
        365, ge=0, le=3650, description="days before a dead citizen's slot can hold a newborn"
    )

    @field_validator("tables")
    @classmethod
    def _bundled(cls, v: str) -> str:
        names = demography_tables()
        if v not in names:
            raise ValueError(f"unknown demography tables {v!r}{did_you_mean(v, names)}; "
                             f"bundled: {', '.join(names)}")  # fmt: skip
        return v


@njit(parallel=True, cache=True)
def _year_draws(lo, hi, age, traits, mx, asfr, fraction, key_die, key_birth, key_day, year):
    """Day offsets within the year (-1: none) of each citizen's death and (for women) birth."""
    n = hi - lo
    die = np.full(n, -1, np.int16)
    birth = np.full(n, -1, np.int16)
    span = fraction * 365.25
    # Expected counts in fixed point (units of 2^-32), so that their sum is exact in any order.
    expected_deaths = 0
    expected_births = 0
    for j in prange(n):
        c = lo + j
        a = age[c]
        if a == EMPTY:
            continue
        sex = traits[c] & 1
        q = 1.0 - np.exp(-mx[sex, a] * fraction)
        expected_deaths += np.int64(q * FIXED)
        if draw_uniform(key_die, year, c) < q:
            die[j] = min(int(draw_uniform(key_day, 2 * year, c) * span), 365)
        if sex == 0 and asfr[a] > 0.0:
            p = 1.0 - np.exp(-asfr[a] * fraction)
            expected_births += np.int64(p * FIXED)
            if draw_uniform(key_birth, year, c) < p:
                birth[j] = min(int(draw_uniform(key_day, 2 * year + 1, c) * span), 365)
    return die, birth, expected_deaths, expected_births


class Demography:
    """Deaths, births and ageing of one process's citizens (a shard's: its whole regions)."""

    def __init__(
        self,
        params: DemographyParams,
        starts: np.ndarray,
        seed: int,
        start: dt.date,
        band_edges: tuple[int, ...] = (),
    ) -> None:
        """`starts`: the segments (each region's urban and rural part); `band_edges`: the last
        age of each age band but the oldest (whoever has it moves to the next band on 1 January)."""
        self.band_edges = band_edges
        self.params = params
        self.tables = load_life_tables(params.tables)
        self.starts = starts  # segment boundaries: urban, rural part of each region
        self.start = start
        self.keys = tuple(stream_key(seed, f"demography.{s}") for s in ("die", "birth", "day"))
        self.due_deaths: dict[int, np.ndarray] = {}
        """Day -> citizens who die at its start (drawn a year at a time)."""
        self.due_births: dict[int, np.ndarray] = {}
        """Day -> mothers who give birth at its start."""
        self.pool = SlotPool(len(starts) - 1)
        self.expected: dict[int, np.ndarray] = {}
        """Year -> deaths and births the inputs imply for the citizens alive when it was drawn
        (the sums of every citizen's probabilities, in units of 2^-32; infants born in the year
        add theirs)."""
        self.born_this_year: list[np.ndarray] = []
        """Slots of this calendar year's newborns (who do not age on the next 1 January)."""
        self.lost_births = 0
        """Births that found no free slot in the mother's region (raise `reserve_share`)."""

    def reserve(self, age: np.ndarray, household: np.ndarray, lo: int, hi: int) -> None:
        """Empty the last `reserve_share` of each own segment, cut at a household boundary."""
        for s in range(len(self.starts) - 1):
            a, b = int(self.starts[s]), int(self.starts[s + 1])
            if a < lo or b > hi or b == a:
                continue
            cut = a + int(np.ceil((b - a) * (1.0 - self.params.reserve_share)))
            heads = cut + np.flatnonzero((household[cut:b] & 0x0F) == 0)
            cut = int(heads[0]) if heads.shape[0] else b
            age[cut:b] = EMPTY
            self.pool.add(s, np.arange(cut, b, dtype=np.int64), 0)

    def year_of(self, day: int) -> int:
        return (self.start + dt.timedelta(days=day)).year

    def new_year(self, day: int) -> bool:
        """Whether `day` is 1 January (ages advance and a year's events are drawn)."""
        date = self.start + dt.timedelta(days=day)
        return date.month == 1 and date.day == 1

    def draw_year(self, day: int, age: np.ndarray, traits: np.ndarray, lo: int, hi: int) -> None:
        """Draw this calendar year's deaths and births (from `day` to 31 December)."""
        year = self.year_of(day)
        end = dt.date(year + 1, 1, 1)
        length = (end - (self.start + dt.timedelta(days=day))).days
        fraction = length / 365.25 if length < 365 else 1.0
        scale = self.tables.tfr_for(year) / self.tables.tfr_shape
        die, birth, deaths, births = _year_draws(
            lo,
            hi,
            age,
            traits,
            self.tables.mx_for(year),
            self.tables.asfr * scale,
            fraction,
            *self.keys,
            np.int64(year),
        )
        self.expected[year] = np.array([deaths, births], np.int64)
        for table, offsets in ((self.due_deaths, die), (self.due_births, birth)):
            who = np.flatnonzero(offsets >= 0)
            when = day + np.minimum(offsets[who].astype(np.int64), length - 1)
            order = np.lexsort((who, when))
            who, when = who[order] + lo, when[order]
            bounds = np.flatnonzero(np.diff(when)) + 1
            for d, part in zip(np.split(when, bounds), np.split(who, bounds), strict=True):
                if d.shape[0]:
                    table[int(d[0])] = part.astype(np.int64)

    def newborn_deaths(self, day: int, babies: np.ndarray, traits: np.ndarray) -> None:
        """Infants born today may die before the year ends (drawn now, keyed by the slot and
        the birth day, so independent of the slot's earlier occupants)."""
        year = self.year_of(day)
        left = (dt.date(year + 1, 1, 1) - (self.start + dt.timedelta(days=day))).days - 1
        if babies.shape[0] == 0 or left <= 0:
            return
        mx0 = self.tables.mx_for(year)[traits[babies] & 1, 0]
        q = 1.0 - np.exp(-mx0 * left / 365.25)
        self.expected[year][0] += int((q * FIXED).astype(np.int64).sum())
        dies = babies[_uniforms(self.keys[0], NEWBORN + day, babies) < q]
        when = day + 1 + np.floor(_uniforms(self.keys[2], NEWBORN + day, dies) * left)
        for d in unique(when.astype(np.int64)):
            old = self.due_deaths.get(int(d), np.empty(0, np.int64))
            self.due_deaths[int(d)] = np.sort(np.concatenate([old, dies[when == d]]))

    def stream_male(self, day: int, babies: np.ndarray) -> np.ndarray:
        """Whether each newborn is a boy (the sex ratio at birth)."""
        return _uniforms(self.keys[1], NEWBORN + day, babies) < self.tables.male_at_birth

    def movers(self, world: World, day: int) -> np.ndarray:
        """Citizens whose traits change today (ages advance on 1 January: those leaving an age
        band), before the change."""
        if day == 0 or not self.new_year(day):
            return _NONE
        age = world.state["age"][world.lo : world.hi]
        return world.lo + np.flatnonzero(np.isin(age, np.array(self.band_edges)))

    def dying(self, world: World, day: int) -> np.ndarray:
        """Ages advance (on 1 January) and the year's events are drawn; then who dies today."""
        age, traits = world.state["age"], world.state["traits"]
        if day == 0 or self.new_year(day):
            if day > 0:
                _advance(age, world.lo, world.hi)
                # Ages are completed years on 1 January: last year's babies are still 0.
                babies = np.concatenate([np.empty(0, np.int64), *self.born_this_year])
                age[babies[age[babies] == 1]] = 0
                self.born_this_year = []
            self.draw_year(day, age, traits, world.lo, world.hi)
        dead = self.due_deaths.pop(day, np.empty(0, np.int64))
        return dead[age[dead] != EMPTY]

    def bury(self, world: World, day: int, dead: np.ndarray) -> None:
        """Empty the slots of the dead; they hold newborns after the quarantine."""
        world.state["age"][dead] = EMPTY
        segment = self.segment_of(dead)
        for s in unique(segment):
            self.pool.add(int(s), dead[segment == s], day + self.params.quarantine_days)

    def births(self, world: World, day: int) -> np.ndarray:
        """Today's newborns, each in a free slot of the mother's region and urban or rural part
        (the other part of the region if hers has none): age 0, sex drawn, the mother's group
        and income, a household of one."""
        state = world.state
        age, traits, household, ses = (state[c] for c in ("age", "traits", "household", "ses"))
        mothers = self.due_births.pop(day, np.empty(0, np.int64))
        mothers = mothers[
            (age[mothers] != EMPTY) & (age[mothers] >= 15) & (traits[mothers] & 1 == 0)
        ]
        segment = self.segment_of(mothers)
        babies, moms = [], []
        for s in unique(segment):
            mine = mothers[segment == s]
            slots = self.pool.take(int(s), mine.shape[0], day)
            if slots.shape[0] < mine.shape[0]:  # the other (urban or rural) part of the region
                other = self.pool.take(int(s) ^ 1, mine.shape[0] - slots.shape[0], day)
                slots = np.concatenate([slots, other])
            self.lost_births += mine.shape[0] - slots.shape[0]
            babies.append(slots)
            moms.append(mine[: slots.shape[0]])
        if not babies:
            return np.empty(0, np.int64)
        born, mom = np.concatenate(babies), np.concatenate(moms)
        male = self.stream_male(day, born)
        age[born] = 0
        traits[born] = male.astype(np.uint8) | (traits[mom] & np.uint8(0b111 << GROUP_SHIFT))
        household[born] = 1 << 4
        ses[born] = ses[mom] & np.uint8(0b111 << INCOME_SHIFT)
        self.newborn_deaths(day, born, traits)
        self.born_this_year.append(born)
        return born

    def segment_of(self, citizens: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.starts, citizens, side="right") - 1


@njit(parallel=True, cache=True)
def _advance(age, lo, hi):
    for c in prange(lo, hi):
        a = age[c]
        if a != EMPTY and a < MAX_AGE:
            age[c] = a + 1


@njit(cache=True)
def _uniforms(key, day, citizens):
    out = np.empty(citizens.shape[0])
    for i in range(citizens.shape[0]):
        out[i] = draw_uniform(key, day, citizens[i])
    return out
