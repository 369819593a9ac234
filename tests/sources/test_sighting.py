"""`sighted` finds the acts a recorder's rule sees, their draw keys and which go to a wrong
citizen, exactly as the NumPy expressions it replaced: event keys, chances by share or by detail,
misses and coverage, one uniform per act, and the misattribution draw for those seen."""

from __future__ import annotations

import numpy as np
import pytest

from credsim.engine.rng import Stream, event_key
from credsim.sources.sighting import sighted


def _by_numpy(rows, actor, when, detail, kind, chance, seen, wrong):
    share, miss, by_detail, coverage = chance
    a, w, d = actor[rows], when[rows], detail[rows]
    key = event_key(w, a, kind)
    c = np.full(rows.shape[0], share) if by_detail is None else by_detail[np.minimum(d, 2)]
    c = c * (1.0 - miss)
    if coverage is not None:
        c = c * coverage
    keep = seen.uniform(0, key) < c
    bad = np.zeros(int(keep.sum()), bool)
    if wrong is not None:
        bad = wrong[0].uniform(0, key[keep]) < wrong[1]
    return rows[keep], key[keep], bad


@pytest.mark.parametrize("detail_shares", [False, True])
@pytest.mark.parametrize("covered", [False, True])
@pytest.mark.parametrize("errors", [False, True])
def test_sighted_is_the_numpy_expressions(detail_shares, covered, errors):
    rng = np.random.default_rng(4)
    n = 20_000
    actor = rng.integers(0, 1_000_000, n).astype(np.int32)
    when = rng.integers(-3_000, 400, n).astype(np.int32)  # past debts are dated before day 0
    detail = rng.integers(0, 5, n).astype(np.uint8)
    rows = np.sort(rng.choice(n, n // 3, replace=False))
    by_detail = np.array([0.05, 0.9, 0.5]) if detail_shares else None
    coverage = rng.random(rows.shape[0]) if covered else None
    seen, wrong_stream = Stream(9, "seen"), Stream(9, "wrong")
    chance = (0.7, 0.1, by_detail, coverage)
    wrong = (wrong_stream, 0.2) if errors else None
    got = sighted(
        rows, actor, when, detail, 17, chance, seen.key,
        None if wrong is None else (wrong_stream.key, 0.2),
    )  # fmt: skip
    want = _by_numpy(rows, actor, when, detail, 17, chance, seen, wrong)
    assert 0 < got[0].shape[0] < rows.shape[0]
    assert got[2].any() == errors
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
