"""Run replicate populations of the indirect-reciprocity model and summarise them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from credsim.engine.rng import stream_key
from credsim.validation.reputation import kernel as k
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
    keys = np.empty((replicates, k.N_STREAMS), np.uint64)
    for r in range(replicates):
        for s in range(k.N_STREAMS):
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
    fp = np.zeros(k.N_FLOATS, np.float64)
    fp[k.F_B], fp[k.F_C], fp[k.F_W] = p.benefit, p.cost, p.selection
    fp[k.F_MUTATION], fp[k.F_E1], fp[k.F_E2] = p.mutation, p.execution_error, p.assessment_error
    fp[k.F_EMPATHY], fp[k.F_STRICT], fp[k.F_KNOW] = p.empathy, p.strictness, p.knowledge
    fp[k.F_RECORD], fp[k.F_BUY] = p.record_error, p.buyable_share
    ip = np.zeros(k.N_INTS, np.int64)
    ip[k.I_N], ip[k.I_INSTITUTION], ip[k.I_JUDGES] = (
        p.population,
        p.monitoring == "institution",
        p.judges,
    )
    ip[k.I_START], ip[k.I_ALL_GOOD] = p.initial_index(), p.initial_standing == "good"
    ip[k.I_GENERATIONS], ip[k.I_BURN_IN] = p.generations, int(p.generations * p.burn_in)
    keys = _keys(seed, label, replicates)
    out = k.run_replicates(keys, fp, ip, p.norm_table(), p.permitted())
    return ReputationResult(p, out[:, 0].copy(), out[:, 1].copy(), out[:, 2:].copy())
