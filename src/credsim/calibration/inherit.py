"""A calibration file built on another: `base = "NAME or path"` takes the other file's settings,
parameters, targets and predictions; this file's own keys replace the base's, and each named
parameter, target or prediction it gives replaces the base's entry of that name whole.
`drop = ["targets.NAME", ...]` leaves out entries of the base (an alternative reading of one
figure: drop the target, add its replacement under another name).

```toml
base = "rollout-blacklist"
name = "rollout-blacklist-stock"
drop = ["targets.listed_2019"]

[targets.on_list_2019]
metric = "sanctioned.court_blacklist"
kind = "stock"
date = 2019-03-31
published = 13490000
source = "..."
```
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from credsim.bundled import read_toml, resolve_bundled
from credsim.errors import ScenarioError, did_you_mean

__all__ = ["TABLES", "with_base"]

TABLES = ("parameters", "targets", "predictions")
"""Tables merged entry by entry; every other key of a file replaces the base's."""
OWN = ("name", "description")
"""Keys a file never inherits: a file built on another is a calibration of its own."""


def with_base(
    data: dict[str, Any],
    folder: Path | None,
    label: str,
    flatten: Callable[[Any], Any],
    seen: tuple[str, ...] = (),
) -> dict[str, Any]:
    """`data` with its `base` (and the base's base) merged in and its `drop` applied; `flatten`
    joins dotted parameter names as the loader does."""
    data = dict(data)
    base_name, drop = data.pop("base", None), data.pop("drop", [])
    if base_name is None:
        if drop:
            raise ScenarioError(f'{label}: drop needs a base to drop from (set base = "NAME").')
        return data
    if not isinstance(base_name, str) or not base_name:
        raise ScenarioError(
            f"{label}: base must be a calibration's name or path (got {base_name!r})."
        )
    source = _resolve(base_name, folder)
    key = str(source.resolve())
    if key in seen:
        raise ScenarioError(f"{label}: base {base_name!r} is built on this file itself (a cycle).")
    base, _, base_label, base_folder = read_toml(source, "calibration")
    base = with_base(base, base_folder, base_label, flatten, (*seen, key))
    _absolute_scenario(base, base_folder)
    merged = {k: v for k, v in base.items() if k not in (*TABLES, *OWN)}
    merged.update({k: v for k, v in data.items() if k not in TABLES})
    for table in TABLES:
        entries = {**flatten(base.get(table) or {}), **flatten(data.get(table) or {})}
        if entries or table in base or table in data:
            merged[table] = entries
    _drop(merged, drop, label)
    return merged


def _resolve(name: str, folder: Path | None) -> Path:
    """A base's file: a path relative to the file that names it, or a bundled calibration."""
    path = Path(name)
    if folder is not None and not path.is_absolute() and (folder / path).is_file():
        return folder / path
    return resolve_bundled(name, "credsim.calibrations", "calibration")


def _absolute_scenario(base: dict[str, Any], folder: Path | None) -> None:
    """A base's scenario given as a path relative to the base file stays that file."""
    src = base.get("scenario")
    if not isinstance(src, str) or folder is None:
        return
    if (src.endswith(".toml") or "/" in src or "\\" in src) and not Path(src).is_absolute():
        base["scenario"] = str(folder / src)


def _drop(merged: dict[str, Any], drop: Any, label: str) -> None:
    if not isinstance(drop, list) or not all(isinstance(d, str) for d in drop):
        raise ScenarioError(f'{label}: drop must be a list of "table.NAME" strings.')
    for item in drop:
        table, _, name = item.partition(".")
        entries = merged.get(table)
        if table not in TABLES or not isinstance(entries, dict) or name not in entries:
            known = [f"{t}.{n}" for t in TABLES for n in merged.get(t) or {}]
            did = did_you_mean(item, known)
            raise ScenarioError(f"{label}: drop: the base has no {item!r}{did}.")
        del entries[name]
