"""The secret file: every record the state holds naming a citizen, against what the citizen was
told of it. Only the security services see a citizen's dang'an (the articles); an itemised report
(the UK's, credsim's `financial` policy) names each record so that it can be contested.

A record is `told` when a notice to the citizen named it: its points under a policy whose opacity
is `itemised`, a warning, listing or removal from a list that notifies, a refusal at a counter, or
a measure met in person (credsim.engine.notices). It is `effect_only` when the citizen saw only
what it did (points under `score` opacity, a grade move under `grade`), never the record; else it
is `hidden`: the citizen never heard of it (policies under `nothing`, silent lists, records no
policy prices: camera records, flagged posts, purchases, checkpoint alerts). Records a citizen
cannot see or contest are the effect-only and hidden ones; they are counted for the whole file,
for each policy (the records that moved a score under it) and each list (the records listings
rest on), by record kind and by group (at most 16 policies). The metric keeps 8 bytes per
record.
"""

from __future__ import annotations

import numpy as np

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.engine.sets import unique
from credsim.metrics.groups import Groups
from credsim.metrics.record_blocks import RecordBlocks

__all__ = ["SEEN", "SecretFileMetrics", "notice_reach"]

TOLD, EFFECT = 1, 2
"""Bits of a record's reach: named to the citizen; only its effect shown."""
SEEN = frozenset(
    {"warned", "listed", "delisted", "refused", "account_closed", "detained", "stopped"}
)
"""Notice kinds that name their record to the citizen (besides itemised points)."""


