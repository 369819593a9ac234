"""The reference model in Starsim, written for speed the way a Starsim expert would: `ss.People`,
a static friendship network, and one custom intervention with Starsim states and distributions.

What makes it fast (benchmarks/README.md, "Reference model"; docs/performance.md):

- One draw per citizen-day decides whether anything happens (`ss.bernoulli` with the chance of
  any act), and one more per citizen who acts decides which acts (an `ss.random` looked up in the
  cumulative chances of the 31 combinations of the five kinds): the same joint law as five
  independent draws, at a fifth of the draws over the population.
- The week's friends' sums are one product with a `scipy.sparse` friendship matrix, built once
  from the network's edges (the network is static).
- Only the citizens whose score changed today are clipped and put on or off the list; every
  citizen only on a friends' term day.

Networks: `small_world` (benchmarked, and used by the equivalence check): an `ss.Network` over a
Watts-Strogatz graph of 20 friends, the same graph model as Mesa's and close to credsim's
(`small_world.py` builds it in NumPy; networkx takes minutes at 1e6). `random`:
`ss.RandomNet(n_contacts=20, dynamic=False)`, Starsim's usual network, on which the rounded
friends' term ends lower (friends' means vary less; benchmarks/README.md).
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import scipy.sparse as sp
import starsim as ss
from reference_spec import TRAVEL_ACT, Outcome, ReferenceParams
from small_world import small_world_ties

__all__ = [
    "NETWORKS",
    "CreditSystem",
    "Friends",
    "build_starsim",
    "friendship_network",
    "run_starsim",
]


def _combinations(rates: list[float]) -> tuple[np.ndarray, np.ndarray, float]:
    """Every non-empty set of acts (bit k: act k) and its cumulative chance given that a citizen
    acts at all, and the chance that a citizen acts at all."""
    sets, chances = [], []
    for bits in itertools.product((0, 1), repeat=len(rates)):
        if any(bits):
            sets.append(sum(b << k for k, b in enumerate(bits)))
            chances.append(np.prod([r if b else 1 - r for r, b in zip(rates, bits, strict=True)]))
    any_act = float(np.sum(chances))
    cumulative = np.cumsum(chances) / any_act
    cumulative[-1] = 1.0
    return np.array(sets), cumulative, any_act


class CreditSystem(ss.Intervention):
    """Acts, one source, a points policy with a weekly friends' term, a threshold list, travel."""

    def __init__(self, model: ReferenceParams, **kwargs):
        super().__init__(**kwargs)
        self.model = model
        self.kinds = list(model.act_rates)
        rates = [*model.act_rates.values(), model.travel_rate]  # travel is the last bit
        self.sets, self.cumulative, any_act = _combinations(rates)
        self.acts_at_all = ss.bernoulli(p=any_act, name="acts_at_all")
        self.which_acts = ss.random(name="which_acts")
        # One uniform per violation: seen when below 0.8, misattributed when below 0.8 x 0.01.
        self.observe = {k: ss.random(name=f"observe_{k}") for k in self.kinds}
        self.seen_below = 1 - model.miss_rate
        self.wrong_below = self.seen_below * model.misattribution_rate
        self.whom = {k: ss.randint(0, model.citizens - 1, name=f"whom_{k}") for k in self.kinds}
        self.define_states(
            ss.FloatArr("score", default=float(model.start), label="Score"),
            ss.FloatArr("friends_term", default=0.0, label="Friends' term"),
            ss.BoolState("listed", label="Listed"),
        )
        self.counts = {k: 0 for k in [*self.kinds, TRAVEL_ACT]}
        self.totals = {"records": 0, "misattributed": 0, "refused": 0}

    def init_post(self):
        super().init_post()
        net = self.sim.networks[0]
        p1, p2 = np.asarray(net.edges.p1), np.asarray(net.edges.p2)
        n = len(self.sim.people)
        ones = np.ones(2 * p1.size, dtype=np.float32)  # sums up to 2^24 are exact
        friends = sp.csr_matrix(
            (ones, (np.concatenate([p1, p2]), np.concatenate([p2, p1]))), shape=(n, n)
        )
        friends.sum_duplicates()
        friends.data[:] = 1.0  # a pair listed twice is one friendship
        self.friends = friends
        self.degree = np.diff(friends.indptr)

    def init_results(self):
        super().init_results()
        self.define_results(
            ss.Result("acts", dtype=int, label="Acts"),
            ss.Result("records", dtype=int, label="Records"),
            ss.Result("misattributed", dtype=int, label="Misattributed records"),
            ss.Result("refused", dtype=int, label="Refused travel"),
            ss.Result("score_mean", dtype=float, scale=False, label="Mean score"),
        )

    def step(self):
        m, day = self.model, self.ti
        score, listed = self.score.raw, self.listed.raw
        actors = self.acts_at_all.filter(self.sim.people.auids)  # one draw per citizen
        pick = np.searchsorted(self.cumulative, self.which_acts.rvs(actors), side="right")
        sets = self.sets[np.minimum(pick, len(self.sets) - 1)]
        buyers = actors[(sets >> len(self.kinds)) & 1 == 1]
        self.counts[TRAVEL_ACT] += len(buyers)
        refused = int(np.count_nonzero(listed[buyers]))  # the list as the day began
        acts, wrong, named = len(buyers), 0, []
        for bit, kind in enumerate(self.kinds):
            doers = actors[(sets >> bit) & 1 == 1]
            self.counts[kind] += len(doers)
            acts += len(doers)
            records, misattributed = self.observe_acts(kind, doers)
            np.add.at(score, records, m.points[kind])
            named.append(records)
            wrong += misattributed
        changed = np.concatenate(named)
        score[changed] = np.clip(score[changed], m.floor, m.ceiling)
        if day > 0 and day % m.network_cadence_days == 0:
            self.friends_step(score)
            listed[:] = score < m.threshold
        else:
            listed[changed] = score[changed] < m.threshold
        self.totals["records"] += len(changed)
        self.totals["misattributed"] += wrong
        self.totals["refused"] += refused
        self.today = (acts, len(changed), wrong, refused)

    def observe_acts(self, kind: str, doers: np.ndarray) -> tuple[np.ndarray, int]:
        """Whom the source's records of these acts name, and how many name someone else."""
        u = self.observe[kind].rvs(doers)
        seen = u < self.seen_below
        named = np.array(doers[seen])
        wrong = u[seen] < self.wrong_below
        if wrong.any():
            other = self.whom[kind].rvs(doers[u < self.wrong_below])
            named[wrong] = other + (other >= named[wrong])
        return named, int(np.count_nonzero(wrong))

    def friends_step(self, score: np.ndarray) -> None:
        """Move each citizen's friends' term to round(w * (friends' mean - start))."""
        m = self.model
        sums = self.friends @ score  # float32, exact (integers)
        with np.errstate(invalid="ignore", divide="ignore"):
            target = np.rint(m.network_weight * (sums / self.degree - m.start))
        target[self.degree == 0] = 0.0
        term = self.friends_term.raw
        new = np.clip(score + target - term, m.floor, m.ceiling)
        term += new - score
        score[:] = new

    def update_results(self):
        super().update_results()
        acts, records, wrong, refused = self.today
        self.results.acts[self.ti] = acts
        self.results.records[self.ti] = records
        self.results.misattributed[self.ti] = wrong
        self.results.refused[self.ti] = refused
        self.results.score_mean[self.ti] = self.score.raw.mean(dtype=np.float64)


