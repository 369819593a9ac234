"""Regions: provinces with their own census figures, and cities carved out of a province.

A region is a contiguous range of citizens (its urban part, then its rural part). A preset's
provinces are regions; a scenario may carve named cities out of a province (Rongcheng's 0.7
million out of Shandong), each its own region with its own size. Each region has its own urban
share, age structure and income distribution when the preset gives the province's census figures
(`province_detail`); otherwise the national ones.

Income is modelled, not read: per-capita disposable income is lognormal within each urban or rural
part of a province, with the published mean of that part, and one spread chosen so that the
national Gini coefficient is the published one. Income quintiles are national quintiles of that
mixture, so a rich province has more citizens in the top quintile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CitySpec", "ProvinceData", "RegionTables", "region_tables"]

BROAD = {"0-14": (0, 15), "15-59": (15, 60), "60+": (60, 101)}
NATIONAL = "national"
"""The table of a `province_detail` file that holds the national figures, not a province's."""


class CitySpec(BaseModel):
    """A city carved out of a province: its own contiguous range of citizens."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    province: str = Field(description="the province it lies in")
    people: int = Field(gt=0, le=10**10, description="residents, in people (not agents)")
    urban_share: float | None = Field(
        None, ge=0, le=1, description="its urban share (default: its province's)"
    )


class ProvinceData(BaseModel):
    """One province's census figures (2020 census, statistical yearbook)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    urban_share: float | None = Field(None, ge=0, le=1)
    age_0_14: float | None = Field(None, ge=0, le=100)
    age_15_59: float | None = Field(None, ge=0, le=100)
    age_60_plus: float | None = Field(None, ge=0, le=100)
    income_yuan: float | None = Field(None, gt=0)
    income_urban_yuan: float | None = Field(None, gt=0)
    income_rural_yuan: float | None = Field(None, gt=0)


@dataclass(frozen=True)
class RegionTables:
    """Per-region tables for the builder; region r is province `province[r]`."""

    names: list[str]
    province: np.ndarray  # int64[R]
    shares: np.ndarray  # float64[R], sums to 1
    urban: np.ndarray  # float64[R]
    age_cdf: np.ndarray  # float64[R, 101]
    income_cdf: np.ndarray  # float64[R, 2 (rural, urban), 5]
    income_model: dict[str, float]


def _broad_scaled(per_year: np.ndarray, bands: dict[str, float]) -> np.ndarray:
    out = per_year.copy()
    for band, target in bands.items():
        lo, hi = BROAD[band]
        out[lo:hi] *= target / out[lo:hi].sum()
    cdf = np.cumsum(out / out.sum())
    cdf[-1] = 1.0
    return cdf


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    """The standard normal CDF to within 1.5e-7 (Abramowitz and Stegun 7.1.26 for erf), in
    NumPy alone: importing SciPy would cost every run 0.4 s of start-up."""
    x = np.abs(z) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = 1.0 - poly * np.exp(-x * x)
    return 0.5 * (1.0 + np.sign(z) * erf)


def _lognormal_mass(means: np.ndarray, sigma: float, cuts: np.ndarray) -> np.ndarray:
    """Share of each lognormal (given its mean) in each interval between `cuts`."""
    mu = np.log(means) - sigma**2 / 2
    z = (np.log(cuts)[None, :] - mu[:, None]) / sigma
    cdf = _normal_cdf(z)
    edges = np.concatenate([np.zeros((len(means), 1)), cdf, np.ones((len(means), 1))], axis=1)
    return np.diff(edges, axis=1)


def _mixture_quantiles(means, weights, sigma, qs) -> np.ndarray:
    grid = np.exp(
        np.linspace(np.log(means.min()) - 6 * sigma, np.log(means.max()) + 6 * sigma, 2000)
    )
    mass = _lognormal_mass(means, sigma, grid)
    cdf = np.cumsum((weights[:, None] * mass[:, :-1]).sum(axis=0))
    return np.interp(qs, cdf / weights.sum(), grid)


def _gini(means: np.ndarray, weights: np.ndarray, sigma: float) -> float:
    """Gini coefficient of a mixture of lognormals, on a fine quantile grid."""
    p = np.linspace(0.0005, 0.9995, 1000)
    x = _mixture_quantiles(means, weights, sigma, p)
    lorenz = np.cumsum(x) / x.sum()
    return float(1 - 2 * lorenz.mean() + 1 / len(x))


def _income(
    parts_mean: np.ndarray, parts_weight: np.ndarray, gini: float
) -> tuple[np.ndarray, float]:
    lo, hi = 0.05, 2.0  # the Gini grows with the spread: bisect to 1e-6
    while hi - lo > 1e-6:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _gini(parts_mean, parts_weight, mid) < gini else (lo, mid)
    sigma = (lo + hi) / 2
    cuts = _mixture_quantiles(parts_mean, parts_weight, sigma, np.array([0.2, 0.4, 0.6, 0.8]))
    return _lognormal_mass(parts_mean, sigma, cuts), sigma


