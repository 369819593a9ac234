"""Gaming: points bought, what they cost, who was caught, and the return per yuan by income band.

Purchases are acts of the gaming services' kinds. The points they bought are the score changes
caused by records whose true act was a purchase: `points_bought` sums the points granted (good
records), `gaming_penalty_points` the deductions when a platform caught it (`gaming_detected`);
both count only what the policy actually applied. Cost is price x purchases, by the buyer's
income band; `points_per_yuan` is net points (granted + penalties) per yuan spent.

A service that charges per point gained (card swiping, `price_yuan_per_point`) is paid when the
points land: its cost is the price x the points its records gained. `gaming_per_point` then gives,
per such service and by group, buyers, points gained, penalties, yuan, and yuan per net point:
who can buy a better score, and at what price.
"""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.engine.rows import rows_of_ids
from credsim.engine.sets import unique
from credsim.metrics.gaming_ties import RentedTieFigures
from credsim.metrics.groups import Groups

__all__ = ["GamingMetrics", "GrowingIds"]


class GrowingIds:
    """Ids that only grow (act ids are numbered in day order), looked up by binary search: kept
    in one buffer that doubles when full, so a day's ids are copied once, not every earlier
    day's again. Memory grows with the events kept, not with the population."""

    def __init__(self) -> None:
        self.buffer = np.empty(0, np.int64)
        self.size = 0

    def extend(self, ids: np.ndarray) -> None:
        if not ids.shape[0]:
            return
        end = self.size + ids.shape[0]
        if end > self.buffer.shape[0]:
            grown = np.empty(max(end, 2 * self.buffer.shape[0], 1024), np.int64)
            grown[: self.size] = self.buffer[: self.size]
            self.buffer = grown
        self.buffer[self.size : end] = np.sort(ids.astype(np.int64))
        self.size = end

    def __len__(self) -> int:
        return self.size

    def contains(self, ids: np.ndarray) -> np.ndarray:
        kept = self.buffer[: self.size]
        if kept.shape[0] == 0:
            return np.zeros(ids.shape[0], bool)
        at = np.minimum(np.searchsorted(kept, ids), kept.shape[0] - 1)
        return kept[at] == ids


class GamingMetricParams(PluginParams):
    pass


class GamingMetrics(Metric):
    """`points_bought`, `gaming_cost`, `gaming_caught`, by income band and by service."""

    Params = GamingMetricParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.service = world.services.get("gaming")
        self.act_ids = GrowingIds()
        self.buyer_chunks: list[np.ndarray] = []
        self.detected = world.codes.code("record_kind", "gaming_detected")
        size = self.groups.size
        self.totals = {
            k: np.zeros(size) for k in ("purchases", "yuan", "points", "penalty", "caught")
        }
        self.by_service: dict[str, dict[str, float]] = {}
        self.per_day = np.zeros((3, world.days))  # purchases, yuan, points bought
        self.policy = None
        if self.service is not None:
            prices = self.service.prices()
            self.price_of = np.full(256, np.nan)  # act kind code (uint8) -> price, NaN if none
            self.price_of[list(prices)] = list(prices.values())
            self.names = {code: name for name, code in self.service.code.items()}
            self.policy = world.codes.code("policy", self.service.params.policy)
        self.per_point = {}
        if self.service is not None:
            for name, price in self.service.prices_per_point().items():
                self.per_point[name] = PerPoint(self.service.code[name], price, self.groups.size)
        self.rented = None
        if self.service is not None and self.service.params.rented_ties is not None:
            self.rented = RentedTieFigures(world, self.service, self.groups)

    def measure(self, day: Day) -> None:
        if self.service is None:
            return
        acts = day.acts
        bought = ~np.isnan(self.price_of[acts["kind"]])
        if bought.any():
            who, kind = acts["actor"][bought], acts["kind"][bought]
            price = self.price_of[kind]
            self.buyer_chunks.append(who)
            self.totals["purchases"] += self.groups.count(who)
            self.totals["yuan"] += self.groups.count(who, price)
            self.per_day[0, day.day] = who.shape[0]
            self.per_day[1, day.day] = float(price.sum())
            self.act_ids.extend(acts["act_id"][bought])
            self._services(kind, price)
        for pp in self.per_point.values():
            pp.bought(acts, self.groups)
        if self.rented is not None:
            self.rented.measure(day)
        records = day.records
        gamed = (records["true_actor"] >= 0) & self.act_ids.contains(records["act_id"])
        if not gamed.any():
            return
        caught = gamed & (records["kind"] == self.detected)
        self.totals["caught"] += self.groups.count(records["attributed_to"][caught])
        changes = day.score_changes
        # The policy's changes that name a record (most of a day a friends' term moves name none).
        named, record_ids = changes.named("record_id")
        ours = changes.take("policy", named) == self.policy
        mine = named[ours]
        at = rows_of_ids(records, record_ids[ours])
        from_gaming = mine[(at >= 0) & gamed[at]]
        if from_gaming.shape[0]:
            delta = changes["delta"][from_gaming].astype(np.float64)
            who = changes["citizen"][from_gaming]
            points = self.groups.count(who, np.maximum(delta, 0))
            self.totals["points"] += points
            self.per_day[2, day.day] = points[0]
            self.totals["penalty"] += self.groups.count(who, np.minimum(delta, 0))
        for name, pp in self.per_point.items():
            yuan = pp.charged(records, changes, mine, at, self.groups)
            if yuan is not None:
                self.totals["yuan"] += yuan
                self.per_day[1, day.day] += yuan[0]
                row = self.by_service.setdefault(name, {"purchases": 0, "yuan": 0.0})
                row["yuan"] += float(yuan[0])

    def _services(self, kind: np.ndarray, price: np.ndarray) -> None:
        for code in unique(kind).tolist():
            row = self.by_service.setdefault(self.names[code], {"purchases": 0, "yuan": 0.0})
            mine = kind == code
            row["purchases"] += int(mine.sum())
            row["yuan"] += float(price[mine].sum())

    def tally_end(self) -> None:
        """Buyers by group (each buyer once); the same for each service charging per point,
        and renters and rented ties."""
        self.buyers = self.groups.count(
            unique(np.concatenate([np.empty(0, np.int32), *self.buyer_chunks]))
        )
        for pp in self.per_point.values():
            pp.tally_end(self.groups)
        if self.rented is not None:
            self.rented.tally_end()

    def merge(self, parts: list) -> None:
        add_up(self, parts, "totals", "by_service", "per_day", "buyers")
        for name, pp in self.per_point.items():
            pp.merge([part.per_point[name] for part in parts])
        if self.rented is not None:
            self.rented.merge([part.rented for part in parts])

    def daily_totals(self) -> dict[str, np.ndarray]:
        if self.service is None:
            return {}
        k = self.world.people_per_agent
        purchases, yuan, points = self.per_day * k
        return {"gaming_purchases": purchases, "gaming_cost": yuan, "points_bought": points}

    def summary(self) -> dict:
        if self.service is None:
            return {}
        k = self.world.people_per_agent
        t = self.totals
        bands = {}
        buyers = self.buyers
        for i, (trait, label) in enumerate(self.groups.keys):
            if trait != "income":
                continue
            yuan = float(t["yuan"][i])
            net = float(t["points"][i] + t["penalty"][i])
            bands[label] = {
                "buyers": round(float(buyers[i]) * k),
                "purchases": round(float(t["purchases"][i]) * k),
                "points_bought": round(float(t["points"][i]) * k),
                "yuan": round(yuan * k, 2),
                "penalty_points": round(float(t["penalty"][i]) * k),
                "points_per_yuan": round(net / yuan, 6) if yuan else None,
            }
        out = {
            "points_bought": round(float(t["points"][0]) * k),
            "gaming_penalty_points": round(float(t["penalty"][0]) * k),
            "gaming_cost": round(float(t["yuan"][0]) * k, 2),
            "gaming_purchases": round(float(t["purchases"][0]) * k),
            "gaming_caught": round(float(t["caught"][0]) * k),
            "gaming_buyers": round(float(buyers[0]) * k),
            "gaming_by_income": bands,
            "gaming_by_service": {
                name: {"purchases": row["purchases"] * k, "yuan": round(row["yuan"] * k, 2)}
                for name, row in sorted(self.by_service.items())
            },
        }
        if self.rented is not None:
            out.update(self.rented.summary(k))
        if self.per_point:
            out["gaming_per_point"] = {
                name: pp.summary(self.groups, k) for name, pp in sorted(self.per_point.items())
            }
        return out


