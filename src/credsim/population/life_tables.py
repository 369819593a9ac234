"""Life tables: death rates by age and sex, fertility by mother's age and the total fertility
rate of each year, read from the bundled demography files (with their sources)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

__all__ = ["MAX_AGE", "LifeTables", "demography_tables", "load_life_tables"]

MAX_AGE = 100


@dataclass(frozen=True)
class LifeTables:
    """Death rates by single year of age and sex, and fertility by mother's age, per year."""

    mx: dict[str, np.ndarray]  # period -> float64[2 (female, male), 101]
    mx_period_of_year: dict[int, str]
    asfr: np.ndarray  # float64[101]: births per woman-year at each age, summing to `tfr_shape`
    tfr_shape: float
    tfr_by_year: dict[int, float]
    male_at_birth: float
    published: dict[int, dict[str, float]] = field(default_factory=dict)
    """Per year, the published crude birth and death rates (per 1,000) used as checks only."""

    def mx_for(self, year: int) -> np.ndarray:
        years = sorted(self.mx_period_of_year)
        pick = min(years, key=lambda y: (abs(y - year), -y))
        return self.mx[self.mx_period_of_year.get(year, self.mx_period_of_year[pick])]

    def tfr_for(self, year: int) -> float:
        years = sorted(self.tfr_by_year)
        return self.tfr_by_year[min(years, key=lambda y: (abs(y - year), -y))]


def _per_year(ages: list[int], values: list[float]) -> np.ndarray:
    out = np.zeros(MAX_AGE + 1)
    bounds = [*ages, MAX_AGE + 1]
    for i, value in enumerate(values):
        out[bounds[i] : bounds[i + 1]] = value
    return out


def demography_tables() -> list[str]:
    """Bundled demography files (those that name a life table)."""
    folder = resources.files("credsim.population.presets")
    return sorted(
        e.name.removesuffix(".toml")
        for e in folder.iterdir()
        if e.name.endswith(".toml") and "life_table" in tomllib.loads(e.read_text("utf-8"))
    )


def load_life_tables(name: str) -> LifeTables:
    """The bundled demography tables `name` (a TOML file naming its life-table file)."""
    folder = resources.files("credsim.population.presets")
    spec = tomllib.loads((folder / f"{name}.toml").read_text(encoding="utf-8"))
    life = tomllib.loads((folder / f"{spec['life_table']}.toml").read_text(encoding="utf-8"))
    m = life["mortality"]
    mx = {}
    for table in (m, m.get("previous")):
        if table:
            sexes = [_per_year(m["ages"], table[sex]) for sex in ("female", "male")]
            mx[table["period"]] = np.stack(sexes)
    f = life["fertility"]
    asfr = _per_year(f["ages"], f["rates"])
    asfr[f["ages"][-1] + 5 :] = 0.0
    return LifeTables(
        mx=mx,
        mx_period_of_year={int(y): p for y, p in spec["mortality_period_of_year"].items()},
        asfr=asfr,
        tfr_shape=float(asfr.sum()),
        tfr_by_year={int(y): float(v) for y, v in spec["tfr_by_year"].items()},
        male_at_birth=spec["sex_ratio_at_birth"] / (100.0 + spec["sex_ratio_at_birth"]),
        published={int(y): dict(v) for y, v in spec.get("by_year", {}).items()},
    )
