"""Checkpoints of a sharded run: every D days each shard's state and tallies are saved beside the
run's progress, so that `credsim run --resume RUN_DIR` finishes it with the same results. While
the shards step their counterfactuals first (`phase` "twin"), a checkpoint every D of its days,
and one after its last, saves each shard's counterfactual instead (`checkpoint-<d>-twin/`).

A checkpoint at day d is a folder `checkpoint-<d>/` of one file per shard (`shard-K.npz`: its own
range of every state column, and its plug-ins as `Shard.checkpoint` encodes them; read without
pickle), written first, then `state.npz` (a `ShardedCheckpoint`), then `checkpoint.json` with the
SHA-256 of every file (credsim.experiments.checkpoint_files), each under a temporary name, fsynced
and renamed; the previous folder is removed last. A run killed at any moment leaves the last
complete checkpoint intact. Each shard writes its own file, all at once, where its process sees
the run directory; otherwise its state travels through the driver, which writes the file, so
the run directory need not be on storage the nodes share (unless events are written; see
credsim.experiments.sharding.shard_files).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from credsim.engine.phases import Part
from credsim.experiments.checkpoint import STATE, TWIN_SUFFIX, sync_events
from credsim.experiments.checkpoint_files import (
    checkpoint_folder,
    read_state,
    save_encoded,
    save_state,
    write_manifest,
)
from credsim.experiments.sharding.group import ShardGroup
from credsim.experiments.sharding.shard_files import (
    leave_token,
    packed,
    shard_file_error,
    unpacked,
)
from credsim.scenario import Scenario
from credsim.version import __version__

__all__ = ["RUN", "TWIN", "ShardedCheckpoint", "save_sharded", "shard_payloads"]

TWIN = "twin"
"""The phase of a sharded run while its shards step their counterfactuals, first."""
RUN = "run"


@dataclass
class ShardedCheckpoint:
    """A sharded run's settings and progress: after `day` of its `phase` (the shards'
    counterfactuals' days, stepped first, or the run's), with `written` records so far."""

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
    phase: str = RUN
    twin_seconds: float = 0.0
    """Wall seconds the counterfactuals' days took, stepped first in a checkpointed run."""
    credsim_version: str = __version__

    @property
    def folder(self) -> str:
        """The folder of this checkpoint's files."""
        return checkpoint_folder(self.day) + (TWIN_SUFFIX if self.phase == TWIN else "")


def save_sharded(
    path: Path, ck: ShardedCheckpoint, group: ShardGroup, previous_day: int, force: bool = False
) -> None:
    """Save every shard, then the checkpoint itself, at `ck.day` of its phase (no event file is
    written while the counterfactuals step first). The shards write their own files at once
    where they see the run directory; the driver writes the others' (one at a time: see
    credsim.experiments.sharding.shard_files)."""
    folder = path / ck.folder
    folder.mkdir(exist_ok=True)
    files = {}
    twin = ck.phase == TWIN
    try:
        names = [f"{ck.folder}/shard-{part.index}.npz" for part in ck.parts]
        token = leave_token(folder)
        # Absolute: a shard's process on another node has a working directory of its own.
        calls = [(ck.day, twin, str((path / name).absolute()), token) for name in names]
        written = group.call("save_checkpoint", calls)
        (folder / token[0]).unlink()
        for part, name, entry in zip(ck.parts, names, written, strict=True):
            if entry is not None and "full" in entry:
                raise shard_file_error(path / name, entry)
            if entry is None:  # its process does not see the run directory
                method = "checkpoint_twin" if twin else "checkpoint"
                own, text, arrays = group.call_one(part.index, method, ck.day)
                entry = save_encoded(path / name, text, packed(own, arrays))
                del own, arrays
            files[name] = entry
        if not twin:
            sync_events(path / "events", previous_day)
        files[f"{ck.folder}/{STATE}"] = save_state(folder / STATE, ck)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    info = {"kind": "sharded", "phase": ck.phase, "scenario": ck.scenario.name, "day": ck.day}
    info |= {"days": ck.scenario.model.days, "every": ck.every, "folder": ck.folder}
    info |= {"shards": len(ck.parts), "backend": ck.backend, "force": force}
    write_manifest(path, info, files)


def shard_payloads(
    path: Path, ck: ShardedCheckpoint, flag: str
) -> Iterator[tuple[int, dict[str, np.ndarray], bytes, dict[str, np.ndarray]]]:
    """Each shard's saved (own columns, encoded state and its arrays), read one at a time, in
    shard order (every file checked against the manifest already)."""
    for part in ck.parts:
        text, arrays = read_state(path / ck.folder / f"shard-{part.index}.npz", flag, path)
        own, state = unpacked(arrays)
        yield part.index, own, text, state
