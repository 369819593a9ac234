"""Checkpoints of a sharded run: every D days each shard's state and tallies are saved beside the
run's progress, so that `credsim run --resume RUN_DIR` finishes it with the same results.

A checkpoint at day d is a folder `shards-<d>/` of one file per shard (its own range of every state
column and its plug-ins, as `Shard.checkpoint` packs them), written first, then `checkpoint.pkl`
(a `ShardedCheckpoint` naming that folder) and `checkpoint.json`, each under a temporary name,
fsynced and renamed; the previous folder is removed last. A run killed at any moment leaves the
last complete checkpoint intact. The shards' files travel through the driver, so the run directory
need not be on storage the nodes share (unless events are written).
"""

from __future__ import annotations

import json
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

from credsim.engine.loop import Part
from credsim.experiments.checkpoint import CHECKPOINT, FORMAT, PROGRESS, atomic_write, sync_events
from credsim.experiments.sharding.group import ShardGroup
from credsim.scenario import Scenario
from credsim.version import __version__

__all__ = ["ShardedCheckpoint", "save_sharded", "shard_payloads"]


@dataclass
class ShardedCheckpoint:
    """A sharded run's settings and progress: after `day`, with `written` records so far."""

    scenario: Scenario
    parts: list[Part]
    backend: str
    address: str | None
    threads: int
    every: int | None
    day: int = -1
    written: int = 0
    loop_seconds: float = 0.0
    wall_seconds: float = 0.0
    resumes: int = 0
    credsim_version: str = __version__
    format: int = FORMAT

    @property
    def folder(self) -> str:
        """The folder of this checkpoint's shard files."""
        return f"shards-{self.day:05d}"


def save_sharded(path: Path, ck: ShardedCheckpoint, group: ShardGroup, previous_day: int) -> None:
    """Save every shard (one at a time) and then the checkpoint itself, at `ck.day`."""
    folder = path / ck.folder
    folder.mkdir(exist_ok=True)
    for part in ck.parts:
        packed = group.call_one(part.index, "checkpoint", ck.day)
        atomic_write(
            folder / f"shard-{part.index}.pkl",
            lambda f, packed=packed: pickle.dump(packed, f, protocol=pickle.HIGHEST_PROTOCOL),
        )
        del packed
    sync_events(path / "events", previous_day)
    atomic_write(path / CHECKPOINT, lambda f: pickle.dump(ck, f, protocol=pickle.HIGHEST_PROTOCOL))
    info = {
        "scenario": ck.scenario.name,
        "day": ck.day,
        "days": ck.scenario.model.days,
        "every": ck.every,
        "shards": len(ck.parts),
        "backend": ck.backend,
        "credsim_version": ck.credsim_version,
    }
    atomic_write(path / PROGRESS, lambda f: f.write(json.dumps(info, indent=2) + "\n"), mode="w")
    for old in path.glob("shards-*"):
        if old.name != ck.folder:
            shutil.rmtree(old, ignore_errors=True)


def shard_payloads(path: Path, ck: ShardedCheckpoint):
    """Each shard's saved (own columns, packed plug-ins), read one at a time, in shard order."""
    for part in ck.parts:
        with open(path / ck.folder / f"shard-{part.index}.pkl", "rb") as f:
            yield part.index, pickle.load(f)
