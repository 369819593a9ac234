"""Run replicate populations of the indirect-reciprocity model and summarise them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from credsim.engine.rng import stream_key
from credsim.validation.reputation.kernel import N_STREAMS, run_replicates
from credsim.validation.reputation.params import STRATEGIES, GameParams

__all__ = ["ReputationResult", "simulate"]


@dataclass(frozen=True)
class ReputationResult:
    """Per-replicate time averages (after burn-in) and their means."""

    params: GameParams
    cooperation: np.ndarray
    good_share: np.ndarray
    strategy_shares: np.ndarray  # (replicates, len(STRATEGIES))

    @property
    def replicates(self) -> int:
        return int(self.cooperation.shape[0])

    @property
    def mean_cooperation(self) -> float:
        return float(self.cooperation.mean())

    @property
    def stderr_cooperation(self) -> float:
        """Standard error of the mean cooperation across replicates."""
        if self.replicates < 2:
            return math.nan
        return float(self.cooperation.std(ddof=1) / math.sqrt(self.replicates))

    def summary(self) -> dict:
        return {
            "cooperation": self.mean_cooperation,
            "cooperation_stderr": self.stderr_cooperation,
            "good_share": float(self.good_share.mean()),
            "strategy_shares": {
                name: float(self.strategy_shares[:, k].mean()) for k, name in enumerate(STRATEGIES)
            },
            "replicates": self.replicates,
        }


def _keys(seed: int, label: str, replicates: int) -> np.ndarray:
    keys = np.empty((replicates, N_STREAMS), np.uint64)
    for r in range(replicates):
        for s in range(N_STREAMS):
            keys[r, s] = stream_key(seed, f"reputation/{label}/{r}/{s}")
    return keys


def simulate(
    params: GameParams, replicates: int, seed: int = 1, label: str = ""
) -> ReputationResult:
    """Run `replicates` independent populations; draws depend only on (seed, label, replicate), so
    two parameter sets given the same label share their random numbers (common random numbers)."""
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    p = params
    burn = int(p.generations * p.burn_in)
    out = run_replicates(
        _keys(seed, label, replicates),
        np.int64(p.population),
        float(p.benefit),
        float(p.cost),
        float(p.selection),
        float(p.mutation),
        float(p.execution_error),
        float(p.assessment_error),
        p.norm_table(),
        p.monitoring == "institution",
        float(p.empathy),
        np.int64(p.judges),
        float(p.strictness),
        float(p.knowledge),
        float(p.record_error),
        float(p.buyable_share),
        p.permitted(),
        np.int64(p.initial_index()),
        p.initial_standing == "good",
        np.int64(p.generations),
        np.int64(burn),
    )
    return ReputationResult(p, out[:, 0].copy(), out[:, 1].copy(), out[:, 2:].copy())
