"""Atomic run directories: everything is written under a temporary sibling, then renamed into place.

The output path is checked before any work (credsim.results.paths). The temporary directory
`.NAME.partial-XXXXXXXX` is marked as credsim's and locked while this process writes it
(credsim.results.partial); a failed or interrupted run removes it, and the parent directories it
created, so nothing is left under the requested name. An earlier credsim result under that name is
replaced only with `force` (`--force`); any other non-empty directory is refused.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from credsim.engine import stop
from credsim.errors import UserError
from credsim.results.citizens_writer import write_options
from credsim.results.partial import MARK, hold, in_use, is_marked, mark
from credsim.results.paths import (
    TEMP_EXTRA,
    check_out_path,
    disk_full,
    is_disk_full,
    tree_bytes,
)

__all__ = ["RunDirectory", "join_parquet"]

MARKER = "run.json"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class RunDirectory:
    """A run directory (or another credsim output directory, named by `what` and recognised by
    its `marker` file) under construction; use as a context manager. `flag` names the option
    that gave the path, in messages."""

    def __init__(
        self,
        final: Path,
        marker: str = MARKER,
        what: str = "run",
        *,
        force: bool = False,
        flag: str = "--out",
        temp_extra: int = TEMP_EXTRA,
    ) -> None:
        self.final = Path(final)
        self.marker, self.what, self.force, self.flag = marker, what, force, flag
        check_out_path(self.final, flag, temp_extra)
        self.check_final()
        self._created: list[Path] = []
        self._lock: int | None = None
        try:
            self._make_parents(self.final.parent)
            self.path = self._open()
        except BaseException as err:
            self._release()
            self._remove_parents()
            if is_disk_full(err):
                raise disk_full(err, self.final) from None
            if isinstance(err, OSError):
                why = err.strerror or str(err)
                raise UserError(f"{flag} {self.final}: cannot create it ({why}).") from None
            raise

    def check_final(self) -> None:
        """Refuse a final path that holds something other than an earlier result to replace."""
        final, flag, what = self.final, self.flag, self.what
        if final.is_symlink() or (final.exists() and not final.is_dir()):
            raise UserError(f"{flag} {final}: exists and is not a directory.")
        if not final.is_dir() or not any(final.iterdir()):
            return
        if not (final / self.marker).is_file():
            raise UserError(
                f"{flag} {final}: the directory is not empty and holds no credsim {what}; "
                "choose a new directory (credsim replaces only its own results, and only with "
                "--force)."
            )
        if not self.force:
            raise UserError(
                f"{flag} {final}: holds an earlier credsim {what}; add --force to replace it, or "
                f"choose another {flag}."
            )

    def _make_parents(self, parent: Path) -> None:
        missing = []
        for place in (parent, *parent.parents):
            if place.is_dir():
                break
            missing.append(place)
        for place in reversed(missing):
            try:
                os.mkdir(place)
            except FileExistsError:
                continue
            self._created.append(place)

    def _remove_parents(self) -> None:
        for place in reversed(self._created):
            try:
                os.rmdir(place)  # only if still empty
            except OSError:
                break
        self._created = []

    def _open(self) -> Path:
        """Create, mark and lock the temporary directory; remove stale ones of the same name
        (marked as credsim's, with no process writing them)."""
        parent = self.final.parent
        for stale in parent.glob(f".{_escape(self.final.name)}.partial-*"):
            if is_marked(stale) and not in_use(stale):
                shutil.rmtree(stale, ignore_errors=True)
        path = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.partial-", dir=parent))
        os.chmod(path, 0o777 & ~_umask())  # mkdtemp's 0700 would hide it from others
        self._lock = hold(path)
        mark(path, self.what, self.final)
        return path

    def __enter__(self) -> RunDirectory:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                try:
                    self.commit()
                except BaseException:
                    self._discard()
                    raise
                return
            written = tree_bytes(self.path) if is_disk_full(exc) else 0
            self._discard()
            if is_disk_full(exc):
                done = (
                    f"The partial {self.what} ({written:,} bytes written) has been removed; free "
                    "some space, or write elsewhere, and run again."
                )
                raise disk_full(exc, self.final, done=done) from None
        finally:
            self._release()

    def _discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._remove_parents()

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def write_json(self, name: str, data: Any) -> None:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        (self.path / name).write_text(text, encoding="utf-8")

    def write_text(self, name: str, text: str) -> None:
        (self.path / name).write_text(text, encoding="utf-8")

    def write_parquet(self, name: str, table: pa.Table) -> None:
        pq.write_table(table, self.path / name)

    def commit(self) -> None:
        """Move the finished directory into place (replacing an earlier result only with
        `force`)."""
        stop.honour()  # a stop asked for and swallowed on the way: leave nothing
        self.check_final()  # again: something may have appeared there during the run
        (self.path / MARK).unlink(missing_ok=True)
        old = None
        if self.final.exists():
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            os.replace(self.final, old)
        os.replace(self.path, self.final)
        self._created = []
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _escape(name: str) -> str:
    from credsim.results.paths import glob_escape

    return glob_escape(name)


def join_parquet(parts: list[Path], target: Path) -> None:
    """Write the Parquet files `parts` (one schema) as one file, a row group at a time, so that
    memory does not grow with the rows: a sharded run's citizens table."""
    pool = pa.default_memory_pool()
    schema = pq.read_schema(parts[0])
    with pq.ParquetWriter(target, schema, **write_options(schema)) as writer:
        for part in parts:
            file = pq.ParquetFile(part)
            for group in range(file.num_row_groups):
                writer.write_table(file.read_row_group(group))
                pool.release_unused()  # what a row group took goes back at once
