"""Population presets: census figures as data files in the package, checked and turned into the
tables the builder draws from."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from credsim.errors import ScenarioError, did_you_mean
from credsim.population.regional import (
    NATIONAL,
    CitySpec,
    ProvinceData,
    RegionTables,
    region_tables,
)

__all__ = ["ROLES", "Preset", "PresetData", "load_preset", "preset_names"]

ROLES = "CAG"
"""Household roles: child, adult (parents' generation), grandparent."""
EDUCATION_BANDS = {"15-29": (15, 30), "30-44": (30, 45), "45-59": (45, 60), "60+": (60, 101)}
MAX_AGE = 100
MAX_HOUSEHOLD = 15


class UrbanRural(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rural: list[float]
    urban: list[float]


class Households(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    size_shares: dict[str, float]
    templates: dict[str, dict[str, float]]
    age_keys: dict[str, tuple[float, float]]

    @model_validator(mode="after")
    def _consistent(self) -> Households:
        for size in self.size_shares:
            if not size.isdigit() or not 1 <= int(size) <= MAX_HOUSEHOLD:
                raise ValueError(f"household size {size!r} must be a whole number 1..15")
            for roles in self.templates.get(size, {}):
                if len(roles) != int(size) or set(roles) - set(ROLES):
                    raise ValueError(f"template {roles!r} for size {size} must be {size} of C/A/G")
        largest = max(int(size) for size in self.size_shares)
        missing = [str(s) for s in range(1, largest + 1) if str(s) not in self.templates]
        if missing:
            # A segment's last household is cut to fit, so every smaller size needs a template.
            raise ValueError(f"no templates for household sizes {', '.join(missing)}")
        if set(self.age_keys) != set(ROLES):
            raise ValueError("age_keys needs exactly the roles C, A and G")
        return self


class PresetData(BaseModel):
    """A preset file, checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    description: str = ""
    people: int = Field(gt=0)
    default_size: int = Field(gt=0)
    urban_share: float = Field(ge=0, le=1)
    males_per_100_females: float = Field(gt=0)
    provinces: dict[str, float]
    age: dict[str, float]
    oldest_decline: float = Field(
        1.0, gt=0, le=1, description="ratio of people at each age to the age before, last group"
    )
    broad_age_bands: dict[str, float]
    households: Households
    education: dict[str, UrbanRural | list[str]]
    income: UrbanRural
    groups: dict[str, float]
    province_detail: dict[str, ProvinceData] = Field(
        default_factory=dict, description="each province's own census figures (regional.py)"
    )
    income_gini: float | None = Field(
        None, gt=0, lt=1, description="national Gini of per-capita income the income model fits"
    )

    @field_validator("provinces", "groups")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        if not v or any(x < 0 for x in v.values()) or sum(v.values()) <= 0:
            raise ValueError("needs at least one entry, none negative")
        if len(v) > 255:
            raise ValueError("at most 255 entries")
        return v

    @model_validator(mode="after")
    def _detail_names(self) -> PresetData:
        unknown = set(self.province_detail) - set(self.provinces) - {NATIONAL}
        if unknown:
            name = sorted(unknown)[0]
            did = did_you_mean(name, list(self.provinces))
            raise ValueError(f"province_detail names {name!r}, not a province{did}")
        return self

    @field_validator("groups")
    @classmethod
    def _at_most_eight(cls, v: dict[str, float]) -> dict[str, float]:
        if len(v) > 8:
            raise ValueError("at most 8 groups (they are packed in 3 bits)")
        return v


@dataclass(frozen=True)
class Preset:
    """A preset's tables, ready for the builder."""

    data: PresetData
    province_names: list[str]
    province_shares: np.ndarray  # float64, sums to 1
    size_cdf: np.ndarray  # float64[MAX_HOUSEHOLD + 1]: P(size <= s), by household
    templates: np.ndarray  # int8[size, template, member]: role code, -1 beyond size
    template_sex: np.ndarray  # int8[size, template, member]: 1 man, 0 woman, -1 drawn
    template_cdf: np.ndarray  # float64[size, template]
    role_keys: np.ndarray  # float64[3, 2]: key range per role
    role_weights: np.ndarray  # float64[3]: expected share of people in each role
    male_share_free: float  # P(man) for members whose sex is not fixed by a couple
    education_cdf: np.ndarray  # float64[age band 0..3, urban 0..1, 3 levels]
    group_names: list[str]
    group_cdf: np.ndarray
    regions: RegionTables

    @property
    def education_levels(self) -> list[str]:
        levels = self.data.education.get("levels")
        return list(levels) if isinstance(levels, list) else []


def preset_names() -> list[str]:
    """Bundled presets."""
    folder = resources.files("credsim.population.presets")
    names = (e.name for e in folder.iterdir())
    return sorted(name.removesuffix(".toml") for name in names if name.endswith(".toml"))


def _raw(name: str, seen: tuple[str, ...] = ()) -> dict:
    entry = resources.files("credsim.population.presets") / f"{name}.toml"
    if not entry.is_file():
        names = preset_names()
        did = did_you_mean(name, names, sentence=True)
        raise ScenarioError(f"no population preset {name!r}.{did} Presets: {', '.join(names)}.")
    data = tomllib.loads(entry.read_text(encoding="utf-8"))
    detail = data.get("province_detail")
    if isinstance(detail, str):  # the name of a sibling file with one table per province
        detail_entry = resources.files("credsim.population.presets") / f"{detail}.toml"
        data["province_detail"] = tomllib.loads(detail_entry.read_text(encoding="utf-8"))
    base = data.pop("base", None)
    if base is None:
        return data
    if base in seen:
        raise ValueError(f"preset {name!r}: base cycle {seen}")
    merged = _raw(base, (*seen, name))
    merged.update(data)  # tables such as provinces replace the base's whole
    return merged


def _cdf(shares: list[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(shares, np.float64)
    cdf = np.cumsum(arr / arr.sum())
    cdf[-1] = 1.0
    return cdf


def _age_per_year(data: PresetData) -> np.ndarray:
    """Percent at each single year of age: uniform within each group, except the last (open)
    group, where each year holds `oldest_decline` times the year before (few reach 100)."""
    per_year = np.zeros(MAX_AGE + 1)
    last = list(data.age)[-1]
    for label, pct in data.age.items():
        lo, hi = (int(x) for x in label.split("-"))
        weights = np.ones(hi - lo + 1)
        if label == last:
            weights = data.oldest_decline ** np.arange(hi - lo + 1)
        per_year[lo : hi + 1] += pct * weights / weights.sum()
    return per_year


def _households(h: Households) -> tuple[np.ndarray, ...]:
    sizes = MAX_HOUSEHOLD + 1
    most = max(len(t) for t in h.templates.values())
    roles = np.full((sizes, most, MAX_HOUSEHOLD), -1, np.int8)
    sex = np.full((sizes, most, MAX_HOUSEHOLD), -1, np.int8)
    cdf = np.ones((sizes, most))
    size_share = np.zeros(sizes)
    people = np.zeros(3)
    fixed_men = fixed = 0.0
    for size_label, share in h.size_shares.items():
        size = int(size_label)
        size_share[size] = share
        templates = h.templates[size_label]
        cdf[size, : len(templates)] = _cdf(list(templates.values()))
        for t, (members, t_share) in enumerate(templates.items()):
            weight = share * t_share / sum(templates.values())
            for m, role in enumerate(members):
                roles[size, t, m] = ROLES.index(role)
                people[ROLES.index(role)] += weight
            for m in range(len(members) - 1):
                if members[m] == members[m + 1] and members[m] in "AG" and sex[size, t, m] < 0:
                    sex[size, t, m], sex[size, t, m + 1] = 1, 0
                    fixed += 2 * weight
                    fixed_men += weight
    total = people.sum()
    return roles, sex, cdf, _cdf(size_share), people / total, fixed / total, fixed_men / total


def load_preset(
    name: str,
    group_shares: dict[str, float] | None = None,
    cities: dict[str, CitySpec] | None = None,
) -> Preset:
    """The bundled preset `name`, with optional group shares replacing the preset's and cities
    carved out of its provinces (built once per distinct request, then shared: it is frozen)."""
    shares = tuple(sorted(group_shares.items())) if group_shares else None
    return _load_preset(name, shares, tuple(sorted((cities or {}).items())))


@functools.lru_cache(maxsize=16)
def _load_preset(
    name: str,
    shares: tuple[tuple[str, float], ...] | None,
    city_items: tuple[tuple[str, CitySpec], ...],
) -> Preset:
    group_shares = dict(shares) if shares else None
    cities = dict(city_items)
    raw = _raw(name)
    if group_shares:
        raw["groups"] = group_shares
    data = PresetData.model_validate(raw)
    roles, sex, t_cdf, size_cdf, role_w, fixed, fixed_men = _households(data.households)
    male = data.males_per_100_females / (100.0 + data.males_per_100_females)
    free_male = (male - fixed_men) / (1.0 - fixed)
    edu = np.zeros((len(EDUCATION_BANDS), 2, 3))
    for b, band in enumerate(EDUCATION_BANDS):
        entry = data.education[band]
        assert isinstance(entry, UrbanRural)
        edu[b, 0], edu[b, 1] = _cdf(entry.rural), _cdf(entry.urban)
    national_income = np.stack([_share(data.income.rural), _share(data.income.urban)])
    for city, spec in (cities or {}).items():
        if spec.province not in data.provinces:
            did = did_you_mean(spec.province, list(data.provinces), sentence=True)
            raise ValueError(
                f"city {city!r}: no province {spec.province!r} in preset {name!r}.{did}"
            )
        if city in data.provinces:
            raise ValueError(f"city {city!r} has the name of a province")
    regions = region_tables(
        data.provinces,
        data.urban_share,
        _age_per_year(data),
        data.broad_age_bands,
        national_income,
        data.province_detail,
        dict(cities or {}),
        data.people,
        data.income_gini,
    )
    return Preset(
        data=data,
        province_names=list(data.provinces),
        province_shares=np.array(list(data.provinces.values())) / sum(data.provinces.values()),
        size_cdf=size_cdf,
        templates=roles,
        template_sex=sex,
        template_cdf=t_cdf,
        role_keys=np.array([data.households.age_keys[r] for r in ROLES], np.float64),
        role_weights=role_w,
        male_share_free=float(np.clip(free_male, 0.0, 1.0)),
        education_cdf=edu,
        group_names=list(data.groups),
        group_cdf=_cdf(list(data.groups.values())),
        regions=regions,
    )


def _share(shares: list[float]) -> np.ndarray:
    arr = np.asarray(shares, np.float64)
    return arr / arr.sum()
