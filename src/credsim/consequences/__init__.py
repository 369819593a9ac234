"""What happens to people: listings, refusals, perks and repair - decided from records only."""

from credsim.consequences.appeals import Appeals
from credsim.consequences.checkpoints import Checkpoints
from credsim.consequences.corporate_list import CorporateList
from credsim.consequences.court_blacklist import CourtBlacklist
from credsim.consequences.fines import Fines
from credsim.consequences.grade_list import GradeList
from credsim.consequences.joint_punishment import JointPunishment
from credsim.consequences.naming import Naming
from credsim.consequences.perks import Perks
from credsim.consequences.speech_enforcement import SpeechEnforcement

__all__ = [
    "Appeals",
    "Checkpoints",
    "CorporateList",
    "CourtBlacklist",
    "Fines",
    "GradeList",
    "JointPunishment",
    "Naming",
    "Perks",
    "SpeechEnforcement",
]
