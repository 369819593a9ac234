"""Run the face-identification scenario through the engine's day loop and count, from the records
each camera source wrote, its searches, false matches and misses by sex and group; binomial
intervals for the rates and their ratios."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from credsim.runner import build_simulation
from credsim.validation.faceid.scenario import ACT, CAMERAS, faceid_scenario

__all__ = ["CELL_TRAITS", "FaceCounts", "measure_faceid", "ratio_interval", "wilson"]

CELL_TRAITS = ("sex", "group")


@dataclass
class FaceCounts:
    """Per camera and cell (sex x group): searches (acts the camera looked at), records naming
    someone other than the actor, and searches that gave no record."""

    cells: list[dict[str, str]]
    searches: np.ndarray  # (cells,): every camera searches every act
    false_matches: dict[str, np.ndarray] = field(default_factory=dict)  # camera -> (cells,)
    misses: dict[str, np.ndarray] = field(default_factory=dict)
    unmatched_records: int = 0  # records of no act of the day (none expected: no delay, no fakes)
    days: int = 0
    population: int = 0


def measure_faceid(population: int, days: int, seed: int) -> FaceCounts:
    """Step the scenario day by day (Simulation.step) and tally each day's acts and records."""
    sim = build_simulation(faceid_scenario(population, days, seed))
    sim.initialise()
    world = sim.world
    traits = [world.traits[name] for name in CELL_TRAITS]
    sizes = [len(t.labels) for t in traits]
    cells = [
        dict(zip(CELL_TRAITS, (t.labels[i] for t, i in zip(traits, idx, strict=True)), strict=True))
        for idx in np.ndindex(*sizes)
    ]
    act_code = world.codes.code("act_kind", ACT)
    source_of = {s.name: s.source_code for s in sim.sources}

    def cell_of(citizens: np.ndarray) -> np.ndarray:
        code = np.zeros(citizens.shape[0], np.int64)
        for trait, size in zip(traits, sizes, strict=True):
            code = code * size + trait.codes(citizens)
        return code

    n = len(cells)
    counts = FaceCounts(cells, np.zeros(n, np.int64), days=days, population=population)
    for camera in CAMERAS:
        counts.false_matches[camera.name] = np.zeros(n, np.int64)
        counts.misses[camera.name] = np.zeros(n, np.int64)
    for day in range(days):
        d = sim.step(day)
        acts = d.acts
        mine = acts["kind"] == act_code
        act_ids, actors = acts["act_id"][mine], acts["actor"][mine]
        act_cell = cell_of(actors)
        counts.searches += np.bincount(act_cell, minlength=n)
        records = d.records
        for camera in CAMERAS:
            own = records["source"] == source_of[camera.name]
            rec_act = records["act_id"][own]
            named, actor = records["attributed_to"][own], records["true_actor"][own]
            wrong = named != actor
            counts.false_matches[camera.name] += np.bincount(cell_of(actor[wrong]), minlength=n)
            recorded = np.isin(act_ids, rec_act)
            counts.misses[camera.name] += np.bincount(act_cell[~recorded], minlength=n)
            counts.unmatched_records += int(np.count_nonzero(~np.isin(rec_act, act_ids)))
    return counts


def wilson(events: int, trials: int, z: float) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion."""
    if trials == 0:
        return 0.0, 1.0
    p = events / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, centre - half / (1 + z * z / trials)), min(
        1.0, centre + half / (1 + z * z / trials)
    )


def ratio_interval(a: int, n_a: int, b: int, n_b: int, z: float) -> tuple[float, float, float]:
    """(a/n_a) / (b/n_b) and its interval on the log scale (Katz); all NaN without events in
    either (nothing was measured, so no expected ratio lies inside)."""
    if a == 0 or b == 0:
        return math.nan, math.nan, math.nan
    ratio = (a / n_a) / (b / n_b)
    se = math.sqrt(1 / a - 1 / n_a + 1 / b - 1 / n_b)
    return ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se)
