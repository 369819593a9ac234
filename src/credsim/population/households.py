"""The builder kernel: households laid out contiguously in each locality's urban and rural segment
(a locality is a province or city, or a part of one: `segment_starts`), with every member's age,
sex, role, group, education and income packed into four bytes.

Each segment is filled household after household; every draw is keyed by the citizen's number (or
the household's first citizen), so a segment's citizens depend on nothing outside the segment
and the result is the same for any thread count.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from credsim.engine.rng import draw_uniform, stream_key
from credsim.population.preset import Preset

__all__ = [
    "EDUCATION_SHIFT",
    "INCOME_SHIFT",
    "build_citizens",
    "household_members",
    "parents_of",
    "segment_starts",
]

SEX_SHIFT, ROLE_SHIFT, GROUP_SHIFT = 0, 1, 3
EDUCATION_SHIFT, INCOME_SHIFT = 0, 2
STREAMS = ("size", "template", "group", "income", "sex", "age", "education")


def segment_starts(
    n: int, shares: np.ndarray, urban_share: np.ndarray | float, most: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Boundaries of the segments, summing to n, and the region of each locality.

    Each region's citizens are its share of n (largest remainders). A region is one locality,
    or, if it has more than `most` citizens, the fewest localities of near-equal size with at
    most `most` each. A locality is two segments, its urban then its rural part, each its share
    of the region's urban and rural citizens, so every locality has the region's urban share."""
    weights = np.ravel(np.column_stack([shares * urban_share, shares * (1.0 - urban_share)]))
    exact = weights / weights.sum() * n
    counts = np.floor(exact).astype(np.int64)
    short = n - int(counts.sum())
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:short]] += 1
    pieces: list[np.ndarray] = []
    region: list[int] = []
    for r, (urban, rural) in enumerate(counts.reshape(-1, 2).tolist()):
        k = _localities(urban, rural, most)
        pieces.append(np.column_stack([_even(urban, k), _even(rural, k)]).ravel())
        region.extend([r] * k)
    starts = np.concatenate(([0], np.cumsum(np.concatenate(pieces))))
    return starts.astype(np.int64), np.array(region, np.int64)


