"""Loader of the FICO/TransRisk figures (Federal Reserve 2007): score distributions and default
rates by group. The data stay where the user keeps them; credsim never ships a copy."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from credsim.errors import UserError, did_you_mean

__all__ = ["ENV_VAR", "FILES", "FicoData", "default_fico_dir", "load_fico", "to_fico_scale"]

ENV_VAR = "CREDSIM_FICO_DIR"
FALLBACK_DIR = Path(__file__).parent / "data"
"""The FICO tables shipped inside the package (with PROVENANCE.md)."""
FILES = {
    "cdf": "transrisk_cdf_by_race_ssa.csv",
    "performance": "transrisk_performance_by_race_ssa.csv",
    "totals": "totals.csv",
}
GROUP_NAMES = {
    "Non- Hispanic white": "White",
    "Black": "Black",
    "Hispanic": "Hispanic",
    "Asian": "Asian",
}

# Share (%) of the national population in each 50-point band of the 300-850 scale, used to map
# the report's 0-100 percentile scale onto 300-850 the way Liu et al. (2018) do.
_BAND_EDGES = np.arange(300.0, 851.0, 50.0)
_BAND_SHARES = np.array([2.1, 4.2, 5.4, 6.5, 7.9, 9.6, 12.0, 13.8, 17.0, 15.8, 5.7])


def to_fico_scale(percentile: np.ndarray) -> np.ndarray:
    """Map TransRisk percentiles (0-100) to 300-850, linearly inside each national score band."""
    cumulative = np.concatenate([[0.0], np.cumsum(_BAND_SHARES)])
    return np.interp(np.asarray(percentile, np.float64), cumulative, _BAND_EDGES)


@dataclass(frozen=True)
class FicoData:
    """Score points (ascending), and per group: probability mass, repayment probability, size."""

    percentile: np.ndarray
    score: np.ndarray
    pmf: dict[str, np.ndarray]
    repay: dict[str, np.ndarray]
    totals: dict[str, int]
    source: Path

    @property
    def groups(self) -> list[str]:
        return list(self.pmf)

    def mean_score(self, group: str) -> float:
        return float(np.dot(self.pmf[group], self.score))


def default_fico_dir() -> Path:
    """$CREDSIM_FICO_DIR if set, else the tables shipped in the package."""
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else FALLBACK_DIR


def _read(directory: Path, key: str) -> pd.DataFrame:
    path = directory / FILES[key]
    if not path.is_file():
        present = sorted(p.name for p in directory.glob("*.csv")) if directory.is_dir() else []
        hint = did_you_mean(FILES[key], present, sentence=True) if present else ""
        raise UserError(
            f"FICO data: {path} is missing. Point --fico-dir (or ${ENV_VAR}) at a folder holding "
            f"{', '.join(FILES.values())}.{hint}"
        )
    try:
        return pd.read_csv(path)
    except (ValueError, OSError) as err:
        raise UserError(f"FICO data: cannot read {path}: {err}") from None


def _groups(frame: pd.DataFrame, path: str) -> pd.DataFrame:
    missing = [c for c in GROUP_NAMES if c not in frame.columns]
    if missing:
        raise UserError(
            f"FICO data: {path} lacks column {missing[0]!r}"
            f"{did_you_mean(missing[0], frame.columns)}; expected {', '.join(GROUP_NAMES)}."
        )
    return frame.rename(columns=GROUP_NAMES)


def load_fico(directory: Path | str | None = None) -> FicoData:
    """Read the three FICO files from `directory` (default: default_fico_dir())."""
    directory = Path(directory) if directory is not None else default_fico_dir()
    if not directory.is_dir():
        raise UserError(
            f"FICO data: folder {directory} does not exist. Set ${ENV_VAR} or pass --fico-dir "
            f"with a folder holding {', '.join(FILES.values())}."
        )
    cdf = _groups(_read(directory, "cdf"), FILES["cdf"])
    perf = _groups(_read(directory, "performance"), FILES["performance"])
    totals = _groups(_read(directory, "totals"), FILES["totals"])
    if "Score" not in cdf.columns or not np.array_equal(cdf["Score"], perf["Score"]):
        raise UserError(
            f"FICO data: {FILES['cdf']} and {FILES['performance']} must share one 'Score' column."
        )
    percentile = cdf["Score"].to_numpy(np.float64)
    pmf, repay = {}, {}
    for group in GROUP_NAMES.values():
        cumulative = cdf[group].to_numpy(np.float64) / 100.0
        mass = np.diff(cumulative, prepend=0.0)
        if (mass < -1e-9).any() or abs(cumulative[-1] - 1.0) > 0.01:
            raise UserError(f"FICO data: {FILES['cdf']} column {group!r} is not a CDF in percent.")
        pmf[group] = np.clip(mass, 0.0, None) / np.clip(mass, 0.0, None).sum()
        repay[group] = 1.0 - perf[group].to_numpy(np.float64) / 100.0
    return FicoData(
        percentile=percentile,
        score=to_fico_scale(percentile),
        pmf=pmf,
        repay=repay,
        totals={g: int(totals[g].iloc[0]) for g in GROUP_NAMES.values()},
        source=directory,
    )
