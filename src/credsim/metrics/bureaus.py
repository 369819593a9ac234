"""Competing credit bureaus: how far the same citizen's scores lie apart across bureaus whose files
differ, and how often a lender's decision would turn on which bureau it asked.

"The U.S. systems, maintained by three companies, collect only financially related information"
(Lubman, in the articles). Each bureau is a policy that reads only its own source's records (its
`sources`), so each holds its own file: it sees a share of the accounts, with its own errors. A
lending decision is "lend" at or above `threshold`; it is split when the bureaus disagree. Figures
are counted for loan applications as they happen (the applicant's scores that day) and for every
scored citizen at the end, by group.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.checks import Score
from credsim.engine.merge import add_up
from credsim.errors import UserError
from credsim.metrics.groups import Groups

__all__ = ["BureauMetrics"]

CHUNK = 1 << 20


class BureauParams(PluginParams):
    policies: list[str] = Field(
        default_factory=lambda: ["bureau_a", "bureau_b", "bureau_c"],
        min_length=2,
        max_length=16,
        description="the bureaus' scores (policies, each reading its own file)",
    )
    threshold: Score = Field(670.0, description="a lender lends at or above this score")
    wide: float = Field(50.0, gt=0, le=65535, description="a spread counted as wide, points")
    act: str = Field("loan_application", description="the act a lender decides on")


class BureauMetrics(Metric):
    """`bureau_spread_mean`, `bureau_decisions_split` and their shares, by group."""

    Params = BureauParams
    params: BureauParams

    def init(self, world: World) -> None:
        self.world = world
        p = self.params
        missing = [name for name in p.policies if name not in world.scores]
        if missing:
            raise UserError(
                f"metrics.{self.name}.policies: no policy named {', '.join(missing)} in this "
                f"scenario (policies: {', '.join(world.scores) or 'none'})."
            )
        self.infos = [world.scores[name] for name in p.policies]
        self.columns = [world.state[info.column] for info in self.infos]
        self.groups = Groups.build(world.traits)
        self.act = world.codes.code("act_kind", p.act)
        self.applied = np.zeros((2, self.groups.size))  # applications, split ones
        self.split_by_day = np.zeros(world.days)

    def _scores(self, citizens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each citizen's score at every bureau (rows: bureaus), and whether all score them."""
        scores = np.stack([c[citizens].astype(np.int64) for c in self.columns])
        scored = np.all([info.scored(citizens) for info in self.infos], axis=0)
        return scores, scored

    def _split(self, scores: np.ndarray) -> np.ndarray:
        lend = scores >= self.params.threshold
        return lend.any(axis=0) & ~lend.all(axis=0)

    def measure(self, day: Day) -> None:
        acts = day.acts
        who = acts["actor"][acts.rows_of("kind", self.act)]
        if who.shape[0] == 0:
            return
        scores, scored = self._scores(who)
        who, scores = who[scored], scores[:, scored]
        split = self._split(scores)
        self.applied[0] += self.groups.count(who)
        self.applied[1] += self.groups.count(who[split])
        self.split_by_day[day.day] = np.count_nonzero(split)

    def merge(self, parts: list) -> None:
        add_up(self, parts, "applied", "split_by_day", "spread")

    def tally_end(self) -> None:
        """Per group, of the citizens every bureau scores at the end: how many, the sum of the
        gaps between their highest and lowest score, how many have a gap of at least `wide`,
        and how many the bureaus' decisions split (whole numbers)."""
        self.spread = np.zeros((4, self.groups.size), np.int64)
        world = self.world
        for start in range(world.lo, world.hi, CHUNK):
            chunk = np.arange(start, min(start + CHUNK, world.hi))
            if world.alive is not None:
                chunk = chunk[world.alive(chunk)]
            scores, scored = self._scores(chunk)
            chunk, scores = chunk[scored], scores[:, scored]
            gap = (scores.max(axis=0) - scores.min(axis=0)).astype(np.float64)
            self.spread[0] += self.groups.count(chunk)
            self.spread[1] += np.rint(self.groups.count(chunk, gap)).astype(np.int64)
            self.spread[2] += self.groups.count(chunk[gap >= self.params.wide])
            self.spread[3] += self.groups.count(chunk[self._split(scores)])

    def daily_totals(self) -> dict[str, np.ndarray]:
        return {"bureau_applications_split": self.split_by_day * self.world.people_per_agent}

    def summary(self) -> dict:
        k = self.world.people_per_agent
        people, spread, wide, split = self.spread.astype(np.float64)

        def row(i: int) -> dict:
            n, applied, applied_split = people[i], self.applied[0][i], self.applied[1][i]
            return {
                "people": round(float(n) * k),
                "spread_mean": round(float(spread[i] / n), 2) if n else None,
                "spread_wide_share": round(float(wide[i] / n), 4) if n else None,
                "decision_split": round(float(split[i]) * k),
                "decision_split_share": round(float(split[i] / n), 4) if n else None,
                "applications": round(float(applied) * k),
                "applications_split": round(float(applied_split) * k),
                "applications_split_share": (
                    round(float(applied_split / applied), 4) if applied else None
                ),
            }

        by: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = row(i)
        whole = row(0)
        return {
            "bureaus": list(self.params.policies),
            "bureau_spread_mean": whole["spread_mean"],
            "bureau_spread_wide_share": whole["spread_wide_share"],
            "bureau_decisions_split": whole["decision_split"],
            "bureau_decisions_split_share": whole["decision_split_share"],
            "bureau_applications": whole["applications"],
            "bureau_applications_split": whole["applications_split"],
            "bureau_applications_split_share": whole["applications_split_share"],
            "bureau_by_group": by,
        }
