"""Citizens' acts: the ground truth every record is measured against."""

from credsim.behavior.baseline import BaselineBehavior
from credsim.behavior.deterrence import Deterrence
from credsim.behavior.exclusion import Exclusion
from credsim.behavior.gaming import Gaming
from credsim.behavior.self_censorship import SelfCensorship

__all__ = ["BaselineBehavior", "Deterrence", "Exclusion", "Gaming", "SelfCensorship"]
