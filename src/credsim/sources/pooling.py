"""Pooled relatives' IDs: a citizen who registers a relative's ID as their own (a gaming
service's "aggregate the IDs of your parents and relatives") goes on acting through it.

When the identity source sees an `act` (an `id_pooling` purchase), it picks an adult of the
user's household other than the user (kin outside the household are not modelled; a user with
none pools no ID) and registers the pair for `days`. While it lasts, every record of the user's
acts of the kinds in `acts` that a source identifies by ID document or account names the relative:
a misattribution with a true actor, which the but-for counterfactual (with errors off) does not
make. The registry is truth: only sources (writing) and metrics (counting) read it.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import PluginParams, World
from credsim.engine.rng import Stream, event_key
from credsim.engine.sets import union
from credsim.vocab import ACT_KINDS, check_kind

__all__ = ["PooledIds", "PoolingParams"]


def _acts() -> list[str]:
    return [
        "card_swiping",
        "click_farming",
        "loan_application",
        "loan_default",
        "card_arrears",
        "debt_repaid",
    ]


class PoolingParams(PluginParams):
    act: str = Field("id_pooling", description="the act that registers a relative's ID")
    days: int = Field(365, ge=1, le=3650, description="days the user goes on using it")
    acts: list[str] = Field(
        default_factory=_acts,
        description="act kinds whose records name the relative while the pooling lasts",
    )

    @field_validator("act")
    @classmethod
    def _kind(cls, v: str) -> str:
        return check_kind(v, ACT_KINDS, "act kind")

    @field_validator("acts")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        return [check_kind(k, ACT_KINDS, "act kind") for k in v]


class PooledIds:
    """Who uses whose ID until when; every pair ever registered, for the metrics."""

    def __init__(self, params: PoolingParams, world: World, stream: Stream) -> None:
        self.params = params
        self.world, self.stream = world, stream
        self.act = world.codes.code("act_kind", params.act)
        self.kinds = np.zeros(256, bool)
        self.kinds[[world.codes.code("act_kind", k) for k in params.acts]] = True
        self.user = np.empty(0, np.int64)  # sorted
        self.relative = np.empty(0, np.int64)
        self.until = np.empty(0, np.int32)
        self.pairs = np.empty(0, np.uint64)
        """Every (user, relative) pair ever registered: user << 32 | relative, sorted."""
        self.log: list[tuple[np.ndarray, int]] = []
        """Each day's (relatives registered, users without one), for the metrics."""

    def register(self, day: int, users: np.ndarray) -> None:
        """Each user pools an adult relative of their household's ID (if they have one)."""
        users = users.astype(np.int64)
        if users.shape[0] == 0:
            return
        household = self.world.state["household"]
        age = self.world.state["age"]
        code = household[users].astype(np.int64)
        first, size = users - (code & 15), code >> 4
        # A random member, then the next ones in turn, until an adult other than the user. The
        # draw is keyed by the act (day, user, kind), not its id, which a shard numbers its own way.
        key = event_key(day, users, self.act)
        start = np.floor(self.stream.uniform(day, key) * size).astype(np.int64)
        relative = np.full(users.shape[0], -1, np.int64)
        for step in range(int(size.max())):
            member = first + (start + step) % size
            ok = (relative < 0) & (step < size) & (member != users) & (age[member] >= 18)
            relative[ok] = member[ok]
        found = relative >= 0
        users, relative = users[found], relative[found]
        self.log.append((relative, int(np.count_nonzero(~found))))
        if users.shape[0] == 0:
            return
        users, last = np.unique(users[::-1], return_index=True)
        relative = relative[::-1][last]
        until = np.full(users.shape[0], day + self.params.days - 1, np.int32)
        keep = ~np.isin(self.user, users)  # a new pooling replaces the user's earlier one
        user = np.concatenate([self.user[keep], users])
        order = np.argsort(user, kind="stable")
        self.user = user[order]
        self.relative = np.concatenate([self.relative[keep], relative])[order]
        self.until = np.concatenate([self.until[keep], until])[order]
        keys = (users.astype(np.uint64) << np.uint64(32)) | relative.astype(np.uint64)
        self.pairs = union(self.pairs, keys)

    def named(self, day: int, kind: int, actor: np.ndarray, named: np.ndarray) -> np.ndarray:
        """Whom each record of an act of kind code `kind` names: the relative where the actor
        uses a pooled ID today and the record would name the actor, else `named`."""
        if not self.kinds[kind] or self.user.shape[0] == 0 or actor.shape[0] == 0:
            return named
        actor = actor.astype(np.int64)
        at = np.minimum(np.searchsorted(self.user, actor), self.user.shape[0] - 1)
        pooled = (self.user[at] == actor) & (self.until[at] >= day) & (named == actor)
        if not pooled.any():
            return named
        out = named.copy()
        out[pooled] = self.relative[at[pooled]]
        return out

    def is_pooled(self, actor: np.ndarray, named: np.ndarray) -> np.ndarray:
        """Whether each (true actor, citizen named) is a registered pooling (for the metrics)."""
        if self.pairs.shape[0] == 0:
            return np.zeros(actor.shape[0], bool)
        ok = (actor >= 0) & (named >= 0) & (actor != named)
        keys = (np.maximum(actor, 0).astype(np.uint64) << np.uint64(32)) | np.maximum(
            named, 0
        ).astype(np.uint64)
        at = np.minimum(np.searchsorted(self.pairs, keys), self.pairs.shape[0] - 1)
        return ok & (self.pairs[at] == keys)
