"""Fines: money owed for recorded conduct (a jaywalker caught by a camera is fined 20 yuan),
paid on time, paid late with a surcharge, or left in arrears until the fining authority asks a
court to enforce it, when it becomes a debt on the court's list like an unpaid judgment.

A fine follows its record, not the act: a camera's false match fines the wrong citizen, who pays
or falls into arrears like anyone else. Whether a citizen pays by the due date is drawn once per
fine from the citizen's public traits (`pay_by_trait`, such as income); of those who do not, a
share pays later with the surcharge; the rest are sent to court `enforce_after_days` after the due
date if they owe at least `court_min_yuan`, and a share of those pay once the court acts (which
lifts the listing if they owe nothing more). Every step is a sanction event of this consequence
naming the fine's record (`fined`, `fine_paid`, `fine_overdue`, `fine_to_court`); the money is
kept in a day's ledger that the `fines` metric reads.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Consequence, PluginParams, PublicDay, RecordWorld
from credsim.engine.checks import MultiplierTable
from credsim.engine.rng import event_key
from credsim.engine.sealed import PublicService
from credsim.engine.traits import LabelTables
from credsim.errors import UserError, did_you_mean
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["FineLedger", "Fines"]

PAY, OVERDUE, PAY_LATE, COURT, COURT_PAID = range(5)
"""What a fine's next calendar row does on its day."""
LEDGER = ("fined", "paid", "overdue", "paid_late", "surcharge", "to_court", "written_off")
"""Money moves of a day: fined (face value), paid on time, fallen into arrears, arrears paid
(face value), the surcharge paid on top, sent to court, arrears of the dead written off."""


class FinesParams(PluginParams):
    amounts: dict[str, int] = Field(
        default_factory=lambda: {"jaywalking": 20},
        description="whole yuan fined per record of each kind (jaywalking: 20, articles)",
    )
    min_age: int = Field(
        14,
        ge=0,
        le=100,
        description="no fine below this age (Administrative Penalty Law: no administrative "
        "penalty under 14)",
    )
    due_days: int = Field(
        15,
        ge=0,
        le=365,
        description="days to pay (Administrative Penalty Law: within 15 days of the decision)",
    )
    pay_share: float = Field(
        0.85,
        ge=0,
        le=1,
        description="share of fines paid by the due date (assumption, range 0.6-0.98: no "
        "published figure)",
    )
    pay_by_trait: MultiplierTable = Field(
        default_factory=dict,
        description="multipliers of pay_share by trait and label (e.g. income = { q1 = 0.8 }); "
        "the chance is capped at 1",
    )
    late_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="of the fines not paid on time, the share paid before the court is asked "
        "(assumption, range 0.2-0.8)",
    )
    surcharge_per_day: float = Field(
        0.03,
        ge=0,
        le=1,
        description="late surcharge per day, as a share of the fine (Administrative Penalty "
        "Law: 3% a day)",
    )
    surcharge_cap: float = Field(
        1.0, ge=0, le=10, description="the surcharge is at most this share of the fine (law: 1)"
    )
    enforce_after_days: int = Field(
        90,
        ge=1,
        le=3650,
        description="days after the due date before the authority asks a court to enforce "
        "(Administrative Compulsory Law: within three months; assumption, range 30-270)",
    )
    court: str | None = Field(
        "court_blacklist",
        description='the list that enforces unpaid fines ("" or none: they stay in arrears)',
    )
    court_min_yuan: float = Field(
        0.0,
        ge=0,
        le=1e9,
        description="arrears (with surcharge) below this are never sent to court (assumption)",
    )
    court_pay_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="share of fines sent to court that are then paid (assumption, range "
        "0.1-0.6; 3.51M of 13.49M listed had paid up by 2018-19, facts)",
    )
    court_pay_mean_days: float = Field(
        90.0,
        gt=0,
        le=36500,
        description="mean days from court enforcement to payment (assumption)",
    )

    @field_validator("amounts")
    @classmethod
    def _kinds(cls, v: dict[str, int]) -> dict[str, int]:
        for kind, yuan in v.items():
            check_kind(kind, RECORD_KINDS, "record kind")
            if not 0 <= yuan <= 1e7:
                raise ValueError(f"amounts.{kind}: {yuan} yuan is out of range (0 to 10,000,000)")
        return v


