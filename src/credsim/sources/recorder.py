"""A table-driven source: each record kind comes from one act kind, with a share, a miss rate,
a misattribution rate (the record goes to the wrong citizen), a delay, and a rate of records
fabricated with no act behind them.

Every draw is keyed by the act's id (or, for fabrications, by the citizen), so two scenarios that
differ only in policy see the same records.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator, model_validator

from credsim.engine import Day, PluginParams, Source, World
from credsim.vocab import ACT_KINDS, RECORD_KINDS, check_kind

__all__ = ["Recorder"]

_PENDING = {"kind": "uint8", "attributed_to": "int32", "true_actor": "int32", "act_id": "int64"}


class RecordRule(PluginParams):
    act: str = Field(description="act kind this record kind is made from")
    share: float = Field(1.0, ge=0, le=1, description="share of such acts that give a record")
    miss_rate: float = Field(0.0, ge=0, le=1, description="share of those the source misses")
    misattribution_rate: float = Field(
        0.0, ge=0, le=1, description="share of records attributed to the wrong citizen"
    )
    delay_days: int = Field(0, ge=0, le=3650, description="days from act to record")
    fabrication_rate: float = Field(
        0.0, ge=0, le=1, description="records with no act behind them, per citizen per day"
    )

    @field_validator("act")
    @classmethod
    def _known_act(cls, v: str) -> str:
        return check_kind(v, ACT_KINDS, "act kind")


class RecorderParams(PluginParams):
    records: dict[str, RecordRule] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_records(self) -> RecorderParams:
        for kind in self.records:
            check_kind(kind, RECORD_KINDS, "record kind")
        return self


class Recorder(Source):
    """Records acts per a table of record kinds, with misses, misattribution, delay, fabrication."""

    Params = RecorderParams
    params: RecorderParams

    def init(self, world: World) -> None:
        self.n = world.n
        self.source_code = world.codes.code("source", self.name)
        self.act_code = {k: world.codes.code("act_kind", k) for k in ACT_KINDS}
        self.record_code = {k: world.codes.code("record_kind", k) for k in RECORD_KINDS}
        base = f"source.{self.name}"
        self.streams = {
            kind: {
                part: world.stream(f"{base}.{kind}.{part}")
                for part in ("seen", "wrong", "whom", "fabricated", "fabricated_whom")
            }
            for kind in self.params.records
        }
        self.pending = world.calendar(_PENDING)

    def observe(self, day: Day) -> None:
        due = self.pending.pop(day.day)
        if due["kind"].shape[0]:
            day.records.add(record_id=0, day=day.day, source=self.source_code, **due)
        acts_kind, acts_actor, acts_id = day.acts["kind"], day.acts["actor"], day.acts["act_id"]
        for kind, rule in self.params.records.items():
            s = self.streams[kind]
            mine = acts_kind == self.act_code[rule.act]
            actor, act_id = acts_actor[mine], acts_id[mine]
            seen = s["seen"].uniform(day.day, act_id) < rule.share * (1.0 - rule.miss_rate)
            actor, act_id = actor[seen], act_id[seen]
            attributed = actor.copy()
            if rule.misattribution_rate > 0 and actor.shape[0] and self.n > 1:
                wrong = s["wrong"].uniform(day.day, act_id) < rule.misattribution_rate
                other = s["whom"].integers(day.day, act_id[wrong], self.n - 1).astype(np.int32)
                attributed[wrong] = other + (other >= actor[wrong])
            self._emit(day, kind, rule.delay_days, attributed, actor, act_id)
            fabricated = s["fabricated"].hits(day.day, self.n, rule.fabrication_rate)
            if fabricated.shape[0]:
                # The hit index only numbers the fabrication; its victim is drawn apart from it.
                victim = s["fabricated_whom"].integers(day.day, fabricated, self.n)
                none = np.full(victim.shape[0], -1)
                self._emit(day, kind, rule.delay_days, victim, none, none)

    def _emit(self, day: Day, kind: str, delay: int, attributed, actor, act_id) -> None:
        if attributed.shape[0] == 0:
            return
        code = self.record_code[kind]
        if delay == 0:
            day.records.add(
                record_id=0,
                day=day.day,
                kind=code,
                source=self.source_code,
                attributed_to=attributed,
                true_actor=actor,
                act_id=act_id,
            )
        else:
            count = attributed.shape[0]
            self.pending.push(
                np.full(count, day.day + delay),
                kind=np.full(count, code),
                attributed_to=attributed,
                true_actor=actor,
                act_id=act_id,
            )
