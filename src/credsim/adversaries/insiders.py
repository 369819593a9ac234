"""Insiders who edit records: staff with write access who add a damaging record against a
citizen (for a bribe, a grudge or a quota), and, with `deletion`, delete a listed citizen's
negative records for a bribe. Rates, prices and budgets are assumptions.

Each day a share `rate` of citizens is targeted; each edit is a record of kind `record` (by
default a court judgment, which lists the target after the warning period) with no act behind it,
written under the insiders' own source name.

Deletion (off unless `deletion` is given): each day a share `deletion.rate` of the citizens on one
of `deletion.lists` who were told so (the list notifies) look for an insider; they pay the price
with chance 1 - price / (budget_months x monthly income of their income band), never below zero,
so only those who can afford it buy a clean file. The insider writes a `record_deleted` record
(no act behind it: an edit by staff) naming the buyer; a list whose `erasure` is that kind clears
the buyer's debts on it and lifts the listing, and policies may price it to give points back.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.adversaries.forged import forge
from credsim.behavior.gaming import NBS_2020_INCOME
from credsim.engine import Adversary, Day, PluginParams, World
from credsim.engine.checks import Money, check_unique
from credsim.engine.merge import add_up
from credsim.errors import UserError
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["Deletion", "Insiders"]


class Deletion(PluginParams):
    """Listed citizens who pay an insider to delete their negative records."""

    lists: list[str] = Field(
        default_factory=lambda: ["court_blacklist"],
        description="lists whose listed citizens (told so) look for an insider",
    )
    rate: float = Field(ge=0, le=1, description="daily chance such a citizen looks for one")
    price_yuan: Money = Field(description="the bribe, yuan")
    budget_months: float = Field(
        gt=0, le=600, description="months of income a citizen would pay to be off the list"
    )
    income_yuan_month: dict[str, Money] = Field(
        default_factory=lambda: dict(NBS_2020_INCOME),
        description="income band -> monthly income, yuan (NBS 2020 quintiles)",
    )
    record: str = Field("record_deleted", description="record kind a deletion writes")
    min_age: int = Field(18, ge=0, le=100, description="only citizens this old pay")

    @field_validator("record")
    @classmethod
    def _kind(cls, v: str) -> str:
        return check_kind(v, RECORD_KINDS, "record kind")

    @field_validator("lists")
    @classmethod
    def _once(cls, v: list[str]) -> list[str]:
        check_unique(v, "lists")
        return v


class InsidersParams(PluginParams):
    record: str = Field("court_judgment", description="record kind an edit adds")
    rate: float = Field(1.0e-7, ge=0, le=1, description="daily chance a citizen is targeted")
    deletion: Deletion | None = Field(
        None, description="deletion of listed citizens' negative records for a bribe (None: off)"
    )

    @field_validator("record")
    @classmethod
    def _kind(cls, v: str) -> str:
        return check_kind(v, RECORD_KINDS, "record kind")


class Insiders(Adversary):
    """Insiders add damaging records against citizens who did nothing, and may delete a listed
    citizen's negative records for a bribe."""

    Params = InsidersParams
    params: InsidersParams

    def init(self, world: World) -> None:
        self.world = world
        self.source = world.codes.code("source", self.name)
        self.kind = world.codes.code("record_kind", self.params.record)
        self.pick = world.stream(f"adversary.{self.name}.pick")
        self.edits = 0
        self.sought: list[np.ndarray] = []
        """Citizens who looked for an insider to delete their records, by day."""
        self.bought: list[np.ndarray] = []
        """Citizens who paid for a deletion, by day."""
        if self.params.deletion is not None:
            self._init_deletion(world, self.params.deletion)
        world.offer(f"adversary:{self.name}", self)

    def _init_deletion(self, world: World, d: Deletion) -> None:
        for name in d.lists:
            if name not in world.sanctions:
                raise UserError(
                    f"adversaries.{self.name}.deletion.lists: no list named {name!r} in this "
                    f"scenario (there are: {', '.join(world.sanctions) or 'none'})."
                )
        income = world.traits["income"]
        missing = [label for label in income.labels if label not in d.income_yuan_month]
        if missing:
            raise UserError(
                f"adversaries.{self.name}.deletion.income_yuan_month: no income for band(s) "
                f"{', '.join(missing)} (bands: {', '.join(income.labels)})."
            )
        self.income = income
        budget = np.array([d.income_yuan_month[b] for b in income.labels]) * d.budget_months
        self.afford = np.clip(1.0 - d.price_yuan / budget, 0.0, 1.0)
        self.told_lists = [
            world.state[world.sanctions[name].column]
            for name in d.lists
            if world.sanctions[name].notified
        ]
        self.deleted_kind = world.codes.code("record_kind", d.record)
        self.age = world.state["age"]
        self.seek = world.stream(f"adversary.{self.name}.deletion.seek")
        self.pay = world.stream(f"adversary.{self.name}.deletion.pay")

    def act(self, day: Day) -> None:
        targets = self.world.hits(self.pick, day.day, self.params.rate).astype(np.int32)
        if targets.shape[0]:
            self.edits += int(targets.shape[0])
            forge(day, self.kind, self.source, targets)
        if self.params.deletion is not None:
            self._delete(day, self.params.deletion)

    def _delete(self, day: Day, d: Deletion) -> None:
        """Listed citizens who know it look for an insider; those who can afford it pay, and
        the insider writes the deletion."""
        who = self.world.hits(self.seek, day.day, d.rate)
        if who.shape[0] == 0:
            return
        listed = np.zeros(who.shape[0], bool)
        for column in self.told_lists:
            listed |= column[who] >= 0
        who = who[listed & (self.age[who] >= d.min_age)].astype(np.int32)
        if who.shape[0] == 0:
            return
        chance = self.afford[self.income.codes(who)]
        buyers = who[self.pay.uniform(day.day, who) < chance]
        self.sought.append(who)
        self.bought.append(buyers)
        forge(day, self.deleted_kind, self.source, buyers)

    def merge(self, parts: list) -> None:
        add_up(self, parts, "edits", "sought", "bought")

    def buyers(self) -> tuple[np.ndarray, np.ndarray]:
        """Citizens who looked for an insider, and those who paid (one entry per deletion)."""
        empty = np.empty(0, np.int32)
        sought = np.concatenate(self.sought) if self.sought else empty
        bought = np.concatenate(self.bought) if self.bought else empty
        return sought, bought

    def counts(self) -> dict[str, int]:
        """Records edited (one per citizen targeted), and with deletion, the citizens who looked
        for an insider, deletions bought and yuan paid (people, not agents)."""
        k = self.world.people_per_agent
        out = {"insider_edits": self.edits * k}
        d = self.params.deletion
        if d is not None:
            sought, bought = self.buyers()
            out["insider_deletions_sought"] = int(sought.shape[0]) * k
            out["insider_deletions"] = int(bought.shape[0]) * k
            out["insider_deletion_yuan"] = round(bought.shape[0] * d.price_yuan * k)
        return out
