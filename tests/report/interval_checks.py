"""Helpers for the tests of the report charts' intervals: run directories from hand-made
summaries, and the whiskers and bands a chart drew."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.container import ErrorbarContainer

from credsim.report.run import RunData


def make_run(path: Path, summary: dict, replicates: list[dict] | None = None) -> RunData:
    """A run directory holding `summary` (and each replicate's own summary)."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "summary.json").write_text(json.dumps(summary))
    for i, one in enumerate(replicates or []):
        (path / "replicates").mkdir(exist_ok=True)
        (path / "replicates" / f"r{i:03d}.json").write_text(json.dumps(one))
    return RunData(path)


def blocks(run: RunData, sections: list, name: str) -> list:
    """The blocks a section renders for `run`."""
    return next(s for s in sections if s.id == name).render(run)


def plot(run: RunData, sections: list, name: str, figure_id: str):
    """The section's Plot with the figure id."""
    return next(b for b in blocks(run, sections, name) if getattr(b, "slug", None) == figure_id)


def segments(ax) -> list[np.ndarray]:
    """Every whisker an axes drew: one (2, 2) array of its two ends each."""
    out = []
    for c in ax.containers:
        if isinstance(c, ErrorbarContainer):
            for lines in c.lines[2]:
                out += [np.asarray(s) for s in lines.get_segments()]
    return out


def whisker_at(ax, at: float, horizontal: bool = True) -> tuple[float, float]:
    """The ends of the whisker at bar position `at` (y of a horizontal bar, x of a vertical)."""
    pos, end = (1, 0) if horizontal else (0, 1)
    (hit,) = [s for s in segments(ax) if np.isclose(s[0][pos], at) and s[0][end] != s[1][end]]
    low, high = sorted(hit[:, end])
    return float(low), float(high)


def bands(ax) -> list[PolyCollection]:
    """The shaded bands (fill_between) of an axes."""
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def band_at(ax, x: float, i: int = 0) -> tuple[float, float]:
    """The lower and upper edge of the i-th band at `x` (from its polygon's vertices)."""
    v = np.concatenate([p.vertices for p in bands(ax)[i].get_paths()])
    ys = v[np.isclose(v[:, 0], x), 1]
    return float(ys.min()), float(ys.max())
