"""Rented friends as real ties: how much of the friends' term the renters bought, and what the
rented high scorers lost by the tie.

At each update of the gaming policy's friends' term, the part of every tied citizen's term that
their rented ties account for is recomputed: the target with the friends' mean as the policy
computed it, less the target with the rented partners taken back out. Its rise since the last
update is points bought (for renters) or points moved (for the rented friends, usually a loss:
the renter's low score pulls their mean down). Yuan are the renting service's purchases.
"""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, World
from credsim.engine.merge import add_up
from credsim.engine.sets import unique
from credsim.metrics.groups import Groups

__all__ = ["RentedTieFigures"]


class RentedTieFigures:
    """Friends' term points bought through rented ties, by the renter's group."""

    def __init__(self, world: World, service, groups: Groups) -> None:
        self.world, self.service, self.groups = world, service, groups
        rent = service.params.rented_ties
        self.policy_name = service.params.policy
        self.renting = service.code[rent.service]
        self.price = service.params.services[rent.service].up_front
        self.citizens = np.empty(0, np.int64)
        self.level = np.empty(0, np.int64)
        """Citizens at a rented tie's end at the last update, and the term points it gave them."""
        self.totals = {k: np.zeros(groups.size) for k in ("points", "friend_points", "yuan")}
        self.renters: list[np.ndarray] = []

    def measure(self, day: Day) -> None:
        acts = day.acts
        bought = acts["kind"] == self.renting
        if bought.any():
            who = acts["actor"][bought]
            self.renters.append(who)
            self.totals["yuan"] += self.groups.count(who) * self.price
        policy = self.world.services.get(f"policy:{self.policy_name}")
        p = getattr(policy, "params", None)
        if p is None or p.network_weight <= 0 or day.day == 0:
            return
        if day.day % p.network_cadence_days == 0:
            self._update(day.day, policy)

    def _update(self, day: int, policy) -> None:
        rentals = self.service.rentals
        live = rentals["until"] >= day
        renter = rentals["renter"][live].astype(np.int64)
        friend = rentals["friend"][live].astype(np.int64)
        ends = np.concatenate([renter, friend])
        partner = np.concatenate([friend, renter])
        who = unique(np.concatenate([ends, self.citizens]))
        level = np.zeros(who.shape[0], np.int64)
        if ends.shape[0]:
            level = self._levels(policy, who, ends, partner)
        before = np.zeros(who.shape[0], np.int64)
        at = np.searchsorted(who, self.citizens)
        before[at] = self.level
        moved = (level - before).astype(np.float64)
        is_renter = np.isin(who, self.service.rentals["renter"])
        self.totals["points"] += self.groups.count(who[is_renter], np.maximum(moved[is_renter], 0))
        self.totals["friend_points"] += self.groups.count(who[~is_renter], moved[~is_renter])
        self.citizens, self.level = who, level

    def _levels(self, policy, who, ends, partner) -> np.ndarray:
        """Term points each citizen in `who` owes to their rented ties now."""
        lo = self.world.lo
        mean, count = policy.friends_mean()
        mean, count = mean[who - lo], count[who - lo].astype(np.int64)
        info = self.world.scores[self.policy_name]
        scores = self.world.state[info.column]
        held = info.scored(partner)
        values = np.where(held, scores[partner], 0).astype(np.float64)
        at = np.searchsorted(who, ends)
        taken = np.zeros(who.shape[0])
        np.add.at(taken, at, values)
        gone = np.zeros(who.shape[0], np.int64)
        np.add.at(gone, at, held.astype(np.int64))
        total = np.where(count > 0, np.nan_to_num(mean) * count, 0.0)
        rest = count - gone
        with np.errstate(invalid="ignore", divide="ignore"):
            without = np.where(rest > 0, (total - taken) / np.maximum(rest, 1), np.nan)
        w, ref = policy.params.network_weight, policy.reference()

        def target(m: np.ndarray) -> np.ndarray:
            t = np.where(np.isnan(m), 0.0, np.rint(w * (np.nan_to_num(m) - ref)))
            return np.clip(t, -32768, 32767).astype(np.int64)

        return target(mean) - target(without)

    def tally_end(self) -> None:
        """Renters (each once) and rented ties by the renter's group."""
        renters = unique(np.concatenate([np.empty(0, np.int32), *self.renters]))
        self.people = self.groups.count(renters)
        self.ties = self.groups.count(self.service.rentals["renter"])

    def merge(self, parts: list[RentedTieFigures]) -> None:
        add_up(self, parts, "totals", "people", "ties")

    def summary(self, k: int) -> dict:
        t = self.totals
        people, ties = self.people, self.ties

        def row(i: int) -> dict:
            points, yuan = float(t["points"][i]), float(t["yuan"][i])
            return {
                "renters": round(float(people[i]) * k),
                "ties": round(float(ties[i]) * k),
                "points": round(points * k),
                "yuan": round(yuan * k, 2),
                "yuan_per_point": round(yuan / points, 4) if points > 0 else None,
            }

        by: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = row(i)
        whole = row(0)
        return {
            "friend_renting_ties": whole["ties"],
            "friend_renting_no_friend_found": round(self.service.unmatched * k),
            "friend_renting_points": whole["points"],
            "friend_renting_points_to_friends": round(float(t["friend_points"][0]) * k),
            "friend_renting_yuan": whole["yuan"],
            "friend_renting_yuan_per_point": whole["yuan_per_point"],
            "friend_renting_by_group": by,
        }
