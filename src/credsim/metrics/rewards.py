"""Platform rewards: score points a commercial score grants for using its owner's products, such
as paying through its app and recruiting friends into its circle, by group.

Sesame "is designed to incentivize behaviors that drive profits for Alibaba", such as "heavier
online and offline use of Alibaba's payment tool, Alipay, and the user's ability to recruit more
friends to join their Alipay circle" (Marbridge Consulting, in the articles). The points count
what the policy applied for records of the `records` kinds; per group they are given per 1,000
people, so a group that pays more (the better-off) shows the points it collects for it.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.engine.rows import rows_of_ids
from credsim.errors import UserError
from credsim.metrics.groups import Groups
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["RewardMetrics"]


class RewardParams(PluginParams):
    policy: str = Field("sesame", description="the score that rewards the records")
    records: list[str] = Field(
        default_factory=lambda: ["payment_activity", "friend_joined"],
        description="record kinds of the platform's own products",
    )

    @field_validator("records")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        return [check_kind(k, RECORD_KINDS, "record kind") for k in v]


class RewardMetrics(Metric):
    """`reward_points` by record kind and by group (per 1,000 people)."""

    Params = RewardParams
    params: RewardParams

    def init(self, world: World) -> None:
        self.world = world
        p = self.params
        if p.policy not in world.scores:
            raise UserError(
                f"metrics.{self.name}.policy: no policy named {p.policy!r} in this scenario "
                f"(policies: {', '.join(world.scores) or 'none'})."
            )
        self.groups = Groups.build(world.traits)
        self.policy = world.codes.code("policy", p.policy)
        self.kinds = {k: world.codes.code("record_kind", k) for k in p.records}
        size = self.groups.size
        self.points = {k: np.zeros(size) for k in p.records}
        self.counts = {k: np.zeros(size) for k in p.records}

    def measure(self, day: Day) -> None:
        records, changes = day.records, day.score_changes
        mine = kind = None
        for name, code in self.kinds.items():
            ours = records.rows_of("kind", code)
            if not ours.shape[0]:
                continue
            self.counts[name] += self.groups.count(records["attributed_to"][ours])
            if kind is None:  # the policy's changes that name a record, and its kind today
                named, record_ids = changes.named("record_id")
                own = changes.take("policy", named) == self.policy
                mine = named[own]
                at = rows_of_ids(records, record_ids[own])
                kind = np.where(at >= 0, records["kind"][at], -1)
            rows = mine[kind == code]
            if rows.shape[0]:
                delta = changes.take("delta", rows).astype(np.float64)
                self.points[name] += self.groups.count(changes.take("citizen", rows), delta)

    def merge(self, parts: list) -> None:
        add_up(self, parts, "points", "counts", "final_sizes")

    def tally_end(self) -> None:
        world = self.world
        self.final_sizes = self.groups.sizes(world.hi, world.alive, world.lo)

    def summary(self) -> dict:
        k = self.world.people_per_agent
        sizes = self.final_sizes.astype(np.float64)
        points = sum(self.points.values())
        counts = sum(self.counts.values())
        by: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            row = {"records": round(float(counts[i]) * k), "points": round(float(points[i]) * k)}
            for name in self.points:
                row[f"points.{name}"] = round(float(self.points[name][i]) * k)
            row["points_per_1000_people"] = (
                round(1000 * float(points[i]) / sizes[i], 2) if sizes[i] else None
            )
            by.setdefault(trait, {})[label] = row
        return {
            "reward_points": round(float(points[0]) * k),
            "reward_records": round(float(counts[0]) * k),
            "reward_points_by_record": {
                name: {
                    "records": round(float(self.counts[name][0]) * k),
                    "points": round(float(self.points[name][0]) * k),
                }
                for name in self.points
            },
            "reward_by_group": by,
        }
