"""Checkpoints: save the whole simulation at day boundaries and finish an interrupted run from the
last one, with the same results as a run never interrupted.

A run started with `checkpoint_every` (`credsim run --checkpoint-every DAYS`) is built in the
sibling directory `<out>.partial/` instead of a random temporary name. Every DAYS days it flushes
the event log there, then pickles the simulation, the event log's state and the scenario to
`checkpoint.pkl` (a temporary file, fsync, rename) and notes the day in `checkpoint.json`. A run
that dies (SIGKILL, power loss, Ctrl-C) leaves `<out>.partial/`; `resume(out)` (`credsim run
--resume OUT`) loads the checkpoint, deletes event files written after it and runs the remaining
days. Counter-based randomness makes every draw a function of (seed, stream, day, index), so the
resumed days draw what they would have drawn. On success the checkpoint files are removed and the
directory is renamed to `<out>`.

A checkpoint is a pickle: resume only checkpoints you wrote yourself, with the same credsim.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pickle
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from credsim.engine import EventLog, Simulation
from credsim.errors import UserError
from credsim.results import Results, RunDirectory
from credsim.scenario import Scenario
from credsim.version import __version__

__all__ = [
    "CHECKPOINT",
    "PROGRESS",
    "Checkpoint",
    "PartialDirectory",
    "atomic_write",
    "check_interval",
    "partial_path",
    "pending",
    "resume",
    "run_checkpointed",
    "sync_events",
]

CHECKPOINT = "checkpoint.pkl"
PROGRESS = "checkpoint.json"
SUFFIX = ".partial"
FORMAT = 1
_EVENT_FILE = re.compile(r"days-(\d+)-(\d+)\.parquet$")


@dataclass
class Checkpoint:
    """Everything a run needs to go on after `day`: pickled as one object, so shared references
    (plug-ins and the state they all read) stay shared."""

    scenario: Scenario
    sim: Simulation
    log: EventLog
    day: int
    every: int
    loop_seconds: float
    wall_seconds: float
    resumes: int = 0
    credsim_version: str = __version__
    format: int = FORMAT


def partial_path(out: Path) -> Path:
    """Where a checkpointed run is built: `<out>.partial/` beside `<out>`."""
    out = Path(out)
    return out.with_name(out.name + SUFFIX)


def check_interval(every: object, flag: str = "--checkpoint-every") -> int:
    """The checkpoint interval as whole days >= 1, else a UserError naming the option."""
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise UserError(f"{flag} {every}: must be a whole number of days, 1 or more.")
    return every


class PartialDirectory(RunDirectory):
    """A run directory under a fixed name (`<out>.partial/`), locked while a process writes it,
    and kept when the run fails after a checkpoint, so that it can be resumed."""

    def __init__(self, final: Path, *, fresh: bool, flag: str) -> None:
        super().__init__(final)  # checks --out as every run does
        os.rmdir(self.path)  # RunDirectory's random temporary: a checkpointed run uses its own
        self.path = partial_path(self.final)
        self.path.mkdir(exist_ok=True)
        self._lock = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            raise UserError(
                f"{flag} {self.final}: another credsim process is writing {self.path}."
            ) from None
        if fresh and (self.path / CHECKPOINT).is_file():
            os.close(self._lock)
            raise UserError(
                f"{flag} {self.final}: an interrupted run waits in {self.path} "
                f"(checkpoint at day {_progress_day(self.path)}); continue it with "
                f"--resume {self.final}, or delete {self.path} to start again."
            )
        if fresh:  # a run that died before its first checkpoint: nothing worth keeping
            for child in self.path.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                for name in (CHECKPOINT, PROGRESS):
                    (self.path / name).unlink(missing_ok=True)
                self.commit()
            elif not (self.path / CHECKPOINT).is_file():
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            os.close(self._lock)


def _progress_day(path: Path) -> int | str:
    info = pending_info(path)
    return info["day"] if info else "?"


def pending_info(path: Path) -> dict | None:
    """checkpoint.json of a partial directory (scenario, day done, days, every), if any."""
    try:
        return json.loads((Path(path) / PROGRESS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def pending(out: str | Path) -> dict | None:
    """What `resume(out)` would continue: checkpoint.json of `<out>.partial/`, or None."""
    _, partial = _locate(Path(out))
    return pending_info(partial) if (partial / CHECKPOINT).is_file() else None


def atomic_write(path: Path, write: Callable[[object], None], mode: str = "wb") -> None:
    """Write through `write(f)` under a temporary name, fsync, rename into place."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, mode) as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def sync_events(root: Path, after_day: int) -> None:
    """Make the event files flushed since the last checkpoint durable before naming them safe
    (a shard's files too: `shard-K-days-A-B.parquet`)."""
    for path in root.glob("*/*.parquet"):
        m = _EVENT_FILE.search(path.name)
        if m and int(m.group(2)) > after_day:
            with open(path, "rb") as f:
                os.fsync(f.fileno())


