"""Run directories: written atomically, read back as `Results`."""

from credsim.results.results import Results
from credsim.results.writer import RunDirectory

__all__ = ["Results", "RunDirectory"]
