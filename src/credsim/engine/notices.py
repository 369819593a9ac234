"""Notices: what each citizen was told, day by day, and what they know of their own scores.

Citizens learn about the system only through notices. The engine turns the day's score changes
and sanctions into the `notices` event table once the respond phase is over, when something first
reads it (a behaviour the next day, a metric, the event log): a run in which nothing reads notices
builds none, with the same results.

- `points`: a score change, under a policy whose opacity is `score` or `itemised` (value: delta);
- `grade_down` / `grade_up`: under `grade` opacity, only a change of grade (value: new grade index,
  0 the best); under `nothing`, no score notice at all;
- `warned`, `listed`, `delisted`: from a list that notifies the citizen (`notify = true`); a
  silent listing is no notice;
- `refused`: a refusal met at a counter (always seen by the citizen refused);
- `account_closed`, `detained`: speech enforcement over a flagged post; `stopped`: held at a
  checkpoint after a face alert. The citizen always knows of these, as of a refusal;
- `fined`: a fine levied on one of the citizen's records (a ticket is served; `record_kind` is
  the kind fined, so that deterrence knows which conduct it priced).

Behaviours that respond to the system read yesterday's notices (`Notices.yesterday`) and the score
as each citizen knows it (`known_score`, `known_grade`), never the state: a notification switch
changes behaviour only through notices. `yesterday` leaves out the points and grade notices that
name no record (a friends' term moving): every behaviour learns only from a record's cause or a
sanction, so it would skip them, and on the day a friends' term moves they are most of the day's
notices. The event table (`Day.notices`) has them all. Beside the table's columns,
`yesterday["record_kind"]` names the kind of record a points or grade notice was for (the
conduct the citizen is told was punished), or the kind a refusal refused (a train purchase); -1
for other sanctions, whose list is in `about`, and for a record not of that day.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from credsim.engine.batch import Batch
from credsim.engine.sets import among

if TYPE_CHECKING:
    from credsim.engine.day import Day
    from credsim.engine.world import World

__all__ = ["FELT", "NOTICES", "SHOWN", "Notices", "PendingNotices"]

NOTICES = (
    "points",
    "grade_down",
    "grade_up",
    "warned",
    "listed",
    "delisted",
    "refused",
    "account_closed",
    "detained",
    "stopped",
    "fined",
)
"""Notice kinds, in code order."""
SHOWN = frozenset({"score", "itemised"})
"""Opacities under which a citizen is shown every change of their score."""
FELT = ("account_closed", "detained", "stopped")
"""Sanctions a citizen always knows of, as they meet them in person (like a refusal)."""
PIECE_ROWS = 1 << 18
"""Score changes whose notices `Notices.pieces` builds at a time."""


class Notices:
    """Builds each day's notices and answers what a citizen knows."""

    def __init__(self, world: World) -> None:
        codes = self.codes = world.codes
        self.code = {name: codes.code("notice", name) for name in NOTICES}
        self.scores = world.scores
        self.state = world.state
        self.policies = {}
        for name, info in world.scores.items():
            bounds = np.array([low for _, low in info.grades], np.int64)
            self.policies[codes.code("policy", name)] = (name, info, bounds)
        self.action = {a: codes.code("action", a) for a in ("warned", "listed", "delisted")}
        self.refused = codes.code("action", "refused")
        self.felt = {a: codes.code("action", a) for a in FELT}
        self.fined = codes.code("action", "fined")
        self.silent = np.array(
            [codes.code("consequence", n) for n, i in world.sanctions.items() if not i.notified],
            np.int64,
        )
        self.told_lists = [
            world.state[info.column] for info in world.sanctions.values() if info.notified
        ]
        self.about = {name: codes.code("notice_about", name) for name in world.scores}
        # Every consequence has named its code by now: name them all for the event log's labels.
        self.list_about = np.array(
            [codes.code("notice_about", n) for n in codes.names("consequence")] or [0], np.int64
        )
        self._yesterday: dict[str, np.ndarray] = {}
        self._pending: PendingNotices | None = None

    def pending(self, day: Day) -> PendingNotices:
        """The day's notices, built from its score changes, sanctions and records when first
        read (`Day.notices`, `yesterday`): a run in which nothing reads them builds none."""
        return PendingNotices(self, day)

    def close(self, pending: PendingNotices) -> None:
        """The day is over: its notices are what the next day's behaviour reads."""
        self._pending = pending
        self._yesterday = {}

    def settle(self) -> None:
        """Build now what tomorrow's behaviour reads of the day just closed, and let go of the
        day's score changes and sanctions: for a run whose notices table nothing reads (the
        but-for counterfactual), so that a day on which its friends' term moves for most
        citizens is not held through the run's own day."""
        _ = self.yesterday

    @property
    def yesterday(self) -> dict[str, np.ndarray]:
        """Yesterday's notices (columns of the `notices` table, and `record_kind`) but the score
        notices that name no record: what today's behaviour may read."""
        if self._pending is not None:
            batch, record_kinds = self._pending.named()
            self._yesterday = dict(batch.columns()) | {"record_kind": record_kinds}
            self._pending = None
        return self._yesterday

    @yesterday.setter
    def yesterday(self, told: dict[str, np.ndarray]) -> None:
        self._yesterday, self._pending = told, None

    def __getstate__(self) -> dict:
        # A checkpoint saves what was built, not the day it is built from.
        return dict(self.__dict__) | {"_yesterday": self.yesterday, "_pending": None}

    def build(
        self, day: int, changes: Batch, sanctions: Batch, ids: np.ndarray, kinds, named=False
    ) -> tuple[Batch, np.ndarray]:
        """The `notices` table of a day from its score changes and sanctions, frozen, and the
        kind of record each notice names (-1 for none), given the day's record ids and kinds;
        `named`: without the score notices that name no record (`yesterday`)."""
        out = Batch("notices")
        kinds_of: list[np.ndarray] = []
        for columns, record_kinds in self.pieces(day, changes, sanctions, ids, kinds, named):
            out.add(**columns)
            kinds_of.append(record_kinds)
        out.freeze()
        record_kinds = np.concatenate(kinds_of) if kinds_of else np.empty(0, np.int16)
        return out, record_kinds

    def pieces(
        self, day: int, changes: Batch, sanctions: Batch, ids: np.ndarray, kinds, named=False
    ) -> Iterator[tuple[dict, np.ndarray]]:
        """`build`'s rows in its order, a piece at a time: the columns of each piece (as
        `Batch.add` takes them) and the kind of record each row names. A piece holds at most
        `PIECE_ROWS` score changes' notices, so that the event log can write a day on which a
        friends' term tells most citizens without the whole table."""
        yield from self._score_pieces(day, changes, ids, kinds, named)
        yield from self._sanction_pieces(day, sanctions, ids, kinds)

    def _score_pieces(self, day, sc: Batch, ids, kinds, named: bool) -> Iterator[tuple]:
        """Points per policy in the changes' order; a grade policy's moves down, then up."""
        policy = sc["policy"]
        # A day of one piece (most days) reads its record ids once for every policy; a day of
        # many (a friends' term's) reads each piece's when it comes, holding one at a time.
        single = sc.part("record_id", 0, PIECE_ROWS) if policy.shape[0] <= PIECE_ROWS else None
        for code, (name, info, bounds) in self.policies.items():
            if info.opacity == "nothing" or (info.opacity not in SHOWN and not bounds.shape[0]):
                continue
            about = self.about[name]
            told = ("points",) if info.opacity in SHOWN else ("grade_down", "grade_up")
            for kind in told:
                for start in range(0, policy.shape[0], PIECE_ROWS):
                    rows = slice(start, start + PIECE_ROWS)
                    record = single
                    if record is None:
                        record = sc.part("record_id", start, start + PIECE_ROWS)
                    mine = _rows_of_policy(policy[rows], record, code, named)
                    if not mine.shape[0]:
                        continue
                    citizen, delta, after = (
                        sc[f][rows][mine] for f in ("citizen", "delta", "score")
                    )
                    rid = record[mine]
                    rkind = _kind_of(rid, ids, kinds)
                    if kind == "points":
                        yield _piece(day, citizen, self.code[kind], about, delta, rid, rkind)
                        continue
                    new = _grade(after.astype(np.int64), bounds)
                    old = _grade(after.astype(np.int64) - delta, bounds)
                    moved = new > old if kind == "grade_down" else new < old
                    if moved.any():
                        yield _piece(
                            day, citizen[moved], self.code[kind], about, new[moved], rid[moved],
                            rkind[moved],
                        )  # fmt: skip

    def _sanction_pieces(self, day, s: Batch, ids, kinds) -> Iterator[tuple]:
        """Warnings, listings and removals from lists that notify, refusals, sanctions felt in
        person and fines, in that order."""
        action, who, rid, list_code = s["action"], s["citizen"], s["record_id"], s["consequence"]
        if not who.shape[0]:
            return
        told = ~among(list_code, self.silent)
        picks = [((action == self.action[k]) & told, k) for k in ("warned", "listed", "delisted")]
        picks.append((action == self.refused, "refused"))
        picks.extend((action == code, kind) for kind, code in self.felt.items())
        picks.append((action == self.fined, "fined"))
        for mine, kind in picks:
            if not mine.any():
                continue
            # A refusal names the kind of record refused, a fine the kind fined.
            named = _kind_of(rid[mine], ids, kinds) if kind in ("refused", "fined") else -1
            about = self._lists(list_code[mine])
            yield _piece(day, who[mine], self.code[kind], about, 0, rid[mine], named)

    def known_score(self, policy: str, citizens: np.ndarray) -> np.ndarray:
        """The score of `policy` each citizen believes they have: the score they were last shown
        (`score`, `itemised`), the middle of the band of the grade they were shown (`grade`), or
        NaN (`nothing`)."""
        info = self.scores[policy]
        score = self.state[info.column][citizens].astype(np.float64)
        if info.opacity in SHOWN:
            return score
        if info.opacity == "nothing" or not info.grades:
            return np.full(citizens.shape[0], np.nan)
        bounds = np.array([low for _, low in info.grades], np.float64)
        tops = np.concatenate([[info.high + 1.0], bounds[:-1]])
        grade = _grade_of(self.state[info.column], np.asarray(citizens), bounds.astype(np.int64))
        return (np.maximum(bounds[grade], info.low) + tops[grade] - 1.0) / 2.0

    def told_listed(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen is on a list that told them so (and has not told them of a
        removal): what they know of their own status."""
        out = np.zeros(citizens.shape[0], bool)
        for column in self.told_lists:
            _or_listed(column, np.asarray(citizens), out)
        return out

    def known_grade(self, policy: str, citizens: np.ndarray) -> np.ndarray:
        """The grade index (0 the best) each citizen was shown under `policy`, or -1 where the
        policy shows neither a grade nor a score."""
        info = self.scores[policy]
        if info.opacity == "nothing" or not info.grades:
            return np.full(citizens.shape[0], -1, np.int64)
        bounds = np.array([low for _, low in info.grades], np.int64)
        return _grade_of(self.state[info.column], np.asarray(citizens), bounds)

    def _lists(self, consequence_codes: np.ndarray) -> np.ndarray:
        """`notice_about` codes of the consequences named."""
        return self.list_about[consequence_codes.astype(np.int64)]


@njit(cache=True)
def _or_listed(column, citizens, out):
    """out[i] |= column[citizens[i]] >= 0: one pass, no temporaries."""
    for i in range(citizens.shape[0]):
        if column[citizens[i]] >= 0:
            out[i] = True


def _kind_of(record_id: np.ndarray, ids: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """The kind of each of the day's records named (the day's ids are consecutive), or -1 for
    none: a friends' term moving names no record, and on its day it tells most citizens."""
    return _kinds_named(np.asarray(record_id), np.asarray(ids), np.asarray(kinds))


