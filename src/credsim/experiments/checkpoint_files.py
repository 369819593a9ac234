"""The files of a checkpoint and their manifest: written atomically, checked by SHA-256 on reading.

A checkpoint at day d is a folder `checkpoint-<d>/` of `.npz` files (credsim.experiments.
checkpoint_format), then `checkpoint.json`: the run's progress, the SHA-256 and size of every file
of the folder, and the SHA-256 of the manifest itself. Writing the manifest (temporary name,
fsync, rename) is what makes a checkpoint count; the previous folder is removed after it. A file
that differs by one byte from what the manifest recorded is refused, naming it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from credsim.errors import UserError
from credsim.experiments.checkpoint_format import StateError, decode, encode, read_npz, write_npz
from credsim.results.paths import is_disk_full
from credsim.version import __version__

__all__ = [
    "FORMAT",
    "PROGRESS",
    "STATE_ARRAY",
    "atomic_write",
    "checkpoint_folder",
    "damaged",
    "fsync_dir",
    "load_state",
    "read_manifest",
    "read_state",
    "save_encoded",
    "save_state",
    "write_manifest",
]

PROGRESS = "checkpoint.json"
FORMAT = 2
_PREFIX = "checkpoint-"
STATE_ARRAY = re.compile(r"a\d+")
"""Keys of the arrays an encoded state holds (others in the same file are the caller's)."""


def checkpoint_folder(day: int) -> str:
    """The folder of the checkpoint taken after `day`."""
    return f"{_PREFIX}{day:05d}"


def atomic_write(path: Path, write: Callable[[Any], None], mode: str = "wb") -> None:
    """Write through `write(f)` under a temporary name, fsync, rename into place; on any failure
    (a full disk) the temporary file is removed, so it never holds the space."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, mode) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def fsync_dir(path: Path) -> None:
    """Make the renames in `path` durable."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def save_state(
    path: Path,
    obj: object,
    externals: Mapping[int, str] | None = None,
    extra: Mapping[str, np.ndarray] | None = None,
) -> dict[str, Any]:
    """Write `obj` (and the named arrays `extra`) to the `.npz` file `path`; its manifest entry."""
    text, arrays = encode(obj, externals)
    return save_encoded(path, text, arrays | dict(extra or {}))


def save_encoded(path: Path, text: bytes, arrays: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """Write an encoded state to `path`; its manifest entry. On a full disk the file is removed
    and the error carries the bytes needed (`credsim_needed`)."""
    try:
        atomic_write(path, lambda f: write_npz(f, text, arrays))
    except OSError as err:
        if is_disk_full(err):
            needed = len(text) + sum(a.nbytes for a in arrays.values())
            err.credsim_needed = needed  # type: ignore[attr-defined]
        raise
    return {"bytes": path.stat().st_size, "sha256": _sha256(path)}


def _digest(info: Mapping[str, Any]) -> str:
    body = {k: v for k, v in info.items() if k != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_manifest(path: Path, info: dict[str, Any], files: dict[str, dict[str, Any]]) -> None:
    """Commit a checkpoint: `checkpoint.json` with the progress `info` and the `files` (relative
    to `path`) it is made of; then drop the other checkpoint folders."""
    info = {**info, "format": FORMAT, "credsim_version": __version__, "files": files}
    info["sha256"] = _digest(info)
    text = json.dumps(info, indent=2) + "\n"
    atomic_write(path / PROGRESS, lambda f: f.write(text), mode="w")
    fsync_dir(path)
    keep = {name.split("/")[0] for name in files}
    for old in path.glob(f"{_PREFIX}*"):
        if old.is_dir() and old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def damaged(flag: str, partial: Path, file: Path, why: str) -> UserError:
    return UserError(
        f"{flag}: the checkpoint file {file} is damaged ({why}); the run cannot resume from it. "
        f"Delete {partial} and run again."
    )


def read_manifest(partial: Path, flag: str) -> dict[str, Any]:
    """`checkpoint.json`, checked: its own checksum, format, version, and the SHA-256 of every
    file it names."""
    file = partial / PROGRESS
    try:
        info = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise damaged(flag, partial, file, f"not readable JSON: {err}") from None
    if not isinstance(info, dict):
        raise damaged(flag, partial, file, "not a JSON object")
    if info.get("format") != FORMAT:
        raise UserError(
            f"{flag}: {partial} holds a checkpoint of another format (written by credsim "
            f"{info.get('credsim_version', '?')}; this credsim reads only format {FORMAT}, which "
            f"cannot run code). Resume it with that version, or delete {partial} and run again."
        )
    if info.get("sha256") != _digest(info):
        raise damaged(flag, partial, file, "its checksum does not match its contents")
    if info.get("credsim_version") != __version__:
        raise UserError(
            f"{flag}: the checkpoint was written by credsim {info.get('credsim_version')} and "
            f"this is {__version__}; resume it with that version, or delete {partial} and run "
            "again."
        )
    files = info.get("files")
    if not isinstance(files, dict) or not files:
        raise damaged(flag, partial, file, "it names no files")
    for name, entry in files.items():
        member = partial / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise damaged(flag, partial, file, f"it names a file outside {partial}")
        if not member.is_file():
            raise damaged(flag, partial, member, "missing")
        if not isinstance(entry, dict) or _sha256(member) != entry.get("sha256"):
            raise damaged(flag, partial, member, "its SHA-256 differs from checkpoint.json's")
    return info


def read_state(path: Path, flag: str, partial: Path) -> tuple[bytes, dict[str, np.ndarray]]:
    """(JSON text, arrays) of a checked `.npz` file, or a UserError naming it."""
    try:
        return read_npz(path)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:  # StateError too
        raise damaged(flag, partial, path, f"not a credsim checkpoint: {err}") from None


def load_state(
    path: Path, flag: str, partial: Path, externals: Mapping[str, np.ndarray] | None = None
) -> tuple[Any, dict[str, np.ndarray]]:
    """(object, arrays not part of it) from a checked `.npz` file; refuses one that is not a
    credsim state."""
    text, arrays = read_state(path, flag, partial)
    keys = {key for key in arrays if STATE_ARRAY.fullmatch(key)}
    try:
        obj = decode(text, {k: arrays[k] for k in keys}, externals)
    except StateError as err:
        raise damaged(flag, partial, path, f"not a credsim checkpoint: {err}") from None
    return obj, {k: v for k, v in arrays.items() if k not in keys}
