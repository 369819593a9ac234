"""Checkpoints: save the whole simulation at day boundaries and finish an interrupted run from the
last one, with the same results as a run never interrupted.

A run started with `checkpoint_every` (`credsim run --checkpoint-every DAYS`) is built in the
sibling directory `<out>.partial/` (marked as credsim's and locked while a process writes it; see
credsim.results.partial). Every DAYS days it flushes the event log there, then saves the
simulation, the event log's state and the scenario to `checkpoint-<day>/state.npz` (JSON and NumPy
arrays, read without pickle: credsim.experiments.checkpoint_format) and commits it by writing
`checkpoint.json` with the SHA-256 of every file (credsim.experiments.checkpoint_files). A run that
dies (SIGKILL, power loss, Ctrl-C, a full disk) leaves `<out>.partial/`; `resume(out)` (`credsim
run --resume OUT`) checks and loads the checkpoint, deletes event files written after it and runs
the remaining days. Counter-based randomness makes every draw a function of (seed, stream, day,
index), so the resumed days draw what they would have drawn. On success the checkpoint files are
removed and the directory is renamed to `<out>`.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from credsim.engine import EventLog, Simulation
from credsim.engine.but_for_ahead import Ahead, AheadSteps
from credsim.engine.release import give_back_memory
from credsim.errors import UserError
from credsim.experiments.checkpoint_files import (
    PROGRESS,
    checkpoint_folder,
    load_state,
    read_manifest,
    save_state,
    write_manifest,
)
from credsim.experiments.checkpoint_partial import (
    SUFFIX,
    PartialDirectory,
    has_checkpoint,
    partial_path,
    pending_info,
    stepping_twin,
    sync_events,
    trim,
)
from credsim.experiments.checkpoint_twin import TwinCheckpoint, step_twin
from credsim.results import Results
from credsim.results.partial import MARK, is_marked
from credsim.scenario import Scenario
from credsim.version import __version__

__all__ = [
    "PROGRESS",
    "STATE",
    "Checkpoint",
    "PartialDirectory",
    "check_interval",
    "has_checkpoint",
    "partial_path",
    "pending",
    "resume",
    "run_checkpointed",
    "sync_events",
]

STATE = "state.npz"
TWIN_SUFFIX = "-twin"
"""Folders of the counterfactual's checkpoints, while it steps first, end with this."""


@dataclass
class Checkpoint:
    """Everything a run needs to go on after `day`: saved as one object graph, so shared
    references (plug-ins and the state they all read) stay shared."""

    scenario: Scenario
    sim: Simulation
    log: EventLog
    day: int
    every: int
    loop_seconds: float
    wall_seconds: float
    resumes: int = 0
    credsim_version: str = __version__


def check_interval(every: object, flag: str = "--checkpoint-every") -> int:
    """The checkpoint interval as whole days >= 1, else a UserError naming the option."""
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise UserError(f"{flag} {every}: must be a whole number of days, 1 or more.")
    return every


def pending(out: str | Path) -> dict | None:
    """What `resume(out)` would continue: checkpoint.json of `<out>.partial/`, or None."""
    _, partial = _locate(Path(out))
    return pending_info(partial) if has_checkpoint(partial) else None


def save(rundir: PartialDirectory, ck: Checkpoint | TwinCheckpoint, previous_day: int) -> None:
    """Write the checkpoint (after the event files it counts are on disk), then commit it: the
    run's, or its counterfactual's while that steps first (no event file is written then)."""
    path = rundir.path
    twin = isinstance(ck, TwinCheckpoint)
    if not twin:
        sync_events(path / "events", previous_day)
    folder = checkpoint_folder(ck.day) + (TWIN_SUFFIX if twin else "")
    (path / folder).mkdir(exist_ok=True)
    try:
        files = {f"{folder}/{STATE}": save_state(path / folder / STATE, ck)}
    except TypeError as err:
        # A bug, not bad input: a plug-in keeps something a checkpoint cannot save.
        shutil.rmtree(path / folder, ignore_errors=True)
        raise TypeError(f"checkpoint at day {ck.day}: cannot save the simulation: {err}") from err
    except BaseException:
        shutil.rmtree(path / folder, ignore_errors=True)
        raise
    days = ck.days if twin else ck.sim.days
    info = {"kind": "twin" if twin else "single", "scenario": ck.scenario.name, "day": ck.day}
    info |= {"days": days, "every": ck.every, "folder": folder, "force": rundir.force}
    write_manifest(path, info, files)


