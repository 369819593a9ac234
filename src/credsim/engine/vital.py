"""Births and deaths as the engine applies them at the start of a day (the population draws
them: credsim.population.demography).

A death takes the citizen off every list (a `died` sanction, not a removal the citizen earned)
and out of the metrics' per-group stocks, and clears every plug-in's column of the slot (so that
no judgment or appeal still under way lists or moves the dead); from then on the slot does not
act, and a record that still names it changes nothing the metrics count. A newborn's slot is
cleared again: every plug-in's column goes back to its fill value and every policy gives it its
base score. Ageing on 1 January moves citizens between age bands, so the metrics' stocks move
with them (`Metric.leave` before the change, `Metric.join` after).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from credsim.engine.day import Day
from credsim.engine.listing import NEVER, off_since

if TYPE_CHECKING:
    from credsim.engine.loop import Simulation

__all__ = ["apply_vital_events"]


def apply_vital_events(sim: Simulation, d: Day) -> None:
    """Today's ageing, deaths and births, with what they mean for lists, columns and metrics."""
    pop, world, day = sim.population, sim.world, d.day
    movers = pop.movers(world, day)
    for m in sim.metrics:
        m.leave(movers)
    dead = pop.dying(world, day)
    for m in sim.metrics:
        m.join(movers)
        m.leave(dead)
    if dead.shape[0]:
        _off_the_lists(sim, d, dead)
        _clear(sim, dead)  # no pending judgment, appeal or score lists or moves the dead
        pop.bury(world, day, dead)
    born = pop.births(world, day)
    if born.shape[0]:
        _clear(sim, born)
        for m in sim.metrics:
            m.join(born)
    d.deaths, d.births = dead, born


def _off_the_lists(sim: Simulation, d: Day, dead: np.ndarray) -> None:
    codes, state = sim.codes, sim.state
    died = codes.code("action", "died")
    for name, info in sim.world.sanctions.items():
        on = dead[state[info.column][dead] >= 0]
        if on.shape[0] == 0:
            continue
        state[info.column][on] = off_since(d.day) if info.keeps_removals else NEVER
        d.sanctions.add(
            day=d.day,
            citizen=on.astype(np.int32),
            consequence=codes.code("consequence", name),
            action=died,
            record_id=-1,
            agency=codes.code("agency", name),
        )


def _clear(sim: Simulation, slots: np.ndarray) -> None:
    """Every plug-in's columns of these slots back to their fill; base scores."""
    state, owner = sim.state, sim.population.name
    for spec in state.specs:
        if spec.owner != owner:
            state[spec.name][slots] = spec.fill
    for policy in sim.policies:
        info = sim.world.scores[policy.name]
        base = policy.base_scores(sim.sealed_of[policy.name], slots)
        state[info.column][slots] = np.clip(base, -32768, 32767)
