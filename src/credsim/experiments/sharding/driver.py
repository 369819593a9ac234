"""Running shards in lockstep: in this process (`local`), as processes of this machine
(`processes`) or as long-lived Ray actors (`ray`).

Each day every shard steps its own localities (provinces, or parts of them); what crosses shards is
only the whole run's count of records so far (which a data breach copies). Friendship, work and
family ties never cross a locality, so no boundary state of the graph needs to travel. Before
the first day the shards' partial sums are added up, in as many rounds as a plug-in needs (a
score's population mean in one; the firms' owner weight, then their count, in two); after the
last, the shards' simulations are merged (credsim.experiments.sharding.merge) and written like
any run. With `checkpoint_every`, the run is built in `<out>.partial/` and saved every so many
days (credsim.experiments.sharding.checkpoint), its counterfactuals' days too while they step
first; `credsim.experiments.resume(out)` finishes it.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from credsim.engine.regions import one_region
from credsim.errors import UserError, did_you_mean
from credsim.experiments.checkpoint import PartialDirectory, check_interval
from credsim.experiments.checkpoint_files import damaged
from credsim.experiments.checkpoint_format import StateError
from credsim.experiments.sharding.checkpoint import (
    RUN,
    TWIN,
    ShardedCheckpoint,
    save_sharded,
    shard_payloads,
)
from credsim.experiments.sharding.group import ShardGroup, open_group
from credsim.experiments.sharding.merge import merge_shards
from credsim.experiments.sharding.shard import CITIZEN_PARTS, load_shard
from credsim.experiments.sharding.split import split
from credsim.results import Results, RunDirectory
from credsim.scenario import Scenario

__all__ = ["SHARD_BACKENDS", "continue_sharded", "run_sharded"]

SHARD_BACKENDS = ("local", "processes", "ray")


class _Merged:
    """What `write_results` reads of an event log: the rows every shard wrote."""

    def __init__(self, rows: list[dict[str, int]]) -> None:
        self.rows_written: dict[str, int] = {}
        for part in rows:
            for table, count in part.items():
                self.rows_written[table] = self.rows_written.get(table, 0) + count


def run_sharded(
    scenario: Scenario,
    out: Path,
    shards: int,
    backend: str = "local",
    address: str | None = None,
    threads: int = 1,
    on_day: Callable[[int], None] | None = None,
    checkpoint_every: int | None = None,
    force: bool = False,
    timeout: float | None = None,
    on_but_for_day: Callable[[int], None] | None = None,
) -> Results:
    """Run `scenario` split between localities into `shards` shards; the run directory holds the
    same summary as a single-process run's (events are written per shard, ids numbered per
    shard). Unless the scenario says `but_for = false`, each shard steps the counterfactual of its
    own citizens through every day first, then its own citizens; a checkpointed run tells
    `on_but_for_day` each of the counterfactuals' days (after each span between checkpoints).
    An earlier run in `out` is replaced only with `force`; `timeout` bounds the wait for a Ray
    cluster (seconds, default credsim.experiments.backends.ray.connect_timeout())."""
    if backend not in SHARD_BACKENDS:
        did = did_you_mean(backend, SHARD_BACKENDS, sentence=True)
        raise UserError(
            f"--backend {backend}: unknown backend.{did} Shards run on {', '.join(SHARD_BACKENDS)}."
        )
    if address is not None and backend != "ray":
        raise UserError(f"--address {address}: only the ray backend joins a cluster.")
    every = None if checkpoint_every is None else check_interval(checkpoint_every)
    from credsim.scenario.footprint import check_shards_fit

    check_shards_fit(scenario, shards, backend, address)  # first
    started = time.perf_counter()
    from credsim.runner import population_of

    population = population_of(scenario)  # its localities, without building anyone
    localities = population.localities()
    parts = split(one_region(population.size()) if localities is None else localities, shards)
    ck = ShardedCheckpoint(scenario, parts, backend, address, threads, every)
    days = (on_day, on_but_for_day)
    if every is None:
        with RunDirectory(Path(out), force=force) as rundir:
            _drive(rundir, ck, days, started, resumed=False, timeout=timeout)
    else:
        with PartialDirectory(Path(out), fresh=True, flag="--out", force=force) as rundir:
            _drive(rundir, ck, days, started, resumed=False, timeout=timeout)
    return Results(out)


def continue_sharded(
    rundir: PartialDirectory,
    ck: ShardedCheckpoint,
    on_day: Callable[[int], None] | None,
    on_but_for_day: Callable[[int], None] | None = None,
) -> None:
    """Go on with a sharded run from its checkpoint (called by `resume`), in the phase it
    stopped in."""
    ck.resumes += 1
    days = (on_day, on_but_for_day)
    _drive(rundir, ck, days, time.perf_counter() - ck.wall_seconds, resumed=True)


_OnDay = Callable[[int], None] | None


def _drive(
    rundir: RunDirectory,
    ck: ShardedCheckpoint,
    on_days: tuple[_OnDay, _OnDay],
    started: float,
    resumed: bool,
    timeout: float | None = None,
) -> None:
    """Start the shards (fresh, or from the checkpoint), step the counterfactuals' remaining
    days if they step first and checkpointed, then the run's, merge, write."""
    from credsim.run_files import write_results

    scenario, parts = ck.scenario, ck.parts
    days, n, (on_day, on_but_for_day) = scenario.model.days, len(parts), on_days
    inits = [(scenario, part, str(rundir.path)) for part in parts]
    resumed_from = ck.day if resumed and ck.phase == RUN else None
    twin_seconds = 0.0
    group = open_group(ck.backend, inits, ck.address, ck.threads, timeout)
    try:
        if resumed:
            _restore(group, rundir, ck)
        elif scenario.model.but_for and ck.every is None:
            twin_seconds = _step_twins(group, n)
        elif scenario.model.but_for:
            _build(group, "initialise_twin", "twin_sums", n)
            group.call("start_twin_steps", [()] * n)
            ck.phase = TWIN
        if ck.phase == TWIN:
            _checkpointed_twins(rundir, ck, group, started, on_but_for_day)
            _build(group, "initialise", "whole_sums", n)
        elif not resumed:
            _build(group, "initialise", "whole_sums", n)
        loop_started, loop_before = time.perf_counter(), ck.loop_seconds + twin_seconds
        for day in range(ck.day + 1, days):
            ck.written += sum(group.call("step", [(day, ck.written)] * len(parts)))
            if on_day is not None:
                on_day(day)
            if ck.every is not None and (day + 1) % ck.every == 0 and day + 1 < days:
                previous, ck.day = ck.day, day
                ck.loop_seconds = loop_before + time.perf_counter() - loop_started
                ck.wall_seconds = time.perf_counter() - started
                save_sharded(rundir.path, ck, group, previous, rundir.force)
        loop_seconds = loop_before + time.perf_counter() - loop_started
        stats = group.call("stats", [()] * len(parts))
        merging = time.perf_counter()
        finished, pieces = _gather(group, ck)
    finally:
        group.close()
    sim = merge_shards([f[0] for f in finished], ck.written)
    extra = {
        "backend": ck.backend,
        "address": ck.address,
        "shards": [
            {"index": p.index, "lo": p.lo, "hi": p.hi, **stat}
            for p, stat in zip(parts, stats, strict=True)
        ],
        "threads_per_shard": ck.threads,
        "merge_seconds": round(time.perf_counter() - merging, 3),
    }
    if twin_seconds or ck.twin_seconds:
        extra["but_for"] = {"stepped": "ahead", "seconds": round(twin_seconds + ck.twin_seconds, 3)}
    if ck.every is not None:
        extra |= {"checkpoint_every": ck.every, "resumed_from_day": resumed_from}
        extra["resumes"] = ck.resumes
    for old in rundir.path.glob("checkpoint-*"):  # a finished run keeps no checkpoint
        shutil.rmtree(old)
    log = _Merged([f[1] for f in finished])
    citizens = [Path(p) for p in pieces] if all(p is not None for p in pieces) else None
    for index, piece in enumerate(citizens or []):
        if not piece.is_file():
            raise UserError(
                f"shard {index} wrote its citizens to {piece}, which this machine cannot see: "
                "put the run directory (--out) on storage every node sees, or keep no citizens "
                "table (--set output.citizens='none')."
            )
    write_results(rundir, scenario, sim, log, started, loop_seconds, extra, citizen_parts=citizens)
    shutil.rmtree(rundir.path / CITIZEN_PARTS, ignore_errors=True)


