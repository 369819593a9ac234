"""Crooked lenders: lenders put good customers on the shared blacklist so that no rival lends
to them (reported of lenders' shared blacklists; the rate and detection are assumptions).

Each day a lender reports a share `rate` of its good customers (score under `policy` at or above
`good_score`, not already on the list) as defaulters. The operator of the list catches a share
`detection` of false reports before they count; the others become `lender_report` records with no
act behind them (`true_actor = -1`), written under the lenders' own source name, and list the
customer like any real report. The customer is not told; they find out when a bank refuses them,
and may appeal where appeals exist.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.adversaries.forged import forge
from credsim.engine import Adversary, Day, PluginParams, World
from credsim.engine.checks import Score
from credsim.engine.merge import add_up
from credsim.errors import UserError

__all__ = ["Lenders"]


class LendersParams(PluginParams):
    list: str = Field("lender_blacklist", description="the shared list lenders report to")
    record: str = Field("lender_report", description="record kind of a report")
    policy: str = Field("financial", description="score by which lenders judge a customer")
    good_score: Score = Field(670.0, description="customers at or above this score are good")
    rate: float = Field(1.0e-6, ge=0, le=1, description="daily chance a good customer is listed")
    detection: float = Field(0.2, ge=0, le=1, description="share of false reports caught")
    min_age: int = Field(
        18, ge=0, le=100, description="only customers this old: lenders lend to adults"
    )


class Lenders(Adversary):
    """Lenders falsely report good customers to the shared blacklist to keep them."""

    Params = LendersParams
    params: LendersParams

    def init(self, world: World) -> None:
        p = self.params
        for what, table, name in (
            ("list", world.sanctions, p.list),
            ("policy", world.scores, p.policy),
        ):
            if name not in table:
                raise UserError(
                    f"adversaries.{self.name}.{what}: no {what} named {name!r} in this scenario "
                    f"(there are: {', '.join(table) or 'none'})."
                )
        self.world = world
        self.listed = world.state[world.sanctions[p.list].column]
        self.scores = world.state[world.scores[p.policy].column]
        self.age = world.state["age"]
        self.source = world.codes.code("source", self.name)
        self.kind = world.codes.code("record_kind", p.record)
        self.pick = world.stream(f"adversary.{self.name}.pick")
        self.caught = world.stream(f"adversary.{self.name}.caught")
        self.reports = 0
        self.detected = 0
        world.offer(f"adversary:{self.name}", self)

    def act(self, day: Day) -> None:
        p = self.params
        hits = self.world.hits(self.pick, day.day, p.rate)
        adult = self.age[hits] >= p.min_age
        good = hits[(self.scores[hits] >= p.good_score) & (self.listed[hits] < 0) & adult]
        if good.shape[0] == 0:
            return
        caught = self.caught.uniform(day.day, good) < p.detection
        self.detected += int(caught.sum())
        victims = good[~caught].astype(np.int32)
        self.reports += int(victims.shape[0])
        forge(day, self.kind, self.source, victims)

    def merge(self, parts: list) -> None:
        add_up(self, parts, "reports", "detected")

    def counts(self) -> dict[str, int]:
        """People reported, and reports caught (people, not agents)."""
        k = self.world.people_per_agent
        return {"lender_listings": self.reports * k, "lender_listings_detected": self.detected * k}
