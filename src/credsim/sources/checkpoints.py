"""Face checks at stations and airports: a 1:N search of each checked traveller's face against
the police's watch list (no images, no recognition model: credsim.sources.faceid's error model).

A share of the trips of each act kind named in `acts` (flight and train ticket attempts: the
travel the population already makes) passes a face check. The search runs against a gallery of
`face.gallery` faces, the size of the real watch list, whatever the size of the run. It finds a
traveller whose face is on the list (consequences.checkpoints: the listed and the wanted) unless it
misses them (FNIR), and raises a false alert on anyone else with the false-positive
identification rate of a search of that gallery, FPIR = 1 - (1 - fmr)^G, with the group
multipliers of the error model: the false alerts fall unevenly across groups. Either way the
traveller is stopped and their ID read, so the `checkpoint_alert` record names the traveller; its
true detail says whether their face was on the list at all (0: a false alert). The source sees
the watch list only as the gallery it searches: it decides who can be truly found, never the
error rates. With `sources.errors = false`, there are no misses and no false alerts.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Day, PluginParams, Source, World
from credsim.engine.rng import event_key
from credsim.engine.sets import among
from credsim.sources.faceid import FaceModel, FaceParams
from credsim.vocab import ACT_KINDS, RECORD_KINDS, check_kind

__all__ = ["Checked", "CheckpointSource"]


class CheckpointSourceParams(PluginParams):
    acts: dict[str, float] = Field(
        default_factory=lambda: {"flight_attempt": 1.0, "train_attempt": 0.5},
        description="act kind -> share of such trips that pass a face check",
    )
    watchlist: str = Field(
        "checkpoints", description="the checkpoints consequence whose watch list is searched"
    )
    record: str = Field("checkpoint_alert", description="record kind of an alert")
    face: FaceParams = Field(
        default_factory=lambda: FaceParams(gallery=1e7),
        description="the 1:N search: gallery (the watch list's real size), error rates",
    )

    @field_validator("acts")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        for kind, share in v.items():
            check_kind(kind, ACT_KINDS, "act kind")
            if not 0 <= share <= 1:
                raise ValueError(f"acts.{kind}: a share between 0 and 1, got {share}")
        return v

    @field_validator("record")
    @classmethod
    def _kind(cls, v: str) -> str:
        return check_kind(v, RECORD_KINDS, "record kind")


class Checked:
    """The travellers one day's face checks searched (the metrics count checks by group)."""

    def __init__(self, day: int = -1, travellers: np.ndarray | None = None) -> None:
        self.day = day
        self.travellers = np.empty(0, np.int32) if travellers is None else travellers


class CheckpointSource(Source):
    """Face checks of travellers at stations and airports against the watch list (1:N)."""

    Params = CheckpointSourceParams
    params: CheckpointSourceParams
    live = ("acts",)

    def init(self, world: World) -> None:
        self.world = world
        self.errors = world.source_errors
        self.source_code = world.codes.code("source", self.name)
        self.alert = world.codes.code("record_kind", self.params.record)
        self.face = FaceModel(self.params.face, world.traits, world.n * world.people_per_agent)
        self.streams = {
            p: world.stream(f"source.{self.name}.{p}") for p in ("checked", "miss", "false")
        }
        self.configure()
        self.checked = Checked()
        for act in self.params.acts:
            world.record_acts.setdefault(self.params.record, set()).add(act)
        world.offer(f"checkpoint_checks:{self.name}", self)

    def configure(self) -> None:
        codes = self.world.codes
        self.shares = {codes.code("act_kind", k): s for k, s in self.params.acts.items()}

    def checked_on(self, day: int) -> np.ndarray:
        """Travellers checked on `day`."""
        return self.checked.travellers if self.checked.day == day else np.empty(0, np.int32)

    def observe(self, day: Day) -> None:
        acts = day.acts
        kind = acts["kind"]
        mine = among(kind, list(self.shares))
        if not mine.any():
            self.checked = Checked(day.day)
            return
        actor, act_id, kind = acts["actor"][mine], acts["act_id"][mine], kind[mine]
        key = event_key(day.day, actor, kind)
        share = np.zeros(256)
        share[list(self.shares)] = list(self.shares.values())
        seen = self.streams["checked"].uniform(0, key) < share[kind]
        actor, act_id, key = actor[seen], act_id[seen], key[seen]
        self.checked = Checked(day.day, actor.astype(np.int32))
        if actor.shape[0] == 0:
            return
        watchlist = self.world.services.get(f"watchlist:{self.params.watchlist}")
        enrolled = np.zeros(actor.shape[0], bool)
        if watchlist is not None:
            enrolled = watchlist.enrolled(actor)
        if self.errors:
            false_match, miss = self.face.rates(actor)
            found = enrolled & (self.streams["miss"].uniform(0, key) >= miss)
            alert = found | (self.streams["false"].uniform(0, key) < false_match)
        else:
            alert = enrolled
        if alert.any():
            day.records.add(
                day=day.day,
                kind=self.alert,
                source=self.source_code,
                attributed_to=actor[alert],
                true_actor=actor[alert],
                act_id=act_id[alert],
                detail=0,
                true_detail=enrolled[alert].astype(np.uint8),
            )
