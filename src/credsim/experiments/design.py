"""Experimental designs over a sweep's parameters: full factorial, Latin hypercube and Sobol'.

A parameter is a real or integer interval, or a list of categories (the EMA Workbench's
RealParameter, IntegerParameter and CategoricalParameter). Sampling designs draw points in the
unit cube and map each coordinate onto its parameter, so every design treats the three kinds alike.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = [
    "MAX_POINTS",
    "MAX_RUNS",
    "Design",
    "Parameter",
    "check_design_size",
    "design_size",
    "full_factorial",
    "latin_hypercube",
    "make_design",
    "sobol",
    "sobol_problem",
]

MAX_POINTS = 100_000
"""Design points one sweep may have: each is checked against the scenario before any run (about
20 ms a point), and its values are held in memory."""
MAX_RUNS = 1_000_000
"""Runs (points x replicates) one sweep may have: its table of tasks and its outcomes are held in
memory (about 1 KB a run), and a million runs already take weeks on a workstation."""
BYTES_PER_RUN = 600
BYTES_PER_VALUE = 200

Kind = Literal["real", "integer", "categorical"]
Role = Literal["uncertainty", "lever"]


@dataclass(frozen=True)
class Parameter:
    """One swept scenario key: its column name, dotted key, kind and range."""

    name: str
    key: str
    kind: Kind
    role: Role = "uncertainty"
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] = ()
    levels: int | None = None

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map coordinates in [0, 1) onto this parameter's range (equal-width bins for
        integers and categories)."""
        u = np.clip(np.asarray(u, dtype=np.float64), 0.0, np.nextafter(1.0, 0.0))
        if self.kind == "real":
            assert self.low is not None and self.high is not None
            return [float(x) for x in self.low + u * (self.high - self.low)]
        if self.kind == "integer":
            assert self.low is not None and self.high is not None
            span = int(self.high) - int(self.low) + 1
            return [int(self.low) + int(k) for k in np.floor(u * span)]
        return [self.values[int(k)] for k in np.floor(u * len(self.values))]

    def grid(self, default_levels: int) -> list[Any]:
        """The levels of a full factorial design: evenly spaced, or every category."""
        if self.kind == "categorical":
            return list(self.values)
        levels = self.levels or default_levels
        assert self.low is not None and self.high is not None
        points = np.linspace(self.low, self.high, levels)
        if self.kind == "integer":
            return sorted({round(x) for x in points})
        return [float(x) for x in points]

    def describe(self) -> str:
        """'real 0.001..0.02', 'integer 0..60' or 'one of [...]'."""
        if self.kind == "categorical":
            return f"one of {list(self.values)}"
        if self.kind == "integer":
            return f"integer {self.low:.0f}..{self.high:.0f}"
        return f"real {self.low:g}..{self.high:g}"


@dataclass
class Design:
    """The points of a sweep (one dict of parameter values each), and how they were drawn."""

    kind: str
    parameters: list[Parameter]
    points: list[dict[str, Any]]
    settings: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.points)


def _points(parameters: list[Parameter], unit: np.ndarray) -> list[dict[str, Any]]:
    columns = {p.name: p.from_unit(unit[:, j]) for j, p in enumerate(parameters)}
    return [{name: columns[name][i] for name in columns} for i in range(unit.shape[0])]


def full_factorial(parameters: list[Parameter], levels: int = 3) -> Design:
    """Every combination of every parameter's levels (categories: all of them)."""
    grids = [p.grid(levels) for p in parameters]
    points = [
        {p.name: value for p, value in zip(parameters, combo, strict=True)}
        for combo in itertools.product(*grids)
    ]
    return Design("full_factorial", parameters, points, {"levels": levels})


