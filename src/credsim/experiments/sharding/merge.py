"""Putting a sharded run back together: every citizen's state in one set of columns, every
plug-in's tallies added up, so that the summary, time series and citizens table are the whole
run's. Shards arrive one at a time, so the head holds the whole state once plus one shard's
range in flight."""

from __future__ import annotations

import numpy as np

from credsim.engine import Simulation
from credsim.engine.loop import Part

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
