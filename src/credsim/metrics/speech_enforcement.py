"""Speech enforcement: warnings, closed accounts and detentions over flagged posts, by group; the
ones that punished a post that was not sensitive or not the citizen's own; and, day by day, the
enforcement beside the share of intended sensitive posts held back (fear following it)."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.engine import Day, Metric, PluginParams, World
from credsim.engine.merge import add_up
from credsim.metrics.groups import Groups

__all__ = ["SpeechEnforcementMetrics"]

MEASURES = ("warned", "account_closed", "detained")
COLUMNS = (*MEASURES, "detention_days", "wrongful")
"""Per-group tallies: each measure, person-days detained within the run, and measures taken over a
post that was not sensitive or not the citizen's own."""
DAILY = (*MEASURES, "sensitive_meant", "sensitive_held")
"""Whole-population counts per day."""
KEYS = {
    "warned": "speech_warnings",
    "account_closed": "speech_accounts_closed",
    "detained": "speech_detentions",
    "detention_days": "speech_detention_days",
    "wrongful": "speech_sanctions_wrongful",
}


class SpeechEnforcementParams(PluginParams):
    consequence: str = Field(
        "speech_enforcement", description="the speech_enforcement consequence measured"
    )


class SpeechEnforcementMetrics(Metric):
    """`speech_warnings`, `speech_accounts_closed`, `speech_detentions` and person-days detained,
    by group, with those over posts not sensitive or not the citizen's own; enforcement and the
    sensitive posts held back, day by day. Zero when the consequence is not in the run."""

    Params = SpeechEnforcementParams
    params: SpeechEnforcementParams

    def init(self, world: World) -> None:
        self.world = world
        self.k = world.people_per_agent
        self.groups = Groups.build(world.traits)
        self.tally = np.zeros((len(COLUMNS), self.groups.size))
        self.per_day = np.zeros((len(DAILY), world.days))
        self.not_sensitive = np.zeros(len(MEASURES))
        self.not_author = np.zeros(len(MEASURES))
        self.ran = False
        """Whether the consequence was switched on on any day (the day-by-day figures)."""
        codes = world.codes
        self.post = codes.code("act_kind", "post")
        self.row_of = np.full(256, -1, np.int64)
        """Action code -> its row in MEASURES (-1: none)."""
        for i, m in enumerate(MEASURES):
            self.row_of[codes.code("action", m)] = i
        self.enforcer = world.services.get(f"speech_enforcement:{self.params.consequence}")
        if self.enforcer is not None:
            self.code = codes.code("consequence", self.params.consequence)
            self.detained_until = world.state[self.enforcer.detained_column]

    def measure(self, day: Day) -> None:
        if self.enforcer is None:
            return
        self.ran |= self.enforcer.active
        t = day.day
        self._sensitive(day)
        s = day.sanctions
        mine = s["consequence"] == self.code
        if not mine.any():
            return
        who, action, rid = s["citizen"][mine], s["action"][mine], s["record_id"][mine]
        row = self.row_of[action]
        wrong_post, not_theirs = self._truth(day, rid)
        for i in range(len(MEASURES)):
            at = row == i
            self.tally[i] += self.groups.count(who[at])
            self.per_day[i, t] = np.count_nonzero(at)
            self.not_sensitive[i] += np.count_nonzero(at & wrong_post)
            self.not_author[i] += np.count_nonzero(at & not_theirs)
        wrongful = (row >= 0) & (wrong_post | not_theirs)
        self.tally[COLUMNS.index("wrongful")] += self.groups.count(who[wrongful])
        held = who[row == MEASURES.index("detained")]
        if held.shape[0]:
            # Days held within the run: from tomorrow until the day before release.
            until = np.minimum(self.detained_until[held].astype(np.int64), self.world.days)
            days = np.maximum(until - (t + 1), 0).astype(np.float64)
            self.tally[COLUMNS.index("detention_days")] += self.groups.count(held, days)

    def _truth(self, day: Day, record_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each record's post was not really sensitive, and whether it was not the named
        citizen's own (someone else posted from a number in their name)."""
        records = day.records
        ids = records["record_id"]
        if ids.shape[0] == 0:
            none = np.zeros(record_ids.shape[0], bool)
            return none, none
        order = np.argsort(ids, kind="stable")
        at = order[np.minimum(np.searchsorted(ids, record_ids, sorter=order), ids.shape[0] - 1)]
        found = ids[at] == record_ids
        not_sensitive = found & (records["true_detail"][at] == 0)
        not_theirs = found & (records["true_actor"][at] != records["attributed_to"][at])
        return not_sensitive, not_theirs

    def _sensitive(self, day: Day) -> None:
        """Sensitive posts meant today, and held back (self-censorship)."""
        acts = day.acts
        made = np.count_nonzero(acts["detail"][acts.rows_of("kind", self.post)] > 0)
        held = 0
        censor = self.world.services.get("self_censorship")
        if censor is not None:
            held = int(np.count_nonzero(censor.held_on(day.day).sensitive))
        self.per_day[DAILY.index("sensitive_meant"), day.day] = made + held
        self.per_day[DAILY.index("sensitive_held"), day.day] = held

    def merge(self, parts: list) -> None:
        add_up(self, parts, "tally", "per_day", "not_sensitive", "not_author")
        self.ran = any(p.ran for p in (self, *parts))

    def daily_totals(self) -> dict[str, np.ndarray]:
        if self.enforcer is None:
            return {}
        return {KEYS[m]: self.per_day[i] * self.k for i, m in enumerate(MEASURES)}

    def summary(self) -> dict:
        k = self.k
        out: dict = {key: round(self.tally[COLUMNS.index(c)][0] * k) for c, key in KEYS.items()}
        i = MEASURES.index("detained")
        out["speech_detentions_not_sensitive"] = round(self.not_sensitive[i] * k)
        out["speech_detentions_not_author"] = round(self.not_author[i] * k)
        out["speech_enforcement_by_group"] = self.groups.nested(
            {key: self.tally[COLUMNS.index(c)] for c, key in KEYS.items()}, k
        )
        if self.ran:
            out["speech_enforcement_by_day"] = {
                name: [round(v * k) for v in self.per_day[j].tolist()]
                for j, name in enumerate(DAILY)
            }
        return out
