"""Command-line commands about run directories: `credsim clean`, and reading a run directory that
may be damaged (for `dossier` and `report`)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from credsim.errors import UserError
from credsim.results.partial import MARK, find_partials, hold
from credsim.results.paths import check_not_virtual, human_bytes

__all__ = ["clean", "readable_run", "register"]


@contextmanager
def readable_run(run_dir: Path) -> Iterator[None]:
    """Turn what a damaged run directory raises while it is read (a truncated Parquet file,
    broken JSON or TOML, a missing column) into one paragraph naming it."""
    if not (run_dir / "summary.json").is_file():
        raise UserError(f"{run_dir}: not a credsim run directory (no summary.json).")
    import pyarrow as pa

    try:
        yield
    except UserError:
        raise
    except (OSError, ValueError, LookupError, TypeError, AttributeError, pa.ArrowException) as err:
        why = f"{type(err).__name__}: {err}"
        raise UserError(
            f"{run_dir}: cannot read this run directory ({why[:300]}); a file in it is damaged, "
            "missing or from another credsim version. Run the scenario again to write it anew."
        ) from None


def clean(
    runs_dir: Annotated[
        Path, typer.Option(help="folder to clean, with everything below it")
    ] = Path("runs"),
    dry_run: Annotated[
        bool, typer.Option(help="list what would be removed, and remove nothing")
    ] = False,
    checkpoints: Annotated[
        bool,
        typer.Option(help="also remove interrupted checkpointed runs (--resume could finish them)"),
    ] = False,
) -> None:
    """Remove what runs that died left behind: their partial directories (credsim's only)."""
    check_not_virtual(runs_dir, "--runs-dir")
    if not runs_dir.is_dir():
        raise UserError(f"--runs-dir {runs_dir}: no such directory.")
    found, unmarked = find_partials(runs_dir)
    removed = freed = 0
    for partial in found:
        what, since = partial.info.get("what", "run"), partial.info.get("started", "?")
        if partial.busy:
            pid = partial.info.get("pid", "?")
            typer.echo(f"in use        {partial.path} ({what}, written by process {pid})")
            continue
        if partial.resumable and not checkpoints:
            final = partial.info.get("final", partial.path)
            typer.echo(
                f"kept          {partial.path} (an interrupted checkpointed run: finish it with "
                f"`credsim run --resume {final}`, or remove it with --checkpoints)"
            )
            continue
        verb = "would remove" if dry_run else "removed"
        if not dry_run and not _remove(partial.path):
            typer.echo(f"in use        {partial.path} ({what})")
            continue
        typer.echo(
            f"{verb:<13} {partial.path} ({what} started {since}, {human_bytes(partial.size)})"
        )
        removed, freed = removed + 1, freed + partial.size
    for path in unmarked:
        typer.echo(
            f"left alone    {path} (it holds no {MARK}, so credsim cannot tell it made it; "
            "delete it yourself if it is a run's)"
        )
    verb = "would remove" if dry_run else "removed"
    plural = "directory" if removed == 1 else "directories"
    typer.echo(f"{verb} {removed} partial {plural} under {runs_dir} ({human_bytes(freed)}).")


def _remove(path: Path) -> bool:
    """Remove `path` while holding its lock (so no credsim process starts on it meanwhile)."""
    try:
        fd = hold(path)
    except BlockingIOError:
        return False
    try:
        shutil.rmtree(path, ignore_errors=True)
    finally:
        os.close(fd)
    return True


def register(app: typer.Typer) -> None:
    """Add `credsim clean` to `app`."""
    app.command()(clean)
