"""Base rates of 1:N face identification: credsim's `faceid` error model (credsim.sources.faceid)
against the NIST FRTE/FRVT figures in the reference facts, and the growth of false positives with
the size of the gallery searched. No images, no recognition model: error rates only."""

from __future__ import annotations

import math

import numpy as np

from credsim.sources.faceid import (
    REFERENCE_FPIR,
    REFERENCE_GALLERY,
    base_rates,
    fmr_from_fpir,
    fpir,
)
from credsim.validation.outcome import Check, Outcome, Settings, claim, within
from credsim.validation.registry import Reproduction

__all__ = ["GALLERIES", "REPRODUCTION", "run"]

SOURCE = (
    "NIST FRTE 1:N (usnistgov/frvt, frvt1N.html); NIST FRVT 1:1 (Oct 2020); "
    "base-rate figure of the reference facts (FPIR 0.003 at 12M implies fmr ~2.5e-10; a 1e9 "
    "gallery then gives a false match with probability 1 - e^-0.25 ~ 22%)"
)
GALLERIES = (1e5, 1e6, 1.6e6, 1.2e7, 1e8, 1e9, 1.41e9)
DEMOGRAPHIC_FPIR = {  # FRTE 1:N median algorithm, FPIR relative to the reference group
    "East Asian women": 37.0,
    "South Asian women": 30.0,
    "West African women": 17.0,
}
PROBES_PER_DAY = 1e6


def run(settings: Settings) -> Outcome:
    fmr = fmr_from_fpir(REFERENCE_FPIR, REFERENCE_GALLERY)
    checks: list[Check] = [
        within(
            "per-comparison false-match rate implied by FPIR 0.003 at 12M (x1e-10)",
            fmr * 1e10,
            2.5,
            0.05,
            digits=2,
            source="facts",
        ),
        within(
            "FPIR at the 12M reference gallery",
            float(fpir(fmr, REFERENCE_GALLERY)),
            REFERENCE_FPIR,
            1e-6,
            digits=6,
            source="NIST FRTE 1:N",
        ),
        within(
            "chance one search of a 1e9 gallery returns a false match",
            base_rates(1e9, fmr, 1.0, prevalence=0.0)["fpir"],
            1 - math.exp(-0.25),
            0.005,
            source="facts",
        ),
    ]
    small, ref = float(fpir(fmr, 1.6e6)), float(fpir(fmr, REFERENCE_GALLERY))
    checks.append(
        claim(
            "FPIR(1.6M) / FPIR(12M): false positives grow in proportion to the gallery",
            small / ref,
            f"{1.6e6 / REFERENCE_GALLERY:.4f} (gallery ratio)",
            "within 1%",
            abs(small / ref - 1.6e6 / REFERENCE_GALLERY) <= 0.01 * 1.6e6 / REFERENCE_GALLERY,
            note="model consistency: FPIR = 1-(1-fmr)^G is ~ G*fmr while small",
        )
    )
    for group, ratio in DEMOGRAPHIC_FPIR.items():
        model = float(fpir(fmr * ratio, REFERENCE_GALLERY)) / REFERENCE_FPIR
        checks.append(
            within(
                f"FPIR relative to the reference group at 12M, {group}",
                model,
                ratio,
                0.1 * ratio,
                digits=1,
                source="FRTE 1:N median algorithm",
                note="multiplier applies per comparison; saturation lowers the FPIR ratio",
            )
        )
    checks.append(
        Check(
            "miss rate (FNIR) at 1.6M vs 12M galleries",
            0.0023,
            "0.0012 at 1.6M, 0.0023 at 12M (median algorithm)",
            "-",
            None,
            note="not modelled: credsim holds FNIR fixed as the gallery grows",
        )
    )
    growth = {}
    for gallery in GALLERIES:
        row = base_rates(gallery, fmr, PROBES_PER_DAY, prevalence=0.001)
        growth[f"{gallery:g}"] = {
            "fpir": row["fpir"],
            "false_alerts_per_day": row["false_alerts_per_day"],
            "false_alert_share": row["false_alert_share"],
        }
    outcome = Outcome(
        name="faceid-base-rates",
        title="Face identification base rates against NIST",
        source=SOURCE,
        mode=settings.mode,
        checks=checks,
        details={
            "fmr": fmr,
            "growth_with_gallery": growth,
            "probes_per_day": PROBES_PER_DAY,
            "prevalence": 0.001,
        },
        notes=["Exact computation (no randomness): short and long runs are the same."],
    )
    if settings.figures_dir is not None:
        outcome.figures = _figure(fmr, settings)
    return outcome


def _figure(fmr: float, settings: Settings) -> list[str]:
    from matplotlib.figure import Figure

    from credsim.validation.figures import COLORS, save, style

    sizes = np.logspace(4, math.log10(1.41e9), 200)
    with style():
        fig = Figure(figsize=(6.4, 3.4), layout="constrained")
        ax = fig.add_subplot()
        ax.loglog(sizes, fpir(fmr, sizes), color=COLORS[0], label="reference group")
        for color, (group, ratio) in zip(COLORS[1:], DEMOGRAPHIC_FPIR.items(), strict=False):
            ax.loglog(sizes, fpir(fmr * ratio, sizes), color=color, label=f"{group} (x{ratio:g})")
        ax.scatter(
            [REFERENCE_GALLERY],
            [REFERENCE_FPIR],
            color="black",
            zorder=3,
            label="NIST: FPIR 0.003 at 12M",
        )
        ax.set_xlabel("faces in the gallery searched")
        ax.set_ylabel("chance of a false match per search")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return save(fig, settings.figures_dir, "faceid-fpir-vs-gallery")


REPRODUCTION = Reproduction("faceid-base-rates", "NIST face identification base rates", run)
