"""The census population: citizens from a preset (households, ages, provinces, education, income)
and their social graph, in four bytes per citizen.

Provinces and urban/rural areas are contiguous ranges of citizen numbers, so neither is stored;
everything else is packed into `age`, `traits` (sex, household role, group), `household`
(position and size) and `ses` (education, income quintile).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator, model_validator

from credsim.engine import Column, PluginParams, Population, World
from credsim.engine.checks import MAX_PEOPLE, check_shares
from credsim.engine.memory import check_fits, population_footprint
from credsim.engine.traits import ColumnTrait, SegmentTrait, Trait
from credsim.errors import did_you_mean
from credsim.population.demography import Demography, DemographyParams
from credsim.population.graph import GraphParams, SocialGraph
from credsim.population.households import (
    GROUP_SHIFT,
    INCOME_SHIFT,
    ROLE_SHIFT,
    build_citizens,
    segment_starts,
)
from credsim.population.preset import Preset, load_preset, preset_names
from credsim.population.regional import CitySpec
from credsim.population.slots import EMPTY, Living

__all__ = ["AGE_BANDS", "MAX_CITIZENS", "CensusPopulation"]

MAX_CITIZENS = 2**31 - 1
AGE_BANDS = {"0-14": (0, 15), "15-59": (15, 60), "60+": (60, 101)}
INCOME_LABELS = ["q1", "q2", "q3", "q4", "q5"]
ROLE_LABELS = ["child", "adult", "grandparent"]
_NONE = np.empty(0, np.int64)
RING = tuple(f"friends_ring.{c}" for c in ("pos", "order", "ahead", "behind", "cross"))
"""The ring cache's columns (`graph.friends.ring_cache`)."""