def _localities(urban: int, rural: int, most: int | None) -> int:
    """The fewest localities, each with its even share of the urban and the rural citizens,
    that hold at most `most` citizens each (1 if `most` is None)."""
    if most is None or urban + rural <= most:
        return 1
    k = -(-(urban + rural) // most)
    while -(-urban // k) + -(-rural // k) > most:
        k += 1
    return k


def _even(total: int, k: int) -> np.ndarray:
    """`total` cut into k near-equal whole parts, the larger first."""
    return total // k + (np.arange(k) < total % k)


@njit(inline="always", cache=True)
def _pick(cdf, u):
    return np.searchsorted(cdf, u, side="right")


@njit(cache=True)
def _age(age_cdf, role_keys, role_weights, role, u):
    lo, hi = role_keys[role, 0], role_keys[role, 1]
    key = lo + u * (hi - lo)
    q = 0.0
    for r in range(role_keys.shape[0]):
        span = role_keys[r, 1] - role_keys[r, 0]
        q += role_weights[r] * min(max((key - role_keys[r, 0]) / span, 0.0), 1.0)
    return min(_pick(age_cdf, q), age_cdf.shape[0] - 1)


@njit(cache=True)
def _education_band(age):
    if age < 30:
        return 0
    if age < 45:
        return 1
    if age < 60:
        return 2
    return 3


@njit(parallel=True, cache=True)
def _build(
    starts,
    locality_region,
    keys,
    size_cdf,
    templates,
    template_sex,
    template_cdf,
    age_cdf,
    role_keys,
    role_weights,
    male_free,
    education_cdf,
    income_cdf,
    group_cdf,
    age,
    traits,
    household,
    ses,
):
    k_size, k_tmpl, k_group, k_income, k_sex, k_age, k_edu = keys
    for s in prange(starts.shape[0] - 1):
        urban = 1 if s % 2 == 0 else 0
        region = locality_region[s // 2]
        i, end = starts[s], starts[s + 1]
        while i < end:
            size = min(_pick(size_cdf, draw_uniform(k_size, 0, i)), end - i)
            t = _pick(template_cdf[size], draw_uniform(k_tmpl, 0, i))
            group = _pick(group_cdf, draw_uniform(k_group, 0, i))
            income = _pick(income_cdf[region, urban], draw_uniform(k_income, 0, i))
            for m in range(size):
                c = i + m
                role = templates[size, t, m]
                sex = template_sex[size, t, m]
                if sex < 0:
                    sex = 1 if draw_uniform(k_sex, 0, c) < male_free else 0
                a = _age(age_cdf[region], role_keys, role_weights, role, draw_uniform(k_age, 0, c))
                level = 0
                if a >= 15:
                    cdf = education_cdf[_education_band(a), urban]
                    level = 1 + _pick(cdf, draw_uniform(k_edu, 0, c))
                age[c] = a
                traits[c] = sex | (role << ROLE_SHIFT) | (group << GROUP_SHIFT)
                household[c] = m | (size << 4)
                ses[c] = level | (income << INCOME_SHIFT)
            i += size


def build_citizens(
    preset: Preset,
    starts: np.ndarray,
    locality_region: np.ndarray,
    seed: int,
    own: tuple[int, int] | None,
    age: np.ndarray,
    traits: np.ndarray,
    household: np.ndarray,
    ses: np.ndarray,
) -> None:
    """Fill the four packed columns for every citizen of every segment (of the segments that
    make up `own`, a range of whole localities, if given: a shard builds only its citizens).
    `locality_region`: the region of each locality (two segments each)."""
    keys = tuple(stream_key(seed, f"population.{name}") for name in STREAMS)
    if own is not None:
        bounds = [2 * np.flatnonzero(starts[::2] == end) for end in own]
        if bounds[0].shape[0] == 0 or bounds[1].shape[0] == 0:
            raise ValueError(f"own range [{own[0]}, {own[1]}) must be whole localities")
        first, last = int(bounds[0][0]), int(bounds[1][-1])
        locality_region = locality_region[first // 2 : last // 2]
        starts = starts[first : last + 1]
    _build(
        starts,
        np.ascontiguousarray(locality_region, np.int64),
        keys,
        preset.size_cdf,
        preset.templates,
        preset.template_sex,
        preset.template_cdf,
        preset.regions.age_cdf,
        preset.role_keys,
        preset.role_weights,
        preset.male_share_free,
        preset.education_cdf,
        preset.regions.income_cdf,
        preset.group_cdf,
        age,
        traits,
        household,
        ses,
    )


def parents_of(citizens: np.ndarray, household: np.ndarray, traits: np.ndarray) -> np.ndarray:
    """Household members of the parents' generation of each citizen (-1 where none), one row
    per citizen and one column per household position."""
    start = citizens.astype(np.int64) - (household[citizens] & 0x0F)
    size = (household[citizens] >> 4).astype(np.int64)
    members = start[:, None] + np.arange(16)[None, :]
    inside = np.arange(16)[None, :] < size[:, None]
    safe = np.where(inside, members, 0)
    adult = ((traits[safe] >> ROLE_SHIFT) & 0b11) == 1
    return np.where(inside & adult & (members != citizens[:, None]), members, -1)


def household_members(household: np.ndarray, citizens: np.ndarray) -> tuple[np.ndarray, ...]:
    """(citizen, other member) pairs of the citizens' households, from the household byte
    (position in the low 4 bits, size in the high 4 bits): the citizen in `citizens`' dtype, the
    member as int64. Counted, then written, so that only the pairs take memory (on the day a
    friends' term moves, the households of every low scorer)."""
    citizens = np.asarray(citizens)
    none = np.empty(0, np.int64)
    pairs = _pairs(household, citizens, none.astype(citizens.dtype), none)
    owner = np.empty(pairs, citizens.dtype)
    member = np.empty(pairs, np.int64)
    _pairs(household, citizens, owner, member)
    return owner, member


@njit(cache=True)
def _pairs(household, citizens, owner, member) -> int:
    """How many (citizen, other member) pairs; written to owner and member unless they are
    empty (a first pass that only counts)."""
    write = owner.shape[0] > 0
    k = 0
    for i in range(citizens.shape[0]):
        c = np.int64(citizens[i])
        code = np.int64(household[c])
        first = c - (code & 15)
        for m in range(first, first + (code >> 4)):
            if m != c:
                if write:
                    owner[k] = citizens[i]
                    member[k] = m
                k += 1
    return k
