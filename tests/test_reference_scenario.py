"""The bundled `reference` scenario keeps the rules written in benchmarks/README.md and its budget
of 16 bytes of resident state per citizen (beside 7 bytes of running friends' sums and 4 of the
kept friendship ring)."""

from __future__ import annotations

import numba
import numpy as np
import pandas as pd
import pytest

import credsim
from credsim.runner import build_simulation

THRESHOLD, CADENCE = 950, 7


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> credsim.Results:
    out = tmp_path_factory.mktemp("reference") / "run"
    threads = numba.get_num_threads()
    numba.set_num_threads(1)  # results do not depend on it; small runs only wait at barriers
    try:
        return credsim.run(
            "reference",
            out=out,
            population=20_000,
            days=60,
            seed=5,
            overrides=["output.events='all'", "output.citizens='all'"],
        )
    finally:
        numba.set_num_threads(threads)


def test_reference_fits_in_16_bytes_per_citizen_beside_its_friends_sums(run):
    """16 bytes of the model's state, 7 of running friends' sums (a sum, a friend count and the
    score the sums hold), which make the weekly friends' term cost score changes x friends
    instead of citizens x friends, and 10 of the kept ring, which spare each change recomputing
    its block, hashing its ties and finding its cross partners (docs/performance-history.md)."""
    sim = build_simulation(credsim.load_scenario("reference", population=1_000))
    hidden = {
        spec.name: np.dtype(spec.dtype).itemsize for spec in sim.state.specs if not spec.shown
    }
    ring = sum(v for k, v in hidden.items() if k.startswith("friends_ring."))
    sums = sum(hidden.values()) - ring
    assert (sums, ring) == (7, 10)
    assert sim.state.bytes_per_citizen() - sums - ring <= 16
    assert run.run_info["declared_bytes_per_citizen"] <= 16 + sums + ring


def test_listed_exactly_while_below_the_threshold(run):
    citizens = run.citizens
    assert citizens["listed"].sum() == run.summary["sanctioned"] > 0
    assert (citizens["listed"] == (citizens["score.points"] < THRESHOLD)).all()


def test_friends_term_moves_only_every_seventh_day(run):
    changes = run.events("score_changes")
    network = changes[changes["rule"] == "points:network"]
    assert len(network) > 0
    assert set(network["day"].unique()) <= set(range(CADENCE, 60, CADENCE))


def test_travel_is_refused_exactly_to_those_listed_when_the_day_began(run):
    records = run.events("records")
    purchases = records[records["kind"] == "flight_purchase"][["record_id", "day", "attributed_to"]]
    sanctions = run.events("sanctions")
    moves = sanctions[sanctions["action"].isin(["listed", "delisted"])]
    moves = moves.assign(on=moves["action"] == "listed")[["day", "citizen", "on"]]
    # Status when the day began: the last listing or removal on an earlier day.
    status = pd.merge_asof(
        purchases.sort_values("day").rename(columns={"attributed_to": "citizen"}),
        moves.sort_values("day"),
        on="day",
        by="citizen",
        allow_exact_matches=False,
    )
    listed_at_dawn = set(status.loc[status["on"].eq(True), "record_id"])
    refused = set(sanctions.loc[sanctions["action"] == "refused", "record_id"])
    assert refused == listed_at_dawn and len(refused) > 0
    assert run.summary["blocked_flights"] == len(refused)


def test_misattributed_records_name_a_random_other_citizen(run):
    records = run.events("records")
    violations = records[records["kind"] != "flight_purchase"]
    assert violations["true_actor"].notna().all()  # none fabricated
    wrong = violations[violations["attributed_to"] != violations["true_actor"]]
    share = len(wrong) / len(violations)
    assert 0.005 < share < 0.015  # the scenario's 1%, within sampling error at ~8,000 records
    purchases = records[records["kind"] == "flight_purchase"]
    assert (purchases["attributed_to"] == purchases["true_actor"]).all()
