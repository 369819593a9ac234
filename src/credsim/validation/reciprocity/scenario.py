"""Build the game scenario for one setting of a published model and run it through the engine.

One community of 50 is one replicate of the published model: a run of R communities is R
replicates, each with its own draws. Under an institution the strangers' witnessed encounters
(`judges` a donor a day) are recorded by a source and graded by the `institution` policy, whose
grade the discriminators read.
"""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credsim.runner import build_simulation
from credsim.scenario import Scenario, load_scenario

__all__ = ["SCENARIO", "GameRun", "game_scenario", "run_game"]

SCENARIO = Path(__file__).with_name("game.toml")


@dataclass(frozen=True)
class GameRun:
    """The `reciprocity` metric's summary of one run, and its wall time."""

    summary: dict[str, Any]
    seconds: float

    @property
    def cooperation(self) -> float:
        return float(self.summary["game_cooperation"])

    @property
    def stderr(self) -> float:
        return float(self.summary["game_cooperation_stderr"])

    @property
    def communities(self) -> int:
        return int(self.summary["game_communities"])

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.summary.items() if k != "game_cooperation_by_community"}
        return {**out, "seconds": round(self.seconds, 2)}


def game_scenario(
    *,
    communities: int,
    seed: int,
    norm: str = "stern_judging",
    empathy: float = 0.0,
    institution: tuple[int, float] | None = None,
    days: int | None = None,
    benefit: float = 5.0,
    game: dict[str, Any] | None = None,
    policy: dict[str, Any] | None = None,
    source: dict[str, Any] | None = None,
) -> Scenario:
    """The bundled game scenario at one setting. `institution` = (judges Q, strictness q): the
    discriminators read the grade of an `institution` policy judging by `norm`, from Q witnessed
    encounters of each donor a day. `game`, `policy` and `source` change those tables."""
    spec = tomllib.loads(SCENARIO.read_text(encoding="utf-8"))
    spec["seed"] = seed
    if days is not None:
        spec["days"] = days
    spec["population"]["communities"] = communities
    strangers = spec["behavior"]["strangers"]
    strangers["benefit"] = benefit
    strangers["game"].update(norm=norm, empathy=empathy, **(game or {}))
    if institution is not None:
        judges, strictness = institution
        strangers["policy"] = "institution"
        strangers["game"]["witnessed"] = judges
        seen = {"copy_detail": True, **(source or {})}
        spec["sources"] = {
            "witnesses": {
                "plugin": "recorder",
                "records": {
                    "helped_stranger": {"act": "help_stranger", **seen},
                    "refused_stranger": {"act": "refuse_stranger", **seen},
                },
            }
        }
        spec["policies"] = {
            "institution": {
                "plugin": "institution",
                "norm": norm,
                "strictness": strictness,
                **(policy or {}),
            }
        }
    return load_scenario(spec)


def run_game(scenario: Scenario) -> GameRun:
    """Step the scenario day by day (Simulation.step) and read the `reciprocity` metric. Once
    every community has settled (a game with `stop_when_settled`), the days left play no
    community: the metric counts them with the last day's figures, unstepped (the same summary,
    checked by a test)."""
    started = time.perf_counter()
    sim = build_simulation(scenario)
    sim.initialise()
    metric = next(p for p in sim.plugins if p.name == "reciprocity")
    game = getattr(sim.world.services.get("strangers"), "game", None)
    days = sim.world.days
    for day in range(days):
        sim.step(day)
        if game is not None and game.settled(day + 1):
            metric.repeat_last(range(day + 1, days))
            break
    return GameRun(metric.summary(), time.perf_counter() - started)
