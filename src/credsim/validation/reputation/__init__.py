"""Indirect reciprocity: the donation game, reputations judged privately or by an institution."""

from credsim.validation.reputation.params import NORMS, STRATEGIES, GameParams
from credsim.validation.reputation.simulate import ReputationResult, simulate

__all__ = ["NORMS", "STRATEGIES", "GameParams", "ReputationResult", "simulate"]
