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

from credsim.engine.rng import draw_u64, draw_uniform

__all__ = ["N_STATS", "N_STREAMS", "run_replicates"]

ALLC, ALLD, DISC = 0, 1, 2

# Named random streams, one key each per replicate.
S_INIT, S_MUTANT, S_EXEC, S_KNOW, S_OBS, S_ASSESS, S_EMPATHY = 0, 1, 2, 3, 4, 5, 6
S_JUDGE, S_JUDGE_ERR, S_MISREC, S_MISREC_WHO, S_UPDATE = 7, 8, 9, 10, 11
N_STREAMS = 12

# Output columns per replicate: cooperation, good share, then the three strategy frequencies.
N_STATS = 5


@njit(inline="always")
def _below(key, gen, index, n):
    """A uniform integer in [0, n) from the top 32 bits of one draw."""
    top = draw_u64(key, gen, index) >> np.uint64(32)
    return np.int64((top * np.uint64(n)) >> np.uint64(32))


@njit(inline="always")
def _intended(strategy, recipient_good):
    if strategy == ALLC:
        return 1
    if strategy == ALLD:
        return 0
    return recipient_good


@njit(cache=True)
def _mutate(keys, gen, strategy, permitted, mutation):
    """A mutant switches between unconditional and conditional play (ALLC/ALLD <-> DISC); half the
    draws from ALLC/ALLD name a strategy not in this model (anti-discriminators) and are lost."""
    if draw_uniform(keys[S_MUTANT], gen, 0) >= mutation:
        return
    n = strategy.shape[0]
    who = _below(keys[S_MUTANT], gen, 1, n)
    coin = _below(keys[S_MUTANT], gen, 2, 2)
    target = -1  # a lost draw
    if strategy[who] == DISC:
        target = ALLC if coin == 0 else ALLD
    elif coin == 0:
        target = DISC
    if target >= 0 and permitted[target]:
        strategy[who] = target


@njit(cache=True)
def _play(keys, gen, strategy, views, knowledge, e1, b, c, acts, fitness):
    """Every donor meets every recipient; acts[i, j] = 1 when i helped j."""
    n = strategy.shape[0]
    fitness[:] = 0.0
    for i in range(n):
        for j in range(n):
            good = views[i, j]
            if knowledge < 1.0 and draw_uniform(keys[S_KNOW], gen, i * n + j) >= knowledge:
                good = 1  # an unknown recipient is given the benefit of the doubt
            act = _intended(strategy[i], good)
            if act == 1 and e1 > 0.0 and draw_uniform(keys[S_EXEC], gen, i * n + j) < e1:
                act = 0
            acts[i, j] = act
            if act == 1:
                fitness[j] += b / n
                fitness[i] -= c / n


@njit(cache=True)
def _judge_privately(keys, gen, acts, private, norm, empathy, e2, new_private):
    """Each observer re-judges each donor from one act of that donor seen by chance."""
    n = acts.shape[0]
    for i in range(n):
        for j in range(n):
            idx = i * n + j
            k = _below(keys[S_OBS], gen, idx, n)
            act = acts[j, k]
            if empathy >= 1.0 or (
                empathy > 0.0 and draw_uniform(keys[S_EMPATHY], gen, idx) < empathy
            ):
                standing = private[j, k]  # empathetic: the donor's own view of the recipient
            else:
                standing = private[i, k]  # egocentric: the observer's view
            verdict = norm[act, standing]
            if e2 > 0.0 and draw_uniform(keys[S_ASSESS], gen, idx) < e2:
                verdict = 1 - verdict
            new_private[i, j] = verdict


@njit(cache=True)
def _judge_publicly(
    keys, gen, acts, public, norm, judges, strictness, e2, record_error, bought, buyable, new_public
):
    """The institution's judges each re-judge every donor against the public standing of the
    recipient; the verdict is good when the score (judges' good share, plus a bought part weighted
    by `buyable`) is above the strictness threshold. With chance record_error this generation's
    record of a donor is misattributed: all judges read acts of another person (one shared record
    system, so judges cannot outvote the error)."""
    n = acts.shape[0]
    for j in range(n):
        actor = j
        if record_error > 0.0 and draw_uniform(keys[S_MISREC], gen, j) < record_error:
            actor = _below(keys[S_MISREC_WHO], gen, j, n)
        votes = 0
        for m in range(judges):
            idx = m * n + j
            k = _below(keys[S_JUDGE], gen, idx, n)
            verdict = norm[acts[actor, k], public[k]]
            if e2 > 0.0 and draw_uniform(keys[S_JUDGE_ERR], gen, idx) < e2:
                verdict = 1 - verdict
            votes += verdict
        score = (1.0 - buyable) * votes + buyable * judges * bought[j]
        new_public[j] = 1 if score > strictness * judges else 0


