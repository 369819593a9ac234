"""Putting a sharded run back together: every plug-in's tallies added up, so that the summary and
time series are the whole run's. The head holds no citizen's state: the shards took their
end-of-run tallies (`Plugin.tally_end`) and wrote their own citizens. `gather_columns` serves a
shard restored from a checkpoint."""

from __future__ import annotations

import numpy as np

from credsim.engine import Simulation
from credsim.engine.phases import Part

__all__ = ["gather_columns", "merge_shards"]


def gather_columns(
    columns: dict[str, np.ndarray], n: int, lo: int, own: dict[str, np.ndarray]
) -> None:
    """Copy one shard's own range of every state column into the whole run's `columns`
    (allocated here on first use, as zero pages until written)."""
    for name, values in own.items():
        if name not in columns:
            columns[name] = np.zeros(n, dtype=values.dtype)
        columns[name][lo : lo + values.shape[0]] = values


def merge_shards(sims: list[Simulation], records_written: int) -> Simulation:
    """Shard 0's simulation, widened to every citizen and holding every shard's results. The
    shards were loaded sharing the whole run's state columns (`gather_columns`, `load_shard`);
    `records_written` is the whole run's count of records."""
    head, others = sims[0], sims[1:]
    state, n = head.state, head.state.n
    state.lo, state.hi = 0, n
    world = head.world
    world.lo, world.hi = 0, n
    for sealed in head.sealed:
        sealed.lo, sealed.hi = 0, n
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