@njit(cache=True)
def _kinds_named(record_id, ids, kinds):
    """`_kind_of` in one pass: by offset from the first id when the day's ids are one run, else
    by a binary search of each id."""
    out = np.full(record_id.shape[0], -1, np.int16)
    n = ids.shape[0]
    if n == 0:
        return out
    one_run = ids[n - 1] - ids[0] + 1 == n
    for i in range(record_id.shape[0]):
        r = record_id[i]
        if one_run:
            at = r - ids[0]
            if 0 <= at < n:
                out[i] = kinds[at]
        elif r >= 0:
            at = min(np.searchsorted(ids, r), n - 1)
            if ids[at] == r:
                out[i] = kinds[at]
    return out


@njit(cache=True)
def _rows_of_policy(policy, record_id, code, named):
    """The rows of a policy's score changes (only those naming a record, if `named`)."""
    rows = np.empty(policy.shape[0], np.int64)
    k = 0
    for i in range(policy.shape[0]):
        if policy[i] == code and (not named or record_id[i] >= 0):
            rows[k] = i
            k += 1
    return rows[:k]


def _piece(day, citizen, notice, about, value, record_id, record_kind=-1) -> tuple:
    """A piece of the notices table (columns as `Batch.add` takes them) and the kind of record
    each of its rows names."""
    value = np.clip(value, -32768, 32767) if np.ndim(value) else min(max(value, -32768), 32767)
    columns = {
        "day": day,
        "citizen": citizen,
        "notice": notice,
        "about": about,
        "value": value,
        "record_id": record_id,
    }
    if np.ndim(record_kind):
        return columns, np.asarray(record_kind, np.int16)
    return columns, np.full(np.size(citizen), record_kind, np.int16)


