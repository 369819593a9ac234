"""The core metrics of the glossary, by group, with ground truth.

Flows (acts, records, refusals) are counted from each day's events; stocks (sanctioned, scores)
are kept up to date from events too, so a day costs what its events cost.

Harm is but-for (credsim.engine.but_for): `sanctioned_wrongful` counts citizens on a list here
and on no list in the same run without erroneous records, and `refused_wrongful` the refusals met
here that the same citizen did not meet that day, for that kind of purchase, in it. The weaker
`sanctioned_touched_by_wrong_record` counts listed citizens whom at least one misattributed or
fabricated record of the list's basis kind reached (cleared when they leave the list); it is what
a run without its counterfactual can say.
"""

from __future__ import annotations

import numpy as np

from credsim.engine import Column, Day, Metric, PluginParams, World
from credsim.engine.but_for import kinds_of
from credsim.engine.merge import add_up
from credsim.engine.sets import among, unique
from credsim.metrics.core_output import CoreOutput
from credsim.metrics.groups import Groups
from credsim.metrics.harm import WRONGFUL, ButForHarms
from credsim.metrics.score_histogram import ScoreHistogram

__all__ = ["CoreMetrics"]

FLOWS = (
    "acts",
    "records",
    "records_misattributed",
    "records_fabricated",
    "listed_new",
    "delisted",
    "blocked_flights",
    "blocked_trains",
    "blocked_loans",
    "blocked_high_consumption",
    "blocked_company_posts",
    "children_refused_school",
    "refused_wrongful",
    "listed_new_wrongful",
)
STOCKS = ("sanctioned", "sanctioned_wrongful", "sanctioned_touched_by_wrong_record")
TOUCHED, SANCTIONED = np.uint8(0x20), np.uint8(0x40)
"""Flag bits of `wrongful_basis` (bits 0-4 mark a wrong record under each list)."""
SCORE_ROWS = 1 << 18
"""Score changes moved in the histograms at a time (a day a friends' term moves changes most
citizens' scores)."""
MAX_LISTS = 5
BLOCKED = {
    "flight_purchase": "blocked_flights",
    "train_purchase": "blocked_trains",
    "loan_application": "blocked_loans",
    "luxury_purchase": "blocked_high_consumption",
    "company_post": "blocked_company_posts",
    "school_application": "children_refused_school",
}


class CoreParams(PluginParams):
    pass


