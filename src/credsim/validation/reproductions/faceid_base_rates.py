"""Base rates of 1:N face identification, measured through the engine: camera sources search every
act of a synthetic population against galleries of 1.6M, 12M and 1e9 faces, and the false-match and
miss rates counted from the records they write are held against NIST's figures and the analytic
base rate 1 - (1 - fmr)^gallery, by sex and group. No images, no recognition model: error rates."""

from __future__ import annotations

import math
from dataclasses import replace
from statistics import NormalDist

import numpy as np

from credsim.validation.faceid.measure import FaceCounts, measure_faceid, ratio_interval, wilson
from credsim.validation.faceid.scenario import (
    CAMERAS,
    FALSE_MATCH_MULTIPLIERS,
    MISS_MULTIPLIERS,
    Camera,
    analytic,
)
from credsim.validation.outcome import Check, Outcome, Settings, claim
from credsim.validation.registry import Reproduction

__all__ = ["CONFIDENCE", "REPRODUCTION", "SIZES", "run"]

SOURCE = (
    "NIST FRTE 1:N (usnistgov/frvt, frvt1N.html), median algorithm: FNIR 0.0023 at FPIR 0.003 on "
    "a 12M gallery, 0.0012 at FPIR 0.003 on 1.6M; base-rate figure of the reference facts (fmr "
    "~2.5e-10; a 1e9 gallery gives a false match with probability 1 - e^-0.25 ~ 22%)"
)
SIZES = {"short": (50_000, 20), "long": (200_000, 50)}
"""Citizens and days: each citizen-day is one search by each camera (1e6 and 1e7 searches)."""
CONFIDENCE = 0.99
"""For the whole family of interval checks (Bonferroni), so a correct model fails 1% of seeds."""
NIST_TOLERANCE = {"short": 0.20, "long": 0.10}
"""Relative distance allowed from NIST's figures (sampling alone: 3.5 standard errors or more)."""
FACTS_1E9 = 1 - math.exp(-0.25)
REFERENCE = {"sex": "male", "group": "g0"}


def run(settings: Settings) -> Outcome:
    population, days = SIZES[settings.mode]
    counts = measure_faceid(population, days, settings.seed)
    ratios = _ratio_specs()
    family = 2 * len(CAMERAS) * len(counts.cells) + len(ratios)
    z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / (2 * family))
    checks = _nist_checks(counts, NIST_TOLERANCE[settings.mode])
    for camera in CAMERAS:
        checks += _cell_checks(counts, camera, z)
    checks += [_ratio_check(counts, spec, z) for spec in ratios]
    outcome = Outcome(
        name="faceid-base-rates",
        title="Face identification base rates against NIST, measured from the camera records",
        source=SOURCE,
        mode=settings.mode,
        checks=checks,
        details=_details(counts, z, family),
        notes=[
            f"Measured by the engine: {population:,} citizens x {days} days, one search per "
            f"citizen-day by each of {len(CAMERAS)} camera sources ({int(counts.searches.sum()):,} "
            "searches each); rates count records naming another citizen (false matches) and "
            "searches that gave no record (misses).",
            f"Intervals are Wilson (ratios: Katz) at {CONFIDENCE:.0%} for all {family} interval "
            f"checks together (z = {z:.2f}); NIST's figures within "
            f"±{NIST_TOLERANCE[settings.mode]:.0%} of the reference group (men, g0).",
        ],
    )
    if settings.figures_dir is not None:
        outcome.figures = _figure(counts, z, settings)
    return outcome


def _rate(counts: FaceCounts, camera: Camera, kind: str, cell: dict[str, str]) -> tuple[int, int]:
    i = counts.cells.index(cell)
    table = counts.false_matches if kind == "fpir" else counts.misses
    return int(table[camera.name][i]), int(counts.searches[i])


