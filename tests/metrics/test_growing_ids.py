"""The gaming metric's set of purchase ids: what np.isin would say, as days of ids arrive."""

from __future__ import annotations

import numpy as np

from credsim.metrics.gaming import GrowingIds


def test_growing_ids_answer_as_isin_does_across_many_days():
    rng = np.random.default_rng(2)
    kept, every = GrowingIds(), []
    first = 0
    for _day in range(200):  # more ids than the first buffer holds, several doublings
        ids = first + rng.choice(50, rng.integers(0, 30), replace=False)
        first += 50
        rng.shuffle(ids)
        kept.extend(ids)
        every.extend(ids.tolist())
        asked = rng.integers(-5, first + 5, 300)
        np.testing.assert_array_equal(kept.contains(asked), np.isin(asked, every))
    assert len(kept) == len(every) > 1024
