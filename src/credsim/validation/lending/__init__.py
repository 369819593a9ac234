"""Delayed impact of lending (Liu, Dean, Rolf, Simchowitz & Hardt 2018) on FICO/TransRisk data."""

from credsim.validation.lending.delayed_impact import LendingModel, PolicyOutcome
from credsim.validation.lending.fico import FicoData, default_fico_dir, load_fico

__all__ = ["FicoData", "LendingModel", "PolicyOutcome", "default_fico_dir", "load_fico"]
