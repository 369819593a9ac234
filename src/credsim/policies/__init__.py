"""Scoring rules. Policies read records only, never the truth behind them."""

from credsim.policies.dimensions import FinancialPolicy, SesamePolicy
from credsim.policies.rules import RongchengPolicy, RulesPolicy
from credsim.policies.scoring import ScoringPolicy
from credsim.policies.state import StatePolicy

__all__ = [
    "FinancialPolicy",
    "RongchengPolicy",
    "RulesPolicy",
    "ScoringPolicy",
    "SesamePolicy",
    "StatePolicy",
]
