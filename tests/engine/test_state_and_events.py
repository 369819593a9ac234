"""State columns, the truth boundary at run time, event batches, calendars and the log."""

from __future__ import annotations

import pickle

import numpy as np
import pyarrow.parquet as pq
import pytest

from credsim.engine import Column, Day, EventLog, State
from credsim.engine.schedule import Calendar
from credsim.engine.state import TruthAccessError


def test_columns_are_allocated_once_with_their_dtype_and_fill():
    state = State(10)
    state.declare([Column("score", "int16", fill=1000, owner="p"), Column("flag", "uint8")])
    assert state["score"].dtype == np.int16 and (state["score"] == 1000).all()
    assert state.bytes_per_citizen() == 3
    with pytest.raises(ValueError, match="declared by"):
        state.declare([Column("score", "int16", owner="q")])


def test_record_only_view_refuses_truth_columns():
    state = State(4)
    state.declare([Column("debt", "uint8", truth=True, owner="b"), Column("score", "int16")])
    view = state.view()
    assert view["score"] is state["score"]
    assert "debt" not in view
    with pytest.raises(TruthAccessError):
        view["debt"]


def test_public_day_hides_who_really_acted():
    day = Day(0)
    day.records.add(
        record_id=0,
        day=0,
        kind=1,
        source=0,
        attributed_to=np.array([3]),
        true_actor=np.array([4]),
        act_id=np.array([9]),
    )
    day.records.freeze()
    public = day.public()
    assert public.records["attributed_to"].tolist() == [3]
    for hidden in ("true_actor", "act_id"):
        with pytest.raises(KeyError, match="ground truth"):
            public.records[hidden]
    assert not hasattr(public, "acts")


def test_a_closed_batch_takes_no_more_rows():
    day = Day(0)
    day.acts.add(act_id=0, day=0, actor=np.array([1, 2]), kind=0)
    assert day.acts.assign_ids("act_id", 5) == 7
    assert day.acts["act_id"].tolist() == [5, 6]
    with pytest.raises(RuntimeError, match="closed"):
        day.acts.add(act_id=0, day=0, actor=np.array([1]), kind=0)


def test_a_field_of_one_value_costs_no_bytes_per_row_and_reads_the_same():
    day = Day(4)
    rows = 5000  # long enough to be checked for one repeated value
    who = np.arange(rows)
    day.score_changes.add(
        day=4,
        citizen=who,
        policy=1,
        delta=who % 3,
        score=who % 7,
        record_id=np.full(rows, -1),
        rule=np.full(rows, 3),
    )
    day.score_changes.add(day=4, citizen=who[:2], policy=2, delta=1, score=2, record_id=7, rule=3)
    day.score_changes.freeze()
    sc = day.score_changes
    assert sc["day"].strides == (0,) and sc["rule"].strides == (0,)  # one value on every row
    assert sc["day"].shape[0] == rows + 2 and (sc["day"] == 4).all()
    assert sc["record_id"].tolist() == [-1] * rows + [7, 7]  # two values: joined as before
    assert sc["policy"].dtype == np.uint8 and sc["policy"][rows:].tolist() == [2, 2]
    assert not sc["day"].flags.writeable


def test_a_day_kept_past_its_end_holds_only_the_tables_named():
    day = Day(2)
    day.sanctions.add(day=2, citizen=np.array([1, 5]), consequence=0, action=1, record_id=-1)
    day.acts.add(day=2, actor=np.array([3]), kind=1)
    for batch in day.batches().values():
        batch.freeze()
    kept = day.kept("sanctions", "records")
    assert kept.day == 2 and kept.sanctions is day.sanctions
    assert kept.sanctions["citizen"].tolist() == [1, 5]
    assert len(kept.acts) == 0 and kept.acts.closed and kept.acts["actor"].dtype == np.int32


