"""Numba kernel of the indirect-reciprocity model: one population, every generation, in one call.

A generation is: perhaps one mutant; every donor meets every recipient (the donation game, with
execution errors); every observer (private assessment) or every judge of the institution
re-judges every donor from one randomly chosen past act of that donor, under the norm and with
assessment errors; then one pairwise comparison (Fermi rule) copies a strategy. This follows the
model of Radzvilavicius, Kessinger & Plotkin (2021); the code is credsim's own.

Every random draw is a pure function of (stream key, generation, index) through credsim's
counter-based generator, so a replicate gives the same result on any thread count.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from credsim.behavior.game_kernels import chance, intended, pick
from credsim.engine.rng import draw_u64
from credsim.norms import ALLC, ALLD, DISC

__all__ = [
    "N_FLOATS",
    "N_INTS",
    "N_STATS",
    "N_STREAMS",
    "day_keys",
    "run_replicates",
]


# Named random streams, one key each per replicate.
S_INIT, S_MUTANT, S_EXEC, S_KNOW, S_OBS, S_EMPATHY = 0, 1, 2, 3, 4, 5
S_JUDGE, S_MISREC, S_UPDATE = 6, 7, 8
N_STREAMS = 9

# Output columns per replicate: cooperation, good share, then the three strategy frequencies.
N_STATS = 5

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_DAY = np.uint64(0xD1B54A32D192ED03)


@njit(inline="always")
def _mix(x):
    # SplitMix64's finaliser, as in credsim.engine.rng (a test pins the equality of the draws)
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


@njit(cache=True)
def day_keys(keys, gen):
    """Each stream's key folded with the generation, hashed once per generation: then
    _bits(day_key, index) == credsim.engine.rng.draw_u64(key, gen, index) at one hash per draw."""
    out = np.empty(keys.shape[0], np.uint64)
    for s in range(keys.shape[0]):
        out[s] = _mix(keys[s] ^ (np.uint64(gen) * _DAY))
    return out


@njit(inline="always")
def _bits(day_key, index):
    return _mix(day_key + np.uint64(index) * _GOLDEN)


@njit(cache=True)
def _mutate(dk, strategy, permitted, mutation):
    """A mutant switches between unconditional and conditional play (ALLC/ALLD <-> DISC); half the
    draws from ALLC/ALLD name a strategy not in this model (anti-discriminators) and are lost."""
    bits = _bits(dk[S_MUTANT], 0)
    if chance(bits) >= mutation:
        return
    n = strategy.shape[0]
    who = pick(bits, n)
    coin = pick(_bits(dk[S_MUTANT], 1), 2)
    target = -1  # a lost draw
    if strategy[who] == DISC:
        target = ALLC if coin == 0 else ALLD
    elif coin == 0:
        target = DISC
    if target >= 0 and permitted[target]:
        strategy[who] = target


@njit(cache=True)
def _play(dk, strategy, views, knowledge, e1, b, c, acts, fitness):
    """Every donor meets every recipient; acts[i, j] = 1 when i helped j."""
    n = strategy.shape[0]
    fitness[:] = 0.0
    for i in range(n):
        for j in range(n):
            good = views[i, j]
            if knowledge < 1.0 and chance(_bits(dk[S_KNOW], i * n + j)) >= knowledge:
                good = 1  # an unknown recipient is given the benefit of the doubt
            act = intended(strategy[i], good)
            if act == 1 and e1 > 0.0 and chance(_bits(dk[S_EXEC], i * n + j)) < e1:
                act = 0
            acts[i, j] = act
            if act == 1:
                fitness[j] += b / n
                fitness[i] -= c / n


@njit(cache=True)
def _judge_privately(dk, acts, private, norm, empathy, e2, new_private):
    """Each observer re-judges each donor from one act of that donor seen by chance."""
    n = acts.shape[0]
    for i in range(n):
        for j in range(n):
            idx = i * n + j
            bits = _bits(dk[S_OBS], idx)  # top bits: which act is seen; low bits: error
            k = pick(bits, n)
            act = acts[j, k]
            if empathy >= 1.0 or (empathy > 0.0 and chance(_bits(dk[S_EMPATHY], idx)) < empathy):
                standing = private[j, k]  # empathetic: the donor's own view of the recipient
            else:
                standing = private[i, k]  # egocentric: the observer's view
            verdict = norm[act, standing]
            if e2 > 0.0 and chance(bits) < e2:
                verdict = 1 - verdict
            new_private[i, j] = verdict


@njit(cache=True)
def _judge_publicly(
    dk, acts, public, norm, judges, strictness, e2, record_error, bought, buyable, new_public
):
    """The institution's judges each re-judge every donor against the public standing of the
    recipient; the verdict is good when the score (judges' good share, plus a bought part weighted
    by `buyable`) is above the strictness threshold. With chance record_error this generation's
    record of a donor is misattributed: all judges read acts of another person (one shared record
    system, so judges cannot outvote the error)."""
    n = acts.shape[0]
    for j in range(n):
        actor = j
        if record_error > 0.0:
            bits = _bits(dk[S_MISREC], j)
            if chance(bits) < record_error:
                actor = pick(bits, n)
        votes = 0
        for m in range(judges):
            idx = m * n + j
            bits = _bits(dk[S_JUDGE], idx)
            k = pick(bits, n)
            verdict = norm[acts[actor, k], public[k]]
            if e2 > 0.0 and chance(bits) < e2:
                verdict = 1 - verdict
            votes += verdict
        score = (1.0 - buyable) * votes + buyable * judges * bought[j]
        new_public[j] = 1 if score > strictness * judges else 0


@njit(cache=True)
def _imitate(dk, strategy, fitness, w):
    """Pairwise comparison: a random learner copies a random model with the Fermi probability."""
    n = strategy.shape[0]
    bits = _bits(dk[S_UPDATE], 0)
    model = pick(bits, n)
    learner = pick(_bits(dk[S_UPDATE], 1), n)
    p = 1.0 / (1.0 + np.exp(-w * (fitness[model] - fitness[learner])))
    if chance(bits) < p:
        strategy[learner] = strategy[model]


@njit(cache=True)
def _initial(keys, n, permitted, start, all_good, judges, strictness, strategy, private, public):
    allowed = np.flatnonzero(permitted)
    for i in range(n):
        if start >= 0:
            strategy[i] = start
        else:
            strategy[i] = allowed[pick(draw_u64(keys[S_INIT], 0, i), allowed.shape[0])]
    for i in range(n):
        for j in range(n):
            private[i, j] = 1 if all_good else pick(draw_u64(keys[S_INIT], 1, i * n + j), 2)
    for j in range(n):
        votes = 0
        for m in range(judges):
            votes += private[m, j]
        public[j] = 1 if votes > strictness * judges else 0


# Packed parameters: floats and integers, so the kernels take a handful of arguments.
F_B, F_C, F_W, F_MUTATION, F_E1, F_E2, F_EMPATHY, F_STRICT, F_KNOW, F_RECORD, F_BUY = range(11)
N_FLOATS = 11
I_N, I_INSTITUTION, I_JUDGES, I_START, I_ALL_GOOD, I_GENERATIONS, I_BURN_IN = range(7)
N_INTS = 7


@njit(cache=True)
def _run_one(keys, fp, ip, norm, permitted, out):
    n, institution, judges = ip[I_N], ip[I_INSTITUTION] == 1, ip[I_JUDGES]
    strategy = np.empty(n, np.int64)
    private = np.empty((n, n), np.int8)
    new_private = np.empty((n, n), np.int8)
    public = np.empty(n, np.int8)
    new_public = np.empty(n, np.int8)
    views = np.empty((n, n), np.int8)
    acts = np.empty((n, n), np.int8)
    fitness = np.empty(n, np.float64)
    bought = np.zeros(n, np.float64)
    _initial(
        keys, n, permitted, ip[I_START], ip[I_ALL_GOOD] == 1, judges, fp[F_STRICT], strategy,
        private, public,
    )  # fmt: skip
    out[:] = 0.0
    recorded = 0
    for g in range(ip[I_GENERATIONS]):
        dk = day_keys(keys, g + 2)  # generations 0 and 1 of the init stream hold the start
        _mutate(dk, strategy, permitted, fp[F_MUTATION])
        if institution:
            for i in range(n):
                views[i, :] = public
        else:
            views[:, :] = private
        _play(dk, strategy, views, fp[F_KNOW], fp[F_E1], fp[F_B], fp[F_C], acts, fitness)
        if institution:
            if fp[F_BUY] > 0.0:
                # purchasing power: payoff rank in [0, 1]; the better-off buy more of the score
                order = np.argsort(fitness, kind="mergesort")
                for r in range(n):
                    bought[order[r]] = r / (n - 1)
            _judge_publicly(
                dk, acts, public, norm, judges, fp[F_STRICT], fp[F_E2], fp[F_RECORD], bought,
                fp[F_BUY], new_public,
            )  # fmt: skip
            public[:] = new_public
        else:
            _judge_privately(dk, acts, private, norm, fp[F_EMPATHY], fp[F_E2], new_private)
            private[:, :] = new_private
        if g >= ip[I_BURN_IN]:
            recorded += 1
            out[0] += acts.sum() / (n * n)
            out[1] += (public.sum() / n) if institution else (private.sum() / (n * n))
            for i in range(n):
                out[2 + strategy[i]] += 1.0 / n
        _imitate(dk, strategy, fitness, fp[F_W])
    if recorded > 0:
        out[:] /= recorded


@njit(parallel=True, cache=True)
def run_replicates(keys, fp, ip, norm, permitted):
    """Run one population per row of keys (replicates, N_STREAMS) with packed parameters fp
    (F_* floats) and ip (I_* integers); returns (replicates, N_STATS) averages over the recorded
    generations: cooperation, good share, ALLC, ALLD, DISC shares."""
    out = np.zeros((keys.shape[0], N_STATS), np.float64)
    for r in prange(keys.shape[0]):
        _run_one(keys[r], fp, ip, norm, permitted, out[r])
    return out
