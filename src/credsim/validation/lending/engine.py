"""Liu et al. (2018)'s lending round run through credsim's own day loop: the scenario
(`delayed_impact.toml`, filled in with the FICO tables, a rule and a loss/profit ratio) and the
figures read off the run's events: each group's mean score change, its standard error, and the
share of applicants lent to."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from credsim.engine.sets import unique
from credsim.runner import build_simulation
from credsim.scenario import Scenario, load_scenario
from credsim.validation.lending.fico import FicoData

__all__ = [
    "GROUP_SHARES",
    "SCENARIO",
    "EngineRun",
    "GroupFigures",
    "lending_scenario",
    "run_lending",
]

SCENARIO = Path(__file__).with_name("delayed_impact.toml")
GROUP_SHARES = {"Black": 0.121, "White": 0.879}
"""The paper's two groups and their shares of the FICO sample."""


@dataclass(frozen=True)
class GroupFigures:
    """What one round of lending did to one group, counted from the run's events."""

    citizens: int
    applicants: int
    loans: int
    mean_change: float
    standard_error: float
    """Of the mean change: the spread of citizens' changes over the root of their number."""

    @property
    def selection_rate(self) -> float:
        return self.loans / self.applicants if self.applicants else math.nan

    def to_dict(self) -> dict[str, float]:
        return {
            "citizens": self.citizens,
            "applicants": self.applicants,
            "loans": self.loans,
            "selection_rate": self.selection_rate,
            "mean_change": self.mean_change,
            "standard_error": self.standard_error,
        }


@dataclass(frozen=True)
class EngineRun:
    """One run: the rule, the ratio, each group's figures and the bank's thresholds."""

    rule: str
    loss_ratio: float
    groups: dict[str, GroupFigures]
    thresholds: dict[str, float]


def lending_scenario(
    data: FicoData, rule: str, loss_ratio: float, size: int, seed: int
) -> Scenario:
    """The bundled lending scenario with the FICO tables of `data`, a rule and a ratio."""
    spec = tomllib.loads(SCENARIO.read_text(encoding="utf-8"))
    scores = data.score.tolist()
    repay = {g: {"scores": scores, "repay": data.repay[g].tolist()} for g in GROUP_SHARES}
    spec["seed"] = seed
    spec["population"]["size"] = size
    spec["population"]["groups"] = {
        g: {"share": share, "scores": scores, "mass": data.pmf[g].tolist()}
        for g, share in GROUP_SHARES.items()
    }
    spec["behavior"]["applicants"]["repay"] = repay
    bank = spec["consequences"]["bank"]
    bank.update(rule=rule, loss_ratio=loss_ratio, repay=repay)
    return load_scenario(spec)


def run_lending(data: FicoData, rule: str, loss_ratio: float, size: int, seed: int) -> EngineRun:
    """Step the scenario day by day (Simulation.step) and count, from each day's records,
    refusals and score changes, what the round did to each group."""
    scenario = lending_scenario(data, rule, loss_ratio, size, seed)
    sim = build_simulation(scenario)
    sim.initialise()
    world, codes = sim.world, sim.world.codes
    trait = world.traits["group"]
    labels = trait.labels
    n = world.n
    group = trait.codes(np.arange(n, dtype=np.int64))
    policy = codes.code("policy", "fico")
    application = codes.code("record_kind", "loan_application")
    refused, bank = codes.code("action", "refused"), codes.code("consequence", "bank")
    change = np.zeros(n, np.int64)
    applicants = np.zeros(len(labels), np.int64)
    refusals = np.zeros(len(labels), np.int64)
    for day in range(world.days):
        d = sim.step(day)
        records, sanctions, moves = d.records, d.sanctions, d.score_changes
        asked = records["attributed_to"][records["kind"] == application]
        applicants += np.bincount(group[unique(asked)], minlength=len(labels))
        no = sanctions["citizen"][
            (sanctions["action"] == refused) & (sanctions["consequence"] == bank)
        ]
        refusals += np.bincount(group[no], minlength=len(labels))
        mine = moves["policy"] == policy
        np.add.at(change, moves["citizen"][mine], moves["delta"][mine].astype(np.int64))
    figures = {}
    for code, label in enumerate(labels):
        delta = change[group == code].astype(np.float64)
        figures[label] = GroupFigures(
            citizens=int(delta.shape[0]),
            applicants=int(applicants[code]),
            loans=int(applicants[code] - refusals[code]),
            mean_change=float(delta.mean()),
            standard_error=float(delta.std(ddof=1) / math.sqrt(delta.shape[0])),
        )
    lender = next(c for c in sim.consequences if c.name == "bank")
    thresholds = {g: d["threshold"] for g, d in getattr(lender, "decisions", {}).items()}
    return EngineRun(rule, loss_ratio, figures, thresholds)
