"""The court's dishonest-debtor list: citizens with unpaid judgments are listed after a grace
period and refused the purchases the list restricts (flights, high-speed rail).

The list keeps, per citizen, the balance of judgment records against payment records; a citizen
is listed when a judgment is still unpaid `listing_delay_days` after it was recorded, and removed
when payment records bring the balance back to zero. It sees records, never what really happened:
a judgment attributed to the wrong citizen lists the wrong citizen.

Two switches, both off unless a scenario sets them: `pledge` holds a removal on payment until the
citizen makes a public apology or credit-repair pledge (a chance a day; a share never make it), and
`erasure` names a record kind (an insider's deletion, adversaries.insiders) whose arrival clears the
citizen's debts on the list and lifts the listing.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Column, Consequence, PluginParams, PublicDay, RecordWorld, SanctionInfo
from credsim.engine.checks import check_unique
from credsim.engine.listing import NEVER, STATUS_DOC, off_since
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["CourtBlacklist"]


def _record_kind(v: str) -> str:
    return check_kind(v, RECORD_KINDS, "record kind")


class Pledge(PluginParams):
    """A public apology or credit-repair pledge required before a removal on payment."""

    daily_chance: float = Field(
        gt=0, le=1, description="chance a day that a citizen who owes nothing more makes it"
    )
    refuse_share: float = Field(
        0.0, ge=0, le=1, description="share of citizens who never make it (fixed per citizen)"
    )
    processing_days: int = Field(
        0, ge=0, le=365, description="days from the pledge to the removal (the review)"
    )


class BlacklistParams(PluginParams):
    judgment: str = Field("court_judgment", description="record kind that creates a debt")
    payment: str | None = Field(
        "judgment_paid",
        description='record kind that settles one ("": none, listings end by `expires_days`)',
    )
    listing_delay_days: int = Field(
        30, ge=0, le=3650, description="grace days between a judgment and listing"
    )
    warn: bool = Field(True, description="warn at judgment time that a listing will follow")
    min_age: int = Field(
        18,
        ge=0,
        le=100,
        description="the list names adults: a judgment that names a minor is not listed "
        "(enforcement is against persons with full civil capacity, 18+ under the Civil Code)",
    )
    expires_days: int = Field(
        0,
        ge=0,
        le=3650,
        description="a listing is lifted this many days after it began (0: only by payment); "
        "the 2018 bans of 'seriously dishonest' passengers last up to a year",
    )
    notify: bool = Field(True, description="tell citizens they are listed (behaviour reads it)")
    refuses: list[str] = Field(
        default_factory=lambda: ["flight_purchase", "train_purchase"],
        description="purchase record kinds refused to listed citizens",
    )
    pledge: Pledge | None = Field(
        None, description="an apology or pledge required before a removal on payment (None: none)"
    )
    erasure: str | None = Field(
        None,
        description="record kind that clears the citizen's debts and lifts the listing "
        "(an insider's deletion; None: none)",
    )

    @field_validator("judgment", "payment", "erasure")
    @classmethod
    def _kind(cls, v: str | None) -> str | None:
        return None if v is None or v == "" else _record_kind(v)

    @field_validator("refuses")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        check_unique(v, "refuses")
        return [_record_kind(k) for k in v]


class CourtBlacklist(Consequence):
    """Lists citizens with unpaid court judgments; refuses their restricted purchases."""

    Params = BlacklistParams
    params: BlacklistParams
    live = ("listing_delay_days", "warn")

    @property
    def column(self) -> str:
        return f"listed_since.{self.name}"

    def sanction_info(self) -> SanctionInfo:
        return SanctionInfo(self.column, (self.params.judgment,), True, self.params.notify)

    def columns(self) -> list[Column]:
        return [
            Column(self.column, "int16", fill=NEVER, owner=self.name, doc=STATUS_DOC),
            Column(
                f"judgment_balance.{self.name}",
                "int8",
                owner=self.name,
                doc="judgment records minus payment records",
            ),
        ]

    def init(self, world: RecordWorld) -> None:
        self.listed_since = world.state[self.column]
        self.balance = world.state[f"judgment_balance.{self.name}"]
        self.age = world.state["age"]
        self.alive = world.alive
        codes = world.codes
        self.code = codes.code("consequence", self.name)
        self.judgment = codes.code("record_kind", self.params.judgment)
        payment = self.params.payment
        self.payment = -1 if payment is None else codes.code("record_kind", payment)
        self.refused = np.array([codes.code("record_kind", k) for k in self.params.refuses])
        self.act = {a: codes.code("action", a) for a in ("warned", "listed", "delisted", "refused")}
        self.agency = codes.code("agency", self.name)
        self.checks = world.calendar({"citizen": "int32", "record_id": "int64"})
        self.expiries = world.calendar({"citizen": "int32", "since": "int32", "record_id": "int64"})
        erasure = self.params.erasure
        self.erasure = -1 if erasure is None else codes.code("record_kind", erasure)
        if self.params.pledge is not None:
            for action in ("pledge_required", "pledged", "pledge_refused"):
                self.act[action] = codes.code("action", action)
            self.pledges = world.calendar(
                {"citizen": "int32", "since": "int32", "record_id": "int64", "stage": "int8"}
            )
            self.pledge_draws = world.stream(f"consequence.{self.name}.pledge")
        world.offer(f"list:{self.name}", self)

    def correct(
        self, day: PublicDay, citizens: np.ndarray, record_ids: np.ndarray, by: int
    ) -> None:
        """A court corrected these citizens' judgments: clear them and lift the listing."""
        self.balance[citizens] = 0
        lift = self.listed_since[citizens] >= 0
        self.listed_since[citizens[lift]] = off_since(day.day)
        if lift.any():
            day.sanctions.add(
                day=day.day,
                citizen=citizens[lift],
                consequence=self.code,
                action=self.act["delisted"],
                record_id=record_ids[lift],
                agency=by,
            )

    def respond(self, day: PublicDay) -> None:
        records = day.records
        who, rid = records["attributed_to"], records["record_id"]
        # Status as it stood when the day began decides today's purchases.
        buying = records.rows_of_any("kind", self.refused.tolist())
        refused = buying[self.listed_since[who[buying]] >= 0]
        self._log(day, who[refused], "refused", rid[refused])

        judged = records.rows_of("kind", self.judgment)
        self.enforce(day, who[judged], rid[judged])
        paid = records.rows_of("kind", self.payment)
        self.settle(day, who[paid], rid[paid])
        if self.erasure >= 0:
            erased = records.rows_of("kind", self.erasure)
            if erased.shape[0]:
                gone, first = np.unique(who[erased], return_index=True)
                self.correct(day, gone, rid[erased][first], self.agency)
        if self.params.pledge is not None:
            self._pledges(day)

        due = self.checks.pop(day.day)
        debtor, first = np.unique(due["citizen"], return_index=True)
        listing = (self.balance[debtor] > 0) & (self.listed_since[debtor] < 0)
        listing &= self.age[debtor] >= self.params.min_age
        if self.alive is not None:  # a record naming someone dead lists nobody
            listing &= self.alive(debtor)
        self.listed_since[debtor[listing]] = day.day
        self._log(day, debtor[listing], "listed", due["record_id"][first[listing]])
        if self.params.expires_days > 0:
            self.expiries.push(
                np.full(int(listing.sum()), day.day + self.params.expires_days),
                citizen=debtor[listing],
                since=np.full(int(listing.sum()), day.day),
                record_id=due["record_id"][first[listing]],
            )
        self._expire(day)

    def enforce(self, day: PublicDay, citizens: np.ndarray, record_ids: np.ndarray) -> None:
        """A debt on each record to enforce: warn, and list the debtor if it is still unpaid after
        the grace period. A judgment record does this; so does a fine in arrears that its
        authority sends to court (consequences.fines)."""
        self._shift(citizens, +1)
        if self.params.warn:
            self._log(day, citizens, "warned", record_ids)
        self.checks.push(
            np.full(citizens.shape[0], day.day + self.params.listing_delay_days),
            citizen=citizens,
            record_id=record_ids,
        )

    def settle(self, day: PublicDay, citizens: np.ndarray, record_ids: np.ndarray) -> None:
        """One debt of each citizen paid: lift the listing of those who owe nothing more."""
        self._shift(citizens, -1)
        payer, first = np.unique(citizens, return_index=True)
        clear = (self.balance[payer] <= 0) & (self.listed_since[payer] >= 0)
        if self.params.pledge is not None:
            self._require_pledge(day, payer[clear], record_ids[first[clear]])
            return
        self.listed_since[payer[clear]] = off_since(day.day)
        self._log(day, payer[clear], "delisted", record_ids[first[clear]])

    def _require_pledge(self, day: PublicDay, citizens: np.ndarray, record_ids: np.ndarray) -> None:
        """Hold these removals until each citizen makes the pledge: those who never will are
        logged as refusing; the others make it after a wait drawn from the daily chance."""
        if not citizens.shape[0]:
            return
        rule = self.params.pledge
        assert rule is not None
        self._log(day, citizens, "pledge_required", record_ids)
        refuses = self.pledge_draws.uniform(0, citizens) < rule.refuse_share
        self._log(day, citizens[refuses], "pledge_refused", record_ids[refuses])
        willing = citizens[~refuses]
        u = self.pledge_draws.uniform(day.day + 1, willing)
        if rule.daily_chance >= 1:
            wait = np.ones(willing.shape[0], np.int64)
        else:
            wait = np.ceil(np.log1p(-u) / np.log1p(-rule.daily_chance)).astype(np.int64)
        self.pledges.push(
            day.day + np.maximum(wait, 1),
            citizen=willing,
            since=self.listed_since[willing],
            record_id=record_ids[~refuses],
            stage=np.zeros(willing.shape[0], np.int8),
        )

    def _pledges(self, day: PublicDay) -> None:
        """Pledges made today (then the review) and removals that follow a review, for listings
        still in force with nothing more owed."""
        due = self.pledges.pop(day.day)
        who, since, rid, stage = due["citizen"], due["since"], due["record_id"], due["stage"]
        still = (self.listed_since[who] == since) & (since >= 0) & (self.balance[who] <= 0)
        made = still & (stage == 0)
        self._log(day, who[made], "pledged", rid[made])
        later = self.params.pledge.processing_days if self.params.pledge else 0
        review = made if later > 0 else np.zeros_like(made)
        if review.any():
            self.pledges.push(
                np.full(int(review.sum()), day.day + later),
                citizen=who[review],
                since=since[review],
                record_id=rid[review],
                stage=np.ones(int(review.sum()), np.int8),
            )
        lift = still & (stage == 1) | (made & ~review)
        lifted, first = np.unique(who[lift], return_index=True)
        self.listed_since[lifted] = off_since(day.day)
        self._log(day, lifted, "delisted", rid[lift][first])

    def _expire(self, day: PublicDay) -> None:
        """Lift the listings that reach their term today (if still the same listing): the
        citizen's outstanding records are cleared with it."""
        ends = self.expiries.pop(day.day)
        same = self.listed_since[ends["citizen"]] == ends["since"]
        who = ends["citizen"][same]
        self.listed_since[who] = off_since(day.day)
        self.balance[who] = 0
        self._log(day, who, "delisted", ends["record_id"][same])

    def _shift(self, citizens: np.ndarray, step: int) -> None:
        """Add `step` per record to each citizen's balance, saturating at the int8 range."""
        who, count = np.unique(citizens, return_counts=True)
        moved = self.balance[who].astype(np.int32) + step * count
        self.balance[who] = np.clip(moved, -127, 127)

    def _log(
        self, day: PublicDay, citizens: np.ndarray, action: str, record_ids: np.ndarray
    ) -> None:
        if citizens.shape[0]:
            day.sanctions.add(
                day=day.day,
                citizen=citizens,
                consequence=self.code,
                action=self.act[action],
                record_id=record_ids,
                agency=self.agency,
            )
