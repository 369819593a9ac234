"""Scoring rules. Policies read records only, never the truth behind them."""

from credsim.policies.rules import RulesPolicy

__all__ = ["RulesPolicy"]
