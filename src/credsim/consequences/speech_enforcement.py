"""Speech enforcement: warnings, closed accounts and detention over flagged posts.

Each `post_flagged` record (a post a classifier flagged, named to the holder of the number it came
from) meets at most one measure, drawn once per citizen and day: detention with chance
`detention.chance`, for a whole number of days drawn evenly from `detention.days`; else the closure
of the account with chance `closure.chance`, for `closure.days`; else a warning with chance
`warning_chance`; else nothing. Detention is not executed on a citizen under `min_age` (a warning
instead). A detained citizen does nothing until released, and a citizen whose account is closed
posts nothing until it is replaced (credsim.engine.restraint); each is told
(credsim.engine.notices), and self-censorship spreads the news to their household and friends.

It sees records only: a post flagged in error, or made by someone else from a number in the
citizen's name, is punished like any other; the metrics count them (metrics.speech_enforcement).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Column, Consequence, PluginParams, PublicDay, RecordWorld, Restraint
from credsim.engine.restraint import UNTIL_MAX
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["SpeechEnforcement"]


class Measure(PluginParams):
    chance: float = Field(0.0, ge=0, le=1, description="chance per flagged post")
    days: tuple[int, int] = Field((1, 1), description="shortest and longest, in whole days")

    @field_validator("days")
    @classmethod
    def _ordered(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= v[0] <= v[1] <= 3650:
            raise ValueError(f"days must be [shortest, longest] within 1-3650, got {list(v)}")
        return v


class SpeechEnforcementParams(PluginParams):
    record: str = Field("post_flagged", description="record kind of a flagged post")
    warning_chance: float = Field(
        0.05, ge=0, le=1, description="chance a flagged post draws a warning (if nothing worse)"
    )
    closure: Measure = Field(
        default_factory=lambda: Measure(chance=1e-3, days=(30, 90)),
        description="the account closed: no posts until it is replaced",
    )
    detention: Measure = Field(
        default_factory=lambda: Measure(chance=7e-6, days=(5, 10)),
        description="administrative detention: no acts at all until released",
    )
    min_age: int = Field(18, ge=0, le=100, description="youngest age detained (younger: warned)")

    @field_validator("record")
    @classmethod
    def _kind(cls, v: str) -> str:
        return check_kind(v, RECORD_KINDS, "record kind")


class SpeechEnforcement(Consequence):
    """Warns, closes accounts and detains over flagged posts; the detained stop acting."""

    Params = SpeechEnforcementParams
    params: SpeechEnforcementParams
    live = ("warning_chance", "closure.chance", "detention.chance")

    @property
    def detained_column(self) -> str:
        return f"detained_until.{self.name}"

    @property
    def closed_column(self) -> str:
        return f"account_closed_until.{self.name}"

    def columns(self) -> list[Column]:
        doc = "first day free again (0: never held)"
        return [
            Column(self.detained_column, "uint16", owner=self.name, doc=f"detention: {doc}"),
            Column(self.closed_column, "uint16", owner=self.name, doc=f"closed account: {doc}"),
        ]

    def restraints(self) -> list[Restraint]:
        return [Restraint(self.detained_column), Restraint(self.closed_column, ("post",))]

    def init(self, world: RecordWorld) -> None:
        self.detained_until = world.state[self.detained_column]
        self.closed_until = world.state[self.closed_column]
        self.age = world.state["age"]
        self.alive = world.alive
        codes = world.codes
        self.code = codes.code("consequence", self.name)
        self.agency = codes.code("agency", self.name)
        self.flagged = codes.code("record_kind", self.params.record)
        self.act = {a: codes.code("action", a) for a in ("warned", "account_closed", "detained")}
        self.decide = world.stream(f"consequence.{self.name}.decide")
        self.length = world.stream(f"consequence.{self.name}.days")
        world.offer(f"speech_enforcement:{self.name}", self)

    def respond(self, day: PublicDay) -> None:
        records = day.records
        flagged = records["kind"] == self.flagged
        if not flagged.any():
            return
        who, first = np.unique(records["attributed_to"][flagged], return_index=True)
        rid = records["record_id"][flagged][first]
        if self.alive is not None:  # a record naming someone dead punishes nobody
            living = self.alive(who)
            who, rid = who[living], rid[living]
        p = self.params
        u = self.decide.uniform(day.day, who)
        detain = u < p.detention.chance
        close = ~detain & (u < p.detention.chance + p.closure.chance)
        warn = ~detain & ~close & (u < p.detention.chance + p.closure.chance + p.warning_chance)
        minor = detain & (self.age[who] < p.min_age)
        detain &= ~minor
        warn |= minor
        self._hold(day, who[detain], rid[detain], self.detained_until, p.detention, "detained")
        self._hold(day, who[close], rid[close], self.closed_until, p.closure, "account_closed")
        self._log(day, who[warn], rid[warn], "warned")

    def _hold(
        self,
        day: PublicDay,
        who: np.ndarray,
        rid: np.ndarray,
        until: np.ndarray,
        measure: Measure,
        action: str,
    ) -> None:
        """Hold each citizen from tomorrow for a drawn number of days (longer if already held)."""
        if who.shape[0] == 0:
            return
        low, high = measure.days
        days = low + self.length.integers(day.day, who, high - low + 1)
        free = np.minimum(day.day + 1 + days, UNTIL_MAX)
        until[who] = np.maximum(until[who], free).astype(np.uint16)
        self._log(day, who, rid, action)

    def _log(self, day: PublicDay, who: np.ndarray, rid: np.ndarray, action: str) -> None:
        if who.shape[0]:
            day.sanctions.add(
                day=day.day,
                citizen=who,
                consequence=self.code,
                action=self.act[action],
                record_id=rid,
                agency=self.agency,
            )
