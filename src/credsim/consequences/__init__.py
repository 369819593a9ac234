"""What happens to people: listings, refusals, perks and repair - decided from records only."""

from credsim.consequences.court_blacklist import CourtBlacklist
from credsim.consequences.joint_punishment import JointPunishment

__all__ = ["CourtBlacklist", "JointPunishment"]