def test_calendar_returns_rows_on_their_day_in_push_order():
    cal = Calendar({"who": "int32"})
    cal.push(np.array([3, 1, 3]), who=np.array([10, 11, 12]))
    cal.push(np.array([3]), who=np.array([13]))
    assert cal.pop(0)["who"].tolist() == []
    assert cal.pop(2)["who"].tolist() == [11]
    assert cal.pop(3)["who"].tolist() == [10, 12, 13]
    assert len(cal) == 0 and cal.peak_bytes > 0
    # Days missed are popped with the next, in day order; a pickled calendar (a checkpoint) goes
    # on where it was, also one pickled before the calendar kept its days in a heap.
    cal.push(np.array([9, 5, 2, 7]), who=np.array([1, 2, 3, 4]))
    assert cal.pop(6)["who"].tolist() == [3, 2]
    again = pickle.loads(pickle.dumps(cal))
    assert again.pop(8)["who"].tolist() == [4] and again.pop(9)["who"].tolist() == [1]
    old = Calendar.__new__(Calendar)
    old.__setstate__({k: v for k, v in cal.__dict__.items() if k != "_days"})
    assert old.pop(100)["who"].tolist() == [4, 1] and len(old) == 0


def test_event_log_writes_named_codes_by_day_range(tmp_path):
    labels = {("acts", "kind"): ["loan_default", "card_arrears"]}
    log = EventLog(tmp_path, labels, flush_days=2)
    for d in range(3):
        day = Day(d)
        day.acts.add(act_id=0, day=d, actor=np.array([d, d + 1]), kind=np.array([0, 1]))
        for batch in day.batches().values():
            batch.freeze()
        log.add_day(d, day.batches())
    log.flush(2)
    files = sorted(p.name for p in (tmp_path / "acts").iterdir())
    assert files == ["days-00000-00001.parquet", "days-00002-00002.parquet"]
    table = pq.read_table(tmp_path / "acts").to_pandas()
    assert table["kind"].astype(str).tolist() == ["loan_default", "card_arrears"] * 3
    assert log.rows_written["acts"] == 6


@pytest.mark.parametrize("rows", [10, 140_000])  # the whole range at once; a row group at a time
def test_event_files_keep_statistics_of_days_and_citizens_to_skip_row_groups_by(tmp_path, rows):
    log = EventLog(
        tmp_path, {("acts", "kind"): ["post", "jaywalk"]}, start=np.datetime64("2020-01-01")
    )
    for d in range(2):
        day = Day(d)
        day.acts.add(act_id=0, day=d, actor=np.arange(rows) + d, kind=np.arange(rows) % 2)
        for batch in day.batches().values():
            batch.freeze()
        log.add_day(d, day.batches())
    log.flush(1)
    (path,) = (tmp_path / "acts").iterdir()
    meta = pq.ParquetFile(path).metadata
    first = meta.row_group(0)
    stats = {
        first.column(i).path_in_schema: first.column(i).statistics for i in range(meta.num_columns)
    }
    assert stats["day"].min == 0 and stats["actor"].min == 0
    assert stats["date"].has_min_max
    assert stats["kind"] is None  # names: every row group holds most of them
    encodings = {first.column(i).path_in_schema: first.column(i).encodings for i in range(6)}
    assert "DELTA_BINARY_PACKED" in encodings["actor"]  # a day's citizens come mostly in order
    assert "DELTA_BINARY_PACKED" in encodings["act_id"]
    assert "RLE_DICTIONARY" in encodings["day"]
    last = meta.row_group(meta.num_row_groups - 1).column(3).statistics
    assert last.max == rows  # the second day's last actor


def test_event_log_sample_keeps_the_same_citizens_every_day(tmp_path):
    log = EventLog(tmp_path, {}, keep="sample", sample_share=0.1)
    for d in range(2):
        day = Day(d)
        day.acts.add(act_id=0, day=d, actor=np.arange(10_000), kind=0)
        for batch in day.batches().values():
            batch.freeze()
        log.add_day(d, day.batches())
    log.flush(1)
    acts = pq.read_table(tmp_path / "acts").to_pandas()
    per_day = [set(acts[acts["day"] == d]["actor"]) for d in range(2)]
    assert per_day[0] == per_day[1]
    assert 800 < len(per_day[0]) < 1200


def test_rows_of_a_value_are_the_rows_a_comparison_finds():
    from credsim.engine.events import Batch

    rng = np.random.default_rng(1)
    kind = rng.integers(0, 9, 1_000).astype(np.uint8)
    batch = Batch.of("acts", {f: np.zeros(1_000, d) for f, d in Batch("acts").fields.items()})
    batch._frozen["kind"] = kind
    for value in range(12):
        assert np.array_equal(batch.rows_of("kind", value), np.flatnonzero(kind == value))
    empty = Batch.of("acts", {f: np.zeros(0, d) for f, d in Batch("acts").fields.items()})
    assert empty.rows_of("kind", 3).shape == (0,)