def _continue(
    rundir: PartialDirectory,
    ck: Checkpoint,
    on_day: Callable[[int], None] | None,
    start: int,
    resumed_from: int | None,
) -> None:
    """Run the days after `start - 1`, checkpointing on the way, then write the results."""
    from credsim.run_files import write_results

    sim, log = ck.sim, ck.log
    began = time.perf_counter()
    loop_before, wall_before = ck.loop_seconds, ck.wall_seconds
    last = {"day": start - 1}

    def after_day(day: int) -> None:
        if on_day is not None:
            on_day(day)
        if (day + 1) % ck.every == 0 and day + 1 < sim.days:
            log.flush(day)
            ck.day = day
            elapsed = time.perf_counter() - began
            ck.loop_seconds, ck.wall_seconds = loop_before + elapsed, wall_before + elapsed
            save(rundir, ck, last["day"])
            last["day"] = day

    sim.run(log, after_day, start=start)
    loop_seconds = loop_before + time.perf_counter() - began
    extra = {"checkpoint_every": ck.every, "resumed_from_day": resumed_from, "resumes": ck.resumes}
    started = began - wall_before  # run.json's wall_seconds: every session of this run
    write_results(rundir, ck.scenario, sim, log, started, loop_seconds, extra)


def run_checkpointed(
    scenario: Scenario,
    out: Path,
    every: int,
    on_day: Callable[[int], None] | None = None,
    force: bool = False,
    on_but_for_day: Callable[[int], None] | None = None,
) -> Results:
    """Run `scenario` into `out`, saving a checkpoint every `every` days (see the module doc);
    an earlier credsim run in `out` is replaced only with `force`. Its counterfactual without
    erroneous records, if it has one, steps first, checkpointed too (credsim.experiments.
    checkpoint_twin), each of its days told to `on_but_for_day`."""
    from credsim.runner import build_simulation
    from credsim.scenario.footprint import check_run_fits

    every = check_interval(every)
    check_run_fits(scenario)  # before anything is written
    started = time.perf_counter()
    with PartialDirectory(Path(out), fresh=True, flag="--out", force=force) as rundir:
        if not scenario.model.but_for:
            _start_run(rundir, scenario, None, every, time.perf_counter() - started, 0, on_day)
            return Results(out)
        # Only the checkpoint holds the counterfactual, which lets go of it once it is done.
        ck = TwinCheckpoint(scenario, AheadSteps(build_simulation(scenario.without_errors())))
        ck.every, ck.wall_seconds = every, time.perf_counter() - started
        _twin_then_run(rundir, ck, on_day, on_but_for_day)
    return Results(out)


def _twin_then_run(
    rundir: PartialDirectory,
    ck: TwinCheckpoint,
    on_day: Callable[[int], None] | None,
    on_but_for_day: Callable[[int], None] | None,
) -> None:
    """Step the counterfactual's remaining days (checkpointed), let it go, then run."""
    last = {"day": ck.day}

    def save_twin(twin: TwinCheckpoint) -> None:
        save(rundir, twin, last["day"])
        last["day"] = twin.day

    scenario, every, resumes = ck.scenario, ck.every, ck.resumes
    ahead, wall = step_twin(ck, save_twin, on_but_for_day)
    del ck
    give_back_memory(held=ahead.twin_bytes)  # its pages, before the run's state takes them
    _start_run(rundir, scenario, ahead, every, wall, resumes, on_day)


def _start_run(
    rundir: PartialDirectory,
    scenario: Scenario,
    ahead: Ahead | None,
    every: int,
    wall: float,
    resumes: int,
    on_day: Callable[[int], None] | None,
) -> None:
    """Build the run (its counterfactual's answers `ahead`, if any) and step all its days."""
    from credsim.runner import build_simulation, event_log

    began = time.perf_counter()
    sim = build_simulation(scenario, stepped=ahead)
    sim.initialise()
    log = event_log(scenario, sim, rundir.path)
    twin_seconds = ahead.seconds if ahead is not None else 0.0  # its days count in the day loop
    wall += time.perf_counter() - began
    ck = Checkpoint(scenario, sim, log, -1, every, twin_seconds, wall, resumes)
    _continue(rundir, ck, on_day, start=0, resumed_from=None)


