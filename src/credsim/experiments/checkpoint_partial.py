"""Where a checkpointed run is built: `<out>.partial/`, marked as credsim's, locked while a
process writes it and kept when the run fails after a checkpoint; which of its files a
checkpoint counts, and what a dead run wrote after it (credsim.experiments.checkpoint)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from credsim.errors import UserError
from credsim.experiments.checkpoint_files import PROGRESS
from credsim.results import RunDirectory
from credsim.results.partial import MARK, hold, is_marked, mark
from credsim.results.paths import disk_full, is_disk_full, tree_bytes

__all__ = [
    "SUFFIX",
    "PartialDirectory",
    "has_checkpoint",
    "partial_path",
    "pending_info",
    "progress_day",
    "stepping_twin",
    "sync_events",
    "trim",
]

SUFFIX = ".partial"
_EVENT_FILE = re.compile(r"days-(\d+)-(\d+)\.parquet$")


def partial_path(out: Path) -> Path:
    """Where a checkpointed run is built: `<out>.partial/` beside `<out>`."""
    out = Path(out)
    return out.with_name(out.name + SUFFIX)


def has_checkpoint(partial: Path) -> bool:
    """Whether a partial directory holds a committed checkpoint."""
    return (Path(partial) / PROGRESS).is_file()


class PartialDirectory(RunDirectory):
    """A run directory under a fixed name (`<out>.partial/`), locked while a process writes it,
    and kept when the run fails after a checkpoint, so that it can be resumed. It reuses or
    deletes only a directory credsim marked as its own."""

    def __init__(self, final: Path, *, fresh: bool, flag: str, force: bool = False) -> None:
        self.fresh = fresh
        super().__init__(final, force=force, flag=flag, temp_extra=len(SUFFIX))

    def _open(self) -> Path:
        path, flag = partial_path(self.final), f"{self.flag} {self.final}"
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise UserError(f"{flag}: {path} exists and is not a directory; move it away.")
        if not path.exists():
            os.mkdir(path)
            mark(path, "checkpointed run", self.final)
        elif not is_marked(path):
            raise UserError(
                f"{flag}: {path} exists and was not made by credsim (it holds no {MARK}); "
                "credsim will not touch it. Move it away, or choose another --out."
            )
        try:
            self._lock = hold(path)
        except BlockingIOError:
            raise UserError(f"{flag}: another credsim process is writing {path}.") from None
        if self.fresh and has_checkpoint(path):
            raise UserError(
                f"{flag}: an interrupted run waits in {path} (checkpoint at "
                f"{progress_day(path)}); continue it with --resume {self.final}, or delete "
                f"{path} to start again."
            )
        if self.fresh:  # ours, and its run died before its first checkpoint: nothing to keep
            for child in path.iterdir():
                if child.name != MARK:
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            mark(path, "checkpointed run", self.final)
        return path

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                (self.path / PROGRESS).unlink()
                for folder in self.path.glob("checkpoint-*"):
                    shutil.rmtree(folder)
                try:
                    self.commit()
                except BaseException:
                    self._discard()
                    raise
            elif has_checkpoint(self.path):
                if is_disk_full(exc):
                    info = pending_info(self.path) or {}
                    # No event file counts yet while the counterfactual steps first.
                    day = -1 if stepping_twin(info) else int(info.get("day", -1))
                    trim(self.path, day, keep=str(info.get("folder", "")))
                    done = (
                        f"The last checkpoint ({progress_day(self.path)}) is kept in "
                        f"{self.path}: free some space, then `credsim run --resume {self.final}`."
                    )
                    needed = getattr(exc, "credsim_needed", None)
                    raise disk_full(exc, self.final, needed=needed, done=done) from None
            else:
                written = tree_bytes(self.path)
                self._discard()
                if is_disk_full(exc):
                    needed = getattr(exc, "credsim_needed", None)
                    done = (
                        f"The partial run ({written:,} bytes written) has been removed; free some "
                        "space, or write elsewhere, and run again."
                    )
                    raise disk_full(exc, self.final, needed=needed, done=done) from None
        finally:
            self._release()


def progress_day(path: Path) -> str:
    """Where a partial directory's checkpoint was taken: "day N", or "the counterfactual's day
    N" while that stepped first."""
    info = pending_info(path) or {}
    whose = "the counterfactual's " if stepping_twin(info) else ""
    return f"{whose}day {info.get('day', '?')}"


def stepping_twin(info: dict) -> bool:
    """Whether a checkpoint (its checkpoint.json) was taken while the run's counterfactual
    stepped first: in one process, or in a sharded run's shards."""
    return info.get("kind") == "twin" or info.get("phase") == "twin"


def pending_info(path: Path) -> dict | None:
    """checkpoint.json of a partial directory (scenario, day done, days, every), unchecked."""
    try:
        info = json.loads((Path(path) / PROGRESS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def sync_events(root: Path, after_day: int) -> None:
    """Make the event files flushed since the last checkpoint durable before naming them safe
    (a shard's files too: `shard-K-days-A-B.parquet`)."""
    for path in root.glob("*/*.parquet"):
        m = _EVENT_FILE.search(path.name)
        if m and int(m.group(2)) > after_day:
            with open(path, "rb") as f:
                os.fsync(f.fileno())


def trim(path: Path, day: int, keep: str = "") -> None:
    """Remove what the dead run wrote after its checkpoint: later event files, final outputs
    (but not the checkpoint folder `keep`)."""
    events = path / "events"
    for file in events.glob("*/*") if events.is_dir() else []:
        m = _EVENT_FILE.search(file.name)
        if m is None or int(m.group(1)) > day:
            file.unlink()
        elif int(m.group(2)) > day:
            raise UserError(f"{file}: spans the checkpoint at day {day}; the run cannot resume.")
    for child in path.iterdir():
        if child.name not in (PROGRESS, MARK, "events", keep):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
