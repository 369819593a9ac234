"""Social exclusion: where a score has a friends' term, citizens drop friends who drag it down.

Who sees whose score: a score is private unless its holder shows it; each friendship is one where
the holder has shown their score to the friend with chance `visible_share` (fixed per pair for the
run). Who drops whom, and why: on each update of a policy's network term, a friend who can see a
low score (below the policy's `threshold`) and believes friends' scores move their own (a fixed
`motive_share` of adults) weighs the tie. Dropping a friend scoring `gap` points below the
policy's reference raises one's own network term by about `network_weight x gap / degree`
points (the friend no longer counts in the mean); they cut the tie with chance
`1 - exp(-gain / tie_value)`, where `tie_value` is what a friendship is worth to them in points.
Household members of a low scorer are shunned too, at `family_share` of that chance (guilt by
association), by friends who can see the low scorer's score. Only adults hold a score others see
and only adults drop friends over one: children neither cut nor are cut. With no network term
there is no gain, so nobody cuts a tie. Cut ties stay cut and leave the network term's mean
(`credsim.population.ties.CutTies`); `cuts_by_reason` counts them by why.

Public naming (consequences.naming) is another way friends learn a status: a friend who saw a
citizen named yesterday (the naming's audience, what that friend was shown) cuts the tie with
chance `named_share`, whatever the scores; 0, the default, leaves naming without effect here.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from pydantic import Field

from credsim.engine import Behavior, Day, PluginParams, World
from credsim.engine.checks import Score
from credsim.engine.merge import sorted_union
from credsim.errors import UserError
from credsim.population.household_kin import largest_per_member
from credsim.population.households import household_members
from credsim.population.ties import CutTies, pair_draws

__all__ = ["Exclusion"]


SHOWN_ROWS = 1 << 18
"""Citizens whose shown score is read at a time (every citizen's, as 64-bit floats, took about
30 bytes a citizen; a million at a time, 19 MB)."""
CUT_ROWS = 1 << 14
"""Low scorers (and as many of their kin) whose friends are found and decide at a time: a few
dozen bytes for each of their friendships (1 << 16 of each took 34 MB, and set the peak of a
run at 1e7 on a term's day)."""


class ExclusionParams(PluginParams):
    policy: str | None = Field(
        None, description="policy whose friends' term drives it (default: the first with one)"
    )
    threshold: Score | None = Field(
        None, description="scores below this are 'low' (default: the policy's reference - margin)"
    )
    margin: float = Field(
        50.0, ge=0, le=65535, description="points below the reference that count as low"
    )
    tie_value: float = Field(
        20.0,
        gt=0,
        le=65535,
        description="what a friendship is worth to a citizen, in score points",
    )
    family_share: float = Field(
        0.3, ge=0, le=1, description="chance of shunning a low scorer's household, relative"
    )
    mean_degree: float = Field(
        20.0, gt=0, le=10_000, description="friends a citizen is assumed to have"
    )
    visible_share: float = Field(
        0.1, ge=0, le=1, description="chance a citizen has shown their score to a given friend"
    )
    motive_share: float = Field(
        0.2, ge=0, le=1, description="share of adults who believe friends' scores move their own"
    )
    named_share: float = Field(
        0.0,
        ge=0,
        le=1,
        description="chance that an adult friend who saw a citizen publicly named cuts the tie "
        "(consequences.naming; 0: naming cuts no tie)",
    )
    adult_age: int = Field(
        18,
        ge=0,
        le=100,
        description="only adults hold a score others see and drop friends over it (a Sesame "
        "score needs an adult's real-name account); children neither cut nor are cut",
    )


class Exclusion(Behavior):
    """Citizens cut ties to low-scoring friends (and their families) when it raises their score."""

    singleton = True  # the cut_ties and exclusion services
    Params = ExclusionParams
    params: ExclusionParams

    def init(self, world: World) -> None:
        self.world = world
        named = [n for n, info in world.scores.items() if info.network_column]
        choice = self.params.policy or (named[0] if named else None)
        if choice is not None and choice not in world.scores:
            raise UserError(
                f"behavior.{self.name}.policy: no policy named {choice!r} in this scenario "
                f"(policies: {', '.join(world.scores) or 'none'})."
            )
        self.choice = choice
        # One record of friendship changes: a gaming service's rented ties may already be in it.
        cuts = world.services.get("cut_ties")
        self.cuts = cuts if isinstance(cuts, CutTies) else CutTies(world.n)
        world.offer("cut_ties", self.cuts)
        world.offer("exclusion", self)
        self.decide = world.stream(f"behavior.{self.name}.cut")
        self.shown_to = world.stream(f"behavior.{self.name}.shown_to")
        self.motive = world.stream(f"behavior.{self.name}.motive")
        self.cuts_by_reason = {"low_score": 0, "family_of_low_scorer": 0}
        """Ties cut, by why: the friend's own low score, a low scorer in their household, or
        (with `named_share`) the friend named in public."""
        self.shun = world.stream(f"behavior.{self.name}.shun_named")
        if self.params.named_share > 0:
            self.cuts_by_reason["named_in_public"] = 0
        self.household = world.state["household"]
        self.age = world.state["age"]

    def merge(self, parts: list) -> None:
        """A tie lies inside one province, so each shard's cuts are its own: their union."""
        self.cuts.keys = sorted_union([self.cuts.keys, *(p.cuts.keys for p in parts)])
        for part in parts:
            for reason, count in part.cuts_by_reason.items():
                self.cuts_by_reason[reason] += count

    def act(self, day: Day) -> None:
        if self.params.named_share > 0 and day.day > 0:
            self._shun_named(day.day)
        policy = self.world.services.get(f"policy:{self.choice}") if self.choice else None
        info = self.world.scores.get(self.choice) if self.choice else None
        if policy is None or info is None or info.network_column is None:
            return
        weight, cadence = policy.params.network_weight, policy.params.network_cadence_days
        if weight <= 0 or day.day == 0 or day.day % cadence or info.opacity == "nothing":
            return
        p = self.params
        reference = float(policy.reference())
        threshold = reference - p.margin if p.threshold is None else p.threshold
        low, gap = self._low(reference, threshold)
        if low.shape[0] == 0:
            return
        scale = weight / p.mean_degree / p.tie_value
        parts = [(low, gap, low, 1.0, "low_score")]
        if p.family_share > 0:
            kin, kin_gap, source = self._family(low, gap, threshold)
            parts.append((kin, kin_gap, source, p.family_share, "family_of_low_scorer"))
        self._cut(day.day, parts, scale)

    def _low(self, reference: float, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """Adults whose score, as the policy shows it (the score, or the grade's band: what
        friends judge by), is below `threshold`, and how far below `reference`; `SHOWN_ROWS`
        citizens at a time."""
        world, low, gap = self.world, [], []
        for start in range(world.lo, world.hi, SHOWN_ROWS):
            citizens = np.arange(start, min(start + SHOWN_ROWS, world.hi), dtype=np.int64)
            shown = world.notices.known_score(self.choice, citizens)
            below = np.flatnonzero(shown < threshold)
            adult = self._adult(citizens[below])
            low.append(citizens[below[adult]])
            gap.append(reference - shown[below[adult]])
        if not low:
            return np.empty(0, np.int64), np.empty(0)
        return np.concatenate(low), np.concatenate(gap)

    def _shun_named(self, day: int) -> None:
        """Friends who saw a citizen named yesterday cut the tie with chance `named_share`."""
        for name, naming in sorted(self.world.services.items()):
            if not name.startswith("naming:"):
                continue
            named, friend = naming.seen_on(day - 1).friends_who_saw()
            if not named.shape[0]:
                continue
            u = pair_draws(self.shun.key, day, named, friend)
            cut = (u < self.params.named_share) & self._adult(friend) & self._adult(named)
            if cut.any():
                before = len(self.cuts)
                self.cuts.add(named[cut], friend[cut])
                self.cuts_by_reason["named_in_public"] += len(self.cuts) - before

    def _cut(self, day: int, parts: list[tuple], scale: float) -> None:
        """Each friend of a citizen who can see the low score (the citizen's, or that of the low
        scorer in their household) and has the motive cuts the tie with chance share x
        (1 - exp(-scale x gap)); `parts` are (citizens (sorted), gaps, low scorer seen, share,
        reason): share 1 for low scorers, `family_share` for their kin. Ties cut for the first
        reason count under it, then those newly cut for the next."""
        p = self.params
        shares = np.array([part[3] for part in parts], np.float64)
        cut: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in parts]
        # Every draw is a pure function of its pair, and the cut ties a set: the parts' citizens
        # a range of citizen numbers at a time (at most `CUT_ROWS` of each part) give the same
        # cuts as all at once, and each block's friendships are worked out once for all parts.
        for spans in _spans([part[0] for part in parts], CUT_ROWS):
            mine = _joined(parts, spans, 0).astype(np.int64)
            if mine.shape[0] == 0:
                continue
            order = np.argsort(mine, kind="stable")
            mine, seen, gap = (
                mine[order],
                _joined(parts, spans, 2)[order],
                _joined(parts, spans, 1)[order],
            )
            part_of = np.repeat(np.arange(len(parts)), [b - a for a, b in spans])[order]
            # Only the friends who were shown the score and have the motive, found as the
            # friends are: the order of the tests is free.
            at, friend = self.world.graph.shown_friend_pairs(
                mine,
                seen,
                (self.shown_to.key, p.visible_share),
                (self.motive.key, p.motive_share),
            )
            i = np.flatnonzero(self._adult(friend))
            at, friend = at[i], friend[i]
            owner = mine[at]
            u = pair_draws(self.decide.key, day, owner, friend)
            cuts = u < shares[part_of[at]] * -np.expm1(-scale * gap[at])
            for k in range(len(parts)):
                mask = cuts & (part_of[at] == k)
                cut[k].append((owner[mask], friend[mask]))
        for (*_, reason), pairs in zip(parts, cut, strict=True):
            before = len(self.cuts)
            owners = np.concatenate([a for a, _ in pairs]) if pairs else np.empty(0, np.int64)
            if owners.shape[0]:
                self.cuts.add(owners, np.concatenate([b for _, b in pairs]))
            self.cuts_by_reason[reason] += len(self.cuts) - before

    def _family(self, low, gap, threshold) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Household members of low scorers (not low themselves), each with the largest gap of
        a low scorer in their household, and that low scorer (whose score a friend must see);
        the low scorers of `CUT_ROWS` households or so at a time (a household's members are
        consecutive citizens, so the pieces' kin follow one another)."""
        out: list[tuple[np.ndarray, ...]] = []
        for a, b in _household_spans(self.household, low, CUT_ROWS):
            owner, member = household_members(self.household, low[a:b])
            keep = ~(self.world.notices.known_score(self.choice, member) < threshold)
            kin, kin_gap, source = largest_per_member(
                self.household, low[a:b], gap[a:b], owner[keep], member[keep]
            )
            adult = self._adult(kin)
            out.append((kin[adult], kin_gap[adult], source[adult]))
        if not out:
            return np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64)
        kin, kin_gap, source = (np.concatenate(field) for field in zip(*out, strict=True))
        return kin, kin_gap, source

    def _adult(self, citizens: np.ndarray) -> np.ndarray:
        """Living citizens of adult age."""
        adult = self.age[citizens] >= self.params.adult_age
        return adult if self.world.alive is None else adult & self.world.alive(citizens)


def _spans(arrays: list[np.ndarray], size: int) -> Iterator[list[tuple[int, int]]]:
    """Spans [a, b) of each sorted array, together covering one range of values after another,
    each span at most `size` long: the values of the arrays below a bound, the bound set so
    that no array gives more than `size`."""
    at = [0] * len(arrays)
    while any(a < x.shape[0] for a, x in zip(at, arrays, strict=True)):
        ends = [
            x[a + size - 1] + 1
            for a, x in zip(at, arrays, strict=True)
            if a + size - 1 < x.shape[0]
        ]
        bound = min(ends) if ends else None
        stop = [
            x.shape[0] if bound is None else int(np.searchsorted(x, bound, "left")) for x in arrays
        ]
        yield list(zip(at, stop, strict=True))
        at = stop


def _household_spans(
    household: np.ndarray, citizens: np.ndarray, size: int
) -> Iterator[tuple[int, int]]:
    """Spans [a, b) of sorted `citizens`, about `size` long, that never part two citizens of
    one household (its members are consecutive: the household byte's low 4 bits give each
    one's position in it)."""
    start, n = 0, citizens.shape[0]
    while start < n:
        stop = min(start + size, n)
        if stop < n:  # past the household of the span's last citizen (at most 15 members)
            after = citizens[stop : stop + 16]
            first = after - (household[after] & 15)
            last = citizens[stop - 1]
            stop += int(np.searchsorted(first, last - (household[last] & 15), "right"))
        yield start, stop
        start = stop


def _joined(parts: list[tuple], spans: list[tuple[int, int]], field: int) -> np.ndarray:
    """Field `field` of every part, each part's span of rows, one part after another."""
    return np.concatenate([part[field][a:b] for part, (a, b) in zip(parts, spans, strict=True)])
