"""Every measured harm and outcome, by group, with ground truth. Metrics never change state."""

from credsim.metrics.core import CoreMetrics

__all__ = ["CoreMetrics"]
