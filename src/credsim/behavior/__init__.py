"""Citizens' acts: the ground truth every record is measured against."""

from credsim.behavior.avoidance import Avoidance
from credsim.behavior.baseline import BaselineBehavior
from credsim.behavior.conformity import Conformity
from credsim.behavior.deterrence import Deterrence
from credsim.behavior.exclusion import Exclusion
from credsim.behavior.firms import FirmBehavior
from credsim.behavior.gaming import Gaming
from credsim.behavior.self_censorship import SelfCensorship
from credsim.behavior.strangers import Strangers

__all__ = [
    "Avoidance",
    "BaselineBehavior",
    "Conformity",
    "Deterrence",
    "Exclusion",
    "FirmBehavior",
    "Gaming",
    "SelfCensorship",
    "Strangers",
]
