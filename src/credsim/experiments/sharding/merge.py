"""Putting a sharded run back together: every citizen's state in one simulation, every plug-in's
tallies added up, so that the summary, time series and citizens table are the whole run's."""

from __future__ import annotations

from credsim.engine import Simulation
from credsim.engine.loop import Part

__all__ = ["merge_shards"]


def merge_shards(sims: list[Simulation], records_written: int) -> Simulation:
    """Shard 0's simulation, widened to every citizen and holding every shard's results
    (`records_written`: the whole run's count of records)."""
    head, others = sims[0], sims[1:]
    state, n = head.state, head.state.n
    for name in state:
        column = state[name]
        for sim in others:
            lo, hi = sim.part.lo, sim.part.hi
            column[lo:hi] = sim.state[name][lo:hi]
    state.lo, state.hi = 0, n
    world = head.world
    world.lo, world.hi = 0, n
    world.records_written = records_written
    graph = world.graph
    if graph is not None and hasattr(graph, "widen"):
        graph.widen()
    for i, plugin in enumerate(head.plugins):
        plugin.merge([sim.plugins[i] for sim in others])
    for phase in head.phase_seconds:
        head.phase_seconds[phase] = sum(sim.phase_seconds[phase] for sim in sims)
    head.part = Part(0, 0, n)
    return head
