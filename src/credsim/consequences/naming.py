"""Public naming: listed citizens published online (the court's list carries names and ID
numbers) and camera-caught jaywalkers shown on screens at the crossing (one Shenzhen crossing
showed 13,930 people in ten months).

A display shows whoever the record or listing names: a camera's false match puts an innocent
face on the screen. Each naming is a sanction event (`named`, with the record and, as agency, who
displayed it). Who saw it among the people who know the named citizen is drawn per display: each
friend, household member and neighbour (the citizens living in the households next to theirs)
with the display's chance for that layer, and each co-worker likewise (a worker has the work
layer's `mean_degree` co-workers; the last workplace of a district, which is smaller, is counted
as full). Cost grows with the citizens named, never with the population. The day's namings and
audiences are offered as a public service (`naming:<name>`): the `naming` metric counts them, and
the exclusion behaviour lets friends who saw a citizen named cut the tie.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Consequence, PluginParams, PublicDay, RecordWorld
from credsim.engine.rng import Stream, event_key
from credsim.engine.sealed import PublicService
from credsim.errors import UserError, did_you_mean
from credsim.population.households import household_members
from credsim.population.ties import pair_draws
from credsim.vocab import RECORD_KINDS, check_kind

__all__ = ["LAYERS", "Naming", "NamingDay"]

LAYERS = ("friends", "work", "family", "neighbours")
"""Who can see a citizen named, by how they know them."""
STREAMS = ("shown", *LAYERS)


class Audience(PluginParams):
    """The chance that one person who knows the named citizen sees the naming, by layer."""

    friends: float = Field(0.1, ge=0, le=1, description="each friend")
    work: float = Field(0.1, ge=0, le=1, description="each co-worker")
    family: float = Field(1.0, ge=0, le=1, description="each household member")
    neighbours: float = Field(0.05, ge=0, le=1, description="each neighbour")


class Display(PluginParams):
    share: float = Field(1.0, ge=0, le=1, description="share of listings or records displayed")
    seen: Audience = Field(default_factory=Audience)
    by: str = Field("", description="who displays it (the sanctions' agency; default: the key)")
    source: str | None = Field(
        None, description="records only: the source whose records are displayed (default: any)"
    )


class NamingParams(PluginParams):
    lists: dict[str, Display] = Field(
        default_factory=lambda: {"court_blacklist": Display()},
        description="lists whose new listings are published, by list name",
    )
    records: dict[str, Display] = Field(
        default_factory=dict, description="record kinds displayed, by kind (e.g. jaywalking)"
    )
    neighbours: int = Field(
        10,
        ge=0,
        le=1000,
        description="citizens living nearest the named citizen's household (half on each "
        "side; households of a neighbourhood are numbered together) who may see it",
    )


class NamingDay(PublicService):
    """One day's namings: per naming its citizen, display, record and audience by layer; and the
    friends who saw each (the position of the naming, the friend)."""

    def __init__(self, day: int = -1) -> None:
        self.day = day
        self.citizen = np.empty(0, np.int64)
        self.display = np.empty(0, np.int16)
        self.record_id = np.empty(0, np.int64)
        self.seen = np.zeros((len(LAYERS), 0), np.int64)
        self.friend_at = np.empty(0, np.int64)
        self.friend = np.empty(0, np.int64)

    def add(self, citizen, display: int, record_id, seen: np.ndarray, at, friend) -> None:
        offset = self.citizen.shape[0]
        self.citizen = np.concatenate([self.citizen, citizen])
        self.display = np.concatenate([self.display, np.full(citizen.shape[0], display, np.int16)])
        self.record_id = np.concatenate([self.record_id, np.asarray(record_id, np.int64)])
        self.seen = np.concatenate([self.seen, seen], axis=1)
        self.friend_at = np.concatenate([self.friend_at, at + offset])
        self.friend = np.concatenate([self.friend, friend])

    def friends_who_saw(self) -> tuple[np.ndarray, np.ndarray]:
        """(named citizen, friend who saw it) for every friend who saw a naming of the day."""
        return self.citizen[self.friend_at], self.friend


class Naming(Consequence):
    """Publishes listed citizens and displays camera-caught offenders; counts who saw them."""

    Params = NamingParams
    params: NamingParams

    def init(self, world: RecordWorld) -> None:
        self.world = world
        codes = world.codes
        self.code = codes.code("consequence", self.name)
        self.named = codes.code("action", "named")
        self.listed = codes.code("action", "listed")
        self.displays: list[str] = []
        self.agencies: list[int] = []
        self.streams: list[dict[str, Stream]] = []
        self.lists = []
        for name, display in self.params.lists.items():
            if name not in world.sanctions:
                did = did_you_mean(name, world.sanctions)
                raise UserError(
                    f"consequences.{self.name}.lists: no list named {name!r}{did}; lists in "
                    f"this scenario: {', '.join(world.sanctions) or 'none'}."
                )
            self.lists.append((self._display(name, display), codes.code("consequence", name)))
        self.records = []
        for kind, display in self.params.records.items():
            try:
                check_kind(kind, RECORD_KINDS, "record kind")
            except ValueError as err:
                raise UserError(f"consequences.{self.name}.records: {err}") from None
            source = -1
            if display.source is not None:
                if display.source not in codes.names("source"):
                    did = did_you_mean(display.source, codes.names("source"))
                    raise UserError(
                        f"consequences.{self.name}.records.{kind}.source: no source named "
                        f"{display.source!r}{did}; sources: {', '.join(codes.names('source'))}."
                    )
                source = codes.code("source", display.source)
            code = codes.code("record_kind", kind)
            self.records.append((self._display(kind, display), code, source))
        self.household = world.state["household"]
        self.age = world.state["age"]
        self.today = NamingDay()
        world.offer(f"naming:{self.name}", self)

    def _display(self, key: str, display: Display) -> int:
        """Index of a new display, with its agency code and random streams."""
        self.displays.append(key)
        self.agencies.append(self.world.codes.code("agency", display.by or key))
        base = f"consequence.{self.name}.{key}"
        self.streams.append({name: self.world.stream(f"{base}.{name}") for name in STREAMS})
        return len(self.displays) - 1

    def seen_on(self, day: int) -> NamingDay:
        """The namings of `day` (none if the plug-in did not run that day)."""
        return self.today if self.today.day == day else NamingDay(day)

    def respond(self, day: PublicDay) -> None:
        self.today = NamingDay(day.day)
        s = day.sanctions
        if self.lists and len(s):
            action, on = s.open_column("action"), s.open_column("consequence")
            who, rid = s.open_column("citizen"), s.open_column("record_id")
            for index, list_code in self.lists:
                new = (action == self.listed) & (on == list_code)
                new &= self.in_scope(who)
                display = self.params.lists[self.displays[index]]
                self._name(day, index, display, who[new].astype(np.int64), rid[new], 0)
        records = day.records
        for index, kind, source in self.records:
            mine = records["kind"] == kind
            if source >= 0:
                mine &= records["source"] == source
            display = self.params.records[self.displays[index]]
            who = records["attributed_to"][mine].astype(np.int64)
            self._name(day, index, display, who, records["record_id"][mine], kind)

    def _name(self, day: PublicDay, index: int, display: Display, who, rid, kind: int) -> None:
        """Display the citizens (a share of them), log it and draw who saw it."""
        if who.shape[0] == 0:
            return
        if display.share < 1:
            draw = self.streams[index]["shown"].uniform(0, event_key(day.day, who, kind))
            shown = draw < display.share
            who, rid = who[shown], rid[shown]
        if self.world.alive is not None:
            alive = self.world.alive(who)
            who, rid = who[alive], rid[alive]
        if who.shape[0] == 0:
            return
        day.sanctions.add(
            day=day.day,
            citizen=who,
            consequence=self.code,
            action=self.named,
            record_id=rid,
            agency=self.agencies[index],
        )
        seen, at, friend = self._audience(day.day, index, display.seen, who)
        self.today.add(who, index, rid, seen, at, friend)

    def _audience(self, day: int, index: int, p: Audience, who: np.ndarray):
        """Per named citizen, how many in each layer saw it; and the friends who did."""
        streams = self.streams[index]
        seen = np.zeros((len(LAYERS), who.shape[0]), np.int64)
        at, friend = np.empty(0, np.int64), np.empty(0, np.int64)
        graph = self.world.graph
        if p.friends > 0 and graph is not None:
            # The friends who saw it, found as each named citizen's friends are.
            order = np.argsort(who, kind="stable")
            shown = (streams["friends"].key, p.friends, day)
            pos, friend = graph.shown_friend_pairs(who[order], who[order], shown, (0, 1.0))
            at = order[pos]
            if self.world.alive is not None and friend.shape[0]:
                living = self.world.alive(friend)
                at, friend = at[living], friend[living]
            seen[0] = np.bincount(at, minlength=who.shape[0])
        if p.work > 0 and graph is not None:
            seen[1] = self._coworkers(streams["work"], day, who, p.work)
        if p.family > 0:
            owner, member = household_members(self.household, who)
            place = np.repeat(np.arange(who.shape[0]), self._household_sizes(who))
            sees = self._sees(streams["family"], day, owner, member, p.family)
            seen[2] = np.bincount(place[sees], minlength=who.shape[0])
        if p.neighbours > 0 and self.params.neighbours > 0:
            place, near = self._neighbours(who)
            sees = self._sees(streams["neighbours"], day, who[place], near, p.neighbours)
            seen[3] = np.bincount(place[sees], minlength=who.shape[0])
        return seen, at, friend

    def _sees(self, stream: Stream, day: int, named, other, chance: float) -> np.ndarray:
        """Whether each person who knows a named citizen saw it (living people only)."""
        sees = np.ones(other.shape[0], bool)
        if chance < 1:
            sees = pair_draws(stream.key, day, named, other) < chance
        if self.world.alive is not None and other.shape[0]:
            sees &= self.world.alive(other)
        return sees

    def _household_sizes(self, who: np.ndarray) -> np.ndarray:
        """Other members of each citizen's household."""
        return np.maximum((self.household[who] >> 4).astype(np.int64) - 1, 0)

    def _coworkers(self, stream: Stream, day: int, who: np.ndarray, chance: float) -> np.ndarray:
        """How many co-workers of each named citizen saw it (drawn per co-worker seat)."""
        work = self.world.graph.params.work
        age = self.age[who]
        seats = np.where((age >= work.min_age) & (age <= work.max_age), work.mean_degree, 0)
        owner = np.repeat(np.arange(who.shape[0]), seats)
        if owner.shape[0] == 0:
            return np.zeros(who.shape[0], np.int64)
        seat = np.arange(owner.shape[0]) - np.repeat(np.cumsum(seats) - seats, seats)
        u = stream.uniform(day, who[owner] * 256 + seat)
        return np.bincount(owner[u < chance], minlength=who.shape[0])

    def _neighbours(self, who: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position of the named citizen, neighbour): the citizens of the households numbered
        next to theirs, half before and half after, inside their province."""
        k = self.params.neighbours
        code = self.household[who].astype(np.int64)
        first = who - (code & 15)
        last = first + (code >> 4)
        regions = self.world.localities
        province = np.searchsorted(regions, who, side="right") - 1
        lo, hi = regions[province], regions[province + 1]
        before = np.minimum(first - lo, k // 2)
        after = np.minimum(hi - last, k - k // 2)
        count = before + after
        place = np.repeat(np.arange(who.shape[0]), count)
        step = np.arange(place.shape[0]) - np.repeat(np.cumsum(count) - count, count)
        near = np.where(
            step < before[place],
            first[place] - before[place] + step,
            last[place] + step - before[place],
        )
        return place, near
