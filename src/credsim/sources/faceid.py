"""Face identification as a statistical error model (no images, no recognition model).

A 1:N search of a probe against a gallery of G faces returns a false match with probability
FPIR = 1 - (1 - fmr)^G, where fmr is the per-comparison false-match rate; it misses a person who
is in the gallery with probability FNIR. Both are scaled per demographic cell by multipliers
(NIST found false positives differ by factors of 10 to beyond 100 across groups, false negatives
by under 3; facts). Multipliers apply to the per-comparison rate, so they compound with gallery
size exactly as the base rate does.
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import Field, model_validator

from credsim.engine import PluginParams
from credsim.engine.checks import MultiplierTable, rate_within_one
from credsim.engine.traits import LabelTables, Trait

__all__ = ["FaceModel", "FaceParams", "base_rates", "fmr_from_fpir", "fpir"]

REFERENCE_FPIR = 0.003
REFERENCE_GALLERY = 12e6
"""NIST FRTE 1:N reports FNIR at FPIR 0.003 on a 12M gallery (facts)."""


def fpir(fmr: float | np.ndarray, gallery: float) -> float | np.ndarray:
    """False-positive identification rate of one search: 1 - (1 - fmr)^gallery."""
    with np.errstate(divide="ignore"):  # fmr = 1: log1p(-1) is -inf, and the FPIR exactly 1
        return -np.expm1(gallery * np.log1p(-np.asarray(fmr, np.float64)))


def fmr_from_fpir(fpir_value: float, gallery: float) -> float:
    """The per-comparison false-match rate that gives `fpir_value` on a gallery of this size."""
    return -math.expm1(math.log1p(-fpir_value) / gallery)


class FaceParams(PluginParams):
    """A 1:N face search: gallery, error rates at a reference point, multipliers by trait."""

    gallery: float | None = Field(
        None, gt=0, le=1e12, description="faces searched (default: every person in the population)"
    )
    fmr: float | None = Field(
        None, gt=0, lt=1, description="per-comparison false-match rate (default: from fpir_ref)"
    )
    fpir_ref: float = Field(REFERENCE_FPIR, gt=0, lt=1, description="FPIR at gallery_ref")
    gallery_ref: float = Field(
        REFERENCE_GALLERY, gt=0, le=1e12, description="gallery size of fpir_ref"
    )
    fnir: float = Field(0.0023, ge=0, le=1, description="misses (NIST median algorithm, 12M)")
    false_match_multipliers: MultiplierTable = Field(
        default_factory=dict, description="trait -> label -> multiplier of the false-match rate"
    )
    miss_multipliers: MultiplierTable = Field(
        default_factory=dict, description="trait -> label -> multiplier of the miss rate"
    )

    @model_validator(mode="after")
    def _chances(self) -> FaceParams:
        rate_within_one(self.base_fmr, self.false_match_multipliers, "false_match_multipliers")
        rate_within_one(self.fnir, self.miss_multipliers, "miss_multipliers")
        return self

    @property
    def base_fmr(self) -> float:
        return self.fmr if self.fmr is not None else fmr_from_fpir(self.fpir_ref, self.gallery_ref)


class FaceModel:
    """Per-citizen false-match and miss probabilities of a face search."""

    def __init__(self, params: FaceParams, traits: dict[str, Trait], people: float) -> None:
        self.params = params
        self.gallery = params.gallery if params.gallery is not None else people
        self.fmr_tables = LabelTables(params.false_match_multipliers, traits, "face multipliers")
        self.fnir_tables = LabelTables(params.miss_multipliers, traits, "face multipliers")

    def rates(self, citizens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(P(false match), P(miss)) of a search whose subject is each citizen given."""
        fmr = self.params.base_fmr * self.fmr_tables.factor(citizens)
        fnir = self.params.fnir * self.fnir_tables.factor(citizens)
        return fpir(np.minimum(fmr, 1.0), self.gallery), np.minimum(fnir, 1.0)


REST = "reference"
"""The probes no named group accounts for: the reference group of the false-match rate."""


def base_rates(
    gallery: float,
    fmr: float,
    probes_per_day: float,
    prevalence: float = 0.001,
    fnir: float = 0.0023,
    groups: dict[str, tuple[float, float]] | None = None,
) -> dict:
    """What a 1:N search system produces per day: false alerts, and the share of alerts that are
    false, overall and for each group (name -> (share of probes, false-match multiplier))."""

    def one(probes: float, multiplier: float) -> dict:
        rate = float(fpir(min(fmr * multiplier, 1.0), gallery))
        false = probes * (1.0 - prevalence) * rate
        true = probes * prevalence * (1.0 - fnir)
        return {
            "fpir": rate,
            "false_alerts_per_day": false,
            "true_alerts_per_day": true,
            "false_alert_share": false / (false + true) if false + true > 0 else 0.0,
        }

    out = {
        "gallery": gallery,
        "fmr": fmr,
        "probes_per_day": probes_per_day,
        "prevalence": prevalence,
        "fnir": fnir,
        **one(probes_per_day, 1.0),
    }
    if groups:
        # Shares are of all probes; whatever they leave is the reference group (multiplier 1).
        total = sum(share for share, _ in groups.values())
        if total > 1 + 1e-9 or REST in groups:
            raise ValueError(f"group shares sum to {total:g} (at most 1), or a group is {REST!r}")
        if total < 1 - 1e-12:
            groups = {**groups, REST: (1.0 - total, 1.0)}
        by_group = {
            name: one(probes_per_day * share, mult) for name, (share, mult) in groups.items()
        }
        out["by_group"] = by_group
        out["fpir"] = sum(g["fpir"] * groups[name][0] for name, g in by_group.items())
        out["false_alerts_per_day"] = sum(g["false_alerts_per_day"] for g in by_group.values())
        out["true_alerts_per_day"] = sum(g["true_alerts_per_day"] for g in by_group.values())
        alerts = out["false_alerts_per_day"] + out["true_alerts_per_day"]
        out["false_alert_share"] = out["false_alerts_per_day"] / alerts if alerts else 0.0
    return out