def _locate(path: Path) -> tuple[Path, Path]:
    """(final run directory, partial directory) for `--resume PATH` given either of them."""
    if str(path) in ("", ".") or path.name in ("", ".", ".."):
        raise UserError(
            f"--resume {str(path)!r}: give the --out of the interrupted run (or its .partial "
            "directory), e.g. --resume runs/national."
        )
    if path.name.endswith(SUFFIX) and has_checkpoint(path):
        return path.with_name(path.name[: -len(SUFFIX)]), path
    return path, partial_path(path)


def _load(partial: Path, manifest: dict, flag: str):
    """The checkpoint object a checked manifest names."""
    from credsim.experiments.sharding.checkpoint import ShardedCheckpoint

    name = f"{manifest.get('folder')}/{STATE}"
    if name not in manifest["files"]:
        raise UserError(f"{flag}: {partial / PROGRESS} names no {STATE}; delete {partial}.")
    ck, _ = load_state(partial / name, flag, partial)
    kinds = Checkpoint | ShardedCheckpoint | TwinCheckpoint
    if not isinstance(ck, kinds) or ck.day != manifest.get("day"):
        raise UserError(
            f"{flag}: {partial / name} does not hold the checkpoint {partial / PROGRESS} names; "
            f"delete {partial} and run again."
        )
    return ck


def resume(
    out: str | Path,
    *,
    on_day: Callable[[int], None] | None = None,
    checkpoint_every: int | None = None,
    on_but_for_day: Callable[[int], None] | None = None,
) -> Results:
    """Finish the interrupted checkpointed run whose run directory was to be `out` (or give its
    `<out>.partial/`), from its last checkpoint; returns the finished run's results. A run
    stopped while its counterfactual stepped first goes on with it (each of its days told to
    `on_but_for_day`), then runs."""
    flag = f"--resume {out}"
    final, partial = _locate(Path(out))
    if not has_checkpoint(partial):
        if (final / "run.json").is_file():
            raise UserError(f"{flag}: that run finished; there is nothing to resume.")
        raise UserError(
            f"{flag}: no checkpoint found (looked for {partial / PROGRESS}). Only a run started "
            "with --checkpoint-every DAYS keeps checkpoints, from its first checkpoint on."
        )
    if not is_marked(partial):
        raise UserError(
            f"{flag}: {partial} was not made by this credsim (it holds no {MARK}); it cannot "
            f"resume. Delete {partial} and run again."
        )
    every = None if checkpoint_every is None else check_interval(checkpoint_every)
    force = bool((pending_info(partial) or {}).get("force"))
    with PartialDirectory(final, fresh=False, flag="--resume", force=force) as rundir:
        manifest = read_manifest(rundir.path, flag)
        ck = _load(rundir.path, manifest, flag)
        # No event file counts yet if its counterfactual was stepping, first.
        trim(rundir.path, -1 if stepping_twin(manifest) else ck.day, keep=manifest["folder"])
        if isinstance(ck, TwinCheckpoint):
            ck.every = every or ck.every
            ck.resumes += 1
            _twin_then_run(rundir, ck, on_day, on_but_for_day)
        elif not isinstance(ck, Checkpoint):  # a sharded run's
            from credsim.experiments.sharding.driver import continue_sharded

            ck.every = every or ck.every
            continue_sharded(rundir, ck, on_day, on_but_for_day)
        else:
            _resume_single(rundir, ck, on_day, every)
    return Results(final)


def _resume_single(
    rundir: PartialDirectory,
    ck: Checkpoint,
    on_day: Callable[[int], None] | None,
    every: int | None,
) -> None:
    """Go on with a single-process run from its checkpoint."""
    ck.log.root = rundir.path / "events"
    ck.every = every or ck.every
    ck.resumes += 1
    _continue(rundir, ck, on_day, start=ck.day + 1, resumed_from=ck.day)
