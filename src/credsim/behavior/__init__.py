"""Citizens' acts: the ground truth every record is measured against."""

from credsim.behavior.baseline import BaselineBehavior

__all__ = ["BaselineBehavior"]