@njit(cache=True)
def _grade_of(column, citizens, bounds):
    """`_grade(column[citizens], bounds)` in one pass: the number of lower bounds above each
    score (bounds best first), at most the last grade's index."""
    out = np.empty(citizens.shape[0], np.int64)
    last = bounds.shape[0] - 1
    for i in range(citizens.shape[0]):
        score = np.int64(column[citizens[i]])
        g = 0
        while g < last and bounds[g] > score:
            g += 1
        out[i] = g
    return out


def _grade(scores: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Index of each score's grade (0 the best), given lower bounds best first: the number of
    bounds above the score, at most the last grade's (`np.searchsorted(-bounds, -scores)`)."""
    scores = np.ascontiguousarray(scores, np.int64)
    return _grade_of(scores, np.arange(scores.shape[0]), np.asarray(bounds, np.int64))


class PendingNotices:
    """A day's notices, built once, when first read; until then only the day's score changes,
    sanctions and its records' ids and kinds are held (never its acts)."""

    __slots__ = ("_built", "_notices", "_sources")

    def __init__(self, notices: Notices, day: Day) -> None:
        self._notices = notices
        records = day.records
        ids, kinds = records["record_id"], records["kind"]
        self._sources: tuple | None = (day.day, day.score_changes, day.sanctions, ids, kinds)
        self._built: tuple[Batch, np.ndarray] | None = None

    def built(self) -> tuple[Batch, np.ndarray]:
        """The day's notices table and the kind of record each names."""
        if self._built is None:
            assert self._sources is not None
            self._built = self._notices.build(*self._sources)
            self._sources = None
        return self._built

    def batch(self) -> Batch:
        return self.built()[0]

    def pieces(self) -> Iterator[dict[str, np.ndarray]]:
        """The day's notices table a piece at a time, in order (the rows of `batch()`), as the
        event log writes them: the table if it was built, else built a piece at a time, each let
        go once read, so that a day on which a friends' term tells most citizens is never held
        whole."""
        if self._built is not None:
            yield self._built[0].columns()
            return
        assert self._sources is not None
        for columns, _ in self._notices.pieces(*self._sources):
            piece = Batch("notices")
            piece.add(**columns)
            yield piece.columns()

    def named(self) -> tuple[Batch, np.ndarray]:
        """The day's notices but the score notices that name no record, and the kind of record
        each names: the rows of `built()` in its order, built without the others if it was not."""
        if self._built is None:
            assert self._sources is not None
            return self._notices.build(*self._sources, named=True)
        batch, record_kinds = self._built
        kind, record_id = batch["notice"], batch["record_id"]
        codes = self._notices.code
        score = among(kind, [codes[k] for k in ("points", "grade_down", "grade_up")])
        keep = ~(score & (record_id < 0))
        if keep.all():
            return batch, record_kinds
        columns = batch.columns()
        return Batch.of("notices", {f: columns[f][keep] for f in columns}), record_kinds[keep]