class FineLedger(PublicService):
    """One day's money moves: citizen, what (an index into LEDGER), yuan and the fine's record."""

    def __init__(self, day: int = -1) -> None:
        self.day = day
        self._parts: list[tuple[np.ndarray, int, np.ndarray, np.ndarray]] = []

    def add(self, citizens: np.ndarray, what: str, yuan: np.ndarray, record_ids) -> None:
        if citizens.shape[0]:
            self._parts.append((citizens, LEDGER.index(what), yuan, record_ids))

    def rows(self) -> dict[str, np.ndarray]:
        """The day's moves as columns `citizen`, `what`, `yuan`, `record_id`."""
        if not self._parts:
            return {
                "citizen": np.empty(0, np.int64),
                "what": np.empty(0, np.int8),
                "yuan": np.empty(0),
                "record_id": np.empty(0, np.int64),
            }
        return {
            "citizen": np.concatenate([p[0] for p in self._parts]).astype(np.int64),
            "what": np.concatenate([np.full(p[0].shape[0], p[1], np.int8) for p in self._parts]),
            "yuan": np.concatenate([np.asarray(p[2], np.float64) for p in self._parts]),
            "record_id": np.concatenate([np.asarray(p[3], np.int64) for p in self._parts]),
        }


class Fines(Consequence):
    """Fines per record kind: paid, paid late, or in arrears until a court enforces them."""

    Params = FinesParams
    params: FinesParams

    def needs(self) -> list[str]:
        return [f"list:{self.params.court}"] if self.params.court else []

    def init(self, world: RecordWorld) -> None:
        self.world = world
        p = self.params
        codes = world.codes
        self.court = None
        if p.court:
            self.court = world.services.get(f"list:{p.court}")
            if self.court is None:
                did = did_you_mean(p.court, world.sanctions)
                raise UserError(
                    f"consequences.{self.name}.court: no list named {p.court!r}{did} before it "
                    f"in this scenario (lists: {', '.join(world.sanctions) or 'none'}); "
                    'put the list first, or set court = "" to keep unpaid fines in arrears.'
                )
        kinds = [codes.code("record_kind", k) for k in p.amounts]
        self.kinds = np.array(kinds, np.int64)
        self.amount_of = np.zeros(max(kinds, default=0) + 1, np.float64)
        self.amount_of[self.kinds] = list(p.amounts.values())
        self.factor = LabelTables(p.pay_by_trait, world.traits, f"consequences.{self.name}")
        self.age = world.state["age"]
        self.code = codes.code("consequence", self.name)
        self.agency = codes.code("agency", self.name)
        self.act = {
            a: codes.code("action", a)
            for a in ("fined", "fine_paid", "fine_overdue", "fine_to_court")
        }
        self.pay = world.stream(f"consequence.{self.name}.pay")
        self.court_pay = world.stream(f"consequence.{self.name}.court_pay")
        self.due = world.calendar(
            {
                "citizen": "int32",
                "record_id": "int64",
                "fined": "int32",
                "kind": "uint8",
                "yuan": "int32",
                "step": "uint8",
            }
        )
        self.ledger = FineLedger()
        world.offer(f"fines:{self.name}", self)

    def ledger_on(self, day: int) -> FineLedger:
        """The money moves of `day` (empty if the plug-in did not run that day)."""
        return self.ledger if self.ledger.day == day else FineLedger(day)

    def respond(self, day: PublicDay) -> None:
        self.ledger = FineLedger(day.day)
        records = day.records
        fined = records.rows_of_any("kind", self.kinds.tolist())
        if fined.shape[0]:
            self._fine(
                day,
                records["attributed_to"][fined].astype(np.int64),
                records["record_id"][fined],
                records["kind"][fined].astype(np.int64),
            )
        rows = self.due.pop(day.day)
        if self.world.alive is not None:
            rows = self._write_off_dead(rows)
        step = rows["step"]
        for what, handle in (
            (PAY, self._paid),
            (OVERDUE, self._overdue),
            (PAY_LATE, self._paid_late),
            (COURT, self._to_court),
            (COURT_PAID, self._paid_late),
        ):
            mine = step == what
            if mine.any():
                handle(day, {name: col[mine] for name, col in rows.items()})

    def _fine(self, day: PublicDay, who: np.ndarray, rid: np.ndarray, kind: np.ndarray) -> None:
        """Fine each record's citizen and schedule payment or the due date."""
        p = self.params
        ok = self.age[who] >= p.min_age
        if self.world.alive is not None:
            ok &= self.world.alive(who)
        who, rid, kind = who[ok], rid[ok], kind[ok]
        if who.shape[0] == 0:
            return
        yuan = self.amount_of[kind]
        self._log(day, who, "fined", rid)
        self.ledger.add(who, "fined", yuan, rid)
        u, chance = self._pay_draw(day.day, who, kind)
        on_time = u < chance
        # Payers pay on a day spread over the period (the draw reused, scaled to [0, 1)).
        spread = np.where(on_time, u / np.maximum(chance, 1e-12), 0.0)
        wait = np.minimum(np.floor(spread * (p.due_days + 1)), p.due_days).astype(np.int64)
        due = np.where(on_time, day.day + wait, day.day + p.due_days + 1)
        self.due.push(
            due,
            citizen=who,
            record_id=rid,
            fined=np.full(who.shape[0], day.day),
            kind=kind,
            yuan=yuan,
            step=np.where(on_time, PAY, OVERDUE),
        )

    def _pay_draw(self, fined: np.ndarray | int, who: np.ndarray, kind: np.ndarray):
        """The fine's uniform and the citizen's chance of paying on time: the same for the same
        fine in any scenario where it is levied (common random numbers)."""
        u = self.pay.uniform(0, event_key(fined, who, kind))
        chance = np.minimum(self.params.pay_share * self.factor.factor(who), 1.0)
        return u, chance

    def _paid(self, day: PublicDay, rows: dict) -> None:
        self._log(day, rows["citizen"], "fine_paid", rows["record_id"])
        self.ledger.add(rows["citizen"], "paid", rows["yuan"], rows["record_id"])

    def _overdue(self, day: PublicDay, rows: dict) -> None:
        """Unpaid on the due date: arrears; some pay later, the others go to court."""
        p = self.params
        who, kind = rows["citizen"].astype(np.int64), rows["kind"].astype(np.int64)
        self._log(day, who, "fine_overdue", rows["record_id"])
        self.ledger.add(who, "overdue", rows["yuan"], rows["record_id"])
        u, chance = self._pay_draw(rows["fined"].astype(np.int64), who, kind)
        late = np.clip((u - chance) / np.maximum(1.0 - chance, 1e-12), 0.0, 1.0 - 1e-12)
        pays = late < p.late_share
        wait = np.floor(late / max(p.late_share, 1e-12) * p.enforce_after_days).astype(np.int64)
        later = day.day + 1 + np.minimum(wait, p.enforce_after_days - 1)
        due = np.where(pays, later, day.day + p.enforce_after_days)
        self.due.push(due, **{**rows, "step": np.where(pays, PAY_LATE, COURT)})

    def _owed(self, day: int, rows: dict) -> np.ndarray:
        """The surcharge owed on top of each fine on `day`, in whole yuan (rounded down)."""
        p = self.params
        late = np.maximum(day - (rows["fined"].astype(np.int64) + p.due_days), 0)
        share = np.minimum(p.surcharge_per_day * late, p.surcharge_cap)
        return np.floor(rows["yuan"].astype(np.float64) * share)

    def _paid_late(self, day: PublicDay, rows: dict) -> None:
        who, rid = rows["citizen"].astype(np.int64), rows["record_id"]
        self._log(day, who, "fine_paid", rid)
        self.ledger.add(who, "paid_late", rows["yuan"], rid)
        self.ledger.add(who, "surcharge", self._owed(day.day, rows), rid)
        if self.court is not None:
            sent = rows["step"] == COURT_PAID
            if sent.any():
                self.court.settle(day, who[sent], rid[sent])

    def _to_court(self, day: PublicDay, rows: dict) -> None:
        """Arrears the authority asks a court to enforce: a debt on the court's list."""
        p = self.params
        owed = rows["yuan"] + self._owed(day.day, rows)
        sent = owed >= p.court_min_yuan if self.court is not None else np.zeros(owed.shape, bool)
        if not sent.any():
            return
        rows = {name: col[sent] for name, col in rows.items()}
        who, rid = rows["citizen"].astype(np.int64), rows["record_id"]
        self._log(day, who, "fine_to_court", rid)
        self.ledger.add(who, "to_court", rows["yuan"], rid)
        assert self.court is not None
        self.court.enforce(day, who, rid)
        v = self.court_pay.uniform(0, event_key(rows["fined"].astype(np.int64), who, rows["kind"]))
        pays = v < p.court_pay_share
        if pays.any():
            scaled = v[pays] / max(p.court_pay_share, 1e-12)
            wait = 1 + np.floor(-p.court_pay_mean_days * np.log1p(-scaled)).astype(np.int64)
            paying = {name: col[pays] for name, col in rows.items()}
            self.due.push(day.day + wait, **{**paying, "step": np.full(wait.shape[0], COURT_PAID)})

    def _write_off_dead(self, rows: dict) -> dict:
        """A fine dies with the citizen: arrears are written off, pending payments dropped."""
        alive = self.world.alive(rows["citizen"].astype(np.int64))
        if alive.all():
            return rows
        dead = ~alive
        owing = dead & (rows["step"] != PAY) & (rows["step"] != OVERDUE)
        self.ledger.add(
            rows["citizen"][owing].astype(np.int64),
            "written_off",
            rows["yuan"][owing],
            rows["record_id"][owing],
        )
        return {name: col[alive] for name, col in rows.items()}

    def _log(self, day: PublicDay, citizens: np.ndarray, action: str, record_ids) -> None:
        if citizens.shape[0]:
            day.sanctions.add(
                day=day.day,
                citizen=citizens,
                consequence=self.code,
                action=self.act[action],
                record_id=record_ids,
                agency=self.agency,
            )
