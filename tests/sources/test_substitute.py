"""Whom a false face match names: trying many draws at once finds the same citizen as trying
them one at a time."""

from __future__ import annotations

import numpy as np

from credsim.engine.regions import other_in_region, region_bounds
from credsim.engine.rng import Stream
from credsim.engine.traits import ColumnTrait
from credsim.sources import substitute
from credsim.sources.substitute import MAX_TRIES, same_cell_other


def one_at_a_time(actors, keys, traits, stream, regions):
    """The definition: try 0, 1, 2, ... for each actor until a citizen of its cell (not itself)
    comes up; else anyone else of its province."""
    out = np.full(actors.shape[0], -1, np.int64)
    first, size = region_bounds(regions, actors)
    cell = traits["sex"].codes
    for i, (x, key) in enumerate(zip(actors, keys, strict=True)):
        if size[i] < 2:
            continue
        for attempt in range(MAX_TRIES):
            u = stream.uniform(attempt, np.array([key]))[0]
            candidate = first[i] + min(int(np.floor(u * size[i])), size[i] - 1)
            if candidate != x and cell(np.array([candidate]))[0] == cell(np.array([x]))[0]:
                out[i] = candidate
                break
    left = np.flatnonzero(out < 0)
    out[left] = other_in_region(stream, MAX_TRIES, keys[left], actors[left], regions)
    return out.astype(np.int32)


def test_many_tries_at_once_find_whom_one_at_a_time_finds(monkeypatch):
    rng = np.random.default_rng(5)
    n = 5_000
    # A rare cell (1 in 300) needs hundreds of tries; a province of one citizen has no other.
    column = (rng.random(n) < 1 / 300).astype(np.uint8)
    traits = {"sex": ColumnTrait(["common", "rare"], column)}
    regions = np.array([0, 1, 2_000, n], np.int64)
    actors = np.concatenate([[0], rng.choice(n, 400, replace=False)]).astype(np.int64)
    actors = np.concatenate([actors, np.flatnonzero(column)[:5]])
    keys = rng.integers(0, 2**40, actors.shape[0])
    stream = Stream(3, "whom")
    want = one_at_a_time(actors, keys, traits, stream, regions)
    for at_once in (1, 7, 64):
        monkeypatch.setattr(substitute, "TRIES_AT_ONCE", at_once)
        got = same_cell_other(actors, keys, traits, stream, 0, regions)
        assert np.array_equal(got, want)
    assert want[0] == 0  # alone in its province
    same = column[want] == column[actors]
    assert same[1:].all()