def _restore(group: ShardGroup, rundir: PartialDirectory, ck: ShardedCheckpoint) -> None:
    """Every shard as the checkpoint saved it (its counterfactual, in the phase that steps it
    first), read and sent one shard at a time."""
    flag = f"--resume {rundir.final}"
    method = "restore_twin" if ck.phase == TWIN else "restore"
    for index, own, text, arrays in shard_payloads(rundir.path, ck, flag):
        try:
            group.call_one(index, method, own, text, arrays)
        except StateError as err:  # a file that passed its checksum, yet is no state
            file = rundir.path / ck.folder / f"shard-{index}.npz"
            raise damaged(flag, rundir.path, file, f"not a credsim checkpoint: {err}") from None
        del own, arrays


def _checkpointed_twins(
    rundir: PartialDirectory,
    ck: ShardedCheckpoint,
    group: ShardGroup,
    started: float,
    on_day: _OnDay,
) -> None:
    """Step every shard's counterfactual through its remaining days, a span of `ck.every` days
    at a time, all shards at once, saving a checkpoint after each span and after the last day;
    then each shard keeps its answers and lets its state go (`Shard.end_twin`), and the run's
    phase begins."""
    n, days = len(ck.parts), ck.scenario.model.days
    began, before = time.perf_counter(), ck.twin_seconds
    first = ck.day + 1
    while first < days:
        stop = min((first // ck.every + 1) * ck.every, days)
        group.call("step_twin_days", [(first, stop)] * n)
        for day in range(first, stop):
            if on_day is not None:
                on_day(day)
        previous, ck.day = ck.day, stop - 1
        ck.twin_seconds = before + time.perf_counter() - began
        ck.wall_seconds = time.perf_counter() - started
        save_sharded(rundir.path, ck, group, previous, rundir.force)
        first = stop
    group.call("end_twin", [()] * n)
    ck.twin_seconds = before + time.perf_counter() - began
    ck.loop_seconds = ck.twin_seconds  # its days count in the day loop, as in one process
    ck.phase, ck.day = RUN, -1


def _step_twins(group: ShardGroup, shards: int) -> float:
    """Each shard's counterfactual built, given the whole run's sums, and stepped through every
    day before the shards' own simulations are built (credsim.engine.but_for_ahead): a shard
    never holds both. The shards step their counterfactuals at the same time; nothing crosses
    shards meanwhile (the counterfactual has no adversaries, so no count of the run's records).
    The wall seconds."""
    started = time.perf_counter()
    _build(group, "initialise_twin", "twin_sums", shards)
    group.call("step_twin", [()] * shards)
    return time.perf_counter() - started


def _build(group: ShardGroup, build: str, sums: str, shards: int) -> None:
    """Call `build` on every shard, then hand every shard's partial sums back to all of them
    (`sums`, in shard order) for as many rounds as the plug-ins ask: the same plug-ins in every
    shard, so the first shard's answer says whether another round follows."""
    partials = group.call(build, [()] * shards)
    while partials[0] is not None:
        partials = group.call(sums, [(partials,)] * shards)


def _gather(group: ShardGroup, ck: ShardedCheckpoint) -> tuple[list, list[str | None]]:
    """Every shard's simulation and rows written, with its end-of-run tallies, and the path of
    its part of the citizens table. No state column travels: the shards' simulations are
    loaded onto empty columns of the same types, which nothing reads after the last day (the
    plug-ins read their `tally_end` tallies; a count by group there raises)."""
    finished, pieces = [], []
    columns: dict[str, np.ndarray] = {}
    # Every shard at once: each writes its own citizens; what comes back is small.
    for dtypes, blob, piece in group.call("finish", [()] * len(ck.parts)):
        for name, dtype in dtypes.items():
            columns.setdefault(name, np.empty(0, np.dtype(dtype)))
        finished.append(load_shard(blob, columns))
        pieces.append(piece)
    return finished, pieces
