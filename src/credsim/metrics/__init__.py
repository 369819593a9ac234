"""Every measured harm and outcome, by group, with ground truth. Metrics never change state."""

from credsim.metrics.adversaries import AdversaryMetrics
from credsim.metrics.appeals import AppealMetrics
from credsim.metrics.association import AssociationMetrics
from credsim.metrics.bureaus import BureauMetrics
from credsim.metrics.calibration import CalibrationMetrics
from credsim.metrics.checkpoints import CheckpointMetrics
from credsim.metrics.conformity import ConformityMetrics
from credsim.metrics.core import CoreMetrics
from credsim.metrics.demography import DemographyMetrics
from credsim.metrics.exclusion import ExclusionMetrics
from credsim.metrics.fines import FineMetrics
from credsim.metrics.firms import FirmMetrics
from credsim.metrics.gaming import GamingMetrics
from credsim.metrics.identity import IdentityMetrics
from credsim.metrics.naming import NamingMetrics
from credsim.metrics.perks import PerkMetrics
from credsim.metrics.plausibility import PlausibilityMetrics
from credsim.metrics.pledges import PledgeMetrics
from credsim.metrics.rail_bans import RailBanMetrics
from credsim.metrics.rewards import RewardMetrics
from credsim.metrics.secret_file import SecretFileMetrics
from credsim.metrics.speech import SpeechMetrics
from credsim.metrics.speech_enforcement import SpeechEnforcementMetrics
from credsim.metrics.trust import TrustMetrics

__all__ = [
    "AdversaryMetrics",
    "AppealMetrics",
    "AssociationMetrics",
    "BureauMetrics",
    "CalibrationMetrics",
    "CheckpointMetrics",
    "ConformityMetrics",
    "CoreMetrics",
    "DemographyMetrics",
    "ExclusionMetrics",
    "FineMetrics",
    "FirmMetrics",
    "GamingMetrics",
    "IdentityMetrics",
    "NamingMetrics",
    "PerkMetrics",
    "PlausibilityMetrics",
    "PledgeMetrics",
    "RailBanMetrics",
    "RewardMetrics",
    "SecretFileMetrics",
    "SpeechEnforcementMetrics",
    "SpeechMetrics",
    "TrustMetrics",
]
