"""The reference model: its parameters, read from credsim's bundled `reference` scenario, and the
outcomes every framework reports in the same form.

The Mesa and Starsim versions take their numbers from here, so all three always run the same
model: change `src/credsim/scenarios/reference.toml` and every framework follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from credsim.behavior.baseline import BaselineBehavior
from credsim.consequences.grade_list import GradeList
from credsim.consequences.joint_punishment import JointPunishment
from credsim.policies.rules import RulesPolicy
from credsim.scenario import Scenario, load_scenario
from credsim.sources.recorder import Recorder

__all__ = ["TRAVEL_ACT", "TRAVEL_RECORD", "Outcome", "ReferenceParams", "reference_params"]

TRAVEL_ACT = "flight_attempt"
TRAVEL_RECORD = "flight_purchase"


@dataclass(frozen=True)
class ReferenceParams:
    """Everything a framework needs to run the reference model."""

    citizens: int
    days: int
    seed: int
    act_rates: dict[str, float] = field(default_factory=dict)
    """Violation kind -> daily probability per citizen."""
    travel_rate: float = 0.0
    miss_rate: float = 0.0
    misattribution_rate: float = 0.0
    points: dict[str, int] = field(default_factory=dict)
    start: int = 1000
    floor: int = 0
    ceiling: int = 2000
    threshold: int = 950
    network_weight: float = 0.0
    network_cadence_days: int = 7
    friends: float = 20.0

    @property
    def agent_days(self) -> int:
        return self.citizens * self.days

    def expected_acts(self, kind: str) -> float:
        """Acts of `kind` expected over the run (each citizen, each day, with its rate)."""
        rate = self.travel_rate if kind == TRAVEL_ACT else self.act_rates[kind]
        return self.agent_days * rate

    def record_points_variance(self) -> float:
        """Variance of one citizen's points from records by the end (compound Poisson): the
        spread that makes the mean score uncertain, the friends' term left aside."""
        seen = 1.0 - self.miss_rate
        return self.days * sum(r * seen * self.points[k] ** 2 for k, r in self.act_rates.items())

    def with_size(self, citizens: int, days: int, seed: int | None = None) -> ReferenceParams:
        """The same model at another size (and seed)."""
        return reference_params(citizens, days, self.seed if seed is None else seed)


@dataclass
class Outcome:
    """What one run of the reference model gives, in the same units for every framework."""

    framework: str
    citizens: int
    days: int
    seed: int
    acts: dict[str, int]
    """Act kind -> acts over the run (violations and travel attempts)."""
    records: int
    """Records of violations (travel purchases are not counted here)."""
    misattributed: int
    """Violation records naming someone other than the actor."""
    listed: int
    """Citizens listed at the end."""
    refused: int
    """Travel attempts refused over the run."""
    score_mean: float
    """Mean score at the end."""
    loop_seconds: float = 0.0
    """Seconds spent stepping through the days (not building the population or network)."""
    loop_cpu_seconds: float = 0.0
    """CPU seconds of the process (all its threads) over the same days: on a machine shared with
    other work, a single-threaded loop's CPU time is the wall time it would take alone."""
    build_seconds: float = 0.0
    """Seconds spent building agents and their network."""

    @property
    def agent_days_per_second(self) -> float:
        return self.citizens * self.days / max(self.loop_seconds, 1e-9)

    @property
    def agent_days_per_cpu_second(self) -> float:
        return self.citizens * self.days / max(self.loop_cpu_seconds, 1e-9)

    @property
    def violations(self) -> int:
        return sum(n for kind, n in self.acts.items() if kind != TRAVEL_ACT)


def _only(scenario: Scenario, cls: type) -> tuple[str, object]:
    found = [
        (name, params)
        for section in scenario.plugins.values()
        for name, klass, params in section
        if klass is cls
    ]
    if len(found) != 1:
        raise ValueError(f"the reference scenario needs exactly one {cls.__name__}, found {found}")
    return found[0]


def reference_params(
    citizens: int | None = None, days: int | None = None, seed: int | None = None
) -> ReferenceParams:
    """The bundled reference scenario's model at the given size and seed."""
    scenario = load_scenario("reference", population=citizens, days=days, seed=seed)
    _, behaviour = _only(scenario, BaselineBehavior)
    _, source = _only(scenario, Recorder)
    _, policy = _only(scenario, RulesPolicy)
    _, listing = _only(scenario, GradeList)
    _only(scenario, JointPunishment)
    acts = dict(behaviour.acts)
    travel = acts.pop(TRAVEL_ACT)
    for name, spec in {**acts, TRAVEL_ACT: travel}.items():
        if spec.urban_factor != 1.0 or spec.listed_factor != 1.0 or spec.adults_only:
            raise ValueError(f"reference act {name}: every citizen must act alike")
    rules = {rule.act: (rule.record or name, rule) for name, rule in source.records.items()}
    if rules[TRAVEL_ACT][0] != TRAVEL_RECORD or rules[TRAVEL_ACT][1].misattribution_rate > 0:
        raise ValueError(f"reference source: {TRAVEL_ACT} must give exact {TRAVEL_RECORD} records")
    violation_rules = [rules[kind][1] for kind in acts]
    if len({(r.miss_rate, r.misattribution_rate) for r in violation_rules}) != 1:
        raise ValueError("reference source: every violation needs the same miss and error rates")
    bounds = dict(policy.grades)
    pop = scenario.population[2]
    return ReferenceParams(
        citizens=pop.size,
        days=scenario.model.days,
        seed=scenario.model.seed,
        act_rates={kind: spec.rate for kind, spec in acts.items()},
        travel_rate=travel.rate,
        miss_rate=violation_rules[0].miss_rate,
        misattribution_rate=violation_rules[0].misattribution_rate,
        points={kind: policy.points[rules[kind][0]] for kind in acts},
        start=policy.start,
        floor=policy.floor,
        ceiling=policy.ceiling,
        threshold=_threshold(bounds, listing.grades),
        network_weight=policy.network_weight,
        network_cadence_days=policy.network_cadence_days,
        friends=pop.graph.friends.mean_degree,
    )


def _threshold(bounds: dict[str, int], listed: list[str]) -> int:
    """The score below which a citizen is listed: the lowest bound of the unlisted grades."""
    ok = [bound for grade, bound in bounds.items() if grade not in listed]
    if len(ok) != 1 or bounds[listed[0]] > min(bounds.values()):
        raise ValueError(f"reference grades must be one unlisted grade above one listed: {bounds}")
    return ok[0]
