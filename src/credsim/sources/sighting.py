"""Which of a day's acts of one kind a recorder's rule sees, in one compiled pass: each act's draw
key (`credsim.engine.rng.event_key`), its chance (the rule's share or its share by the act's
detail, times one minus the miss rate, times the coverage of the actor's groups), the draw that
decides, and for the acts seen the draw that sends a record to the wrong citizen. The same
numbers, in the same order, as the NumPy expressions they replace (a test holds them equal)."""

from __future__ import annotations

import numpy as np
from numba import njit

from credsim.engine.rng import draw_uniform, event_key_of

__all__ = ["sighted"]

_NONE = np.empty(0, np.float64)


def sighted(
    rows: np.ndarray,
    actor: np.ndarray,
    when: np.ndarray,
    detail: np.ndarray,
    kind: int,
    chance: tuple[float, float, np.ndarray | None, np.ndarray | None],
    seen_key: np.uint64,
    wrong: tuple[np.uint64, float] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows seen, their draw keys, whether each record goes to a wrong citizen) of the acts at
    `rows` of the day's `actor`, `when` (day) and `detail` columns, of act kind code `kind`.
    `chance` = (share, miss rate, shares by detail or None, coverage factor per row or None);
    an act is seen when `uniform(seen_key, 0, key) < chance`; `wrong` = (key, rate) draws
    `uniform(key, 0, key) < rate` for each act seen (None: no act goes wrong)."""
    share, miss, by_detail, coverage = chance
    wrong_key, wrong_rate = (np.uint64(0), -1.0) if wrong is None else wrong
    return _sighted(
        np.ascontiguousarray(rows, np.int64),
        actor,
        when,
        detail,
        np.int64(kind),
        float(share),
        float(miss),
        _NONE if by_detail is None else np.ascontiguousarray(by_detail, np.float64),
        _NONE if coverage is None else np.ascontiguousarray(coverage, np.float64),
        np.uint64(seen_key),
        np.uint64(wrong_key),
        float(wrong_rate),
    )


@njit(cache=True)
def _sighted(
    rows, actor, when, detail, kind, share, miss, by_detail, coverage, seen_key, wrong_key,
    wrong_rate,
):  # fmt: skip
    n = rows.shape[0]
    kept = np.empty(n, np.int64)
    keys = np.empty(n, np.int64)
    wrong = np.zeros(n, np.bool_)
    top = by_detail.shape[0] - 1
    k = 0
    for i in range(n):
        r = rows[i]
        key = event_key_of(when[r], actor[r], kind)
        c = share if top < 0 else by_detail[min(np.int64(detail[r]), top)]
        c = c * (1.0 - miss)
        if coverage.shape[0]:
            c = c * coverage[i]
        if draw_uniform(seen_key, 0, key) < c:
            kept[k] = r
            keys[k] = key
            wrong[k] = wrong_rate >= 0.0 and draw_uniform(wrong_key, 0, key) < wrong_rate
            k += 1
    return kept[:k], keys[:k], wrong[:k]
