"""Births, deaths and the age pyramid (population.demography): counted through the engine,
each year set beside what the life table and fertility inputs imply and, as a check that was
not fitted, beside the published crude birth and death rates."""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, World
from credsim.engine.merge import add_up
from credsim.engine.sets import unique
from credsim.metrics.groups import CHUNK, Groups
from credsim.population.demography import FIXED

__all__ = ["DemographyMetrics"]

BANDS = 21
"""Five-year age groups of the pyramid: 0-4, ..., 95-99, 100."""


class DemographyMetrics(Metric):
    """`deaths` and `births` by group and day; the age pyramid at the start and the end."""

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.demography = world.services.get("demography")
        self.flows = {w: np.zeros((world.days, self.groups.size)) for w in ("deaths", "births")}
        self.pyramids = {"start": self._pyramid()} if self.demography is not None else {}
        self.expected: dict[int, np.ndarray] = {}
        self.lost_births = 0

    def measure(self, day: Day) -> None:
        if self.demography is None:
            return
        self.flows["deaths"][day.day] = self.groups.count(day.deaths)
        self.flows["births"][day.day] = self.groups.count(day.births)
        if day.day == self.world.days - 1:
            self.pyramids["end"] = self._pyramid()
            self.expected = {y: v.copy() for y, v in self.demography.expected.items()}
            self.lost_births = self.demography.lost_births

    def _pyramid(self) -> np.ndarray:
        """Living citizens by sex (female, male) and five-year age group, own range."""
        state, world = self.world.state, self.world
        out = np.zeros((2, BANDS), np.int64)
        for start in range(world.lo, world.hi, CHUNK):
            chunk = np.arange(start, min(start + CHUNK, world.hi))
            assert world.alive is not None
            chunk = chunk[world.alive(chunk)]
            band = np.minimum(state["age"][chunk] // 5, BANDS - 1)
            codes = (state["traits"][chunk] & 1).astype(np.int64) * BANDS + band
            out += np.bincount(codes, minlength=2 * BANDS).reshape(2, BANDS)
        return out

    def merge(self, parts: list) -> None:
        add_up(self, parts, "flows", "pyramids", "expected", "lost_births", "living")

    def tally_end(self) -> None:
        world = self.world
        self.living = 0
        if self.demography is not None:
            self.living = int(self.groups.sizes(world.hi, world.alive, world.lo)[0])

    def daily_totals(self) -> dict[str, np.ndarray]:
        k = self.world.people_per_agent
        return {name: v[:, 0] * k for name, v in self.flows.items()} if self.demography else {}

    def summary(self) -> dict:
        if self.demography is None:
            return {}
        k = self.world.people_per_agent
        start = self.world.start
        days = np.arange(self.world.days)
        years = np.array(
            [
                (np.datetime64(start, "D") + d).astype("datetime64[Y]").astype(int) + 1970
                for d in days
            ]
        )
        living = self.living
        per_year = {}
        published = self.demography.tables.published
        for year in unique(years):
            mine = years == year
            deaths = float(self.flows["deaths"][mine, 0].sum())
            births = float(self.flows["births"][mine, 0].sum())
            expected = self.expected.get(int(year), np.zeros(2, np.int64)) / FIXED
            row = {
                "days": int(mine.sum()),
                "deaths": round(deaths * k),
                "births": round(births * k),
                "deaths_expected": round(expected[0] * k),
                "births_expected": round(expected[1] * k),
                "death_rate_per_1000": round(1000 * deaths / living * 365.25 / mine.sum(), 3),
                "birth_rate_per_1000": round(1000 * births / living * 365.25 / mine.sum(), 3),
            }
            for key, value in published.get(int(year), {}).items():
                row[f"published_{key}"] = value
            per_year[str(int(year))] = row
        return {
            "demography": {
                "deaths": round(float(self.flows["deaths"][:, 0].sum()) * k),
                "births": round(float(self.flows["births"][:, 0].sum()) * k),
                "births_without_a_free_slot": int(self.lost_births * k),
                "by_year": per_year,
                "pyramid": {
                    when: {"female": (p[0] * k).tolist(), "male": (p[1] * k).tolist()}
                    for when, p in self.pyramids.items()
                },
                "pyramid_bands": [f"{5 * i}-{5 * i + 4}" for i in range(BANDS - 1)] + ["100"],
                "by_group": self.groups.nested(
                    {name: v.sum(axis=0) for name, v in self.flows.items()}, k
                ),
            }
        }