class CoreMetrics(CoreOutput, ButForHarms, Metric):
    """Glossary metrics per day and group: acts, records, errors, sanctions, refusals, scores."""

    Params = CoreParams
    stock_columns = ("sanctioned", "score_mean.", "score_gini.", "grade_share.")

    def columns(self) -> list[Column]:
        return [
            Column(
                "wrongful_basis",
                "uint8",
                owner=self.name,
                truth=True,
                doc="bits 0-4: a wrong record of list i's basis kind reached this citizen; "
                "bit 5: listed and touched by such a record now; bit 6: sanctioned now; "
                "bit 7: sanctioned now and not in the run without erroneous records",
            )
        ]

    def init(self, world: World) -> None:
        self.world = world
        state = world.state
        self.groups = Groups.build(world.traits)
        self.k = world.people_per_agent
        self.lists = list(world.sanctions.items())
        each_list = [
            f"{flow}.{name}" for name, _ in self.lists for flow in ("listed_new", "delisted")
        ]
        self.flows = {
            name: np.zeros((world.days, self.groups.size)) for name in (*FLOWS, *each_list)
        }
        self.stocks = {
            name: np.zeros((world.days, self.groups.size))
            for name in (*STOCKS, *(f"sanctioned.{name}" for name, _ in self.lists))
        }
        self.on_list = {name: np.zeros(self.groups.size) for name, _ in self.lists}
        """Citizens on each list now, by group (`sanctioned.<list>`): kept from the day's
        listings and removals, and moved by deaths and ageing (`leave`, `join`)."""
        self.tracked = self.lists[:MAX_LISTS]
        """Lists whose wrong records are marked (a bit each per citizen): a further list counts in
        every stock and flow, but not in the weaker `touched` figures nor in the reasons."""
        self.wrong = state["wrongful_basis"]
        codes = world.codes
        self.basis_codes = [
            np.array([codes.code("record_kind", k) for k in info.basis]) for _, info in self.tracked
        ]
        self.list_code = {
            codes.code("consequence", name): i for i, (name, _) in enumerate(self.tracked)
        }
        self.list_names = {codes.code("consequence", name): name for name, _ in self.lists}
        self.action = {a: codes.code("action", a) for a in ("listed", "delisted", "refused")}
        self.blocked_code = {codes.code("record_kind", k): m for k, m in BLOCKED.items()}
        self.sanctioned = np.zeros(self.groups.size)
        self.sanctioned_wrongful = np.zeros(self.groups.size)
        self.sanctioned_touched = np.zeros(self.groups.size)
        self.but_for = None
        self.refused_wrongful_by: dict[str, int] = {}
        self.hists = {
            name: ScoreHistogram(
                self.groups,
                info.low,
                info.high,
                state[info.column],
                world.lo,
                world.hi,
                info.territory,
                self._holder(info),
            )
            for name, info in world.scores.items()
        }
        # A shard keeps its starting histograms and each day's change to them (as sparse
        # counts, bounded by groups x scores however many citizens move), so that the whole run's
        # daily distributions can be rebuilt exactly when the shards are merged.
        self.changes: dict[str, list[tuple[np.ndarray, np.ndarray]]] | None = None
        if world.sharded:
            self.start_hists = {name: h.hist.copy() for name, h in self.hists.items()}
            self.last_hists = {name: h.hist.copy() for name, h in self.hists.items()}
            self.changes = {name: [] for name in self.hists}
        self.policy_code = {codes.code("policy", name): name for name in world.scores}
        self.score_series = {name: {"mean": [], "gini": [], "grades": []} for name in world.scores}
        self.totals_by_kind: dict[str, dict[str, int]] = {"acts": {}, "records": {}}
        self.by_source: dict[str, dict[str, int]] = {}
        self.misattributed_daily: dict[str, np.ndarray] = {}
        """Source -> records it attributed to the wrong citizen, per day (agents)."""

    def measure(self, day: Day) -> None:
        t, g = day.day, self.groups
        acts, recs = day.acts, day.records
        self.flows["acts"][t] = g.count(acts["actor"])
        who, actor = recs["attributed_to"], recs["true_actor"]
        self.flows["records"][t] = g.count(who)
        misattributed = (actor >= 0) & (actor != who)
        fabricated = actor < 0
        self.flows["records_misattributed"][t] = g.count(who[misattributed])
        self.flows["records_fabricated"][t] = g.count(who[fabricated])
        self._tally("acts", acts["kind"], "act_kind")
        self._tally("records", recs["kind"], "record_kind")
        self._by_source(t, recs["source"], misattributed, fabricated)
        changed = self._sanctions(day)
        marked = self._mark_wrong(recs["kind"], who, misattributed | fabricated)
        self._update_stocks(t, np.concatenate([changed, marked, self._twin_changes()]))
        self.stocks["sanctioned"][t] = self.sanctioned
        self.stocks["sanctioned_wrongful"][t] = self.sanctioned_wrongful
        self.stocks["sanctioned_touched_by_wrong_record"][t] = self.sanctioned_touched
        for name, on in self.on_list.items():
            self.stocks[f"sanctioned.{name}"][t] = on
        for code, name in self.policy_code.items():
            self._scores(day, code, name)

    def _tally(self, table: str, kinds: np.ndarray, domain: str) -> None:
        names = self.world.codes.names(domain)
        counts = np.bincount(kinds, minlength=len(names))
        bucket = self.totals_by_kind[table]
        for code in np.flatnonzero(counts).tolist():
            bucket[names[code]] = bucket.get(names[code], 0) + int(counts[code])

    def _by_source(self, t: int, source: np.ndarray, misattributed, fabricated) -> None:
        names = self.world.codes.names("source")
        counts = {
            "records": np.bincount(source, minlength=len(names)),
            "misattributed": np.bincount(source[misattributed], minlength=len(names)),
            "fabricated": np.bincount(source[fabricated], minlength=len(names)),
        }
        for what, per_source in counts.items():
            for code, count in enumerate(per_source.tolist()):
                row = self.by_source.setdefault(names[code], dict.fromkeys(counts, 0))
                row[what] += count
        for code, count in enumerate(counts["misattributed"].tolist()):
            if count:
                daily = self.misattributed_daily.setdefault(names[code], np.zeros(self.world.days))
                daily[t] += count

    def daily_totals(self) -> dict[str, np.ndarray]:
        """Records each source attributed to the wrong citizen, per day (people)."""
        k = self.k
        return {
            f"records_misattributed.{name}": daily * k
            for name, daily in sorted(self.misattributed_daily.items())
        }

    def _holder(self, info):
        """Who holds a score in a policy, as a predicate (None: every citizen): of age for it,
        and alive."""
        alive = self.world.alive
        if info.min_age <= 0 and alive is None:
            return None
        if alive is None:
            return info.scored
        return lambda c: info.scored(c) & alive(c)

    def leave(self, citizens: np.ndarray) -> None:
        self._regroup(citizens, -1)

    def join(self, citizens: np.ndarray) -> None:
        self._regroup(citizens, +1)

    def _regroup(self, citizens: np.ndarray, sign: int) -> None:
        """Take citizens out of (or put them into) the per-group stocks and score histograms, as
        they stand: around ageing (their group changes), at death and at birth."""
        if citizens.shape[0] == 0:
            return
        flags = self.wrong[citizens]
        for flag, stock in (
            (SANCTIONED, self.sanctioned),
            (TOUCHED, self.sanctioned_touched),
            (WRONGFUL, self.sanctioned_wrongful),
        ):
            stock += sign * self.groups.count(citizens[(flags & flag) > 0])
        for name, info in self.lists:
            on = self.world.state[info.column][citizens] >= 0
            self.on_list[name] += sign * self.groups.count(citizens[on])
        for name, hist in self.hists.items():
            info = self.world.scores[name]
            who = citizens[info.scored(citizens)]
            hist.shift(who, self.world.state[info.column][who].astype(np.int64), sign)

    def _mark_wrong(self, kinds: np.ndarray, who: np.ndarray, wrong: np.ndarray) -> np.ndarray:
        """Mark citizens who received a wrong record of a list's basis kind; returns them."""
        marked = []
        rows = np.flatnonzero(wrong)
        kinds, who = kinds[rows], who[rows]
        for bit, basis in enumerate(self.basis_codes):
            hit = unique(who[among(kinds, basis)])
            self.wrong[hit] |= np.uint8(1 << bit)
            marked.append(hit)
        return np.concatenate(marked) if marked else np.empty(0, np.int32)

    def _touched_now(self, citizens: np.ndarray) -> np.ndarray:
        """On some list whose listing rests on a wrong record of its basis kind."""
        out = np.zeros(citizens.shape[0], bool)
        for bit, (_, info) in enumerate(self.tracked):
            on = self.world.state[info.column][citizens] >= 0
            out |= on & ((self.wrong[citizens] & np.uint8(1 << bit)) > 0)
        return out

    def _update_stocks(self, t: int, touched: np.ndarray) -> None:
        """Recount the citizens whose lists or marks changed today: sanctioned (on any list) and
        wrongfully sanctioned are kept as flags, so a citizen on two lists counts once. Those who
        became wrongfully sanctioned today are that day's `listed_new_wrongful`."""
        touched = unique(touched)
        if self.world.alive is not None:  # the dead left every stock when they died
            touched = touched[self.world.alive(touched)]
        if touched.shape[0] == 0:
            return
        sanctioned_now = self._lists_holding(touched) > 0
        touched_now = self._touched_now(touched)
        wrongful_now = np.zeros(touched.shape[0], bool)
        if self.but_for is not None:
            wrongful_now = sanctioned_now & ~self.but_for.listed(touched)
        flags = self.wrong[touched]
        for now, flag, stock in (
            (sanctioned_now, SANCTIONED, self.sanctioned),
            (touched_now, TOUCHED, self.sanctioned_touched),
            (wrongful_now, WRONGFUL, self.sanctioned_wrongful),
        ):
            before = (flags & flag) > 0
            entered = self.groups.count(touched[now & ~before])
            stock += entered
            stock -= self.groups.count(touched[~now & before])
            if flag == WRONGFUL:
                self.flows["listed_new_wrongful"][t] = entered
        self.wrong[touched] = (
            (flags & ~(TOUCHED | SANCTIONED | WRONGFUL))
            | np.where(touched_now, TOUCHED, 0).astype(np.uint8)
            | np.where(sanctioned_now, SANCTIONED, 0).astype(np.uint8)
            | np.where(wrongful_now, WRONGFUL, 0).astype(np.uint8)
        )

    def _sanctions(self, day: Day) -> np.ndarray:
        """Flows of listings, removals and refusals; returns the citizens whose lists changed."""
        t, s = day.day, day.sanctions
        who, action, rid = s["citizen"], s["action"], s["record_id"]
        listed = action == self.action["listed"]
        delisted = action == self.action["delisted"]
        self.flows["listed_new"][t] = self.groups.count(who[listed])
        self.flows["delisted"][t] = self.groups.count(who[delisted])
        if listed.any() or delisted.any():
            for code, name in self.list_names.items():
                mine = s["consequence"] == code
                self.flows[f"listed_new.{name}"][t] = self.groups.count(who[listed & mine])
                self.flows[f"delisted.{name}"][t] = self.groups.count(who[delisted & mine])
                # A death's removal (`died`) is not counted: `leave` took the dead out already.
                self.on_list[name] += (
                    self.flows[f"listed_new.{name}"][t] - self.flows[f"delisted.{name}"][t]
                )
        for code, bit in self.list_code.items():
            # Leaving a list clears what its listing rested on.
            off = who[delisted & (s["consequence"] == code)]
            self.wrong[off] &= ~np.uint8(1 << bit)
        refused = action == self.action["refused"]
        if refused.any():
            kinds = kinds_of(day.records, rid[refused])
            for code, metric in self.blocked_code.items():
                self.flows[metric][t] += self.groups.count(who[refused][kinds == code])
            if self.but_for is not None:
                self._refused_wrongful(t, who[refused], kinds)
        return who[listed | delisted]

    def _lists_holding(self, citizens: np.ndarray) -> np.ndarray:
        """How many lists each citizen is on now."""
        count = np.zeros(citizens.shape[0], np.int64)
        for _, info in self.lists:
            count += self.world.state[info.column][citizens] >= 0
        return count

    def _scores(self, day: Day, code: int, name: str) -> None:
        sc = day.score_changes
        hist = self.hists[name]
        policy, citizen, score, delta = (sc[f] for f in ("policy", "citizen", "score", "delta"))
        for start in range(0, policy.shape[0], SCORE_ROWS):
            rows = slice(start, start + SCORE_ROWS)
            mine, who = policy[rows] == code, citizen[rows]
            if self.world.alive is not None:  # the dead left the histograms when they died
                mine &= self.world.alive(who)
            new = score[rows][mine].astype(np.int64)
            hist.move(who[mine], new - delta[rows][mine], new)
        if self.changes is not None:
            # Against yesterday's histogram, so births, deaths and ageing count too.
            before = self.last_hists[name]
            changed = np.flatnonzero(hist.hist != before)
            count = (hist.hist.ravel()[changed] - before.ravel()[changed]).astype(np.int32)
            self.changes[name].append((changed.astype(np.int32), count))
            self.last_hists[name] = hist.hist.copy()
        self._record_series(name)

    def _record_series(self, name: str) -> None:
        """Append today's mean, Gini and grade shares of policy `name`, by group."""
        series = self.score_series[name]
        bounds = [b for _, b in self.world.scores[name].grades]
        means, ginis, shares = self.hists[name].series(bounds)
        series["mean"].append(means)
        series["gini"].append(ginis)
        if bounds:
            series["grades"].append(shares)

    def merge(self, parts: list) -> None:
        """Add up the shards' tallies, then apply every shard's daily histogram changes, day by
        day, to the summed starting histograms, so the daily means, Ginis and grade shares are
        the whole run's (the same numbers a single process computes)."""
        add_up(self, parts, "flows", "stocks", "sanctioned", "sanctioned_wrongful")
        add_up(self, parts, "sanctioned_touched", "refused_wrongful_by", "on_list")
        add_up(self, parts, "totals_by_kind", "by_source", "misattributed_daily", "final_sizes")
        add_up(self, parts, "wrongful_reasons")
        if self.changes is None:  # a run of one shard: its histograms are the whole run's
            return
        shards = [self, *parts]
        for name, hist in self.hists.items():
            hist.hist = sum((p.start_hists[name] for p in parts), self.start_hists[name].copy())
            flat = hist.hist.reshape(-1)
            self.score_series[name] = {"mean": [], "gini": [], "grades": []}
            for day in range(len(self.changes[name])):
                for shard in shards:
                    cells, count = shard.changes[name][day]
                    flat[cells] += count
                self._record_series(name)
        self.changes = None

    def tally_end(self) -> None:
        world = self.world
        self.final_sizes = self.groups.sizes(world.hi, world.alive, world.lo)
        self.wrongful_reasons = self._reasons() if self.but_for is not None else {}