NETWORKS = ("small_world", "random")


class Friends(ss.Network):
    """A static friendship network: its edges are given once and never change."""

    def step(self):
        pass


def friendship_network(params: ReferenceParams, network: str = "small_world") -> ss.Network:
    """A static network of about `params.friends` friends per citizen."""
    if network == "small_world":
        low, high = small_world_ties(params.citizens, params.friends, params.seed)
        return Friends(p1=low, p2=high, beta=np.ones(low.size), name="friends")
    if network == "random":
        return ss.RandomNet(n_contacts=round(params.friends), dynamic=False, name="friends")
    raise ValueError(f"unknown network {network!r}; networks are {', '.join(NETWORKS)}")


def build_starsim(params: ReferenceParams, network: str = "small_world") -> ss.Sim:
    """The reference model as a Starsim sim, initialised (people and network built)."""
    sim = ss.Sim(
        n_agents=params.citizens,
        start=ss.days(0),
        stop=ss.days(params.days - 1),
        dt=ss.days(1),
        rand_seed=params.seed,
        networks=friendship_network(params, network),
        interventions=CreditSystem(params),
        verbose=0,
    )
    sim.init()
    return sim


def run_starsim(params: ReferenceParams, network: str = "small_world") -> Outcome:
    """Build and run the Starsim version; the same outcomes as credsim's summary."""
    started = time.perf_counter()
    sim = build_starsim(params, network)
    built, cpu = time.perf_counter(), time.process_time()
    sim.run()
    done, cpu = time.perf_counter(), time.process_time() - cpu
    system = sim.interventions[0]
    return Outcome(
        framework="starsim" if network == "small_world" else f"starsim-{network}",
        citizens=params.citizens,
        days=params.days,
        seed=params.seed,
        acts=dict(system.counts),
        records=system.totals["records"],
        misattributed=system.totals["misattributed"],
        listed=int(np.count_nonzero(system.listed.raw[system.sim.people.auids])),
        refused=system.totals["refused"],
        score_mean=float(system.score.raw[system.sim.people.auids].mean(dtype=np.float64)),
        loop_seconds=done - built,
        loop_cpu_seconds=cpu,
        build_seconds=built - started,
    )
