"""The corporate list: firms with unsettled commercial-sincerity records (judgments for breached
contracts, unpaid wages, withheld deposits) are listed after a grace period, and the listing
reaches the firm's registered legal representative as a person.

Where the debtor is a firm, the restrictions on high consumption bind its legal representative,
principal, directly responsible persons and actual controller (Supreme People's Court, Provisions
on Restricting High Consumption, 2015 revision, art. 3; the 2016 Opinions on joint punishment
name flights, high-speed rail, star hotels and private schools); the wage-arrears blacklist binds
the employer and its legal representative in government procurement, tendering and loans
(MOHRSS Interim Measures, 2017, and the memorandum of about 30 agencies). So the list keeps two
things: per firm, the balance of debt records against settlement records and the day listed; per
citizen, the day their firm's listing reached them (the column agencies read, so that a listed
firm's representative is refused flights and trains, and the firm's tenders and loans, which its
representative signs, are refused too). It sees records only: a record that names a relative as
the representative reaches the relative.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Column, Consequence, PluginParams, PublicDay, RecordWorld, SanctionInfo
from credsim.engine.checks import check_unique
from credsim.engine.sets import among
from credsim.errors import UserError
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["CorporateList"]


class CorporateListParams(PluginParams):
    debts: list[str] = Field(
        default_factory=lambda: ["firm_judgment", "wages_unpaid", "deposit_withheld"],
        description="record kinds about a firm that create a debt",
    )
    payment: str = Field("firm_debt_settled", description="record kind that settles one")
    listing_delay_days: int = Field(
        30, ge=0, le=3650, description="grace days between a debt record and listing (assumption)"
    )
    expires_days: int = Field(
        0,
        ge=0,
        le=3650,
        description="a listing is lifted this many days after it began (0: only by settlement); "
        "a first listing on the wage-arrears blacklist lasts a year",
    )
    warn: bool = Field(True, description="warn the representative when a debt is recorded")
    notify: bool = Field(True, description="tell the representative of the listing")

    @field_validator("debts")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        check_unique(v, "debts")
        return [check_kind(k, RECORD_KINDS, "record kind") for k in v]

    @field_validator("payment")
    @classmethod
    def _payment(cls, v: str) -> str:
        return check_kind(v, RECORD_KINDS, "record kind")


class CorporateList(Consequence):
    """Lists firms with unsettled debts; the listing reaches their legal representatives.

    Records name firms by number; the list keeps its firms by position in the register
    (`FirmTable.local`), which in a sharded run holds the shard's own firms."""

    Params = CorporateListParams
    params: CorporateListParams
    live = ("listing_delay_days", "warn")

    @property
    def column(self) -> str:
        return f"listed_since.{self.name}"

    def sanction_info(self) -> SanctionInfo:
        return SanctionInfo(self.column, tuple(self.params.debts), False, self.params.notify)

    def columns(self) -> list[Column]:
        return [
            Column(
                self.column,
                "int16",
                fill=-1,
                owner=self.name,
                doc="day the listing of the firm this citizen represents reached them, -1 if not",
            )
        ]

    def needs(self) -> list[str]:
        return ["firms"]

    def init(self, world: RecordWorld) -> None:
        table = world.services.get("firms")
        if table is None:
            raise UserError(
                f"consequences.{self.name}: a corporate list needs firms "
                '(a behavior with plugin = "firms") in the scenario.'
            )
        self.table = table
        self.rep_since = world.state[self.column]
        self.alive = world.alive
        self.firm_since = np.full(table.n, -1, np.int16)
        """Day each firm of the register was listed, -1 if not."""
        self.balance = np.zeros(table.n, np.int8)
        """Debt records minus settlement records, per firm of the register."""
        codes = world.codes
        self.code = codes.code("consequence", self.name)
        self.agency = codes.code("agency", self.name)
        self.debts = np.array([codes.code("record_kind", k) for k in self.params.debts])
        self.payment = codes.code("record_kind", self.params.payment)
        self.act = {a: codes.code("action", a) for a in ("warned", "listed", "delisted")}
        self.checks = world.calendar({"firm": "int32", "record_id": "int64"})
        self.expiries = world.calendar({"firm": "int32", "since": "int32", "record_id": "int64"})
        world.offer(f"list:{self.name}", self)
        world.offer(f"corporate_list:{self.name}", self)

    def whole_sums(self, sums: dict[str, int]) -> None:
        """Size the per-firm arrays to the register, which the firms' behaviour fills from its
        own whole sums, handed to it before this consequence's (credsim.behavior.firms)."""
        if self.firm_since.shape[0] != self.table.n:
            self.firm_since = np.full(self.table.n, -1, np.int16)
            self.balance = np.zeros(self.table.n, np.int8)

    def merge(self, parts: list[CorporateList]) -> None:
        """Every firm's listing and balance, in the register's order (the other shards' firms
        follow this one's); the representatives' column is gathered with the state."""
        self.firm_since = np.concatenate([self.firm_since, *(p.firm_since for p in parts)])
        self.balance = np.concatenate([self.balance, *(p.balance for p in parts)])

    @property
    def nbytes(self) -> int:
        """Resident bytes per firm (the per-citizen column is counted with the state)."""
        return self.firm_since.nbytes + self.balance.nbytes

    def respond(self, day: PublicDay) -> None:
        records = day.records
        kind, firm, rid = records["kind"], records["firm"], records["record_id"]
        about = firm >= 0
        firm = np.where(about, self.table.local(firm), -1)  # positions in the register
        debt = about & among(kind, self.debts)
        if debt.any():
            self._shift(firm[debt], +1)
            if self.params.warn:
                self._log(day, firm[debt], "warned", rid[debt])
            self.checks.push(
                np.full(int(debt.sum()), day.day + self.params.listing_delay_days),
                firm=firm[debt],
                record_id=rid[debt],
            )
        paid = about & (kind == self.payment)
        if paid.any():
            self._settle(day, firm[paid], rid[paid])
        self._list(day)
        self._expire(day)

    def _list(self, day: PublicDay) -> None:
        due = self.checks.pop(day.day)
        firms, first = np.unique(due["firm"].astype(np.int64), return_index=True)
        listing = (self.balance[firms] > 0) & (self.firm_since[firms] < 0)
        reps = self.table.legal_rep[firms].astype(np.int64)
        if self.alive is not None:  # a firm whose representative died is listed without them
            listing &= self.alive(reps)
        firms, reps, rid = firms[listing], reps[listing], due["record_id"][first[listing]]
        self.firm_since[firms] = day.day
        self.rep_since[reps] = day.day
        self._log(day, firms, "listed", rid)
        if self.params.expires_days > 0 and firms.shape[0]:
            self.expiries.push(
                np.full(firms.shape[0], day.day + self.params.expires_days),
                firm=firms,
                since=np.full(firms.shape[0], day.day),
                record_id=rid,
            )

    def _settle(self, day: PublicDay, firms: np.ndarray, record_ids: np.ndarray) -> None:
        """Debts settled: lift the listing of firms that owe nothing more."""
        self._shift(firms, -1)
        payer, first = np.unique(firms.astype(np.int64), return_index=True)
        clear = (self.balance[payer] <= 0) & (self.firm_since[payer] >= 0)
        self._lift(day, payer[clear], record_ids[first[clear]])

    def _expire(self, day: PublicDay) -> None:
        ends = self.expiries.pop(day.day)
        firms = ends["firm"].astype(np.int64)
        same = self.firm_since[firms] == ends["since"]
        firms = firms[same]
        self.balance[firms] = 0
        self._lift(day, firms, ends["record_id"][same])

    def _lift(self, day: PublicDay, firms: np.ndarray, record_ids: np.ndarray) -> None:
        if not firms.shape[0]:
            return
        self.firm_since[firms] = -1
        self.rep_since[self.table.legal_rep[firms]] = -1
        self._log(day, firms, "delisted", record_ids)

    def _shift(self, firms: np.ndarray, step: int) -> None:
        """Add `step` per record to each firm's balance, saturating at the int8 range."""
        which, count = np.unique(firms, return_counts=True)
        moved = self.balance[which].astype(np.int32) + step * count
        self.balance[which] = np.clip(moved, -127, 127)

    def _log(self, day: PublicDay, firms: np.ndarray, action: str, record_ids) -> None:
        """A sanction event per firm, naming its legal representative and the record."""
        if firms.shape[0]:
            day.sanctions.add(
                day=day.day,
                citizen=self.table.legal_rep[firms],
                consequence=self.code,
                action=self.act[action],
                record_id=record_ids,
                agency=self.agency,
            )
