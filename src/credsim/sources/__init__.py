"""Observation of acts: coverage, misses, misattribution and fabricated records."""

from credsim.sources.checkpoints import CheckpointSource
from credsim.sources.firm_records import FirmRecords
from credsim.sources.identity import IdentitySource
from credsim.sources.recorder import Recorder

__all__ = ["CheckpointSource", "FirmRecords", "IdentitySource", "Recorder"]