class PerPoint:
    """A service charging per point gained: its buyers, points, penalties and yuan by group."""

    def __init__(self, code: int, price: float, groups: int) -> None:
        self.code, self.price = code, price
        self.act_ids = GrowingIds()
        self.buyer_chunks: list[np.ndarray] = []
        self.totals = {k: np.zeros(groups) for k in ("points", "penalty", "yuan")}

    def bought(self, acts, groups: Groups) -> None:
        mine = acts.rows_of("kind", self.code)
        if mine.shape[0]:
            self.buyer_chunks.append(acts["actor"][mine])
            self.act_ids.extend(acts["act_id"][mine])

    def charged(self, records, changes, mine, at, groups: Groups) -> np.ndarray | None:
        """Yuan charged by group today: the price x the points its records gained (`mine`: the
        policy's changes that name a record, ascending; `at`: the row of each one's record)."""
        ours = (records["true_actor"] >= 0) & self.act_ids.contains(records["act_id"])
        if not ours.any():
            return None
        rows = mine[(at >= 0) & ours[at]]
        delta = changes["delta"][rows].astype(np.float64)
        who = changes["citizen"][rows]
        gained = groups.count(who, np.maximum(delta, 0))
        self.totals["points"] += gained
        self.totals["penalty"] += groups.count(who, np.minimum(delta, 0))
        yuan = gained * self.price
        self.totals["yuan"] += yuan
        return yuan

    def tally_end(self, groups: Groups) -> None:
        bought = np.concatenate([np.empty(0, np.int32), *self.buyer_chunks])
        self.buyers = groups.count(unique(bought))

    def merge(self, parts: list[PerPoint]) -> None:
        add_up(self, parts, "totals", "buyers")

    def summary(self, groups: Groups, k: int) -> dict:
        buyers = self.buyers
        t = self.totals

        def row(i: int) -> dict:
            net = float(t["points"][i] + t["penalty"][i])
            yuan = float(t["yuan"][i])
            return {
                "buyers": round(float(buyers[i]) * k),
                "points": round(float(t["points"][i]) * k),
                "penalty_points": round(float(t["penalty"][i]) * k),
                "yuan": round(yuan * k, 2),
                "yuan_per_net_point": round(yuan / net, 4) if net > 0 else None,
            }

        by: dict = {}
        for i, (trait, label) in enumerate(groups.keys[1:], start=1):
            by.setdefault(trait, {})[label] = row(i)
        return {"yuan_per_point": self.price, **row(0), "by_group": by}
