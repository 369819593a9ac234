"""Steps that take a chunk of citizens, changes or rows at a time (to keep a large run's peak
memory near its state) give exactly what one pass over everything gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import credsim
from credsim.behavior import exclusion
from credsim.engine import events, notices
from credsim.metrics import core
from credsim.metrics import exclusion as exclusion_metrics
from credsim.policies import friends_term, network_term
from credsim.results.citizens_writer import write_citizens, write_options

SMALL_CHUNKS = {
    (friends_term, "REBUILD_ROWS"): 113,
    (network_term, "MOVE_ROWS"): 97,
    (core, "SCORE_ROWS"): 101,
    (exclusion, "SHOWN_ROWS"): 89,
    (exclusion, "CUT_ROWS"): 7,
    (exclusion_metrics, "TALLY_ROWS"): 103,
    (notices, "PIECE_ROWS"): 91,
    (events, "ROW_GROUP"): 1009,
}
"""Chunks far smaller than the run, so that every chunked step takes many (the bundled sizes
start at 2^14 rows)."""


def test_a_run_in_small_chunks_is_the_same_run(tmp_path, monkeypatch):
    # 40 days: Sesame's friends' term moves on day 30 (most citizens), and exclusion follows.
    options = dict(population=4_000, days=40, seed=5, overrides=["output.report=false"])
    whole = credsim.run("default", out=tmp_path / "whole", **options)
    for (module, name), size in SMALL_CHUNKS.items():
        assert getattr(module, name) >= 1 << 14
        monkeypatch.setattr(module, name, size)
    chunked = credsim.run("default", out=tmp_path / "chunked", **options)
    assert whole.summary["ties_cut"] > 0  # exclusion ran and cut ties
    told = pq.read_table(whole.path / "events" / "notices", columns=["notice"])["notice"]
    assert {"points", "grade_down"} <= set(told.to_pylist())
    for name in ("summary.json", "timeseries.parquet", "citizens.parquet"):
        assert (whole.path / name).read_bytes() == (chunked.path / name).read_bytes(), name
    for table in ("acts", "records", "score_changes", "notices", "sanctions"):
        a = pq.read_table(whole.path / "events" / table)
        b = pq.read_table(chunked.path / "events" / table)
        assert a.num_rows > 0 and a.equals(b), table


def test_citizens_written_a_row_group_at_a_time_make_the_same_file(tmp_path):
    rng = np.random.default_rng(2)
    n = 10_000
    labels = pa.array(["a", "b", "c"])
    codes = rng.integers(0, 3, n).astype(np.int32)
    alive = rng.random(n) < 0.8  # some rows left out, as the dead are
    whole = pa.table(
        {
            "citizen": pa.array(np.arange(n, dtype=np.int32)),
            "score": pa.array(rng.integers(300, 900, n).astype(np.int16)),
            "group": pa.DictionaryArray.from_arrays(pa.array(codes), labels),
        }
    )

    def table_of(start: int, end: int) -> pa.Table:
        return whole.slice(start, end - start).filter(pa.array(alive[start:end]))

    for rows, group in ((n, 1024), (n - 1, 3000), (0, 512)):
        expected = whole.slice(0, rows).filter(pa.array(alive[:rows]))
        options = write_options(expected.schema)
        pq.write_table(expected, tmp_path / "whole.parquet", row_group_size=group, **options)
        write_citizens(tmp_path / "parts.parquet", 0, rows, table_of, group)
        assert (tmp_path / "whole.parquet").read_bytes() == (
            tmp_path / "parts.parquet"
        ).read_bytes()
        if rows:  # citizens in order: written as differences
            first = pq.ParquetFile(tmp_path / "parts.parquet").metadata.row_group(0).column(0)
            assert first.path_in_schema == "citizen" and "DELTA_BINARY_PACKED" in first.encodings


def test_the_isolation_tally_in_small_chunks_is_the_same_tally(monkeypatch):
    from credsim.runner import build_simulation

    scenario = credsim.load_scenario("default", population=4_000, days=40, seed=5)
    sim = build_simulation(scenario)
    sim.run()
    metric = next(m for m in sim.metrics if isinstance(m, exclusion_metrics.ExclusionMetrics))
    metric.tally_end()
    whole = {k: v.copy() for k, v in metric.isolated.items()}
    assert whole["others"][1].sum() > 0  # ties were lost
    monkeypatch.setattr(exclusion_metrics, "TALLY_ROWS", 103)
    metric.tally_end()
    for standing, tally in whole.items():
        np.testing.assert_array_equal(metric.isolated[standing], tally)


def test_the_friends_counted_by_the_running_sums_are_the_graphs_degrees():
    """The end-of-run isolation tally reads the friends' counts a policy's running sums made
    instead of passing over the graph again: the same numbers."""
    from credsim.runner import build_simulation

    scenario = credsim.load_scenario("default", population=4_000, days=40, seed=5)
    sim = build_simulation(scenario)
    sim.initialise()
    graph = sim.world.graph
    assert graph._counted is None
    by_pass = graph.degrees("friends")
    sim.run()
    assert graph._counted is not None  # the friends' term (day 30) built its sums
    np.testing.assert_array_equal(graph.degrees("friends"), by_pass)
    assert graph.degrees("friends").dtype == np.int32


def test_the_counterfactual_holds_no_day_past_its_step():
    """Nothing reads the but-for twin's notices table, so its behaviour's notices for tomorrow are
    built as its day ends and the day's score changes let go (on a friends' term's day, most
    citizens')."""
    from credsim.runner import build_simulation
    from credsim.scenario import load_scenario

    sim = build_simulation(load_scenario("default", population=3_000, days=35, seed=2))
    sim.initialise()
    assert sim.twin is not None
    for day in range(35):
        sim.step(day)
        assert sim.twin.world.notices._pending is None  # settled: no day's tables held
        assert sim.world.notices._pending is not None  # the run's own: the event log reads them