def _nist_checks(counts: FaceCounts, tolerance: float) -> list[Check]:
    checks = []
    for camera in CAMERAS:
        for kind, published in (("fpir", camera.nist_fpir), ("fnir", camera.nist_fnir)):
            if published is None:
                continue
            events, trials = _rate(counts, camera, kind, REFERENCE)
            checks.append(
                _relative(
                    f"{kind.upper()} {camera.label}, NIST",
                    events / trials,
                    published,
                    tolerance,
                    "NIST FRTE 1:N median",
                    trials,
                )
            )
    big = next(c for c in CAMERAS if c.gallery >= 1e9)
    events, trials = _rate(counts, big, "fpir", REFERENCE)
    checks.append(
        _relative(
            f"FPIR {big.label}, facts' base rate",
            events / trials,
            FACTS_1E9,
            0.02,
            "1 - e^-0.25, facts",
            trials,
        )
    )
    return checks


def _relative(figure, measured, published, tolerance, source, trials) -> Check:
    return claim(
        f"{figure} (men, g0)",
        measured,
        f"{published:.4g} ({source})",
        f"±{tolerance:.0%}",
        abs(measured - published) <= tolerance * published,
        note=f"{trials:,} searches",
    )


def _cell_checks(counts: FaceCounts, camera: Camera, z: float) -> list[Check]:
    checks = []
    for kind in ("fpir", "fnir"):
        for cell in counts.cells:
            events, trials = _rate(counts, camera, kind, cell)
            expected = analytic(camera, cell)[0 if kind == "fpir" else 1]
            lo, hi = wilson(events, trials, z)
            checks.append(
                claim(
                    f"{kind.upper()} {camera.label}, {cell['sex']} {cell['group']}",
                    events / trials,
                    f"{expected:.4g} (analytic)",
                    f"CI {lo:.4g}-{hi:.4g}",
                    lo <= expected <= hi,
                    note=f"{events:,} of {trials:,}",
                )
            )
    return checks


def _ratio_specs() -> list[tuple[str, str, list[Camera], dict, dict, float]]:
    """(figure, rate, cameras pooled, cell, against cell, multiplier set in the scenario). The
    galleries up to 12M are pooled for precision (saturation moves their ratios by under 1%)."""
    small = [c for c in CAMERAS if c.gallery <= 12e6]
    big = [c for c in CAMERAS if c.gallery >= 1e9]
    women, g1 = {"sex": "female", "group": "g0"}, {"sex": "male", "group": "g1"}
    fm, mm = FALSE_MATCH_MULTIPLIERS, MISS_MULTIPLIERS
    cameras = list(CAMERAS)
    return [
        ("FPIR women/men, to 12M", "fpir", small, women, REFERENCE, fm["sex"]["female"]),
        ("FPIR g1/g0, to 12M", "fpir", small, g1, REFERENCE, fm["group"]["g1"]),
        ("FPIR women/men, 1e9", "fpir", big, women, REFERENCE, fm["sex"]["female"]),
        ("FPIR g1/g0, 1e9", "fpir", big, g1, REFERENCE, fm["group"]["g1"]),
        ("FNIR women/men, all cameras", "fnir", cameras, women, REFERENCE, mm["sex"]["female"]),
        ("FNIR g1/g0, all cameras", "fnir", cameras, g1, REFERENCE, mm["group"]["g1"]),
    ]


def _ratio_check(counts: FaceCounts, spec, z: float) -> Check:
    figure, kind, cameras, cell, against, multiplier = spec
    col = 0 if kind == "fpir" else 1
    a = sum(_rate(counts, c, kind, cell)[0] for c in cameras)
    b = sum(_rate(counts, c, kind, against)[0] for c in cameras)
    n_a = _rate(counts, cameras[0], kind, cell)[1] * len(cameras)
    n_b = _rate(counts, cameras[0], kind, against)[1] * len(cameras)
    # Every camera searches every act, so the pooled expected ratio is of summed rates.
    expected = sum(analytic(c, cell)[col] for c in cameras) / sum(
        analytic(c, against)[col] for c in cameras
    )
    ratio, lo, hi = ratio_interval(a, n_a, b, n_b, z)
    return claim(
        f"{figure} (men g0 = 1)",
        ratio,
        f"{expected:.3g} (analytic; multiplier {multiplier:g})",
        f"CI {lo:.3g}-{hi:.3g}",
        lo <= expected <= hi,
        note=f"{a:,} vs {b:,} events",
    )


