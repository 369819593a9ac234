"""The reference model in plain NumPy and SciPy: what someone who writes it themselves would write.

Whole-population arrays and vectorised daily draws: every day, for each kind of act, one uniform
per citizen (`rng.random(N) < rate`); the records of the acts the source sees, a few of them
misattributed; points added with `np.add.at`; the list kept in step with the scores; and every
7th day the friends' sums as one product with a `scipy.sparse` friendship matrix. No kernels,
no tricks. Graph: `small_world.py` (Watts-Strogatz, as Mesa's).
"""

from __future__ import annotations

import time

import numpy as np
from reference_spec import TRAVEL_ACT, Outcome, ReferenceParams
from small_world import friends_matrix, small_world_ties

__all__ = ["NumpyReference", "run_numpy"]


class NumpyReference:
    """The state (scores, friends' terms, the list) and one day's step."""

    def __init__(self, params: ReferenceParams) -> None:
        p = self.params = params
        n = p.citizens
        self.rng = np.random.default_rng(p.seed)
        self.friends = friends_matrix(n, *small_world_ties(n, p.friends, p.seed))
        self.degree = np.diff(self.friends.indptr)
        self.score = np.full(n, float(p.start))
        self.term = np.zeros(n)
        self.listed = np.zeros(n, dtype=bool)
        self.acts = dict.fromkeys([*p.act_rates, TRAVEL_ACT], 0)
        self.records = self.misattributed = self.refused = 0

    def step(self, day: int) -> None:
        p, rng, n = self.params, self.rng, self.params.citizens
        buyers = np.flatnonzero(rng.random(n) < p.travel_rate)
        self.acts[TRAVEL_ACT] += buyers.size
        self.refused += int(np.count_nonzero(self.listed[buyers]))  # the list as the day began
        touched = []
        for kind, rate in p.act_rates.items():
            actors = np.flatnonzero(rng.random(n) < rate)
            self.acts[kind] += actors.size
            named = actors[rng.random(actors.size) >= p.miss_rate]
            wrong = rng.random(named.size) < p.misattribution_rate
            other = rng.integers(0, n - 1, int(wrong.sum()))
            named[wrong] = other + (other >= named[wrong])
            np.add.at(self.score, named, p.points[kind])
            self.records += named.size
            self.misattributed += int(wrong.sum())
            touched.append(named)
        changed = np.concatenate(touched)
        self.score[changed] = np.clip(self.score[changed], p.floor, p.ceiling)
        if day > 0 and day % p.network_cadence_days == 0:
            self.friends_term()
            self.listed = self.score < p.threshold
        else:
            self.listed[changed] = self.score[changed] < p.threshold

    def friends_term(self) -> None:
        """Every term to round(weight x (friends' mean - start)), from today's scores."""
        p = self.params
        sums = self.friends @ self.score
        with np.errstate(invalid="ignore", divide="ignore"):
            target = np.rint(p.network_weight * (sums / self.degree - p.start))
        target[self.degree == 0] = 0.0
        new = np.clip(self.score + target - self.term, p.floor, p.ceiling)
        self.term += new - self.score
        self.score = new


def run_numpy(params: ReferenceParams) -> Outcome:
    """Build and run the NumPy version; the same outcomes as credsim's summary."""
    started = time.perf_counter()
    model = NumpyReference(params)
    built, cpu = time.perf_counter(), time.process_time()
    for day in range(params.days):
        model.step(day)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    return Outcome(
        framework="numpy",
        citizens=params.citizens,
        days=params.days,
        seed=params.seed,
        acts=dict(model.acts),
        records=model.records,
        misattributed=model.misattributed,
        listed=int(model.listed.sum()),
        refused=model.refused,
        score_mean=float(model.score.mean()),
        loop_seconds=done - built,
        loop_cpu_seconds=cpu,
        build_seconds=built - started,
    )