def latin_hypercube(parameters: list[Parameter], n: int, seed: int) -> Design:
    """n points; each parameter's range is cut into n equal strata and each stratum holds one."""
    rng = np.random.default_rng(seed)
    unit = np.empty((n, len(parameters)))
    for j in range(len(parameters)):
        unit[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return Design("latin_hypercube", parameters, _points(parameters, unit), {"n": n})


def sobol_problem(parameters: list[Parameter]) -> dict[str, Any]:
    """The SALib problem: every parameter on the unit interval (mapped onto its range later)."""
    return {
        "num_vars": len(parameters),
        "names": [p.name for p in parameters],
        "bounds": [[0.0, 1.0]] * len(parameters),
    }


def sobol(parameters: list[Parameter], n_base: int, calc_second_order: bool, seed: int) -> Design:
    """Saltelli's extension of the Sobol' sequence (SALib): N·(2D+2) points with second-order
    indices, N·(D+2) without; the point order is the order SALib's analysis expects."""
    from SALib.sample import sobol as sobol_sample

    unit = sobol_sample.sample(
        sobol_problem(parameters), n_base, calc_second_order=calc_second_order, seed=seed
    )
    settings = {"N": n_base, "calc_second_order": calc_second_order}
    return Design("sobol", parameters, _points(parameters, unit), settings)


def design_size(
    kind: str,
    parameters: list[Parameter],
    *,
    levels: int = 3,
    n: int | None = None,
    n_base: int | None = None,
    calc_second_order: bool = False,
) -> int:
    """The number of points a design will have, computed without drawing them (exact, however
    large)."""
    if kind == "full_factorial":
        size = 1
        for p in parameters:
            size *= len(p.grid(levels))
        return size
    if kind == "latin_hypercube":
        return int(n or 0)
    if kind == "sobol":
        d = len(parameters)
        return int(n_base or 0) * ((2 * d + 2) if calc_second_order else (d + 2))
    raise ValueError(f"unknown design {kind!r}")


def check_design_size(points: int, parameters: int, replicates: int = 1) -> None:
    """Refuse, before drawing a point, a sweep that will not fit: more than MAX_RUNS runs, or a
    design and task table larger than half the memory available."""
    from credsim.errors import UserError

    runs = points * replicates
    need = runs * (BYTES_PER_RUN + BYTES_PER_VALUE * parameters)
    free = _available_memory()
    too_big = free is not None and need > free // 2
    if points <= MAX_POINTS and runs <= MAX_RUNS and not too_big:
        return
    shown = f"{points:,} points x {replicates:,} replicates = {runs:,} runs"
    if runs > 10**15:
        shown = f"{points:.3e} points x {replicates:,} replicates = {runs:.3e} runs"
    memory = f"about {need / 1e9:,.3g} GB to plan" + (
        f", with {free / 1e9:,.3g} GB of memory available" if free is not None else ""
    )
    raise UserError(
        f"design: {shown} ({memory}); a sweep may have at most {MAX_POINTS:,} points and "
        f"{MAX_RUNS:,} runs, and use at most half the memory available. Use fewer levels, "
        "points (n, N), parameters or replicates, or split the sweep."
    )


def _available_memory() -> int | None:
    """MemAvailable from /proc/meminfo (Linux), else None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def make_design(
    kind: str,
    parameters: list[Parameter],
    *,
    seed: int,
    levels: int = 3,
    n: int | None = None,
    n_base: int | None = None,
    calc_second_order: bool = False,
) -> Design:
    """The design a sweep file names (refused before drawing when it will not fit)."""
    size = design_size(
        kind, parameters, levels=levels, n=n, n_base=n_base, calc_second_order=calc_second_order
    )
    check_design_size(size, len(parameters))
    if kind == "full_factorial":
        return full_factorial(parameters, levels)
    if kind == "latin_hypercube":
        assert n is not None
        return latin_hypercube(parameters, n, seed)
    if kind == "sobol":
        assert n_base is not None
        return sobol(parameters, n_base, calc_second_order, seed)
    raise ValueError(f"unknown design {kind!r}")