def region_tables(
    provinces: dict[str, float],
    national_urban: float,
    age_per_year: np.ndarray,
    national_bands: dict[str, float],
    national_income: np.ndarray,
    detail: dict[str, ProvinceData],
    cities: dict[str, CitySpec],
    people: int,
    gini: float | None,
) -> RegionTables:
    """The regions of a preset (each province, then the cities carved out of it)."""
    names: list[str] = []
    province: list[int] = []
    weight: list[float] = []
    urban: list[float] = []
    total = sum(provinces.values())
    unpublished = unpublished_urban(provinces, detail, national_urban)
    for p, (name, size) in enumerate(provinces.items()):
        mine = {c: spec for c, spec in cities.items() if spec.province == name}
        people_p = size / total * people
        carved = sum(spec.people for spec in mine.values())
        if carved >= people_p:
            raise ValueError(
                f"cities {', '.join(mine)} have {carved:,} people, more than "
                f"{name}'s {people_p:,.0f}"
            )
        own = detail.get(name, ProvinceData()).urban_share
        own = unpublished if own is None else own
        names.append(name)
        province.append(p)
        weight.append((people_p - carved) / people)
        urban.append(own)
        for city, spec in mine.items():
            names.append(city)
            province.append(p)
            weight.append(spec.people / people)
            urban.append(own if spec.urban_share is None else spec.urban_share)
    shares = np.asarray(weight) / sum(weight)
    province_arr = np.asarray(province, np.int64)
    province_names = list(provinces)
    age_cdf = np.empty((len(names), age_per_year.shape[0]))
    for r, p in enumerate(province_arr):
        d = detail.get(province_names[p], ProvinceData())
        bands = dict(national_bands)
        if d.age_0_14 is not None and d.age_15_59 is not None and d.age_60_plus is not None:
            bands = {"0-14": d.age_0_14, "15-59": d.age_15_59, "60+": d.age_60_plus}
        age_cdf[r] = _broad_scaled(age_per_year, bands)
    income_cdf = np.broadcast_to(np.cumsum(national_income, axis=-1), (len(names), 2, 5)).copy()
    model: dict[str, float] = {}
    means = _part_means(province_names, detail, unpublished)
    if means is not None and gini is not None:
        parts_mean = np.stack([means[province_arr, 0], means[province_arr, 1]], axis=1).ravel()
        parts_weight = np.stack([shares * (1 - np.asarray(urban)), shares * np.asarray(urban)], 1)
        mass, sigma = _income(parts_mean, parts_weight.ravel(), gini)
        income_cdf = np.cumsum(mass.reshape(len(names), 2, 5), axis=-1)
        model = {"sigma": sigma, "gini": gini}
    income_cdf[..., -1] = 1.0
    return RegionTables(names, province_arr, shares, np.asarray(urban), age_cdf, income_cdf, model)


def unpublished_urban(
    provinces: dict[str, float], detail: dict[str, ProvinceData], national_urban: float
) -> float:
    """The urban share of provinces without a published one: the remainder that keeps the
    population-weighted mean of all provinces at the national share (the provinces still missing
    a figure are mostly less urban than the published ones; giving them the national share would
    make the country 1.2 points too urban)."""
    known = {n: detail[n].urban_share for n in provinces if n in detail}
    known = {n: u for n, u in known.items() if u is not None}
    rest = sum(size for n, size in provinces.items() if n not in known)
    if rest <= 0:
        return national_urban
    total = sum(provinces.values())
    share = (national_urban * total - sum(provinces[n] * u for n, u in known.items())) / rest
    return float(min(max(share, 0.0), 1.0))


def _part_means(
    names: list[str], detail: dict[str, ProvinceData], unpublished: float
) -> np.ndarray | None:
    """Mean income of each province's rural and urban part; None without the national figures.

    A province's own urban and rural means are used where published; otherwise the national
    urban and rural means, scaled so that the province's mean over its urban share is its
    published mean income (where that is known; else the national means as they are)."""
    nat = detail.get(NATIONAL)
    if nat is None or nat.income_urban_yuan is None or nat.income_rural_yuan is None:
        return None
    rural, urban = nat.income_rural_yuan, nat.income_urban_yuan
    out = np.zeros((len(names), 2))
    for p, name in enumerate(names):
        d = detail.get(name, ProvinceData())
        if d.income_urban_yuan is not None and d.income_rural_yuan is not None:
            out[p] = d.income_rural_yuan, d.income_urban_yuan
            continue
        u = unpublished if d.urban_share is None else d.urban_share
        scale = 1.0 if d.income_yuan is None else d.income_yuan / (u * urban + (1 - u) * rural)
        out[p] = rural * scale, urban * scale
    return out