def notice_reach(
    notices: list[str], about: list[str], opacity: dict[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables over notice codes and `about` codes: the reach bit (TOLD, EFFECT or 0) of
    each notice kind, and of a `points` notice about each policy."""
    by_kind = np.array(
        [TOLD if n in SEEN else EFFECT if n in ("grade_down", "grade_up") else 0 for n in notices]
        or [0],
        np.uint8,
    )
    by_policy = np.array(
        [TOLD if opacity.get(a) == "itemised" else EFFECT if a in opacity else 0 for a in about]
        or [0],
        np.uint8,
    )
    return by_kind, by_policy


class SecretFileParams(PluginParams):
    pass


class SecretFileMetrics(Metric):
    """Records held on citizens, and those they were never told of or saw only the effect of,
    for the whole file, by policy, list, record kind and group."""

    Params = SecretFileParams

    def init(self, world: World) -> None:
        self.world = world
        self.groups = Groups.build(world.traits)
        self.policies = list(world.scores)
        self.opacity = {name: info.opacity for name, info in world.scores.items()}
        self.base = -1
        self.size = 0
        self.file = RecordBlocks(
            {
                "reach": ("uint8", 0),
                "held": ("uint16", 0),  # bit i: moved a score under policy i
                "kind": ("uint8", 0),
                "who": ("int32", -1),
            }
        )
        self.policy_bit: np.ndarray | None = None
        self.listed: dict[str, list[np.ndarray]] = {}
        self.listed_action = world.codes.code("action", "listed")

    def _policy_bits(self) -> np.ndarray:
        """The `held` bit of each policy code (0 beyond the first 16 policies)."""
        if self.policy_bit is None:
            codes = self.world.codes
            self.policy_bit = np.zeros(max(len(codes.names("policy")), 1), np.uint16)
            for i, name in enumerate(self.policies[:16]):
                self.policy_bit[codes.code("policy", name)] = 1 << i
        return self.policy_bit

    def _at(self, record_ids: np.ndarray) -> np.ndarray:
        """Positions of records this process holds (-1 for any other)."""
        at = record_ids.astype(np.int64) - self.base
        return np.where((at >= 0) & (at < self.size) & (record_ids >= 0), at, -1)

    def measure(self, day: Day) -> None:
        records = day.records
        ids = records["record_id"]
        if ids.shape[0]:
            if self.base < 0:
                self.base = int(ids[0])
            end = int(ids[-1]) - self.base + 1
            self.file.grow(end)
            at = ids.astype(np.int64) - self.base
            self.file.put("kind", at, records["kind"])
            self.file.put("who", at, records["attributed_to"])
            self.size = max(self.size, end)
        sc = day.score_changes
        rows, record_ids = sc.named("record_id")  # (a friends' term's moves name none)
        at = self._at(record_ids)
        bits = self._policy_bits()[sc.take("policy", rows)]
        mine = (at >= 0) & (bits > 0)
        self.file.or_at("held", at[mine], bits[mine])
        notices = day.notices
        at = self._at(notices["record_id"])
        by_kind, by_policy = notice_reach(
            self.world.codes.names("notice"), self.world.codes.names("notice_about"), self.opacity
        )
        bits = by_kind[notices["notice"]]
        points = notices["notice"] == self.world.codes.code("notice", "points")
        bits = np.where(points, by_policy[notices["about"]], bits)
        ok = at >= 0
        self.file.or_at("reach", at[ok], bits[ok])
        s = day.sanctions
        listing = s["action"] == self.listed_action
        if listing.any():
            names = self.world.codes.names("consequence")
            for code in unique(s["consequence"][listing]).tolist():
                rid = s["record_id"][listing & (s["consequence"] == code)]
                self.listed.setdefault(names[code], []).append(rid[rid >= 0])

    def merge(self, parts: list) -> None:
        # Shards' records are apart: their counts add up.
        add_up(self, parts, "final_sizes", "end_counts")

    def tally_end(self) -> None:
        world = self.world
        self.final_sizes = self.groups.sizes(world.hi, world.alive, world.lo)
        self.end_counts = self._counts()
        # The file itself (8 bytes a record) is what the counts needed; a shard does not send
        # it to the head of a sharded run.
        self.file, self.listed = None, {}

    def _counts(self) -> dict:
        """Per-group counts of records, told and effect-only, for the file, each policy and each
        list; per record kind. The file is read a block at a time, and each block's records are
        counted in every group for every policy in one pass (`Groups.count_bits`)."""
        policies = self.policies[:16]
        sets = 1 + len(policies)  # the whole file, then each policy
        by_group = np.zeros((3 * sets, self.groups.size), np.int64)
        by_kind = np.zeros((3, 256), np.int64)
        for block in self.file.chunks(self.size):
            mine = block["who"] >= 0
            who, reach = block["who"][mine], block["reach"][mine]
            held, kind = block["held"][mine], block["kind"][mine]
            told = (reach & TOLD) > 0
            effect = ((reach & EFFECT) > 0) & ~told
            # Bits 3s, 3s+1, 3s+2 of a record: in set s (0 the file, 1 + i policy i) at all,
            # told, effect only.
            kinds = np.ones(who.shape[0], np.uint64) | (told.astype(np.uint64) << np.uint64(1))
            kinds |= effect.astype(np.uint64) << np.uint64(2)
            bits = kinds.copy()
            for i in range(len(policies)):
                inside = ((held >> np.uint16(i)) & np.uint16(1)).astype(np.uint64)
                bits |= (kinds * inside) << np.uint64(3 * (i + 1))
            by_group += self.groups.count_bits(who, bits, 3 * sets)
            for row, rows in enumerate((slice(None), told, effect)):
                by_kind[row] += np.bincount(kind[rows], minlength=256)
        figures = by_group.astype(np.float64)

        def tally(s: int) -> dict[str, np.ndarray]:
            return {
                "records": figures[3 * s],
                "told": figures[3 * s + 1],
                "effect_only": figures[3 * s + 2],
            }

        out: dict = {"file": tally(0), "policies": {}, "lists": {}}
        for i, name in enumerate(policies):
            out["policies"][name] = tally(1 + i)
        for name, chunks in self.listed.items():
            ids = unique(np.concatenate(chunks)) if chunks else np.empty(0, np.int64)
            at = self._at(ids)
            at = at[at >= 0]
            at = at[self.file.take("who", at) >= 0]
            reach = self.file.take("reach", at)
            t = (reach & TOLD) > 0
            e = ((reach & EFFECT) > 0) & ~t
            out["lists"][name] = {
                "records": float(at.shape[0]),
                "told": float(t.sum()),
                "effect_only": float(e.sum()),
            }
        names = self.world.codes.names("record_kind")
        out["kinds"] = {
            names[code]: {
                "records": float(by_kind[0, code]),
                "told": float(by_kind[1, code]),
                "effect_only": float(by_kind[2, code]),
            }
            for code in np.flatnonzero(by_kind[0]).tolist()
        }
        return out

    def summary(self) -> dict:
        counts = self.end_counts
        k = self.world.people_per_agent
        sizes = self.final_sizes.astype(np.float64)

        def figures(row: dict, i: int | None = None) -> dict:
            pick = (lambda v: float(v[i])) if i is not None else float
            records, told, effect = (pick(row[f]) for f in ("records", "told", "effect_only"))
            unseen = records - told
            citizens = float(sizes[0 if i is None else i])
            return {
                "records": round(records * k),
                "told": round(told * k),
                "effect_only": round(effect * k),
                "hidden": round((unseen - effect) * k),
                "unseen": round(unseen * k),
                "unseen_share": round(unseen / records, 6) if records else 0.0,
                "unseen_per_citizen": round(unseen / citizens, 6) if citizens else 0.0,
            }

        whole = figures({f: v[0] for f, v in counts["file"].items()})
        by_policy = {
            name: {"opacity": self.opacity[name], **figures({f: v[0] for f, v in row.items()})}
            for name, row in counts["policies"].items()
        }
        by_group: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys[1:], start=1):
            cell = {"citizens": round(sizes[i] * k), **figures(counts["file"], i)}
            cell["policies"] = {name: figures(row, i) for name, row in counts["policies"].items()}
            by_group.setdefault(trait, {})[label] = cell
        return {
            "secret_file_records": whole["records"],
            "secret_file_told": whole["told"],
            "secret_file_effect_only": whole["effect_only"],
            "secret_file_hidden": whole["hidden"],
            "secret_file_unseen": whole["unseen"],
            "secret_file_unseen_share": whole["unseen_share"],
            "secret_file_unseen_per_citizen": whole["unseen_per_citizen"],
            "secret_file_by_policy": by_policy,
            "secret_file_by_list": {
                name: figures(row) for name, row in sorted(counts["lists"].items())
            },
            "secret_file_by_kind": {
                name: {key: figures(row)[key] for key in ("records", "unseen", "unseen_share")}
                for name, row in sorted(counts["kinds"].items())
            },
            "secret_file_by_group": by_group,
        }
