"""Joint punishment: agencies that subscribe to lists and refuse listed citizens what they restrict.

Each agency (airlines, railways, banks, schools...) checks only a share of the citizens who come to
it (`coverage`, fixed per citizen by a hash), acts on a new listing only `pickup_days` after it,
and keeps refusing for `removal_days` after a removal. An agency may join later than the plug-in
is switched on (`acts_from`: the day it took up the memorandum). Schools refuse a child when a
parent in the household is listed. Every refusal is a sanction event naming the agency and the
record refused.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Consequence, PluginParams, PublicDay, RecordWorld
from credsim.engine.checks import check_unique
from credsim.engine.listing import or_treated_as_listed
from credsim.errors import UserError, did_you_mean
from credsim.population.households import parents_of
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["Agency", "JointPunishment"]


class Agency(PluginParams):
    restricts: list[str] = Field(description="record kinds refused to restricted citizens")
    coverage: float = Field(1.0, ge=0, le=1, description="share of citizens the agency checks")
    pickup_days: int = Field(0, ge=0, le=3650, description="days before it acts on a listing")
    removal_days: int = Field(0, ge=0, le=3650, description="days it lags behind a removal")
    acts_from: dt.date | None = Field(
        None, description="the first day it refuses anyone (default: when the plug-in is on)"
    )
    through_parents: bool = Field(
        False, description="refuse a child when a parent in the household is restricted"
    )
    lists: list[str] | None = Field(None, description="lists it reads (default: the plug-in's)")

    @field_validator("restricts")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        check_unique(v, "restricts")
        return [check_kind(k, RECORD_KINDS, "record kind") for k in v]

    @field_validator("lists")
    @classmethod
    def _once(cls, v: list[str] | None) -> list[str] | None:
        check_unique(v or [], "lists")
        return v


class JointParams(PluginParams):
    lists: list[str] = Field(
        default_factory=lambda: ["court_blacklist"], description="consequences whose lists count"
    )
    agencies: dict[str, Agency] = Field(default_factory=dict)

    @field_validator("lists")
    @classmethod
    def _once(cls, v: list[str]) -> list[str]:
        check_unique(v, "lists")
        return v


class JointPunishment(Consequence):
    """Agencies refuse listed citizens flights, trains, loans, posts, luxuries and schools."""

    Params = JointParams
    params: JointParams
    live = ("agencies.*.coverage", "agencies.*.pickup_days", "agencies.*.removal_days")

    def init(self, world: RecordWorld) -> None:
        self.world = world
        columns = {}
        wanted = {
            *self.params.lists,
            *(n for a in self.params.agencies.values() for n in a.lists or []),
        }
        for name in wanted:
            info = world.sanctions.get(name)
            if info is None:
                did = did_you_mean(name, world.sanctions)
                raise UserError(
                    f"consequences.{self.name}: no list named {name!r}"
                    + did
                    + f"; lists in this scenario: {', '.join(world.sanctions) or 'none'}"
                )
            columns[name] = (world.state[info.column], info.keeps_removals)
        self.columns = columns
        codes = world.codes
        self.code = codes.code("consequence", self.name)
        self.refused = codes.code("action", "refused")
        self.configure()

    def configure(self) -> None:
        """Each agency: its code, parameters, restricted kinds, coverage stream and lists."""
        codes, world = self.world.codes, self.world
        self.agencies = []
        for name, agency in self.params.agencies.items():
            kinds = np.array([codes.code("record_kind", k) for k in agency.restricts])
            stream = world.stream(f"consequence.{self.name}.{name}.coverage")
            lists = [self.columns[n] for n in (agency.lists or self.params.lists)]
            first = 0 if agency.acts_from is None else (agency.acts_from - world.start).days
            self.agencies.append((codes.code("agency", name), agency, kinds, stream, lists, first))

    @staticmethod
    def restricted(citizens: np.ndarray, day: int, agency: Agency, lists) -> np.ndarray:
        """Whether the agency treats each citizen as listed today on any of its lists."""
        out = np.zeros(citizens.shape[0], bool)
        c = np.ascontiguousarray(citizens)
        for status, keeps_removals in lists:
            removal_days = agency.removal_days if keeps_removals else 0
            or_treated_as_listed(status, c, day, agency.pickup_days, removal_days, out)
        return out

    def respond(self, day: PublicDay) -> None:
        records = day.records
        who, rid = records["attributed_to"], records["record_id"]
        state = self.world.state
        for code, agency, kinds, stream, lists, first in self.agencies:
            if day.day < first:
                continue
            asking = records.rows_of_any("kind", kinds.tolist())
            if not asking.shape[0]:
                continue
            citizens, record_ids = who[asking], rid[asking]
            checked = stream.uniform(0, citizens) < agency.coverage
            if agency.through_parents:
                parents = parents_of(citizens, state["household"], state["traits"])
                flat = np.where(parents >= 0, parents, 0).ravel()
                hit = self.restricted(flat, day.day, agency, lists).reshape(parents.shape)
                hit &= parents >= 0
                blocked = hit.any(axis=1)
            else:
                blocked = self.restricted(citizens, day.day, agency, lists)
            refuse = checked & blocked
            if refuse.any():
                day.sanctions.add(
                    day=day.day,
                    citizen=citizens[refuse],
                    consequence=self.code,
                    action=self.refused,
                    record_id=record_ids[refuse],
                    agency=code,
                )
