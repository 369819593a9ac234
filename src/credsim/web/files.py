"""Serve only files inside a run's own directory: no path from a request leaves it."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CONTENT_TYPES", "resolve_inside"]

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".toml": "text/plain; charset=utf-8",
    ".parquet": "application/vnd.apache.parquet",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


def resolve_inside(root: Path, relative: str) -> Path | None:
    """`root/relative` if it is a regular file inside `root` after resolving every link and `..`,
    else None. Hidden names (a leading dot) are refused too."""
    if not relative or "\x00" in relative or relative.startswith(("/", "\\")):
        return None
    parts = Path(relative).parts
    if any(part.startswith(".") for part in parts):
        return None
    base = root.resolve()
    try:
        target = (base / relative).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target