@njit(cache=True)
def _imitate(keys, gen, strategy, fitness, w):
    """Pairwise comparison: a random learner copies a random model with the Fermi probability."""
    n = strategy.shape[0]
    model = _below(keys[S_UPDATE], gen, 0, n)
    learner = _below(keys[S_UPDATE], gen, 1, n)
    p = 1.0 / (1.0 + np.exp(-w * (fitness[model] - fitness[learner])))
    if draw_uniform(keys[S_UPDATE], gen, 2) < p:
        strategy[learner] = strategy[model]


@njit(cache=True)
def _initial(keys, n, permitted, start, all_good, judges, strictness, strategy, private, public):
    allowed = np.flatnonzero(permitted)
    for i in range(n):
        if start >= 0:
            strategy[i] = start
        else:
            strategy[i] = allowed[_below(keys[S_INIT], 0, i, allowed.shape[0])]
    for i in range(n):
        for j in range(n):
            private[i, j] = 1 if all_good else _below(keys[S_INIT], 1, i * n + j, 2)
    for j in range(n):
        votes = 0
        for m in range(judges):
            votes += private[m, j]
        public[j] = 1 if votes > strictness * judges else 0


@njit(cache=True)
def _run_one(
    keys,
    n,
    b,
    c,
    w,
    mutation,
    e1,
    e2,
    norm,
    institution,
    empathy,
    judges,
    strictness,
    knowledge,
    record_error,
    buyable,
    permitted,
    start,
    all_good,
    generations,
    burn_in,
    out,
):
    strategy = np.empty(n, np.int64)
    private = np.empty((n, n), np.int8)
    new_private = np.empty((n, n), np.int8)
    public = np.empty(n, np.int8)
    new_public = np.empty(n, np.int8)
    views = np.empty((n, n), np.int8)
    acts = np.empty((n, n), np.int8)
    fitness = np.empty(n, np.float64)
    bought = np.zeros(n, np.float64)
    _initial(keys, n, permitted, start, all_good, judges, strictness, strategy, private, public)
    out[:] = 0.0
    recorded = 0
    for g in range(generations):
        gen = np.int64(g + 2)  # generations 0 and 1 of the init stream are the initial state
        _mutate(keys, gen, strategy, permitted, mutation)
        if institution:
            for i in range(n):
                views[i, :] = public
        else:
            views[:, :] = private
        _play(keys, gen, strategy, views, knowledge, e1, b, c, acts, fitness)
        if institution:
            if buyable > 0.0:
                # purchasing power: payoff rank in [0, 1]; the better-off buy more of the score
                order = np.argsort(fitness, kind="mergesort")
                for r in range(n):
                    bought[order[r]] = r / (n - 1)
            _judge_publicly(
                keys,
                gen,
                acts,
                public,
                norm,
                judges,
                strictness,
                e2,
                record_error,
                bought,
                buyable,
                new_public,
            )
            public[:] = new_public
        else:
            _judge_privately(keys, gen, acts, private, norm, empathy, e2, new_private)
            private[:, :] = new_private
        if g >= burn_in:
            recorded += 1
            out[0] += acts.sum() / (n * n)
            out[1] += (public.sum() / n) if institution else (private.sum() / (n * n))
            for i in range(n):
                out[2 + strategy[i]] += 1.0 / n
        _imitate(keys, gen, strategy, fitness, w)
    if recorded > 0:
        out[:] /= recorded


@njit(parallel=True, cache=True)
def run_replicates(
    keys,
    n,
    b,
    c,
    w,
    mutation,
    e1,
    e2,
    norm,
    institution,
    empathy,
    judges,
    strictness,
    knowledge,
    record_error,
    buyable,
    permitted,
    start,
    all_good,
    generations,
    burn_in,
):
    """Run one population per row of keys (replicates, N_STREAMS); returns (replicates, N_STATS)
    averages over the recorded generations: cooperation, good share, ALLC, ALLD, DISC shares."""
    out = np.zeros((keys.shape[0], N_STATS), np.float64)
    for r in prange(keys.shape[0]):
        _run_one(
            keys[r],
            n,
            b,
            c,
            w,
            mutation,
            e1,
            e2,
            norm,
            institution,
            empathy,
            judges,
            strictness,
            knowledge,
            record_error,
            buyable,
            permitted,
            start,
            all_good,
            generations,
            burn_in,
            out[r],
        )
    return out
