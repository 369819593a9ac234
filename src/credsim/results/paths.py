"""Output paths checked before any work, and a full disk told as a clear message.

Every directory credsim writes (`--out`, `--figures`, `--runs-dir`) is checked here first: a name,
not the current directory or `/`; a name short enough for the file system, with room for the
temporary name beside it; no file in the way; not in `/proc`, `/sys` or `/dev`; writable.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import time
from pathlib import Path

from credsim.errors import UserError

__all__ = [
    "NAME_MAX",
    "DiskFull",
    "check_not_virtual",
    "check_out_path",
    "default_out",
    "disk_full",
    "human_bytes",
    "is_disk_full",
    "tree_bytes",
]

NAME_MAX = 255
"""Bytes in one file name on Linux, macOS and Windows file systems."""
PATH_MAX = 4000
TEMP_EXTRA = len(".partial-") + 1 + 8
"""What a run directory's temporary name adds to its name: `.NAME.partial-XXXXXXXX`."""
_VIRTUAL = ("/proc", "/sys", "/dev")


class DiskFull(UserError):
    """The disk filled up while credsim wrote; what was half-written has been removed."""


def human_bytes(n: float) -> str:
    """1,536 -> '1.5 KB' (powers of 1,000, as disks are sold)."""
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def tree_bytes(path: Path) -> int:
    """Bytes of the files under `path` (0 when it is gone)."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # a file removed meanwhile
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def is_disk_full(err: BaseException | None) -> bool:
    """Whether `err` is a full disk (or quota): ENOSPC or EDQUOT."""
    return isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT)


def _free_bytes(path: Path) -> int | None:
    for place in (path, *path.parents):
        try:
            return shutil.disk_usage(place).free
        except OSError:
            continue
    return None


def disk_full(err: OSError, where: Path, needed: int | None = None, done: str = "") -> DiskFull:
    """The message for a full disk while writing under `where`: the file, the space free now and,
    where known, the space needed; `done` says what credsim did about it."""
    target = err.filename or where
    free = _free_bytes(Path(where))
    parts = [f"{where}: the disk is full (no space left on the device while writing {target})."]
    if needed is not None:
        parts.append(f"This needs about {human_bytes(needed)}")
        parts[-1] += f"; {human_bytes(free)} are free there now." if free is not None else "."
    elif free is not None:
        parts.append(f"{human_bytes(free)} are free there now.")
    parts.append(done or "Free some space, or write elsewhere, and run again.")
    return DiskFull(" ".join(parts))


def _nearest_existing(path: Path) -> Path:
    for place in (path, *path.parents):
        if os.path.lexists(place):
            return place
    return Path("/")


def check_not_virtual(path: str | Path, flag: str, shown: str | None = None) -> None:
    """Refuse a path in /proc, /sys or /dev: file systems of the operating system, not disks."""
    real = os.path.realpath(os.path.abspath(path))
    for virtual in _VIRTUAL:
        if real == virtual or real.startswith(virtual + "/"):
            raise UserError(
                f"{flag} {shown or path}: {virtual} is a virtual file system of the operating "
                "system, not a place for files; choose a directory on a disk."
            )


def check_out_path(path: str | Path, flag: str = "--out", temp_extra: int = TEMP_EXTRA) -> Path:
    """`path` as a directory credsim may create or replace, else a UserError naming `flag`.

    Nothing is created: this only looks."""
    raw = str(path)
    given = Path(path)
    shown = repr(raw) if raw in ("", ".") else raw
    if raw in ("", ".") or given.name in ("", ".", ".."):
        raise UserError(
            f"{flag} {shown}: give the name of a directory to write (e.g. {flag} runs/mine); "
            "credsim does not write into the current directory, its parent or the root."
        )
    absolute = Path(os.path.abspath(given))
    if len(os.fsencode(str(absolute))) > PATH_MAX:
        raise UserError(f"{flag} {raw[:60]}...: the path is too long (at most {PATH_MAX} bytes).")
    limit = NAME_MAX - temp_extra
    for part in absolute.parts[1:]:
        size = len(os.fsencode(part))
        if size > NAME_MAX or (part == absolute.name and size > limit):
            raise UserError(
                f"{flag} {raw[:60]}...: the name {part[:40]!r}... is {size} bytes long; file "
                f"names hold at most {NAME_MAX} bytes, and a directory credsim writes at most "
                f"{limit} (it is built under a longer temporary name beside it). Choose a "
                "shorter name."
            )
    check_not_virtual(absolute, flag, raw)
    existing = _nearest_existing(absolute)
    if existing != absolute and not existing.is_dir():
        raise UserError(
            f"{flag} {raw}: {existing} is a file, not a directory, so nothing can be written "
            "under it; choose another path."
        )
    if existing == absolute and not existing.is_dir():
        raise UserError(f"{flag} {raw}: exists and is not a directory; choose another path.")
    parent = existing if existing != absolute else absolute.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"{flag} {raw}: cannot write in {parent} (permission denied).")
    return given


def _safe_name(name: str) -> str:
    """A scenario's name as one directory name: never a path, never hidden, not too long."""
    safe = re.sub(r"[^\w.+-]+", "-", name).strip(".-")
    return safe[:100] or "run"


def default_out(stem: str, parent: Path = Path("runs")) -> Path:
    """`runs/STEM-YYYYmmdd-HHMMSS`, or with `-2`, `-3`, ... when a run of that second exists:
    a default name never meets an earlier result."""
    base = f"{_safe_name(stem)}-{time.strftime('%Y%m%d-%H%M%S')}"
    candidate = parent / base
    number = 2
    while os.path.lexists(candidate) or any(
        parent.glob(f".{glob_escape(candidate.name)}.partial*")
    ):
        candidate = parent / f"{base}-{number}"
        number += 1
    return candidate


def glob_escape(name: str) -> str:
    """`name` with glob's special characters escaped."""
    return re.sub(r"([*?\[])", r"[\1]", name)
