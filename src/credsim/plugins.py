"""The built-in plug-ins, registered by name. Registration is explicit: nothing is scanned."""

from __future__ import annotations

from credsim.adversaries import Breach, Brokers, Insiders, Lenders
from credsim.behavior import (
    Avoidance,
    BaselineBehavior,
    Conformity,
    Deterrence,
    Exclusion,
    FirmBehavior,
    Gaming,
    SelfCensorship,
    Strangers,
)
from credsim.behavior.borrowers import Borrowers
from credsim.consequences import (
    Appeals,
    Checkpoints,
    CorporateList,
    CourtBlacklist,
    Fines,
    GradeList,
    JointPunishment,
    Naming,
    Perks,
    SpeechEnforcement,
)
from credsim.consequences.threshold_lender import ThresholdLender
from credsim.engine import Registry
from credsim.metrics import (
    AdversaryMetrics,
    AppealMetrics,
    AssociationMetrics,
    BureauMetrics,
    CalibrationMetrics,
    CheckpointMetrics,
    ConformityMetrics,
    CoreMetrics,
    DemographyMetrics,
    ExclusionMetrics,
    FineMetrics,
    FirmMetrics,
    GamingMetrics,
    IdentityMetrics,
    NamingMetrics,
    PerkMetrics,
    PlausibilityMetrics,
    PledgeMetrics,
    RailBanMetrics,
    RewardMetrics,
    SecretFileMetrics,
    SpeechEnforcementMetrics,
    SpeechMetrics,
    TrustMetrics,
)
from credsim.metrics.reciprocity import ReciprocityMetrics
from credsim.policies import (
    FinancialPolicy,
    RongchengPolicy,
    RulesPolicy,
    SesamePolicy,
    StatePolicy,
)
from credsim.policies.credit_file import CreditFilePolicy
from credsim.policies.institution import InstitutionPolicy
from credsim.population import CensusPopulation
from credsim.population.communities import CommunitiesPopulation
from credsim.population.credit_groups import CreditGroupsPopulation
from credsim.sources import CheckpointSource, FirmRecords, IdentitySource, Recorder

__all__ = ["builtin_registry"]


def builtin_registry() -> Registry:
    """A registry holding every plug-in credsim ships."""
    registry = Registry()
    registry.register("population", "census", CensusPopulation)
    registry.register("population", "credit_groups", CreditGroupsPopulation)
    registry.register("population", "communities", CommunitiesPopulation)
    registry.register("behavior", "baseline", BaselineBehavior)
    registry.register("behavior", "self_censorship", SelfCensorship)
    registry.register("behavior", "deterrence", Deterrence)
    registry.register("behavior", "avoidance", Avoidance)
    registry.register("behavior", "exclusion", Exclusion)
    registry.register("behavior", "gaming", Gaming)
    registry.register("behavior", "conformity", Conformity)
    registry.register("behavior", "strangers", Strangers)
    registry.register("behavior", "firms", FirmBehavior)
    registry.register("behavior", "borrowers", Borrowers)
    registry.register("adversary", "lenders", Lenders)
    registry.register("adversary", "insiders", Insiders)
    registry.register("adversary", "brokers", Brokers)
    registry.register("adversary", "breach", Breach)
    registry.register("source", "recorder", Recorder)
    registry.register("source", "identity", IdentitySource)
    registry.register("source", "checkpoints", CheckpointSource)
    registry.register("source", "firm_records", FirmRecords)
    registry.register("policy", "rules", RulesPolicy)
    registry.register("policy", "rongcheng", RongchengPolicy)
    registry.register("policy", "sesame", SesamePolicy)
    registry.register("policy", "state", StatePolicy)
    registry.register("policy", "financial", FinancialPolicy)
    registry.register("policy", "credit_file", CreditFilePolicy)
    registry.register("policy", "institution", InstitutionPolicy)
    registry.register("consequence", "court_blacklist", CourtBlacklist)
    # The same mechanism keeps any list of unsettled records, such as lenders' shared blacklists.
    registry.register("consequence", "blacklist", CourtBlacklist)
    registry.register("consequence", "joint_punishment", JointPunishment)
    registry.register("consequence", "appeals", Appeals)
    registry.register("consequence", "perks", Perks)
    registry.register("consequence", "grade_list", GradeList)
    registry.register("consequence", "speech_enforcement", SpeechEnforcement)
    registry.register("consequence", "checkpoints", Checkpoints)
    registry.register("consequence", "fines", Fines)
    registry.register("consequence", "naming", Naming)
    registry.register("consequence", "corporate_list", CorporateList)
    registry.register("consequence", "threshold_lender", ThresholdLender)
    registry.register("metric", "core", CoreMetrics)
    registry.register("metric", "identity", IdentityMetrics)
    registry.register("metric", "association", AssociationMetrics)
    registry.register("metric", "calibration", CalibrationMetrics)
    registry.register("metric", "plausibility", PlausibilityMetrics)
    registry.register("metric", "appeals", AppealMetrics)
    registry.register("metric", "perks", PerkMetrics)
    registry.register("metric", "speech", SpeechMetrics)
    registry.register("metric", "exclusion", ExclusionMetrics)
    registry.register("metric", "gaming", GamingMetrics)
    registry.register("metric", "adversaries", AdversaryMetrics)
    registry.register("metric", "conformity", ConformityMetrics)
    registry.register("metric", "trust", TrustMetrics)
    registry.register("metric", "reciprocity", ReciprocityMetrics)
    registry.register("metric", "demography", DemographyMetrics)
    registry.register("metric", "speech_enforcement", SpeechEnforcementMetrics)
    registry.register("metric", "checkpoints", CheckpointMetrics)
    registry.register("metric", "fines", FineMetrics)
    registry.register("metric", "naming", NamingMetrics)
    registry.register("metric", "firms", FirmMetrics)
    registry.register("metric", "secret_file", SecretFileMetrics)
    registry.register("metric", "rail_bans", RailBanMetrics)
    registry.register("metric", "pledges", PledgeMetrics)
    registry.register("metric", "rewards", RewardMetrics)
    registry.register("metric", "bureaus", BureauMetrics)
    return registry
