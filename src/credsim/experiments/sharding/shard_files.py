"""A shard's checkpoint file (`checkpoint-<day>[-twin]/shard-K.npz`): the shard's own range of
every state column beside its encoded state.

Each shard writes its own file, all shards at once, when its process sees the run directory the
driver writes (the same machine, or storage every node shares): the driver leaves a token in the
checkpoint's folder and a shard that reads it back writes there. A shard that does not see it
hands its state to the driver, which writes the file (one shard at a time), so a cluster without
shared storage still checkpoints. Either way the file is the same.
"""

from __future__ import annotations

import errno
import secrets
from pathlib import Path
from typing import Any

import numpy as np

from credsim.experiments.checkpoint_files import STATE_ARRAY, save_encoded
from credsim.results.paths import is_disk_full

__all__ = ["OWN", "leave_token", "packed", "sees", "shard_file_error", "unpacked", "write_own"]

OWN = "own."
"""Prefix of the shard's own columns among the file's arrays."""
TOKEN = ".seen-by-driver"


def packed(own: dict[str, np.ndarray], arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays of a shard's file: its encoded state's and its own columns."""
    return arrays | {OWN + name: column for name, column in own.items()}


def unpacked(arrays: dict[str, np.ndarray]) -> tuple[dict, dict]:
    """(own columns, the encoded state's arrays) of a file `packed` wrote."""
    own = {k[len(OWN) :]: v for k, v in arrays.items() if k.startswith(OWN)}
    state = {k: v for k, v in arrays.items() if STATE_ARRAY.fullmatch(k)}
    return own, state


def leave_token(folder: Path) -> tuple[str, str]:
    """Write a token a shard reads back (`sees`) if it sees `folder` as the driver does."""
    nonce = secrets.token_hex(16)
    (folder / TOKEN).write_text(nonce, encoding="ascii")
    return TOKEN, nonce


def sees(folder: Path, token: tuple[str, str]) -> bool:
    """Whether this process reads back the driver's `token` in `folder`."""
    try:
        return (folder / token[0]).read_text(encoding="ascii") == token[1]
    except OSError:
        return False


def write_own(file: Path, text: bytes, own: dict, arrays: dict) -> dict[str, Any]:
    """Write a shard's file from its process; its manifest entry, or {"full": bytes needed}
    when the disk is full (raised again by the driver: `shard_file_error`)."""
    try:
        return save_encoded(file, text, packed(own, arrays))
    except OSError as err:
        if is_disk_full(err):
            return {"full": getattr(err, "credsim_needed", None)}
        raise


def shard_file_error(file: Path, entry: dict[str, Any]) -> OSError:
    """The full disk a shard met writing `file`, as the driver's own error."""
    err = OSError(errno.ENOSPC, "No space left on device", str(file))
    err.credsim_needed = entry["full"]  # type: ignore[attr-defined]
    return err
