"""The reference model in Mesa, written as a Mesa user would: one `Citizen` agent per person
placed on a `Network` space (a networkx graph of the same Watts-Strogatz friendship ties, about
20 each, as the other hand-written versions: `small_world.py`), `model.agents` to step them, and
a `DataCollector` for the daily figures.

A day: every citizen acts (in random order); each violation the source sees becomes a record
that takes points from the citizen it names (1% of them a random other citizen); a travel
attempt is refused when its buyer was listed as the day began. Every 7th day the friends' term
is recomputed from everyone's friends at once. Then each citizen is listed while below 950.
"""

from __future__ import annotations

import time

import mesa
import networkx as nx
from mesa.discrete_space import CellAgent, Network
from reference_spec import TRAVEL_ACT, Outcome, ReferenceParams
from small_world import small_world_ties

__all__ = ["Citizen", "ReferenceModel", "run_mesa"]


class Citizen(CellAgent):
    """One citizen: a score, a friends' term and whether they are listed."""

    def __init__(self, model: ReferenceModel, cell) -> None:
        super().__init__(model)
        self.cell = cell
        self.number = cell.coordinate
        self.score = model.p.start
        self.friends_term = 0
        self.next_term = 0
        self.listed = False

    def step(self) -> None:
        """Today's acts; the source records what it sees; travel is checked against the list."""
        model, p, draw = self.model, self.model.p, self.random.random
        for kind, rate in p.act_rates.items():
            if draw() < rate:
                model.acts[kind] += 1
                if draw() < 1.0 - p.miss_rate:
                    named = self
                    if draw() < p.misattribution_rate:
                        named = model.someone_other_than(self)
                        model.misattributed += 1
                    named.add_points(p.points[kind])
                    model.records += 1
        if draw() < p.travel_rate:
            model.acts[TRAVEL_ACT] += 1
            if self.listed:
                model.refused += 1

    def add_points(self, points: int) -> None:
        p = self.model.p
        self.score = min(max(self.score + points, p.floor), p.ceiling)

    def look_at_friends(self) -> None:
        """The term this citizen's friends' scores call for (applied once everyone has looked)."""
        p = self.model.p
        friends = list(self.cell.neighborhood.agents)
        if friends:
            mean = sum(friend.score for friend in friends) / len(friends)
            self.next_term = round(p.network_weight * (mean - p.start))
        else:
            self.next_term = 0

    def take_friends_term(self) -> None:
        p = self.model.p
        new = min(max(self.score + self.next_term - self.friends_term, p.floor), p.ceiling)
        self.friends_term += new - self.score
        self.score = new

    def update_listing(self) -> None:
        self.listed = self.score < self.model.p.threshold


class ReferenceModel(mesa.Model):
    """N citizens on a friendship network under the reference points system."""

    def __init__(self, params: ReferenceParams) -> None:
        super().__init__(seed=params.seed)
        self.p = params
        self.day = 0
        self.acts = dict.fromkeys([*params.act_rates, TRAVEL_ACT], 0)
        self.records = self.misattributed = self.refused = 0
        graph = nx.Graph()
        graph.add_nodes_from(range(params.citizens))
        low, high = small_world_ties(params.citizens, params.friends, params.seed)
        graph.add_edges_from(zip(low.tolist(), high.tolist(), strict=True))
        self.grid = Network(graph, random=self.random)
        self.citizens = [Citizen(self, self.grid[i]) for i in range(params.citizens)]
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "records": "records",
                "misattributed": "misattributed",
                "refused": "refused",
                "listed": lambda m: sum(m.agents.get("listed")),
                "score_mean": lambda m: sum(m.agents.get("score")) / len(m.agents),
            }
        )

    def someone_other_than(self, citizen: Citizen) -> Citizen:
        """A uniformly random citizen other than `citizen`."""
        other = self.random.randrange(len(self.citizens) - 1)
        return self.citizens[other + (other >= citizen.number)]

    def step(self) -> None:
        self.agents.shuffle_do("step")
        if self.day > 0 and self.day % self.p.network_cadence_days == 0:
            self.agents.do("look_at_friends")
            self.agents.do("take_friends_term")
        self.agents.do("update_listing")
        self.datacollector.collect(self)
        self.day += 1


def run_mesa(params: ReferenceParams) -> Outcome:
    """Build and run the Mesa version; the same outcomes as credsim's summary."""
    started = time.perf_counter()
    model = ReferenceModel(params)
    built, cpu = time.perf_counter(), time.process_time()
    for _ in range(params.days):
        model.step()
    done, cpu = time.perf_counter(), time.process_time() - cpu
    scores = model.agents.get("score")
    return Outcome(
        framework="mesa",
        citizens=params.citizens,
        days=params.days,
        seed=params.seed,
        acts=dict(model.acts),
        records=model.records,
        misattributed=model.misattributed,
        listed=sum(model.agents.get("listed")),
        refused=model.refused,
        score_mean=sum(scores) / len(scores),
        loop_seconds=done - built,
        loop_cpu_seconds=cpu,
        build_seconds=built - started,
    )