class CensusParams(PluginParams):
    preset: str = Field("china-2020", description="bundled population preset")
    size: int | None = Field(
        None, ge=1, le=MAX_CITIZENS, description="agents (default: the preset's default size)"
    )
    people_per_agent: int = Field(
        1, ge=1, le=MAX_PEOPLE, description="people each agent stands for"
    )
    group_shares: dict[str, float] | None = Field(
        None, description="synthetic group shares (replaces the preset's)"
    )
    graph: GraphParams = Field(default_factory=GraphParams)
    demography: DemographyParams = Field(default_factory=DemographyParams)
    cities: dict[str, CitySpec] = Field(
        default_factory=dict,
        description="cities carved out of a province, each a region of its own "
        '(e.g. cities.Rongcheng = {province = "Shandong", people = 700000})',
    )
    locality_max_people: int | None = Field(
        None,
        ge=2,
        le=MAX_PEOPLE,
        description="largest locality, in people: a region (province or city) of more people is "
        "cut into the fewest localities of near-equal size, each with the region's urban share; "
        "ties and every choice of another citizen stay inside a locality, and a sharded run "
        "may cut between any two (default: none, every region is one locality)",
    )

    @field_validator("preset")
    @classmethod
    def _known(cls, v: str) -> str:
        names = preset_names()
        if v not in names:
            did = did_you_mean(v, names)
            raise ValueError(f"unknown preset {v!r}{did}; presets are {', '.join(names)}")
        return v

    @field_validator("group_shares")
    @classmethod
    def _shares(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is not None and (not v or len(v) > 8):
            raise ValueError("1 to 8 groups (they are packed in 3 bits)")
        if v is not None:
            check_shares(v, "group_shares")
        return v

    @model_validator(mode="after")
    def _localities(self) -> CensusParams:
        if self.locality_max_people is not None and self.most_per_locality() < 2:
            raise ValueError(
                f"locality_max_people {self.locality_max_people:,} is under 2 agents of "
                f"people_per_agent {self.people_per_agent:,} people; give at least "
                f"{2 * self.people_per_agent:,}"
            )
        if self.graph.friends.ring_cache and self.demography.enabled:
            raise ValueError(
                "graph.friends.ring_cache keeps the ring as built, but demography changes ages "
                "and slots: set demography.enabled = false or ring_cache = false"
            )
        return self

    def most_per_locality(self) -> int | None:
        """The most agents a locality holds (None: a region is one locality)."""
        if self.locality_max_people is None:
            return None
        return self.locality_max_people // self.people_per_agent

    @model_validator(mode="after")
    def _cities(self) -> CensusParams:
        load_preset(self.preset, None, self.cities)  # a city's province must exist and fit it
        return self

    @model_validator(mode="after")
    def _people(self) -> CensusParams:
        size = self.size or load_preset(self.preset).data.default_size
        if size * self.people_per_agent > MAX_PEOPLE:
            raise ValueError(
                f"{size:,} agents x people_per_agent {self.people_per_agent:,} stand for "
                f"{size * self.people_per_agent:.3g} people; at most {MAX_PEOPLE:.0e}"
            )
        return self

    @model_validator(mode="after")
    def _fits(self) -> CensusParams:
        # Only what building the population alone needs (credsim population): a run checks its
        # own, larger need before it starts (credsim.scenario.footprint).
        size = self.size or load_preset(self.preset).data.default_size
        what = f"a population of {size:,} agents with its social graph"
        check_fits(population_footprint(), size, what, "--size or --population {most}")
        return self


class CensusPopulation(Population):
    """Citizens in households from a census preset, with their social graph."""

    Params = CensusParams
    params: CensusParams

    def __init__(self, name: str, params: CensusParams) -> None:
        super().__init__(name, params)
        self.preset: Preset = load_preset(params.preset, params.group_shares, params.cities)
        regions = self.preset.regions
        self.starts, self.locality_region = segment_starts(
            self.size(), regions.shares, regions.urban, params.most_per_locality()
        )
        self._graph: SocialGraph | None = None
        self.demography: Demography | None = None

    def size(self) -> int:
        return self.params.size or self.preset.data.default_size

    def people_per_agent(self) -> int:
        return self.params.people_per_agent

    def columns(self) -> list[Column]:
        docs = {
            "age": "age in years",
            "traits": "bit 0 sex (1 man), bits 1-2 household role, bits 3-5 group",
            "household": "bits 0-3 position in household, bits 4-7 household size",
            "ses": "bits 0-1 education level, bits 2-4 income quintile",
        }
        cols = [Column(name, "uint8", owner=self.name, doc=doc) for name, doc in docs.items()]
        if self.params.graph.friends.ring_cache:
            docs = (
                "place in the friendship block's ring (graph.friends.ring_cache)",
                "block offset of the member at this citizen's offset's place in the ring",
                "bit k-1: the ring tie to the k-th block mate ahead exists",
                "bit k-1: the ring tie to the k-th block mate behind exists",
                "bit 2r: round r's cross partner is credited; bit 2r+1: it lies ahead",
            )
            ring = dict(zip(RING, docs, strict=True))
            cols += [
                Column(n, "uint16", owner=self.name, doc=d, shown=False) for n, d in ring.items()
            ]
        return cols

    @property
    def province_starts(self) -> np.ndarray:
        """Boundaries of the regions (provinces, and the cities carved out of them): [0, ..., n]."""
        first = np.flatnonzero(np.diff(self.locality_region, prepend=-1))
        return np.append(self.starts[::2][first], self.starts[-1])

    @property
    def locality_starts(self) -> np.ndarray:
        """Boundaries of the localities (the regions, or their parts): [0, ..., n]."""
        return self.starts[::2]

    def regions(self) -> np.ndarray:
        return self.province_starts

    def localities(self) -> np.ndarray:
        return self.locality_starts

    def region_names(self) -> list[str]:
        return list(self.preset.regions.names)

    def region_provinces(self) -> list[str]:
        names = self.preset.province_names
        return [names[p] for p in self.preset.regions.province]

    def build(self, world: World) -> None:
        state = world.state
        build_citizens(
            self.preset,
            self.starts,
            self.locality_region,
            world.seed,
            (world.lo, world.hi),
            state["age"],
            state["traits"],
            state["household"],
            state["ses"],
        )
        self._graph = SocialGraph(
            world.n,
            self.locality_starts,
            state["age"],
            state["household"],
            world.seed,
            self.params.graph,
            own=(world.lo, world.hi),
        )
        if self.params.graph.friends.ring_cache:
            self._graph.keep_ring(*(state[name] for name in RING))
        if self.params.demography.enabled:
            # Ages at which a citizen's groups change on 1 January: leaving an age band, and
            # 17, turning 18 (adult: scored by policies with a minimum age).
            edges = tuple(sorted({hi - 1 for _, hi in list(AGE_BANDS.values())[:-1]} | {17}))
            self.demography = Demography(
                self.params.demography, self.starts, world.seed, world.start, edges
            )
            self.demography.reserve(state["age"], state["household"], world.lo, world.hi)
            world.offer("demography", self.demography)

    def graph(self) -> SocialGraph | None:
        return self._graph

    def labels(self) -> dict[str, list[str]]:
        p = self.preset
        labels = {
            "sex": ["female", "male"],
            "age_band": list(AGE_BANDS),
            "urban": ["rural", "urban"],
            "province": p.province_names,
            "region": list(p.regions.names),
            "group": p.group_names,
            "education": p.education_levels,
            "income": INCOME_LABELS,
        }
        if not self.params.cities:  # the regions are the provinces: no second breakdown
            del labels["region"]
        return labels

    def traits(self, world: World) -> dict[str, Trait]:
        """Decoders for every trait metrics report by."""
        state, labels = world.state, self.labels()
        band_of_age = np.zeros(256, np.int64)
        for code, (lo, hi) in enumerate(AGE_BANDS.values()):
            band_of_age[lo:hi] = code
        band_of_age[EMPTY] = len(AGE_BANDS) - 1  # empty slots are never counted (World.alive)
        segments = len(self.starts) - 1
        region = self.locality_region[np.arange(segments) // 2]
        return {
            "sex": ColumnTrait(labels["sex"], state["traits"], 0, 1),
            "age_band": ColumnTrait(labels["age_band"], state["age"], 0, 0xFF, band_of_age),
            "urban": SegmentTrait(
                labels["urban"], self.starts[:-1], (np.arange(segments) % 2 == 0).astype(np.int64)
            ),
            "province": SegmentTrait(
                labels["province"],
                self.starts[:-1],
                self.preset.regions.province[region],
            ),
            **(
                {"region": SegmentTrait(labels["region"], self.starts[:-1], region)}
                if "region" in labels
                else {}
            ),
            "group": ColumnTrait(labels["group"], state["traits"], GROUP_SHIFT, 0b111),
            "education": ColumnTrait(labels["education"], state["ses"], 0, 0b11),
            "income": ColumnTrait(labels["income"], state["ses"], INCOME_SHIFT, 0b111),
        }

    def alive(self, world: World):
        """Whether each citizen given is alive (None: everyone always is)."""
        if self.demography is None:
            return None
        return Living(world.state["age"])

    def movers(self, world: World, day: int) -> np.ndarray:
        return _NONE if self.demography is None else self.demography.movers(world, day)

    def dying(self, world: World, day: int) -> np.ndarray:
        return _NONE if self.demography is None else self.demography.dying(world, day)

    def bury(self, world: World, day: int, dead: np.ndarray) -> None:
        if self.demography is not None:
            self.demography.bury(world, day, dead)

    def births(self, world: World, day: int) -> np.ndarray:
        return _NONE if self.demography is None else self.demography.births(world, day)

    @staticmethod
    def role_trait(world: World) -> Trait:
        """Household role (child, adult, grandparent) of each citizen."""
        return ColumnTrait(ROLE_LABELS, world.state["traits"], ROLE_SHIFT, 0b11)
