"""A closed batch read in parts, at rows or by the rows that name something gives what its
joined columns give, and a field nobody reads whole is never joined."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from credsim.engine.batch import Batch

CHUNK = st.tuples(
    st.integers(0, 6000),  # rows: past 4096 a repeated value is kept broadcast
    st.booleans(),  # one value repeated (such as record -1 on a friends' term's moves)
    st.integers(-1, 3),
)


def _batch(chunks: list[tuple[int, bool, int]], seed: int) -> Batch:
    rng = np.random.default_rng(seed)
    batch = Batch("score_changes")
    for rows, repeated, value in chunks:
        record = np.full(rows, value) if repeated else rng.integers(-1, 9, rows)
        batch.add(
            day=3,
            citizen=rng.integers(0, 100, rows).astype(np.int32),
            policy=1,
            delta=rng.integers(-5, 5, rows).astype(np.int16),
            score=600,
            record_id=record.astype(np.int64),
            rule=7 if repeated else rng.integers(0, 4, rows).astype(np.uint16),
        )
    batch.freeze()
    return batch


@settings(max_examples=60, deadline=None)
@given(st.lists(CHUNK, max_size=6), st.integers(0, 2**32 - 1), st.data())
def test_parts_rows_and_named_rows_are_the_joined_columns(chunks, seed, data):
    lazy, joined = _batch(chunks, seed), _batch(chunks, seed).columns()
    rows = len(lazy)
    want = joined["record_id"]
    start = data.draw(st.integers(0, rows))
    stop = data.draw(st.integers(start, rows + 10))
    np.testing.assert_array_equal(lazy.part("record_id", start, stop), want[start:stop])
    at = np.array(data.draw(st.lists(st.integers(0, max(rows - 1, 0)), max_size=50)), np.int64)
    at = at if rows else at[:0]
    np.testing.assert_array_equal(lazy.take("rule", at), joined["rule"][at])
    named, ids = lazy.named("record_id")
    np.testing.assert_array_equal(named, np.flatnonzero(want >= 0))
    np.testing.assert_array_equal(ids, want[want >= 0])
    pieces = list(lazy.pieces(rows=1000))
    for field, column in joined.items():
        got = np.concatenate([p[field] for p in pieces]) if pieces else column[:0]
        np.testing.assert_array_equal(got, column)
        assert got.dtype == column.dtype


def test_moves_that_name_nothing_are_written_without_joining_their_record_and_rule():
    batch = Batch("score_changes")
    batch.add(day=1, citizen=np.arange(3, dtype=np.int32), policy=0, delta=1, score=1,
              record_id=np.array([4, -1, 5]), rule=2)  # fmt: skip
    moved = 1 << 20  # a friends' term moving a million citizens: no record, one rule
    batch.add(day=1, citizen=np.arange(moved, dtype=np.int32), policy=0, delta=-1, score=0,
              record_id=-1, rule=3)  # fmt: skip
    batch.freeze()
    rows, ids = batch.named("record_id")
    assert rows.tolist() == [0, 2] and ids.tolist() == [4, 5]
    pieces = list(batch.pieces(rows=1 << 17))
    assert sum(p["citizen"].shape[0] for p in pieces) == moved + 3
    for piece in pieces[1:]:  # past the first, the moves' record and rule cost no bytes per row
        assert piece["record_id"].strides == (0,) and piece["rule"].strides == (0,)
    assert batch["record_id"].tolist()[:4] == [4, -1, 5, -1]  # reading it whole still works


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(0, 255),  # every field below holds these (policy is a byte)
            st.booleans(),
            st.floats(0, 255, allow_nan=False),
            st.sampled_from([np.int16(3), np.uint8(200), np.float64(2.5), np.bool_(True)]),
        ),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 20),
)
def test_a_scalar_reads_back_as_numpy_casts_it_on_every_row_and_cannot_be_written(values, rows):
    """Scalars are broadcast from kept one-element arrays: whatever was added before (the same
    value as another type, the kept arrays starting again), a scalar's rows are the value cast as
    NumPy casts it, and writing into them raises instead of changing every batch that used it."""
    batch = Batch("score_changes")
    citizen = np.arange(rows, dtype=np.int32)
    for value in values:
        batch.add(day=value, citizen=citizen, policy=value, delta=value, score=value,
                  record_id=value, rule=value)  # fmt: skip
    batch.freeze()
    fields = ("day", "policy", "delta", "score", "record_id", "rule")
    for field in fields:  # each value's own rows, before the field is joined
        for k in range(len(values) if rows else 0):
            piece = batch.part(field, k * rows, (k + 1) * rows)
            assert piece.strides == (0,) and not piece.flags.writeable, field
    columns = batch.columns()
    for field in fields:
        dtype = columns[field].dtype
        want = np.concatenate([np.full(rows, np.array((v,), dtype)[0], dtype) for v in values])
        np.testing.assert_array_equal(columns[field], want)
