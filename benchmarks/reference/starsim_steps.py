"""What each step of speeding up the Starsim model gained: CPU seconds of the day loop, by step.

Usage: NUMBA_NUM_THREADS=1 python benchmarks/reference/starsim_steps.py [--citizens 1e6]
           [--days 365] [--rounds 3]

Every variant runs the same model on the same small-world network, in this process, in
interleaved rounds (1 2 3 4 1 2 3 4 ...), after a warm-up; the table gives the median CPU seconds
of the loop (time.process_time), its ratio to the first variant and the outcomes:

1. textbook: the first Starsim version (`git show 8822098:benchmarks/reference/starsim_model.py`):
   one `ss.bernoulli` per kind of act over every citizen each day, friends' sums by `np.bincount`
   over the network's edges, every citizen's list flag updated every day;
2. one draw per citizen-day decides whether anything happens, one more per actor which acts;
   one uniform per violation for seen and misattributed; only changed citizens clipped and listed;
3. and the friends' sums as one product with a `scipy.sparse` matrix (float32): `starsim_model`;
4. and Starsim's common random numbers off (`ss.options.crn = False`: plain draws per agent).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import starsim as ss
from reference_spec import TRAVEL_ACT, reference_params
from starsim_model import CreditSystem, friendship_network

__all__ = ["VARIANTS", "run_variant"]


class BincountFriends(CreditSystem):
    """Step 2: friends' sums by `np.bincount` over the edges (float64), as the first version."""

    def friends_step(self, score: np.ndarray) -> None:
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


class Textbook(BincountFriends):
    """Step 1: one `ss.bernoulli` per kind over every citizen; the list updated for everyone."""

    def __init__(self, model, **kwargs):
        super().__init__(model, **kwargs)
        del self.acts_at_all, self.which_acts, self.observe  # not drawn here, so not jumped
        self.act = {k: ss.bernoulli(p=model.act_rates[k], name=f"act_{k}") for k in self.kinds}
        self.seen = {k: ss.bernoulli(p=1 - model.miss_rate, name=f"seen_{k}") for k in self.kinds}
        wrong = model.misattribution_rate
        self.wrong = {k: ss.bernoulli(p=wrong, name=f"wrong_{k}") for k in self.kinds}
        self.travel = ss.bernoulli(p=model.travel_rate, name="travel")

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


VARIANTS = {
    "1 textbook": (Textbook, True),
    "2 one draw per citizen-day": (BincountFriends, True),
    "3 sparse friends' sums": (CreditSystem, True),
    "4 common random numbers off": (CreditSystem, False),
}


def run_variant(name: str, citizens: int, days: int, seed: int = 1) -> tuple[float, dict]:
    """Loop CPU seconds and outcomes of one variant."""
    system_class, crn = VARIANTS[name]
    params = reference_params(citizens, days, seed)
    ss.options.crn = crn
    sim = ss.Sim(
        n_agents=citizens,
        start=ss.days(0),
        stop=ss.days(days - 1),
        dt=ss.days(1),
        rand_seed=seed,
        networks=friendship_network(params),
        interventions=system_class(params),
        verbose=0,
    )
    sim.init()
    cpu = time.process_time()
    sim.run()
    cpu = time.process_time() - cpu
    system = sim.interventions[0]
    outcome = {
        "listed": int(system.listed.raw.sum()),
        "refused": system.totals["refused"],
        "score_mean": float(system.score.raw.mean(dtype=np.float64)),
    }
    return cpu, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=float, default=1e6)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for name in VARIANTS:
        run_variant(name, 2_000, 15)  # compile and warm up
    seconds = {name: [] for name in VARIANTS}
    outcomes = {}
    for round_ in range(args.rounds):
        for name in VARIANTS:
            cpu, outcomes[name] = run_variant(name, int(args.citizens), args.days)
            seconds[name].append(cpu)
            print(f"  round {round_ + 1} {name}: {cpu:.2f} s", file=sys.stderr)
    base = statistics.median(seconds["1 textbook"])
    print(
        f"{'variant':<30} {'CPU s':>7} {'x textbook':>10} {'listed':>8} {'refused':>8} {'mean':>9}"
    )
    for name in VARIANTS:
        med = statistics.median(seconds[name])
        o = outcomes[name]
        print(
            f"{name:<30} {med:>7.2f} {med / base:>10.2f} {o['listed']:>8} {o['refused']:>8} "
            f"{o['score_mean']:>9.3f}"
        )


if __name__ == "__main__":
    main()
