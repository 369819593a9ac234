"""Observation of acts: coverage, misses, misattribution and fabricated records."""

from credsim.sources.identity import IdentitySource
from credsim.sources.recorder import Recorder

__all__ = ["IdentitySource", "Recorder"]