def test_a_citizens_grade_read_in_one_pass_is_the_sorted_search():
    """Notices' compiled grade lookup gives the grade `_grade` finds by a sorted search: the
    number of lower bounds above the score (best grade first), at most the last grade."""
    from credsim.engine.notices import _grade, _grade_of

    rng = np.random.default_rng(2)
    column = rng.integers(0, 1_200, 50_000).astype(np.int16)
    citizens = rng.integers(0, column.shape[0], 20_000)
    for bounds in ([1050, 1000, 960, 850, 0], [900], [700, 550, 350]):
        b = np.array(bounds, np.int64)
        scores = column[citizens].astype(np.int64)
        want = np.minimum(np.searchsorted(-b, -scores, "left"), b.shape[0] - 1)
        np.testing.assert_array_equal(_grade_of(column, citizens, b), want)
        np.testing.assert_array_equal(_grade(scores, b), want)


def test_the_kind_of_a_named_record_is_found_by_offset_or_by_search():
    """Notices' compiled lookup of the kind of record each notice names: -1 for none or for an
    id not among the day's, by offset when the day's ids are one run, else by a search (the
    NumPy lookup it replaced)."""
    from credsim.engine.notices import _kind_of

    rng = np.random.default_rng(3)
    kinds = rng.integers(0, 40, 5_000).astype(np.uint8)
    for ids in (np.arange(700, 5_700), np.sort(rng.choice(20_000, 5_000, replace=False))):
        named = rng.integers(-1, 21_000, 8_000)
        named[:50] = -1
        at = np.minimum(np.searchsorted(ids, named), ids.shape[0] - 1)
        found = (ids[at] == named) & (named >= 0)
        want = np.full(named.shape[0], -1, np.int16)
        want[found] = kinds[at[found]]
        got = _kind_of(named, ids, kinds)
        assert got.dtype == np.int16 and (got >= 0).any()
        np.testing.assert_array_equal(got, want)
    assert (_kind_of(named, ids[:0], kinds[:0]) == -1).all()


def _log_days(root, background: int, days: int = 12) -> EventLog:
    labels = {("acts", "kind"): ["loan_default", "card_arrears", "fare_evasion"]}
    log = EventLog(root, labels, flush_days=5, background=background)
    rng = np.random.default_rng(4)
    for d in range(days):
        day = Day(d)
        n = int(rng.integers(0, 3_000))
        actors = np.sort(rng.integers(0, 50_000, n))
        day.acts.add(act_id=np.arange(n), day=d, actor=actors, kind=rng.integers(0, 3, n))
        for batch in day.batches().values():
            batch.freeze()
        log.add_day(d, day.batches())
    log.flush(days - 1)
    return log


def _files(root):
    return sorted(p.relative_to(root) for p in root.rglob("*"))


def test_row_groups_written_on_a_thread_of_their_own_are_the_same_files(tmp_path, monkeypatch):
    from credsim.engine import events

    monkeypatch.setattr(events, "ROW_GROUP", 1009)  # many row groups, cut across days
    here = _log_days(tmp_path / "here", background=0)
    files = _files(tmp_path / "here")
    assert len([f for f in files if f.suffix == ".parquet"]) > 10
    for budget in (1, 1 << 20):  # one group at a time; many waiting
        there = _log_days(tmp_path / str(budget), background=budget)
        assert files == _files(tmp_path / str(budget))
        for f in files:
            if f.suffix == ".parquet":
                want = (tmp_path / "here" / f).read_bytes()
                assert (tmp_path / str(budget) / f).read_bytes() == want, (budget, f)
        assert here.rows_written == there.rows_written and there._writing is None  # no thread


def test_a_row_group_that_fails_on_its_thread_fails_the_run(tmp_path, monkeypatch):
    from credsim.engine import events

    monkeypatch.setattr(events, "ROW_GROUP", 1009)

    def full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    with pytest.raises(OSError, match="No space left"):
        _log_days(tmp_path, background=1 << 20)
