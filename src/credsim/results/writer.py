"""Atomic run directories: everything is written under a temporary sibling, then renamed into place.

An interrupted or failed run leaves no half-written directory under the requested name. Re-running
into the directory of an earlier run replaces it whole; any other non-empty directory is refused.
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

from credsim.errors import UserError

__all__ = ["RunDirectory"]

MARKER = "run.json"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class RunDirectory:
    """A run directory (or another credsim output directory, named by `what` and recognised by
    its `marker` file) under construction; use as a context manager."""

    def __init__(self, final: Path, marker: str = MARKER, what: str = "run") -> None:
        self.final = Path(final)
        if self.final.exists() and not self.final.is_dir():
            raise UserError(f"--out {self.final}: exists and is not a directory.")
        if (
            self.final.is_dir()
            and any(self.final.iterdir())
            and not (self.final / marker).is_file()
        ):
            raise UserError(
                f"--out {self.final}: the directory is not empty and holds no credsim {what}; "
                f"choose a new directory (an earlier credsim {what} there would be replaced)."
            )
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(
            tempfile.mkdtemp(prefix=f".{self.final.name}.partial-", dir=self.final.parent)
        )
        os.chmod(self.path, 0o777 & ~_umask())  # mkdtemp's 0700 would hide it from others

    def __enter__(self) -> RunDirectory:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        self.commit()

    def write_json(self, name: str, data: Any) -> None:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        (self.path / name).write_text(text, encoding="utf-8")

    def write_text(self, name: str, text: str) -> None:
        (self.path / name).write_text(text, encoding="utf-8")

    def write_parquet(self, name: str, table: pa.Table) -> None:
        pq.write_table(table, self.path / name)

    def commit(self) -> None:
        """Move the finished directory into place, replacing an earlier run of the same name."""
        old = None
        if self.final.exists():
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            os.replace(self.final, old)
        os.replace(self.path, self.final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