def _details(counts: FaceCounts, z: float, family: int) -> dict:
    cameras = {}
    for camera in CAMERAS:
        cells = []
        for i, cell in enumerate(counts.cells):
            n = int(counts.searches[i])
            fp, fn = int(counts.false_matches[camera.name][i]), int(counts.misses[camera.name][i])
            fp_expected, fn_expected = analytic(camera, cell)
            cells.append(
                {
                    **cell,
                    "searches": n,
                    "false_matches": fp,
                    "fpir": fp / n,
                    "fpir_interval": list(wilson(fp, n, z)),
                    "fpir_analytic": fp_expected,
                    "misses": fn,
                    "fnir": fn / n,
                    "fnir_interval": list(wilson(fn, n, z)),
                    "fnir_analytic": fn_expected,
                }
            )
        cameras[camera.name] = {
            "label": camera.label,
            "gallery": camera.gallery,
            "fpir_ref": camera.fpir_ref,
            "gallery_ref": camera.gallery_ref,
            "fmr": camera.fmr,
            "fnir": camera.fnir,
            "cells": cells,
        }
    return {
        "population": counts.population,
        "days": counts.days,
        "searches_per_camera": int(counts.searches.sum()),
        "records_without_act": counts.unmatched_records,
        "confidence": CONFIDENCE,
        "interval_checks": family,
        "z": z,
        "false_match_multipliers": FALSE_MATCH_MULTIPLIERS,
        "miss_multipliers": MISS_MULTIPLIERS,
        "cameras": cameras,
    }


def _figure(counts: FaceCounts, z: float, settings: Settings) -> list[str]:
    from matplotlib.figure import Figure

    from credsim.validation.figures import COLORS, save, style

    same = [c for c in CAMERAS if c.gallery_ref == 12e6]
    sizes = np.logspace(6, 9.2, 120)
    with style():
        fig = Figure(figsize=(6.4, 3.6), layout="constrained")
        ax = fig.add_subplot()
        for color, cell in zip(COLORS, counts.cells, strict=False):
            name = f"{cell['sex']} {cell['group']}"
            curve = [analytic(replace(same[0], gallery=float(g)), cell)[0] for g in sizes]
            ax.loglog(sizes, curve, color=color, lw=1, label=f"{name}: analytic")
            for camera in same:
                events, trials = _rate(counts, camera, "fpir", cell)
                lo, hi = wilson(events, trials, z)
                rate = events / trials
                ax.errorbar(
                    [camera.gallery],
                    [rate],
                    yerr=[[rate - lo], [hi - rate]],
                    fmt="o",
                    ms=3,
                    color=color,
                )
        nist = next(c for c in CAMERAS if c.name == "camera_1m6_nist")
        events, trials = _rate(counts, nist, "fpir", REFERENCE)
        lo, hi = wilson(events, trials, z)
        rate = events / trials
        ax.errorbar(
            [nist.gallery],
            [rate],
            yerr=[[rate - lo], [hi - rate]],
            fmt="s",
            ms=4,
            mfc="none",
            color="black",
            label="male g0 at NIST's 1.6M threshold",
        )
        ax.scatter(
            [12e6, 1.6e6],
            [0.003, 0.003],
            marker="x",
            color="black",
            zorder=3,
            label="NIST: FPIR 0.003 (its threshold per gallery)",
        )
        ax.plot([], [], "o", ms=3, color="grey", label="measured (records), 99% CI")
        ax.set_xlabel("faces in the gallery searched (12M threshold)")
        ax.set_ylabel("false matches per search")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
        return save(fig, settings.figures_dir, "faceid-fpir-vs-gallery")


REPRODUCTION = Reproduction("faceid-base-rates", "NIST face identification base rates", run)
