"""Numba kernels of the strangers' donation game: one day of every community in one call.

A community is a region of the population (credsim.engine.regions): its members meet only one
another. A day is one generation of the game, in this order: perhaps one mutant; every member, as a
donor, meets every member (itself included, as in Radzvilavicius et al.'s code) and helps or
refuses by its strategy and what it knows of the recipient's standing, with execution errors;
under private assessment every member re-judges every donor from one encounter of that donor seen
by chance; then one member copies another's strategy by the Fermi rule.

Every draw is credsim's counter-based draw of (stream key, day, index), with indices made of
global citizen numbers, so a community's day is the same in any run, thread count or shard.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from credsim.engine.rng import day_hash, draw_hashed, draw_u64
from credsim.engine.threads import parallel_and_serial
from credsim.norms import ALLC, ALLD, DISC

__all__ = [
    "N_KEYS",
    "N_STATS",
    "SERIAL_BELOW",
    "adopt_one",
    "chance",
    "initial_state",
    "intended",
    "pick",
    "play_day",
    "witnessed",
]

# Streams, one key each: index into the `keys` array.
K_MUTANT, K_EXEC, K_KNOW, K_OBS, K_EMPATHY, K_UPDATE, K_WITNESS, K_INIT, K_ADOPT = range(9)
N_KEYS = 9
# Daily figures per community: cooperation, good share, ALLC, ALLD, DISC shares, adherents.
N_STATS = 6

_LOW32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


@njit(inline="always")
def pick(bits, n):
    """A uniform integer in [0, n) from the top 32 bits."""
    return np.int64(((bits >> _S32) * np.uint64(n)) >> _S32)


@njit(inline="always")
def chance(bits):
    """A uniform in (0, 1) from the low 32 bits (independent of pick's)."""
    return (np.float64(bits & _LOW32) + 0.5) / 4294967296.0


@njit(inline="always")
def below(p):
    """The bound L with chance(bits) < p exactly when (bits & LOW32) < L: (x + 0.5) / 2**32 < p
    holds for the integers x < p * 2**32 - 0.5 (both sides exact in float64)."""
    return np.uint64(max(0.0, min(4294967296.0, np.ceil(p * 4294967296.0 - 0.5))))


@njit(inline="always")
def intended(strategy, recipient_good):
    if strategy == ALLC:
        return 1
    if strategy == ALLD:
        return 0
    return recipient_good


@njit(cache=True)
def initial_state(key, starts, offsets, permitted, start, all_good, strategy, views):
    """Strategies (uniform over the permitted ones, or all `start`) and private views (random, or
    all good) at the start of the run."""
    allowed = np.flatnonzero(permitted)
    for r in range(starts.shape[0] - 1):
        f, n = starts[r], starts[r + 1] - starts[r]
        for i in range(n):
            if start >= 0:
                strategy[f + i] = start
            else:
                strategy[f + i] = allowed[pick(draw_u64(key, 0, f + i), allowed.shape[0])]
            for j in range(n):
                at = offsets[r] + i * n + j
                views[at] = 1 if all_good else pick(draw_u64(key, 1, (f + i) * n + j), 2)


@njit(cache=True)
def _mutate(key, day, f, n, strategy, permitted, mutation):
    """A mutant switches between unconditional and conditional play (ALLC/ALLD <-> DISC); half the
    draws from ALLC/ALLD name a strategy not in this game (anti-discriminators) and are lost."""
    bits = draw_u64(key, day, 2 * f)
    if chance(bits) >= mutation:
        return
    who = f + pick(bits, n)
    coin = pick(draw_u64(key, day, 2 * f + 1), 2)
    target = -1
    if strategy[who] == DISC:
        target = ALLC if coin == 0 else ALLD
    elif coin == 0:
        target = DISC
    if target >= 0 and permitted[target]:
        strategy[who] = target


@njit(cache=True)
def _imitate(key, day, f, n, strategy, follower, fitness, w):
    """Pairwise comparison: a random learner copies a random model's strategy and whether it
    adheres to the institution, with the Fermi chance."""
    bits = draw_u64(key, day, 2 * f)
    model = f + pick(bits, n)
    learner = f + pick(draw_u64(key, day, 2 * f + 1), n)
    p = 1.0 / (1.0 + np.exp(-w * (fitness[model] - fitness[learner])))
    if chance(bits) < p:
        strategy[learner] = strategy[model]
        follower[learner] = follower[model]


@njit(parallel=True, cache=True)
def adopt_one(key, day, starts, strategy, follower):
    """In every community one discriminator, drawn at random, starts to adhere to the institution
    (a member drawn at random becomes one, if there is none)."""
    for r in prange(starts.shape[0] - 1):
        f, n = starts[r], starts[r + 1] - starts[r]
        discs = 0
        for i in range(n):
            discs += strategy[f + i] == DISC
        if discs == 0:
            who = f + pick(draw_u64(key, day, f), n)
            strategy[who] = DISC
        else:
            left = pick(draw_u64(key, day, f), discs)
            who = f
            for i in range(n):
                if strategy[f + i] == DISC:
                    if left == 0:
                        who = f + i
                        break
                    left -= 1
        follower[who] = 1


@njit(inline="always")
def _standing(view, public, follower, at, member):
    """What member `at` holds of `member`: the institution's grade if it adheres, else `view`."""
    return public[member] if follower[at] == 1 else view


@njit(parallel=True, cache=True)
def play_day(
    keys, day, starts, offsets, strategy, follower, views, judged, public, judge_private, evolve,
    permitted, floats, norm, acts, fitness, stats, freeze,
):  # fmt: skip
    """One generation of every community. `floats` = (benefit, cost, selection, mutation,
    execution error, assessment error, empathy, knowledge). A donor who adheres to the
    institution (`follower`) reads the grade the recipient is shown (`public`: 1 good, 0 bad);
    the others read their private views, which (`judge_private`) every member re-judges from one
    encounter of each donor seen at random (`judged`, the size of `views`, holds the new views
    until all are judged). With `evolve` false (reputations settling) no one mutates or
    imitates. With `freeze`, a community in which everyone or no one adheres stops (its figures
    stay those of its last day played). `acts[offsets[r] + i*n + j]` is 1 when member i helped
    member j today; `stats` gets each community's daily figures."""
    b, c, w, mu, e1, e2, empathy, know = (
        floats[0], floats[1], floats[2], floats[3], floats[4], floats[5], floats[6], floats[7],
    )  # fmt: skip
    # Each stream's (key, day) part of every draw, computed once for the day.
    h_know, h_exec = day_hash(keys[K_KNOW], day), day_hash(keys[K_EXEC], day)
    h_obs, h_empathy = day_hash(keys[K_OBS], day), day_hash(keys[K_EMPATHY], day)
    for r in prange(starts.shape[0] - 1):
        f, n, off = starts[r], starts[r + 1] - starts[r], offsets[r]
        if freeze:
            adherents = 0
            for i in range(n):
                adherents += follower[f + i]
            if adherents == 0 or adherents == n:
                stats[r, 5] = adherents / n
                continue
        if evolve:
            _mutate(keys[K_MUTANT], day, f, n, strategy, permitted, mu)
        helped = _donate(
            h_know, h_exec, f, n, off, strategy, follower, views, public, b, c, e1, know, acts,
            fitness,
        )  # fmt: skip
        if judge_private:
            good_views = _judge(
                h_obs, h_empathy, f, n, off, follower, views, judged, public, acts, norm, e2,
                empathy,
            )  # fmt: skip
            stats[r, 1] = good_views / (n * n)
        else:
            good_public = 0
            for i in range(n):
                good_public += public[f + i]
            stats[r, 1] = good_public / n
        stats[r, 0] = helped / (n * n)
        stats[r, 2] = 0.0
        stats[r, 3] = 0.0
        stats[r, 4] = 0.0
        stats[r, 5] = 0.0
        for i in range(n):
            stats[r, 2 + strategy[f + i]] += 1.0 / n
        if evolve:
            _imitate(keys[K_UPDATE], day, f, n, strategy, follower, fitness, w)
        for i in range(n):  # adherents at the end of the day
            stats[r, 5] += follower[f + i] / n


@njit(cache=True)
def _donate(
    h_know, h_exec, f, n, off, strategy, follower, views, public, b, c, e1, know, acts, fitness
):
    """Every member of one community, as a donor, meets every member; returns the help given.
    A donor's acts come first, in a loop without branches that the compiler turns into vector
    instructions (an ALLD donor draws nothing: it never helps); then the fitness: each recipient
    gains in donor order, and the donor's own sum takes its gain and losses in recipient order,
    as one pass over the recipients would (a zero added or taken is skipped: it leaves a fitness
    as it is)."""
    helped = 0
    gain, loss, slip = b / n, c / n, below(e1)
    for i in range(n):
        fitness[f + i] = 0.0
    for i in range(n):
        adheres, plays = follower[f + i] == 1, strategy[f + i]
        row = off + i * n
        first = np.uint64((f + i) * n)
        if know < 1.0:
            for j in range(n):
                good = public[f + j] if adheres else views[row + j]
                if chance(draw_hashed(h_know, first + np.uint64(j))) >= know:
                    good = 1  # a recipient the donor knows nothing of is given the benefit
                acts[row + j] = intended(plays, good)
        elif plays == ALLC:
            acts[row : row + n] = 1
        elif plays == ALLD:
            acts[row : row + n] = 0
        elif adheres:
            acts[row : row + n] = public[f : f + n]
        else:
            acts[row : row + n] = views[row : row + n]
        if e1 > 0.0 and plays != ALLD:
            for j in range(n):
                slipped = (draw_hashed(h_exec, first + np.uint64(j)) & _LOW32) < slip
                acts[row + j] &= np.int8(1 - slipped)
        before = 0  # helps given to members before the donor, then after it
        for j in range(i):
            before += acts[row + j]
            fitness[f + j] += acts[row + j] * gain
        after = 0
        for j in range(i + 1, n):
            after += acts[row + j]
            fitness[f + j] += acts[row + j] * gain
        to_self = acts[row + i]
        helped += before + to_self + after
        own = fitness[f + i]
        for _ in range(before):
            own -= loss
        if to_self:
            own += gain
            own -= loss
        for _ in range(after):
            own -= loss
        fitness[f + i] = own
    return helped


@njit(inline="always")
def _norm_code(norm):
    """The norm's four verdicts as bits: bit 2 * act + standing is norm[act, standing]."""
    code = 0
    for act in range(2):
        for standing in range(2):
            code |= np.int64(norm[act, standing]) << (2 * act + standing)
    return code


@njit(inline="always")
def _verdict(code, act, standing, bits, wrong):
    """The norm's verdict on an act towards a recipient of this standing, flipped by an
    assessment error when the low bits of `bits` fall below `wrong`."""
    verdict = (code >> (2 * np.int64(act) + np.int64(standing))) & 1
    return verdict ^ np.int64((bits & _LOW32) < wrong)


@njit(cache=True)
def _judge(h_obs, h_empathy, f, n, off, follower, views, judged, public, acts, norm, e2, empathy):
    """Every member of one community re-judges every donor from one of its encounters of the day,
    seen at random; returns how many views are good. An observer's draws are made first, for all
    donors at once (a loop the compiler turns into vector instructions); the egocentric view
    then judges without a branch per donor."""
    good_views = 0
    bits = np.empty(n, np.uint64)
    wrong, code = below(e2), _norm_code(norm)
    for i in range(n):  # observer
        first = np.uint64((f + i) * n)
        for j in range(n):
            bits[j] = draw_hashed(h_obs, first + np.uint64(j))  # top: which encounter; low: error
        own = follower[f + i] == 1
        mine = off + i * n
        count = 0
        if empathy <= 0.0 and own:  # egocentric, by the institution's grade
            for j in range(n):  # donor
                k = pick(bits[j], n)
                verdict = _verdict(code, acts[off + j * n + k], public[f + k], bits[j], wrong)
                judged[mine + j] = verdict
                count += verdict
        elif empathy <= 0.0:  # egocentric, by the observer's own view of the recipient
            for j in range(n):
                k = pick(bits[j], n)
                verdict = _verdict(code, acts[off + j * n + k], views[mine + k], bits[j], wrong)
                judged[mine + j] = verdict
                count += verdict
        else:
            for j in range(n):
                k = pick(bits[j], n)
                standing = public[f + k] if own else views[mine + k]
                if empathy >= 1.0 or chance(draw_hashed(h_empathy, (f + i) * n + j)) < empathy:
                    # empathetic: the donor's view of the recipient
                    standing = _standing(views[off + j * n + k], public, follower, f + j, f + k)
                verdict = _verdict(code, acts[off + j * n + k], standing, bits[j], wrong)
                judged[mine + j] = verdict
                count += verdict
        good_views += count
    for a in range(n * n):
        views[off + a] = judged[off + a]
    return good_views


def _witnessed(
    key, day, starts, offsets, acts, per_donor, follower, freeze, actor, helped, recipient
):
    """`per_donor` encounters of each donor, each drawn at random among the donor's encounters of
    the day: the ones done where the system can see them. Row `(f + i) * per_donor + m` holds the
    donor (-1 for a community stopped by `freeze`: everyone or no one adheres), whether it helped,
    and the recipient."""
    for r in prange(starts.shape[0] - 1):
        f, n, off = starts[r], starts[r + 1] - starts[r], offsets[r]
        stopped = False
        if freeze:
            adherents = 0
            for i in range(n):
                adherents += follower[f + i]
            stopped = adherents == 0 or adherents == n
        for i in range(n):
            for m in range(per_donor):
                row = (f + i - starts[0]) * per_donor + m
                k = pick(draw_u64(key, day, (f + i) * per_donor + m), n)
                actor[row] = -1 if stopped else f + i
                helped[row] = acts[off + i * n + k]
                recipient[row] = f + k


_witnessed_par, _witnessed_one = parallel_and_serial(_witnessed)
SERIAL_BELOW = 1 << 16
"""Witnessed encounters in a day below which one thread draws them all (a thread barrier costs
more than the draws)."""


def witnessed(
    key, day, starts, offsets, acts, per_donor, follower, freeze, actor, helped, recipient
):
    """`per_donor` encounters of each donor, each drawn at random among the donor's encounters of
    the day (see `_witnessed`); on one thread when there are few."""
    kernel = _witnessed_par if actor.shape[0] >= SERIAL_BELOW else _witnessed_one
    kernel(key, day, starts, offsets, acts, per_donor, follower, freeze, actor, helped, recipient)
