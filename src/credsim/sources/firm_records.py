"""Commercial-sincerity records about firms: court judgments for breached contracts, labour
inspectors' findings of unpaid wages, regulators' findings of withheld deposits, settlements, and
the firms' tenders and loan applications as the agencies receive them.

A record about a firm names the firm (`firm`) and, as the person the rule reaches, the firm's
legal representative in the register (`attributed_to`); its truth fields name the owner who acted.
Where the firm registered a relative as its representative, the record reaches the relative for
the owner's act: no source erred, the register says so.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Day, PluginParams, Source, World
from credsim.engine.checks import Probability
from credsim.engine.rng import event_key
from credsim.errors import UserError
from credsim.vocab import ACT_KINDS, RECORD_KINDS, check_kind

__all__ = ["FirmRecordRule", "FirmRecords"]

_PENDING = {
    "kind": "uint8",
    "attributed_to": "int32",
    "true_actor": "int32",
    "act_id": "int64",
    "firm": "int32",
}


class FirmRecordRule(PluginParams):
    act: str = Field(description="firm act kind the records are made from")
    record: str | None = Field(None, description="record kind written (default: the rule's name)")
    share: Probability = Field(1.0, description="share of such acts that give a record")
    delay_days: int = Field(0, ge=0, le=3650, description="days from act to record")
    delay_extra_mean: float = Field(
        0.0, ge=0, le=3650, description="mean of a further geometric delay, in days"
    )

    @field_validator("act")
    @classmethod
    def _act(cls, v: str) -> str:
        return check_kind(v, ACT_KINDS, "act kind")

    @field_validator("record")
    @classmethod
    def _record(cls, v: str | None) -> str | None:
        return None if v is None else check_kind(v, RECORD_KINDS, "record kind")


def _default_rules() -> dict[str, FirmRecordRule]:
    # Delays are assumptions: judgments months after a breach, as the citizens' in the default
    # scenario; a labour inspector's decision about a month after workers complain (the wage
    # arrears blacklist lists within 20 working days of a decision); a regulator's finding on a
    # withheld deposit in two weeks; a settlement recorded in a week.
    return {
        "firm_judgment": FirmRecordRule(
            act="firm_contract_breach", delay_days=120, delay_extra_mean=60
        ),
        "wages_unpaid": FirmRecordRule(act="firm_wage_arrears", delay_days=30),
        "deposit_withheld": FirmRecordRule(act="firm_deposit_withheld", delay_days=14),
        "firm_debt_settled": FirmRecordRule(act="firm_debt_settled", delay_days=7),
        "firm_bid": FirmRecordRule(act="firm_bid"),
        "firm_loan_application": FirmRecordRule(act="firm_loan_application"),
    }


class FirmRecordsParams(PluginParams):
    records: dict[str, FirmRecordRule] = Field(default_factory=_default_rules)

    @field_validator("records")
    @classmethod
    def _names(cls, v: dict[str, FirmRecordRule]) -> dict[str, FirmRecordRule]:
        for name, rule in v.items():
            if rule.record is None:
                check_kind(name, RECORD_KINDS, "record kind (rule name without `record =`)")
        return v


class FirmRecords(Source):
    """Records about firms, naming the firm and its registered legal representative."""

    Params = FirmRecordsParams
    params: FirmRecordsParams
    live = ("records.*.share", "records.*.delay_days")

    def init(self, world: World) -> None:
        self.world = world
        owners = world.services.get("firm_owners")
        if owners is None:
            raise UserError(
                f"sources.{self.name}: records about firms need the firms "
                '(a behavior with plugin = "firms") before this source in the scenario.'
            )
        self.owners = owners
        self.table = world.services["firms"]
        self.source_code = world.codes.code("source", self.name)
        self.pending = world.calendar(_PENDING)
        self.configure()

    def configure(self) -> None:
        world = self.world
        self.rules = []
        for name, rule in self.params.records.items():
            kind = rule.record or name
            world.record_acts.setdefault(kind, set()).add(rule.act)
            self.rules.append(
                (
                    rule,
                    world.codes.code("act_kind", rule.act),
                    world.codes.code("record_kind", kind),
                    world.stream(f"source.{self.name}.{name}.seen"),
                    world.stream(f"source.{self.name}.{name}.delay"),
                )
            )

    def observe(self, day: Day) -> None:
        due = self.pending.pop(day.day)
        if due["kind"].shape[0]:
            day.records.add(day=day.day, source=self.source_code, **due)
        acts = day.acts
        for rule, act_code, code, seen, delay in self.rules:
            mine = acts.rows_of("kind", act_code)
            if not mine.shape[0]:
                continue
            actor, act_id, when = acts["actor"][mine], acts["act_id"][mine], acts["day"][mine]
            firm = self.owners.firm_of_owner(actor)
            key = event_key(when, actor, act_code)
            keep = (firm >= 0) & (seen.uniform(0, key) < rule.share)
            actor, act_id, when, firm, key = (a[keep] for a in (actor, act_id, when, firm, key))
            wait = np.full(actor.shape[0], rule.delay_days, np.int64)
            if rule.delay_extra_mean > 0:
                wait += delay.geometric(0, key, rule.delay_extra_mean + 1) - 1
            columns = {
                "kind": np.full(actor.shape[0], code),
                "attributed_to": self.table.legal_rep[self.table.local(firm)],
                "true_actor": actor,
                "act_id": act_id,
                "firm": firm,
            }
            now = when + wait <= day.day
            if now.any():
                day.records.add(
                    day=day.day, source=self.source_code, **{k: v[now] for k, v in columns.items()}
                )
            if (~now).any():
                self.pending.push((when + wait)[~now], **{k: v[~now] for k, v in columns.items()})