def save(path: Path, checkpoint: Checkpoint, previous_day: int) -> None:
    """Write the checkpoint atomically (after the event files it counts are on disk)."""
    sync_events(path / "events", previous_day)
    try:
        atomic_write(
            path / CHECKPOINT,
            lambda f: pickle.dump(checkpoint, f, protocol=pickle.HIGHEST_PROTOCOL),
        )
    except (pickle.PicklingError, TypeError, AttributeError) as err:
        # A bug, not bad input: a plug-in keeps something pickle cannot save (a lambda, a file).
        (path / (CHECKPOINT + ".tmp")).unlink(missing_ok=True)
        raise TypeError(
            f"checkpoint at day {checkpoint.day}: cannot save the simulation: {err}"
        ) from err
    info = {
        "scenario": checkpoint.scenario.name,
        "day": checkpoint.day,
        "days": checkpoint.sim.days,
        "every": checkpoint.every,
        "credsim_version": checkpoint.credsim_version,
    }
    text = json.dumps(info, indent=2) + "\n"
    atomic_write(path / PROGRESS, lambda f: f.write(text), mode="w")
    with contextlib.suppress(OSError):  # the renames themselves durable
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _continue(
    rundir: PartialDirectory,
    ck: Checkpoint,
    on_day: Callable[[int], None] | None,
    start: int,
    resumed_from: int | None,
) -> None:
    """Run the days after `start - 1`, checkpointing on the way, then write the results."""
    from credsim.runner import write_results

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
            save(rundir.path, ck, last["day"])
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
) -> Results:
    """Run `scenario` into `out`, saving a checkpoint every `every` days (see the module doc)."""
    from credsim.runner import build_simulation, event_log

    every = check_interval(every)
    started = time.perf_counter()
    with PartialDirectory(Path(out), fresh=True, flag="--out") as rundir:
        sim = build_simulation(scenario)
        sim.initialise()
        log = event_log(scenario, sim, rundir.path)
        setup = time.perf_counter() - started
        ck = Checkpoint(
            scenario, sim, log, day=-1, every=every, loop_seconds=0.0, wall_seconds=setup
        )
        _continue(rundir, ck, on_day, start=0, resumed_from=None)
    return Results(out)


def _locate(path: Path) -> tuple[Path, Path]:
    """(final run directory, partial directory) for `--resume PATH` given either of them."""
    if path.name.endswith(SUFFIX) and (path / CHECKPOINT).is_file():
        return path.with_name(path.name[: -len(SUFFIX)]), path
    return path, partial_path(path)


def _load(path: Path, flag: str) -> Checkpoint:
    try:
        with open(path / CHECKPOINT, "rb") as f:
            ck = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as err:
        raise UserError(
            f"{flag}: the checkpoint {path / CHECKPOINT} cannot be read ({err}); delete {path} "
            "and run again."
        ) from None
    from credsim.experiments.sharding.checkpoint import ShardedCheckpoint

    if not isinstance(ck, Checkpoint | ShardedCheckpoint) or ck.format != FORMAT:
        raise UserError(f"{flag}: {path / CHECKPOINT} is not a credsim checkpoint of this format.")
    if ck.credsim_version != __version__:
        raise UserError(
            f"{flag}: the checkpoint was written by credsim {ck.credsim_version} and this is "
            f"{__version__}; resume it with that version, or delete {path} and run again."
        )
    return ck


def _trim(path: Path, day: int, keep: str = "") -> None:
    """Remove what the dead run wrote after its checkpoint: later event files, final outputs
    (but not the folder `keep`: a sharded checkpoint's shard files)."""
    events = path / "events"
    for file in events.glob("*/*") if events.is_dir() else []:
        m = _EVENT_FILE.search(file.name)
        if m is None or int(m.group(1)) > day:
            file.unlink()
        elif int(m.group(2)) > day:
            raise UserError(f"{file}: spans the checkpoint at day {day}; the run cannot resume.")
    for child in path.iterdir():
        if child.name not in (CHECKPOINT, PROGRESS, "events", keep):
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def resume(
    out: str | Path,
    *,
    on_day: Callable[[int], None] | None = None,
    checkpoint_every: int | None = None,
) -> Results:
    """Finish the interrupted checkpointed run whose run directory was to be `out` (or give its
    `<out>.partial/`), from its last checkpoint; returns the finished run's results."""
    flag = f"--resume {out}"
    final, partial = _locate(Path(out))
    if not (partial / CHECKPOINT).is_file():
        if (final / "run.json").is_file():
            raise UserError(f"{flag}: that run finished; there is nothing to resume.")
        raise UserError(
            f"{flag}: no checkpoint found (looked for {partial / CHECKPOINT}). Only a run started "
            "with --checkpoint-every DAYS keeps checkpoints, from its first checkpoint on."
        )
    every = None if checkpoint_every is None else check_interval(checkpoint_every)
    with PartialDirectory(final, fresh=False, flag="--resume") as rundir:
        ck = _load(rundir.path, flag)
        if not isinstance(ck, Checkpoint):  # a sharded run's
            from credsim.experiments.sharding.driver import continue_sharded

            _trim(rundir.path, ck.day, keep=ck.folder)
            ck.every = every or ck.every
            continue_sharded(rundir, ck, on_day)
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
    _trim(rundir.path, ck.day)
    ck.log.root = rundir.path / "events"
    ck.every = every or ck.every
    ck.resumes += 1
    _continue(rundir, ck, on_day, start=ck.day + 1, resumed_from=ck.day)
