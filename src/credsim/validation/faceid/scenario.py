"""The scenario the face-identification check runs: one act a day per citizen, seen by four camera
sources that differ only in the gallery searched and the error rates they are calibrated to, and
the analytic rates each should show (worked out here, apart from credsim.sources.faceid)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from credsim.scenario import Scenario, load_scenario

__all__ = [
    "ACT",
    "CAMERAS",
    "FALSE_MATCH_MULTIPLIERS",
    "MISS_MULTIPLIERS",
    "Camera",
    "analytic",
    "faceid_scenario",
]

ACT = "traffic_violation"
"""The act every camera searches a face for (any act kind would do)."""

FALSE_MATCH_MULTIPLIERS = {"sex": {"female": 2.9}, "group": {"g1": 10.0}}
"""The default scenario's cameras: women x2.9 (FRVT 1:1, white women against white men), the
synthetic group g1 x10 (NIST's differentials run from 10 to beyond 100; facts)."""
MISS_MULTIPLIERS = {"sex": {"female": 1.5}, "group": {"g1": 2.0}}
"""g1 x2 as in the default scenario, and women x1.5, so that both traits' miss factors are
measured (NIST: false negatives differ by under a factor of 3; facts)."""


@dataclass(frozen=True)
class Camera:
    """One camera source: the gallery it searches and the operating point it is calibrated to
    (FPIR `fpir_ref` on a gallery of `gallery_ref`, miss rate `fnir`)."""

    name: str
    label: str
    gallery: float
    gallery_ref: float
    fnir: float
    fpir_ref: float = 0.003
    nist_fpir: float | None = None
    nist_fnir: float | None = None

    @property
    def fmr(self) -> float:
        """Per-comparison false-match rate: solves 1 - (1 - fmr)^gallery_ref = fpir_ref."""
        return -math.expm1(math.log1p(-self.fpir_ref) / self.gallery_ref)

    def face(self) -> dict[str, Any]:
        return {
            "gallery": self.gallery,
            "fpir_ref": self.fpir_ref,
            "gallery_ref": self.gallery_ref,
            "fnir": self.fnir,
            "false_match_multipliers": FALSE_MATCH_MULTIPLIERS,
            "miss_multipliers": MISS_MULTIPLIERS,
        }


CAMERAS = (
    # NIST FRTE 1:N, median algorithm: FNIR 0.0023 at FPIR 0.003 on a 12M gallery (facts).
    Camera("camera_12m", "12M", 12e6, 12e6, 0.0023, nist_fpir=0.003, nist_fnir=0.0023),
    # NIST's other operating point: FNIR 0.0012 at FPIR 0.003 on a 1.6M gallery (a lower
    # threshold than at 12M, as NIST sets it per gallery).
    Camera(
        "camera_1m6_nist",
        "1.6M (NIST point)",
        1.6e6,
        1.6e6,
        0.0012,
        nist_fpir=0.003,
        nist_fnir=0.0012,
    ),
    # The 12M threshold (the same per-comparison rate) on a smaller and a far larger gallery:
    # the base rate grows with the faces searched. credsim keeps the miss rate (NIST reports none
    # at these points).
    Camera("camera_1m6", "1.6M (12M threshold)", 1.6e6, 12e6, 0.0023),
    Camera("camera_1g", "1e9 (12M threshold)", 1e9, 12e6, 0.0023),
)


def _factor(table: dict[str, dict[str, float]], cell: dict[str, str]) -> float:
    return math.prod(table.get(trait, {}).get(label, 1.0) for trait, label in cell.items())


def analytic(camera: Camera, cell: dict[str, str]) -> tuple[float, float]:
    """(P(a search names someone else), P(a search names no one)) for a subject in `cell`
    (trait -> label). The miss is drawn first: a false match takes the rest of the chance, so
    it is capped at 1 - FNIR where the two would exceed 1 (only at galleries near 1e9)."""
    fmr = min(camera.fmr * _factor(FALSE_MATCH_MULTIPLIERS, cell), 1.0)
    false_match = -math.expm1(camera.gallery * math.log1p(-fmr)) if fmr < 1 else 1.0
    miss = min(camera.fnir * _factor(MISS_MULTIPLIERS, cell), 1.0)
    return min(false_match, 1.0 - miss), miss


def faceid_scenario(population: int, days: int, seed: int) -> Scenario:
    """Citizens in two equal synthetic groups, each committing the act every day (so every
    citizen-day is one search by each camera), no policy, no counterfactual, no output files."""
    rule = {"act": ACT, "identify": "face"}
    data = {
        "name": "faceid-check",
        "description": "Face search error rates measured from the camera sources' records",
        "seed": seed,
        "days": days,
        "but_for": False,
        "population": {
            "plugin": "census",
            "preset": "china-2020",
            "size": population,
            "group_shares": {"g0": 0.5, "g1": 0.5},
        },
        "behaviors": {
            "citizens": {
                "plugin": "baseline",
                "acts": {ACT: {"rate": 1.0, "adults_only": False}},
            }
        },
        "sources": {
            c.name: {"plugin": "recorder", "records": {ACT: rule}, "face": c.face()}
            for c in CAMERAS
        },
        "output": {"events": "none", "citizens": "none", "report": False},
    }
    return load_scenario(data)
