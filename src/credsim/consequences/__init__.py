"""What happens to people: listings, refusals, perks and repair - decided from records only."""

from credsim.consequences.court_blacklist import CourtBlacklist

__all__ = ["CourtBlacklist"]
