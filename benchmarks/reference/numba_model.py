"""The reference model as a hand-tuned serial Numba kernel: the limit a general engine can aim at.

Nothing here is general: the rules of benchmarks/README.md ("The rules") written straight into
one kernel per day, with the work cut to what the rules need.

- Draws only for citizens who act: for each kind of act, the gap to the next citizen who commits
  it is geometric (one draw per act, not one per citizen and kind), so a day costs in proportion
  to its acts. One more uniform per violation decides both whether the source sees it (u < 0.8)
  and, given that, whether it names someone else (u < 0.8 x 0.01).
- Travel is checked before the day's records, so "listed as the day began" is the score itself
  (listed while below 950): no list to keep in step.
- Each citizen keeps the sum of their friends' scores, changed only where a score changed: on a
  friends' term day, each citizen whose score moved since the last one passes the change on to
  their friends' sums (about 20 writes), in citizen order, which keeps the writes near each other
  in memory (a third faster than passing each record's points on as it lands); then one pass
  takes every target from the sums, and one more makes the moves (about a tenth of citizens move
  each week) and passes them on. Recomputing every sum from the graph each week instead costs
  about 1.6x the whole run.

Serial on purpose (NUMBA_NUM_THREADS plays no part): a day is a few thousand acts and a friends'
term a few milliseconds. Graph: `small_world.py` (Watts-Strogatz, as Mesa's).
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit
from reference_spec import TRAVEL_ACT, Outcome, ReferenceParams
from small_world import friends_csr, small_world_ties

__all__ = ["run_numba"]


@njit(cache=True)
def _seed(seed: int) -> None:
    np.random.seed(seed)


@njit(cache=True)
def _next_actor(previous: int, log_stay: float) -> int:
    """The next citizen after `previous` who acts, each with probability 1 - exp(log_stay)."""
    return previous + 1 + int(np.log(1.0 - np.random.random()) / log_stay)


@njit(cache=True)
def _add_points(citizen, points, score, floor, ceiling) -> None:
    """Change one score (clamped); friends' sums learn of it at the next friends' term."""
    score[citizen] = min(max(score[citizen] + points, floor), ceiling)


@njit(cache=True)
def _pass_on(citizen, change, friend_sum, indptr, indices) -> None:
    for j in range(indptr[citizen], indptr[citizen + 1]):
        friend_sum[indices[j]] += change


@njit(cache=True)
def _friends_term(score, term, friend_sum, known, indptr, indices, weight, start, floor, ceiling):
    """Every citizen's term to round(weight x (friends' mean - start)), all from the same sums.

    known[i] is citizen i's score as the friends' sums know it: the week's records are passed on
    first, in citizen order, then every target is taken, then the moves are made and passed on."""
    n = score.shape[0]
    for i in range(n):
        if score[i] != known[i]:
            _pass_on(i, score[i] - known[i], friend_sum, indptr, indices)
    for i in range(n):
        friends = indptr[i + 1] - indptr[i]
        target = 0.0
        if friends > 0:
            target = np.rint(weight * (friend_sum[i] / friends - start))
        new = min(max(score[i] + int(target) - term[i], floor), ceiling)
        known[i] = new
    for i in range(n):
        change = known[i] - score[i]
        if change != 0:
            score[i] = known[i]
            term[i] += change
            _pass_on(i, change, friend_sum, indptr, indices)


@njit(cache=True)
def _day(
    day, score, term, friend_sum, known, indptr, indices, log_stay, points, log_travel,
    seen, wrong, floor, ceiling, threshold, weight, start, cadence, counts,
):  # fmt: skip
    """One day. counts: acts per kind, travel attempts, records, misattributed, refused."""
    n = score.shape[0]
    kinds = log_stay.shape[0]
    buyer = _next_actor(-1, log_travel)
    while buyer < n:
        counts[kinds] += 1
        if score[buyer] < threshold:  # listed as the day began: nothing has moved scores yet
            counts[kinds + 3] += 1
        buyer = _next_actor(buyer, log_travel)
    for k in range(kinds):
        actor = _next_actor(-1, log_stay[k])
        while actor < n:
            counts[k] += 1
            u = np.random.random()
            if u < seen:
                counts[kinds + 1] += 1
                named = actor
                if u < seen * wrong:
                    counts[kinds + 2] += 1
                    named = np.random.randint(0, n - 1)
                    named += named >= actor
                _add_points(named, points[k], score, floor, ceiling)
            actor = _next_actor(actor, log_stay[k])
    if day > 0 and day % cadence == 0:
        _friends_term(
            score, term, friend_sum, known, indptr, indices, weight, start, floor, ceiling
        )


def run_numba(params: ReferenceParams) -> Outcome:
    """Build the graph and state, then run the days; the same outcomes as credsim's summary."""
    p = params
    started = time.perf_counter()
    n = p.citizens
    indptr, indices = friends_csr(n, *small_world_ties(n, p.friends, p.seed))
    score = np.full(n, p.start, dtype=np.int32)
    term = np.zeros(n, dtype=np.int32)
    known = score.copy()
    friend_sum = (np.diff(indptr) * p.start).astype(np.int32)
    kinds = list(p.act_rates)
    log_stay = np.log1p(-np.array([p.act_rates[k] for k in kinds]))
    points = np.array([p.points[k] for k in kinds], dtype=np.int32)
    counts = np.zeros(len(kinds) + 4, dtype=np.int64)
    _seed(p.seed)
    built, cpu = time.perf_counter(), time.process_time()
    for day in range(p.days):
        _day(
            day, score, term, friend_sum, known, indptr, indices, log_stay, points,
            np.log1p(-p.travel_rate), 1.0 - p.miss_rate, p.misattribution_rate,
            p.floor, p.ceiling, p.threshold, p.network_weight, float(p.start),
            p.network_cadence_days, counts,
        )  # fmt: skip
    done, cpu = time.perf_counter(), time.process_time() - cpu
    m = len(kinds)
    return Outcome(
        framework="numba",
        citizens=n,
        days=p.days,
        seed=p.seed,
        acts={**{k: int(counts[i]) for i, k in enumerate(kinds)}, TRAVEL_ACT: int(counts[m])},
        records=int(counts[m + 1]),
        misattributed=int(counts[m + 2]),
        listed=int(np.count_nonzero(score < p.threshold)),
        refused=int(counts[m + 3]),
        score_mean=float(score.mean()),
        loop_seconds=done - built,
        loop_cpu_seconds=cpu,
        build_seconds=built - started,
    )
