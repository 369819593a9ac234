"""Synthetic citizens: census presets, households and the social graph."""

from credsim.population.census import CensusPopulation

__all__ = ["CensusPopulation"]
