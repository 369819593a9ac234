"""Synthetic citizens: presets calibrated to the census, households and the social graph."""

from credsim.population.simple import SimplePopulation

__all__ = ["SimplePopulation"]
