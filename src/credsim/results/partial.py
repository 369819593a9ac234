"""Directories credsim is still writing: marked as credsim's, locked while a process writes them,
and found again (`credsim clean`) when that process died without removing them.

A run is built in a temporary directory beside its final name (`.NAME.partial-XXXXXXXX`, or
`NAME.partial` for a checkpointed run) holding the marker file `.credsim-partial`: what is being
written, for which final name, by which process, since when. The writing process holds an
exclusive `flock` on the directory, so a directory whose lock can be taken has no writer left.
credsim deletes or reuses only directories with the marker.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credsim.version import __version__

__all__ = ["MARK", "Partial", "find_partials", "hold", "in_use", "is_marked", "mark", "read_mark"]

MARK = ".credsim-partial"
PROGRESS = "checkpoint.json"  # a checkpointed run's progress (credsim.experiments.checkpoint)


def mark(path: Path, what: str, final: Path) -> None:
    """Write the marker that makes `path` credsim's own."""
    info = {
        "what": what,
        "final": str(final),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "credsim_version": __version__,
        "note": "credsim is writing this directory; if no credsim process is, "
        "`credsim clean` removes it.",
    }
    (Path(path) / MARK).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def is_marked(path: Path) -> bool:
    """Whether `path` is a directory credsim made to write into."""
    return (Path(path) / MARK).is_file() and not Path(path).is_symlink()


def read_mark(path: Path) -> dict[str, Any]:
    """The marker's facts ({} when unreadable)."""
    try:
        info = json.loads((Path(path) / MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def hold(path: Path) -> int:
    """Lock `path` for this process (a file descriptor to close when done); BlockingIOError when
    another process holds it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise
    except OSError:  # a file system without locks: write unlocked rather than not at all
        pass
    return fd


def in_use(path: Path) -> bool:
    """Whether a process holds the lock on `path` now."""
    try:
        fd = hold(path)
    except BlockingIOError:
        return True
    except OSError:
        return False
    os.close(fd)
    return False


@dataclass
class Partial:
    """A directory credsim made and has not finished."""

    path: Path
    info: dict[str, Any]
    busy: bool
    resumable: bool
    size: int

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _size(path: Path) -> int:
    from credsim.results.paths import tree_bytes

    return tree_bytes(path)


def find_partials(root: Path) -> tuple[list[Partial], list[Path]]:
    """Every marked directory under `root` (not looking inside them), and directories named like
    partial ones that have no marker (left alone: credsim cannot tell they are its own)."""
    found: list[Partial] = []
    unmarked: list[Path] = []
    for folder, subdirs, _ in os.walk(root):
        keep = []
        for name in sorted(subdirs):
            path = Path(folder) / name
            if path.is_symlink():
                continue
            if is_marked(path):
                resumable = (path / PROGRESS).is_file()
                found.append(Partial(path, read_mark(path), in_use(path), resumable, _size(path)))
            elif ".partial" in name:
                unmarked.append(path)
            else:
                keep.append(name)
        subdirs[:] = keep
    return found, unmarked
