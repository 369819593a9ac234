"""Face identification measured through the engine: the scenario of camera sources over galleries
of several sizes, and the counts of false matches and misses taken from their records."""

from credsim.validation.faceid.measure import FaceCounts, measure_faceid
from credsim.validation.faceid.scenario import CAMERAS, Camera, analytic, faceid_scenario

__all__ = ["CAMERAS", "Camera", "FaceCounts", "analytic", "faceid_scenario", "measure_faceid"]
