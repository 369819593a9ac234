"""Real-name SIM registration with 1:1 face verification, and who really uses each number.

A citizen signing up is refused when verification falsely fails to match them (more often for
groups with higher false non-match rates); an impostor signing up with someone else's ID gets
through when verification falsely matches. Numbers also change hands by resale, despite the ban.
Either way a number in A's name is used by B; a carrier check finds and closes some of them.
Online sources ask this source who holds the number an act used (`holder`).

A legitimate applicant refused at verification tries again (`retry_share`) after a few days
(`retry_mean_days`), up to `max_attempts` tries in all; a retry fails `retry_multiplier` times as
often as a first try (the same face and conditions fail again). Every failed try is a `sim_denied`
record; its true detail says whether it was the last (2: legitimate, no further try), a refusal
the applicant will retry (0), or an impostor caught (1).

Who is paired with whom (the victim of an impostor, the buyer of a SIM) is a fixed random
matching of the whole population, computed from a hash: nothing per pair is stored.

The ban on transfers (MIIT, December 2019) is enforced when `transfer_detection` > 0: a number in
someone else's hands, resold or registered by an impostor, is found with that chance after
`transfer_detection_mean_days` on average, closed, and recorded as a `sim_transfer` against its
registered holder. The carrier cannot tell a sale from a theft, so the victim of an impostor is
recorded as a transferrer: a record with a true actor who is someone else. Policies and lists
price the record as a scenario says; deterrence reads it as a lesson about `sim_resale`.

With `pooling`, users of a gaming service register a relative's ID as their own, and the records
of some of their acts name the relative (credsim.sources.pooling).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from pydantic import Field, model_validator

from credsim.engine import Column, Day, PluginParams, Source, World
from credsim.engine.checks import (
    Days,
    Multiplier,
    MultiplierTable,
    rate_within_one,
    times_within_one,
)
from credsim.engine.regions import region_of
from credsim.engine.rng import Stream
from credsim.engine.traits import LabelTables
from credsim.sources.pooling import PooledIds, PoolingParams

__all__ = ["IdentityParams", "IdentitySource"]

OWN, OTHERS = np.uint8(1), np.uint8(2)
"""Bits of the `sim` column: holds a number in one's own name; uses a number in the pair's name."""


class IdentityParams(PluginParams):
    registered_share: float = Field(
        0.95, ge=0, le=1, description="share holding a number in their own name on day 0"
    )
    registered_multipliers: MultiplierTable = Field(
        default_factory=dict, description="trait -> label -> multiplier of registered_share"
    )
    false_non_match_rate: float = Field(
        0.0215,
        ge=0,
        le=1,
        description="1:1 FNMR at FMR 1e-6, median algorithm, visa photos (facts)",
    )
    false_non_match_multipliers: MultiplierTable = Field(
        default_factory=dict, description="trait -> label -> FNMR multiplier"
    )
    impostor_pass_rate: float = Field(
        0.05, ge=0, le=1, description="share of impostors with a look-alike's ID who pass"
    )
    impostor_pass_multipliers: MultiplierTable = Field(
        default_factory=dict, description="trait -> label -> multiplier, by the victim's traits"
    )
    check_share: float = Field(0.5, ge=0, le=1, description="share of misused numbers found")
    max_attempts: int = Field(
        3, ge=1, le=20, description="tries a legitimate applicant makes at most"
    )
    retry_share: float = Field(
        0.95, ge=0, le=1, description="chance a refused applicant tries again (if tries are left)"
    )
    retry_mean_days: Days = Field(3.0, description="mean days before trying again")
    retry_multiplier: Multiplier = Field(
        2.0, description="false non-match rate of a retry relative to a first try"
    )
    check_mean_days: Days = Field(90.0, description="mean days until a check finds one")
    transfer_detection: float = Field(
        0.0,
        ge=0,
        le=1,
        description="chance that the transfer ban's enforcement finds a number in someone "
        "else's hands and records a transfer against its registered holder (0: not enforced)",
    )
    transfer_detection_mean_days: Days = Field(
        30.0, description="mean days from a transfer to its detection"
    )
    pooling: PoolingParams | None = Field(
        None,
        description="relatives' IDs pooled by their users (credsim.sources.pooling); None: "
        "pooling is only the platform's record of verified assets",
    )

    @model_validator(mode="after")
    def _chances(self) -> IdentityParams:
        # Each multiplier alone must leave a chance; several together are capped at 1.
        for rate, table in [
            ("registered_share", "registered_multipliers"),
            ("false_non_match_rate", "false_non_match_multipliers"),
            ("impostor_pass_rate", "impostor_pass_multipliers"),
        ]:
            rate_within_one(getattr(self, rate), getattr(self, table), table)
        times_within_one(self.false_non_match_rate, self.retry_multiplier, "retry_multiplier")
        return self


class IdentitySource(Source):
    """SIM registration with face verification; identity theft, resale and carrier checks."""

    singleton = True  # the sim column and the accounts service
    Params = IdentityParams
    params: IdentityParams

    def columns(self) -> list[Column]:
        return [
            Column(
                "sim",
                "uint8",
                owner=self.name,
                truth=True,
                doc="bit 0: holds a number in own name; bit 1: uses a number in the pair's name",
            )
        ]

    def init(self, world: World) -> None:
        self.world = world
        self.errors = world.source_errors
        self.sim = world.state["sim"]
        codes = world.codes
        self.source_code = codes.code("source", self.name)
        self.acts = {
            a: codes.code("act_kind", a)
            for a in ("sim_registration", "identity_theft", "sim_resale")
        }
        self.records = {
            r: codes.code("record_kind", r) for r in ("sim_registered", "sim_denied", "sim_closed")
        }
        p = self.params
        self.fnmr = LabelTables(p.false_non_match_multipliers, world.traits, "identity FNMR")
        self.passing = LabelTables(p.impostor_pass_multipliers, world.traits, "identity impostors")
        self.streams = {
            s: world.stream(f"source.{self.name}.{s}")
            for s in ("verify", "check", "wait", "retry", "retry_wait", "retry_verify")
        }
        self.retries = world.calendar({"actor": "int32", "act_id": "int64", "attempt": "uint8"})
        self._pairing(world.stream(f"source.{self.name}.pairing"))
        self.checks = world.calendar(
            {"owner": "int32", "user": "int32", "actor": "int32", "act_id": "int64"}
        )
        self.transfers = None
        if p.transfer_detection > 0:
            self.records["sim_transfer"] = codes.code("record_kind", "sim_transfer")
            # What the record says the holder did: sold the number on.
            world.record_acts.setdefault("sim_transfer", set()).add("sim_resale")
            self.transfers = world.calendar(
                {"owner": "int32", "user": "int32", "actor": "int32", "act_id": "int64"}
            )
            for s in ("transfer", "transfer_wait"):
                self.streams[s] = world.stream(f"source.{self.name}.{s}")
        self.pool = None
        if p.pooling is not None:
            self.pool = PooledIds(p.pooling, world, world.stream(f"source.{self.name}.pooling"))
        world.offer("accounts", self)
        self._register_at_start(world)

    def _register_at_start(self, world: World) -> None:
        """Who already holds a number in their own name when the run starts."""
        p = self.params
        factor = LabelTables(p.registered_multipliers, world.traits, "identity registered")
        stream = world.stream(f"source.{self.name}.registered")
        for start in range(world.lo, world.hi, 1 << 20):
            chunk = np.arange(start, min(start + (1 << 20), world.hi))
            holds = stream.uniform(0, chunk) < p.registered_share * factor.factor(chunk)
            self.sim[chunk[holds]] |= OWN

    def _pairing(self, stream: Stream) -> None:
        """A fixed random matching inside each province: an affine permutation of the province's
        positions per province, neighbours in it paired."""
        starts = self.world.localities
        sizes = np.maximum(np.diff(starts), 2)
        u = stream.uniform(0, np.arange(2 * sizes.shape[0]))
        self.a = np.empty(sizes.shape[0], np.int64)
        self.a_inv = np.empty(sizes.shape[0], np.int64)
        self.b = np.empty(sizes.shape[0], np.int64)
        for r, m in enumerate(sizes.tolist()):
            a = 1 + int(u[2 * r] * (m - 1))
            while np.gcd(a, m) != 1:
                a += 1
            self.a[r], self.b[r], self.a_inv[r] = a, int(u[2 * r + 1] * m), pow(a, -1, m)

    def pair(self, citizens: np.ndarray) -> np.ndarray:
        """Each citizen's partner in the fixed random matching (-1 for the one left over)."""
        starts = self.world.localities
        region = region_of(starts, citizens)
        first, n = starts[region], starts[region + 1] - starts[region]
        a, b, a_inv = self.a[region], self.b[region], self.a_inv[region]
        position = (a * (citizens.astype(np.int64) - first) + b) % np.maximum(n, 1)
        partner_position = position ^ 1
        partner = (a_inv * ((partner_position - b) % np.maximum(n, 1))) % np.maximum(n, 1)
        return np.where(partner_position < n, first + partner, -1).astype(np.int32)

    def holder(self, actors: np.ndarray, truthful: bool = False) -> np.ndarray:
        """The citizen in whose name the number each actor used is registered (-1: none)."""
        out, lent = _holders(self.sim, np.asarray(actors), truthful)
        if lent.shape[0]:  # few: the partner is found only for them
            out[lent] = self.pair(np.asarray(actors)[lent])
        return out

    def numbers_in_others_names(self, lo: int, hi: int) -> int:
        """Numbers of citizens lo..hi-1 in use by someone other than the person they are
        registered to (agents)."""
        return int(np.count_nonzero(self.sim[lo:hi] & OTHERS))

    def observe(self, day: Day) -> None:
        t = day.day
        due = self.checks.pop(t)
        still = (self.sim[due["user"]] & OTHERS) > 0
        self.sim[due["user"][still]] &= ~OTHERS
        # The closure links to the act that put the number in other hands (theft or resale).
        self._record(
            day, "sim_closed", due["owner"][still], due["actor"][still], due["act_id"][still]
        )
        if self.transfers is not None:
            self._enforce_ban(day)
        again = self.retries.pop(t)
        if self.world.alive is not None and again["actor"].shape[0]:
            living = self.world.alive(again["actor"])
            again = {f: v[living] for f, v in again.items()}
        self._register(day, again["actor"], again["act_id"], again["attempt"])
        kind, actor, act_id = day.acts["kind"], day.acts["actor"], day.acts["act_id"]
        if self.pool is not None and self.errors:
            pooling = kind == self.pool.act
            self.pool.register(day.day, actor[pooling])
        new = kind == self.acts["sim_registration"]
        self._register(day, actor[new], act_id[new], np.ones(int(new.sum()), np.uint8))
        self._steal(
            day,
            actor[kind == self.acts["identity_theft"]],
            act_id[kind == self.acts["identity_theft"]],
        )
        self._resell(
            day, actor[kind == self.acts["sim_resale"]], act_id[kind == self.acts["sim_resale"]]
        )

    def _register(self, day: Day, who: np.ndarray, act_id: np.ndarray, attempt) -> None:
        """Verify applicants on their `attempt`-th try; the refused may come back."""
        if who.shape[0] == 0:
            return
        p = self.params
        retry = attempt > 1
        fail = np.zeros(who.shape[0])
        if self.errors:
            fail = p.false_non_match_rate * self.fnmr.factor(who)
            fail = np.minimum(np.where(retry, fail * p.retry_multiplier, fail), 1.0)
        # Draws are keyed by (day, citizen), not by log position, to keep common random numbers;
        # a retry draws from its own stream, so a new sign-up the same day is a fresh draw.
        u = np.where(
            retry,
            self.streams["retry_verify"].uniform(day.day, who),
            self.streams["verify"].uniform(day.day, who),
        )
        denied = u < fail
        again = denied & (attempt < p.max_attempts)
        again &= self.streams["retry"].uniform(day.day, who) < p.retry_share
        last = denied & ~again
        self._record(day, "sim_denied", who[again], who[again], act_id[again])
        self._record(day, "sim_denied", who[last], who[last], act_id[last], truth=2)
        if again.any():
            back = who[again]
            wait = self.streams["retry_wait"].geometric(day.day, back, p.retry_mean_days)
            self.retries.push(
                day.day + wait, actor=back, act_id=act_id[again], attempt=attempt[again] + 1
            )
        ok = who[~denied]
        self.sim[ok] |= OWN
        self._record(day, "sim_registered", ok, ok, act_id[~denied])

    def _steal(self, day: Day, impostor: np.ndarray, act_id: np.ndarray) -> None:
        victim = self.pair(impostor)
        has = victim >= 0
        impostor, victim, act_id = impostor[has], victim[has], act_id[has]
        chance = (
            self.params.impostor_pass_rate * self.passing.factor(victim) if self.errors else 0.0
        )
        passed = (
            self.streams["verify"].uniform(day.day, impostor.astype(np.int64) + (1 << 32)) < chance
        )
        named = np.where(passed, victim, impostor) if not self.errors else victim
        caught = ~passed
        self._record(day, "sim_denied", named[caught], impostor[caught], act_id[caught], truth=1)
        self.sim[impostor[passed]] |= OTHERS
        self._record(day, "sim_registered", victim[passed], impostor[passed], act_id[passed])
        thief = impostor[passed]
        self._schedule_check(day.day, victim[passed], thief, thief, act_id[passed])

    def _resell(self, day: Day, seller: np.ndarray, act_id: np.ndarray) -> None:
        seller, act_id = seller[(self.sim[seller] & OWN) > 0], act_id[(self.sim[seller] & OWN) > 0]
        buyer = self.pair(seller)
        has = buyer >= 0
        # The carrier does not see a resale; the buyer now uses a number in the seller's name.
        self.sim[buyer[has]] |= OTHERS
        self._schedule_check(day.day, seller[has], buyer[has], seller[has], act_id[has])

    def _schedule_check(self, t: int, owner, user, actor, act_id) -> None:
        """Some numbers in other hands will be found by a carrier check, after a wait."""
        p = self.params
        found = self.streams["check"].uniform(t, actor) < p.check_share
        wait = self.streams["wait"].geometric(t, actor[found], p.check_mean_days)
        self.checks.push(
            t + wait, owner=owner[found], user=user[found], actor=actor[found], act_id=act_id[found]
        )
        if self.transfers is not None:
            seen = self.streams["transfer"].uniform(t, actor) < p.transfer_detection
            wait = self.streams["transfer_wait"].geometric(
                t, actor[seen], p.transfer_detection_mean_days
            )
            self.transfers.push(
                t + wait, owner=owner[seen], user=user[seen], actor=actor[seen], act_id=act_id[seen]
            )

    def _enforce_ban(self, day: Day) -> None:
        """Numbers found in someone else's hands under the transfer ban: closed, and a transfer
        recorded against the registered holder (whoever put the number there)."""
        due = self.transfers.pop(day.day)
        still = (self.sim[due["user"]] & OTHERS) > 0
        owner, user, actor, act_id = (due[f][still] for f in ("owner", "user", "actor", "act_id"))
        self.sim[user] &= ~OTHERS
        self._record(day, "sim_closed", owner, actor, act_id)
        self._record(day, "sim_transfer", owner, actor, act_id)

    def _record(self, day: Day, kind: str, named, actor, act_id, truth: int = 0) -> None:
        """A record; `sim_denied` has true detail 1 when the refused applicant was an impostor
        and 2 when a legitimate applicant will not try again (truth: the carrier's record says
        only that the check failed)."""
        if named.shape[0]:
            day.records.add(
                day=day.day,
                kind=self.records[kind],
                source=self.source_code,
                attributed_to=named,
                true_actor=actor,
                act_id=act_id,
                true_detail=truth,
            )


@njit(cache=True)
def _holders(sim, actors, truthful):
    """`holder`'s first pass: the actor where their own number is in use (or, `truthful`, any
    number they use), else -1; and the positions of those using a number lent to them, whose
    registered holder is looked up apart (none when `truthful`)."""
    out = np.empty(actors.shape[0], np.int32)
    lent = np.empty(actors.shape[0], np.int64)
    k = 0
    for i in range(actors.shape[0]):
        bits = sim[actors[i]]
        own, others = (bits & OWN) > 0, (bits & OTHERS) > 0
        out[i] = actors[i] if own or (truthful and others) else -1
        if others and not truthful:
            lent[k] = i
            k += 1
    return out, lent[:k]
