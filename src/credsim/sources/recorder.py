"""A table-driven source: each rule turns one act kind into records of one record kind, with
coverage by trait, a share, misses, a delay, an identification model and fabricated records.

Identification says who a record names: `id` (an ID document; data-entry errors send a share of
records to a random other citizen), `face` (a 1:N camera search: misses, and false matches that
name another citizen of the same sex, age band and group) or `account` (the registered holder of
the phone number the act used, from the identity source). Every draw is keyed by the act's id,
so two scenarios that differ only in policy see the same records. With the scenario switch
`sources.errors = false`, no record is misattributed, fabricated or lost to a false non-match.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from credsim.engine import Day, PluginParams, Source, World
from credsim.engine.checks import (
    MAX_LABELS,
    NonNegative,
    Probability,
    ProbabilityTable,
    check_shares,
)
from credsim.engine.regions import member_of_region, other_in_region
from credsim.engine.rng import event_key
from credsim.engine.traits import LabelTables
from credsim.errors import UserError
from credsim.sources.faceid import FaceModel, FaceParams
from credsim.sources.sighting import sighted
from credsim.sources.substitute import same_cell_other
from credsim.vocab import ACT_KINDS, RECORD_KINDS, check_kind

__all__ = ["RecordRule", "Recorder", "RecorderParams"]

_PENDING = {
    "kind": "uint8",
    "attributed_to": "int32",
    "true_actor": "int32",
    "act_id": "int64",
    "detail": "uint8",
    "true_detail": "uint8",
}
FABRICATED = 63
"""The kind number in the draw keys of fabricated records (no act kind has it)."""
_STREAMS = ("seen", "wrong", "whom", "fabricated", "fabricated_whom", "detail", "delay")


class RecordRule(PluginParams):
    act: str = Field(description="act kind the records are made from")
    record: str | None = Field(None, description="record kind written (default: the rule's name)")
    share: float = Field(1.0, ge=0, le=1, description="share of such acts that give a record")
    detail_shares: list[Probability] | None = Field(
        None,
        min_length=1,
        max_length=MAX_LABELS + 1,
        description="share by the act's detail (replaces `share`): a classifier's "
        "false-positive rate, then 1 - its false-negative rate",
    )
    miss_rate: float = Field(0.0, ge=0, le=1, description="share the source fails to see")
    coverage: ProbabilityTable = Field(
        default_factory=dict, description="trait -> label -> chance the source covers them"
    )
    identify: Literal["id", "face", "account"] = Field(
        "id", description="how the record names a citizen"
    )
    misattribution_rate: float = Field(
        0.0, ge=0, le=1, description="identify = id: records sent to a random other citizen"
    )
    delay_days: int = Field(0, ge=0, le=3650, description="days from act to record")
    delay_extra_mean: float = Field(
        0.0, ge=0, le=3650, description="mean of a further geometric delay, in days"
    )
    fabrication_rate: float = Field(
        0.0, ge=0, le=1, description="records with no act behind them, per citizen per day"
    )
    details: dict[str, NonNegative] | None = Field(
        None,
        max_length=MAX_LABELS + 1,
        description="draw the record's detail from these labels, shares summing to 1 (default: 0)",
    )
    copy_detail: bool = Field(
        False,
        description="the record's detail is the act's (public facts the witness saw, such as the "
        "grade of the stranger helped); else 0 or drawn from `details`",
    )

    @field_validator("act")
    @classmethod
    def _known_act(cls, v: str) -> str:
        return check_kind(v, ACT_KINDS, "act kind")

    @field_validator("record")
    @classmethod
    def _known_record(cls, v: str | None) -> str | None:
        return None if v is None else check_kind(v, RECORD_KINDS, "record kind")

    @field_validator("details")
    @classmethod
    def _shares(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is not None:
            check_shares(v, "details")
        return v

    @model_validator(mode="after")
    def _one_detail(self) -> RecordRule:
        if self.copy_detail and self.details is not None:
            raise ValueError("copy_detail and details both set the record's detail: keep one")
        return self


class RecorderParams(PluginParams):
    records: dict[str, RecordRule] = Field(default_factory=dict)
    face: FaceParams = Field(default_factory=FaceParams)

    @model_validator(mode="after")
    def _record_kinds(self) -> RecorderParams:
        for name, rule in self.records.items():
            if rule.record is None:
                check_kind(name, RECORD_KINDS, "record kind (rule name without `record =`)")
        return self


class Recorder(Source):
    """Records acts by a table of rules: coverage, misses, identification errors, delay, fakes."""

    Params = RecorderParams
    params: RecorderParams
    live = (
        "records.*.share",
        "records.*.detail_shares",
        "records.*.miss_rate",
        "records.*.coverage",
        "records.*.misattribution_rate",
        "records.*.fabrication_rate",
        "records.*.delay_days",
    )

    def init(self, world: World) -> None:
        self.world = world
        self.errors = world.source_errors
        self.source_code = world.codes.code("source", self.name)
        self.act_code = {k: world.codes.code("act_kind", k) for k in ACT_KINDS}
        self.configure()
        self.face = FaceModel(self.params.face, world.traits, world.n * world.people_per_agent)
        self.pending = world.calendar(_PENDING)

    def configure(self) -> None:
        """The rules, each with its record kind code, streams, coverage and detail table."""
        world = self.world
        self.rules = []
        for name, rule in self.params.records.items():
            kind = rule.record or name
            streams = {p: world.stream(f"source.{self.name}.{name}.{p}") for p in _STREAMS}
            where = f"sources.{self.name}.records.{name}.coverage"
            coverage = LabelTables(rule.coverage, world.traits, where)
            detail_cdf = None if rule.details is None else np.cumsum(list(rule.details.values()))
            code = world.codes.code("record_kind", kind)
            world.record_acts.setdefault(kind, set()).add(rule.act)
            self.rules.append((rule, code, streams, coverage, detail_cdf))

    def observe(self, day: Day) -> None:
        due = self.pending.pop(day.day)
        if due["kind"].shape[0]:
            day.records.add(day=day.day, source=self.source_code, **due)
        acts = day.acts
        for rule, code, s, coverage, detail_cdf in self.rules:
            mine = acts.rows_of("kind", self.act_code[rule.act])
            if mine.shape[0] == 0:  # no act of the kind today: nothing seen (no draw is used)
                if self.errors and rule.fabrication_rate > 0:
                    self._fabricate(day, rule, s, code, detail_cdf)
                continue
            by_detail = None if rule.detail_shares is None else np.asarray(rule.detail_shares)
            # A factor of 1 everywhere changes no chance: not multiplied.
            cover = coverage.factor(acts["actor"][mine]) if coverage.tables else None
            wrong = (s["wrong"].key, rule.misattribution_rate) if self._draws_wrong(rule) else None
            rows, key, misattributed = sighted(
                mine, acts["actor"], acts["day"], acts["detail"], self.act_code[rule.act],
                (rule.share, rule.miss_rate, by_detail, cover), s["seen"].key, wrong,
            )  # fmt: skip
            actor, act_id, detail, when = (
                acts[f][rows] for f in ("actor", "act_id", "detail", "day")
            )
            if rule.identify == "id":  # with errors, a share sent to a random other citizen
                attributed, kept = self._misattribute(s, actor, key, misattributed), None
            else:
                attributed, kept = self._identify(0, rule, s, actor, key)
            if kept is not None:
                actor, act_id, detail, when = (a[kept] for a in (actor, act_id, detail, when))
                key = key[kept]
            if self.errors and rule.identify != "face":
                attributed = self._pooled(day.day, rule, actor, attributed)
            # The act's detail is truth (a post really sensitive, an appellant who owes nothing);
            # the record holds only the source's own label, if it draws one.
            truth, detail = detail, np.zeros(detail.shape[0], np.uint8)
            if rule.copy_detail:
                detail = truth
            elif detail_cdf is not None:
                detail = np.searchsorted(
                    detail_cdf, s["detail"].uniform(0, key) * detail_cdf[-1], side="right"
                )
            self._emit(day, rule, s, code, attributed, actor, act_id, (detail, truth), key, when)
            if self.errors and rule.fabrication_rate > 0:
                self._fabricate(day, rule, s, code, detail_cdf)

    def _identify(self, day: int, rule: RecordRule, s, actor, key):
        """Who each record of an `account` or `face` rule names, and which acts give a record at
        all (None: every act); an `id` rule's errors are drawn by `sighted`."""
        attributed = actor.copy()
        if actor.shape[0] == 0:
            return attributed, None
        if rule.identify == "account":
            holder = self._accounts().holder(actor, truthful=not self.errors)
            kept = holder >= 0
            return holder[kept], kept
        if not self.errors:
            return attributed, None
        u = s["wrong"].uniform(day, key)
        false_match, miss = self.face.rates(actor)
        kept = u >= miss
        wrong = kept & (u < miss + false_match)
        others = same_cell_other(
            actor[wrong], key[wrong], self.world.traits, s["whom"], day, self.world.localities
        )
        attributed[wrong] = others
        return attributed[kept], kept

    def _draws_wrong(self, rule: RecordRule) -> bool:
        """Whether the rule's records may name a wrong citizen by a data-entry error (an `id`
        rule with errors on): `sighted` then draws which as it finds the acts seen."""
        return self.errors and rule.identify == "id"

    def _misattribute(self, s, actor: np.ndarray, key: np.ndarray, wrong: np.ndarray):
        """Who each record names: the actor, or for those `wrong`, a random other citizen of the
        actor's region."""
        attributed = actor.copy()
        if wrong.any():
            regions = self.world.localities
            attributed[wrong] = other_in_region(s["whom"], 0, key[wrong], actor[wrong], regions)
        return attributed

    def _pooled(self, day: int, rule: RecordRule, actor, attributed):
        """A record the actor made with a relative's pooled ID names the relative (an identity
        source with `pooling`; credsim.sources.pooling)."""
        pool = getattr(self.world.services.get("accounts"), "pool", None)
        if pool is None:
            return attributed
        return pool.named(day, self.act_code[rule.act], actor, attributed)

    def _accounts(self):
        accounts = self.world.services.get("accounts")
        if accounts is None:
            raise UserError(
                f"sources.{self.name}: a rule with identify = 'account' needs an identity source "
                '(plugin = "identity") in the scenario.'
            )
        return accounts

    def _fabricate(self, day: Day, rule: RecordRule, s, code: int, detail_cdf) -> None:
        hits = self.world.hits(s["fabricated"], day.day, rule.fabrication_rate)
        if hits.shape[0] == 0:
            return
        # The hit index only numbers the fabrication (and places it in a province); its victim
        # is drawn apart from it, among the citizens of that province.
        victim = member_of_region(s["fabricated_whom"], day.day, hits, hits, self.world.localities)
        none = np.full(hits.shape[0], -1)
        detail = zero = np.zeros(hits.shape[0], np.uint8)
        keys = event_key(day.day, hits, FABRICATED)
        if detail_cdf is not None:
            u = s["detail"].uniform(0, keys)
            detail = np.searchsorted(detail_cdf, u * detail_cdf[-1], side="right")
        self._emit(day, rule, s, code, victim, none, none, (detail, zero), keys, day.day)

    def _emit(
        self, day: Day, rule: RecordRule, s, code, attributed, actor, act_id, details, keys, when
    ):
        """Records due on the act's day plus the delay: now if that day has come, else later
        (acts dated before the run, such as past debts, reach the records on its first day).
        `details` is the source's own label and the act's true detail."""
        count = attributed.shape[0]
        if count == 0:
            return
        columns = {
            "attributed_to": attributed,
            "true_actor": actor,
            "act_id": act_id,
            "detail": details[0],
            "true_detail": details[1],
        }
        if rule.delay_days <= 0 and rule.delay_extra_mean <= 0 and np.max(when) <= day.day:
            # All due today: one kind for every row, which the batch broadcasts.
            day.records.add(day=day.day, source=self.source_code, kind=code, **columns)
            return
        columns["kind"] = np.full(count, code)
        delay = np.full(count, rule.delay_days, np.int64)
        if rule.delay_extra_mean > 0:
            delay += s["delay"].geometric(0, keys, rule.delay_extra_mean + 1) - 1
        due = when + delay
        now = due <= day.day
        if now.any():
            day.records.add(
                day=day.day, source=self.source_code, **{k: v[now] for k, v in columns.items()}
            )
        if (~now).any():
            later = ~now
            self.pending.push(due[later], **{k: v[later] for k, v in columns.items()})
