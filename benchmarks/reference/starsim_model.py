"""The reference model in Starsim, written as a Starsim user would: `ss.People`, a static
friendship network of about 20 contacts, and one custom intervention that draws the acts, records
them with misattribution, scores them with a weekly friends' term, refuses travel to listed
citizens and keeps the list. States are Starsim arrays; draws are Starsim distributions.

Two networks: `random` (`ss.RandomNet(n_contacts=20, dynamic=False)`, Starsim's usual choice and
the one benchmarked) and `small_world` (`ss.StaticNet` over the same Watts-Strogatz graph as the
Mesa version, for the equivalence check). The friends' term is rounded, so the graph's structure
shifts its mean slightly: on a random graph, friends' means vary less and more of them round to
-1 (see benchmarks/README.md, "Reference model").
"""

from __future__ import annotations

import time

import networkx as nx
import numpy as np
import starsim as ss
from reference_spec import TRAVEL_ACT, Outcome, ReferenceParams

__all__ = ["NETWORKS", "CreditSystem", "build_starsim", "friendship_network", "run_starsim"]


class CreditSystem(ss.Intervention):
    """Acts, one source, a points policy with a weekly friends' term, a threshold list, travel."""

    def __init__(self, model: ReferenceParams, **kwargs):
        super().__init__(**kwargs)
        self.model = model
        kinds = list(model.act_rates)
        self.kinds = kinds
        self.act = {k: ss.bernoulli(p=model.act_rates[k], name=f"act_{k}") for k in kinds}
        self.seen = {k: ss.bernoulli(p=1 - model.miss_rate, name=f"seen_{k}") for k in kinds}
        self.wrong = {
            k: ss.bernoulli(p=model.misattribution_rate, name=f"wrong_{k}") for k in kinds
        }
        self.whom = {k: ss.randint(0, model.citizens - 1, name=f"whom_{k}") for k in kinds}
        self.travel = ss.bernoulli(p=model.travel_rate, name="travel")
        self.define_states(
            ss.FloatArr("score", default=float(model.start), label="Score"),
            ss.FloatArr("friends_term", default=0.0, label="Friends' term"),
            ss.BoolState("listed", label="Listed"),
        )
        self.counts = {k: 0 for k in [*kinds, TRAVEL_ACT]}
        self.totals = {"records": 0, "misattributed": 0, "refused": 0}

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
        uids = self.sim.people.auids
        score = self.score.raw
        acts = records = wrong_total = 0
        for kind in self.kinds:
            actors = self.act[kind].filter(uids)
            self.counts[kind] += len(actors)
            acts += len(actors)
            seen = self.seen[kind].filter(actors)
            named = np.asarray(seen).copy()
            wrong = self.wrong[kind].rvs(seen)
            if wrong.any():
                other = self.whom[kind].rvs(seen[wrong])
                named[wrong] = other + (other >= named[wrong])
            np.add.at(score, named, m.points[kind])
            records += len(named)
            wrong_total += int(wrong.sum())
        np.clip(score, m.floor, m.ceiling, out=score)
        # Travel: refused when listed as the day began (the list is updated at the end).
        buyers = self.travel.filter(uids)
        self.counts[TRAVEL_ACT] += len(buyers)
        refused = int(self.listed[buyers].sum())
        if day > 0 and day % m.network_cadence_days == 0:
            self.friends_step(score)
        self.listed[uids] = self.score[uids] < m.threshold
        self.totals["records"] += records
        self.totals["misattributed"] += wrong_total
        self.totals["refused"] += refused
        self.today = (acts + len(buyers), records, wrong_total, refused)

    def friends_step(self, score: np.ndarray) -> None:
        """Move each citizen's friends' term to round(w * (friends' mean - start))."""
        m = self.model
        net = self.sim.networks[0]
        p1, p2 = np.asarray(net.edges.p1), np.asarray(net.edges.p2)
        n = score.shape[0]
        sums = np.bincount(p1, weights=score[p2], minlength=n)
        sums += np.bincount(p2, weights=score[p1], minlength=n)
        count = np.bincount(p1, minlength=n) + np.bincount(p2, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sums / count
        target = np.where(count > 0, np.rint(m.network_weight * (mean - m.start)), 0.0)
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
        self.results.score_mean[self.ti] = self.score.mean()


NETWORKS = ("random", "small_world")


def friendship_network(params: ReferenceParams, network: str = "random") -> ss.Network:
    """A static network of about `params.friends` contacts per citizen."""
    contacts = round(params.friends)
    if network == "random":
        return ss.RandomNet(n_contacts=contacts, dynamic=False)
    if network == "small_world":
        graph = nx.watts_strogatz_graph(params.citizens, contacts, 0.1, seed=params.seed)
        return ss.StaticNet(graph=graph)
    raise ValueError(f"unknown network {network!r}; networks are {', '.join(NETWORKS)}")


def build_starsim(params: ReferenceParams, network: str = "random") -> ss.Sim:
    """The reference model as a Starsim sim, initialised (people and network built)."""
    system = CreditSystem(params)
    sim = ss.Sim(
        n_agents=params.citizens,
        start=ss.days(0),
        stop=ss.days(params.days - 1),
        dt=ss.days(1),
        rand_seed=params.seed,
        networks=friendship_network(params, network),
        interventions=system,
        verbose=0,
    )
    sim.init()
    return sim


def run_starsim(params: ReferenceParams, network: str = "random") -> Outcome:
    """Build and run the Starsim version; the same outcomes as credsim's summary."""
    started = time.perf_counter()
    sim = build_starsim(params, network)
    built, cpu = time.perf_counter(), time.process_time()
    sim.run()
    done, cpu = time.perf_counter(), time.process_time() - cpu
    system = sim.interventions[0]
    return Outcome(
        framework="starsim" if network == "random" else f"starsim-{network}",
        citizens=params.citizens,
        days=params.days,
        seed=params.seed,
        acts=dict(system.counts),
        records=system.totals["records"],
        misattributed=system.totals["misattributed"],
        listed=int(system.listed.sum()),
        refused=system.totals["refused"],
        score_mean=float(system.score.mean()),
        loop_seconds=done - built,
        loop_cpu_seconds=cpu,
        build_seconds=built - started,
    )
