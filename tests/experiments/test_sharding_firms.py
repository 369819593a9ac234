"""Firms in a sharded run: each shard draws its own citizens' firms from the whole population's
owner weight (a whole number, the same for any layout) and numbers them after the firms of the
shards before it (two rounds of sums before the first day), so any shard layout gives the single
process's register, firm numbers, acts, records, listings and figures."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from credsim.engine.day import Day
from credsim.experiments.sharding import run_sharded, split
from credsim.experiments.sharding.shard import Shard
from credsim.runner import build_simulation, run
from credsim.scenario import load_scenario

QUIET = ["but_for=false", "output.report=false"]
"""Without the but-for counterfactual (tests/experiments/test_sharding.py checks shards with it)."""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """`everything` (firms on) in one process, in two shards and in three."""
    root = tmp_path_factory.mktemp("sharding-firms")
    scenario = load_scenario("everything", population=20_000, days=90, seed=1, overrides=QUIET)
    single = run(scenario, out=root / "single")
    return single, run_sharded(scenario, root / "two", 2), run_sharded(scenario, root / "three", 3)


def test_two_and_three_shards_write_the_single_process_summary_byte_for_byte(runs):
    single, *sharded = runs
    summary = (single.path / "summary.json").read_bytes()
    for result in sharded:
        assert (result.path / "summary.json").read_bytes() == summary
        pd.testing.assert_frame_equal(result.citizens, single.citizens)
    assert [len(r.run_info["shards"]) for r in sharded] == [2, 3]
    # The run exercised the firms: listings and removals, refusals of tenders, loans and travel
    # to representatives, a nominal representative listed for the owner's act.
    s = single.summary
    for figure in ("firms_listed", "firms_delisted", "firm_bids_refused", "firm_loans_refused",
                   "firm_reps_refused_travel", "firm_reps_listed_nominal"):  # fmt: skip
        assert s[figure] > 0, figure
    assert s["firms_total"] == sum(s["firms_by_size"].values()) > 0


def _firm_events(result) -> list[pd.DataFrame]:
    """The firms' acts, the records about firms (with the firm's number) and the corporate
    list's sanctions, sorted, without event ids (numbered per shard)."""
    acts = result.events("acts")
    acts = acts[acts["kind"].astype(str).str.startswith("firm_")][["day", "actor", "kind"]]
    records = result.events("records")
    records = records[records["firm"].notna()]
    records = records[["day", "kind", "firm", "attributed_to", "true_actor"]]
    sanctions = result.events("sanctions")
    sanctions = sanctions[sanctions["consequence"].astype(str) == "corporate_list"]
    sanctions = sanctions[["day", "citizen", "action"]]
    out = []
    for frame in (acts, records, sanctions):
        frame = frame.astype({c: str for c in ("kind", "action") if c in frame})
        out.append(frame.sort_values(list(frame.columns), ignore_index=True))
    return out


def test_the_same_firms_act_are_recorded_under_the_same_numbers_and_are_listed(runs):
    single, *sharded = runs
    expected = _firm_events(single)
    assert all(len(frame) > 0 for frame in expected)
    assert expected[1]["firm"].max() > 100  # firm numbers beyond the first shard's firms
    for result in sharded:
        for got, want in zip(_firm_events(result), expected, strict=True):
            pd.testing.assert_frame_equal(got, want)


def test_the_dossier_of_a_listed_representative_is_the_same_but_for_record_ids(runs):
    single, *sharded = runs
    sanctions = single.events("sanctions")
    listed = sanctions[(sanctions["consequence"].astype(str) == "corporate_list")
                       & (sanctions["action"].astype(str) == "listed")]  # fmt: skip
    citizens = [int(c) for c in listed["citizen"].iloc[:: max(1, len(listed) // 4)]]

    def texts(result, citizen: int) -> list[str]:
        events = result.statement(citizen, truth=True)["sanctions"]
        return [re.sub(r"record \d+", "record N", e.get("text", "")) for e in events]

    for citizen in citizens:
        want = texts(single, citizen)
        assert any("legal representative of firm" in t for t in want), want
        for result in sharded:
            assert texts(result, citizen) == want


def _single(scenario):
    """The firms' behaviour of a single process, its sums done."""
    sim = build_simulation(scenario)
    sim.initialise()
    return sim, sim.world.services["firm_owners"]


def _shards(scenario, parts) -> list:
    """The firms' behaviour of every shard, after the rounds of sums the driver runs."""
    shards = [Shard(scenario, part, None) for part in parts]
    sums = [shard.initialise() for shard in shards]
    while sums[0] is not None:
        sums = [shard.whole_sums(sums) for shard in shards]
    return [shard.sim.world.services["firm_owners"] for shard in shards]


def _acts(firms: list, day: int) -> np.ndarray:
    """The acts the firms do on `day`, as sorted (day, actor, kind) rows."""
    rows = []
    for behaviour in firms:
        d = Day(day)
        behaviour.act(d)
        fields = ("day", "actor", "kind")
        rows.append(np.stack([d.acts.open_column(f).astype(np.int64) for f in fields]))
    joined = np.concatenate(rows, axis=1)
    return joined[:, np.lexsort(joined[::-1])]


def test_each_shard_numbers_its_firms_after_those_before_it_and_draws_the_same_acts():
    # Enough firms (over 65,536) that the whole run's sweep over firm numbers walks two blocks,
    # and a shard's firms straddle the boundary.
    overrides = [*QUIET, "behavior.firms.firms_per_person=0.8"]
    scenario = load_scenario("everything", population=150_000, days=5, seed=1, overrides=overrides)
    for count in (2, 3, 5):
        sim, whole = _single(scenario)
        assert whole.table.n == whole.table.total > 65_536 and whole.table.first == 0
        parts = split(sim.population.localities(), count)
        firms = _shards(scenario, parts)
        tables = [f.table for f in firms]
        assert [t.first for t in tables] == np.cumsum([0] + [t.n for t in tables[:-1]]).tolist()
        assert all(t.total == whole.table.n for t in tables)
        assert np.array_equal(np.concatenate([f.owners for f in firms]), whole.owners)
        for column in ("size_class", "sector", "legal_rep"):
            joined = np.concatenate([getattr(t, column) for t in tables])
            assert np.array_equal(joined, getattr(whole.table, column)), column
        # Owners and representatives are the shard's own citizens, under the same firm numbers.
        for f, part in zip(firms, parts, strict=True):
            assert f.owners.min() >= part.lo and f.owners.max() < part.hi
            reps = f.table.legal_rep
            assert reps.min() >= part.lo and reps.max() < part.hi
            assert np.array_equal(f.table.firm_of(reps), whole.table.firm_of(reps))
            assert np.array_equal(f.firm_of_owner(f.owners), whole.firm_of_owner(f.owners))
        # The acts of the first days (day 0 brings ten years of past debts): the same ones.
        for day in range(3):
            want = _acts([whole], day)
            assert want.shape[1] > 100
            assert np.array_equal(_acts(firms, day), want)
