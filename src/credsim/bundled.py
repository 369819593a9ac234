"""Files shipped inside credsim's packages (sweeps, calibrations): list them, and find one by
its name or take a path."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from credsim.errors import UserError, did_you_mean
from credsim.tomlfile import parse_toml, read_text

__all__ = ["bundled_files", "read_toml", "resolve_bundled"]


def bundled_files(package: str) -> dict[str, str]:
    """Name -> description of every TOML file of `package` (e.g. "credsim.sweeps")."""
    found = {}
    for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            found[entry.name.removesuffix(".toml")] = str(data.get("description", ""))
    return found


def resolve_bundled(source: str, package: str, what: str) -> Path:
    """A file's path, or the file of the bundled `what` (sweep, calibration) of that name."""
    path = Path(source)
    if path.is_file():
        return path
    looks_like_path = source.endswith(".toml") or "/" in source or "\\" in source
    names = [] if looks_like_path else list(bundled_files(package))
    if source in names:
        return Path(str(resources.files(package) / f"{source}.toml"))
    did = did_you_mean(source, names, sentence=True) if names else ""
    listing = f" Bundled {what}s: {', '.join(names)}." if names else ""
    raise UserError(f"{what} file {source!r} not found (looked at {path.resolve()}).{did}{listing}")


def read_toml(source: str | Path | dict[str, Any], what: str) -> tuple[dict, str, str, Path | None]:
    """A file of `what` (sweep, calibration) or a dict of the same shape, as (data, text, label,
    folder): the text and folder are empty for a dict. Raises UserError or ScenarioError."""
    if isinstance(source, dict):
        return dict(source), "", what, None
    path = Path(source)
    if not path.is_file():
        raise UserError(f"{what} file {str(source)!r} not found (looked at {path.resolve()}).")
    text, label = read_text(path), str(path)
    return parse_toml(text, label), text, label, path.parent
