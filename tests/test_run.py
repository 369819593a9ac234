"""A whole run: every file, truth and record links, consistent counts, atomic writes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import credsim
from credsim.errors import UserError

FILES = [
    "scenario.toml",
    "summary.json",
    "run.json",
    "timeseries.parquet",
    "citizens.parquet",
    "report.html",
]
QUIET = ["output.report=false"]
"""For tests of what a run writes besides its report (which has tests of its own)."""


def test_a_run_writes_every_file(small_run):
    files = small_run.files
    for name in FILES:
        assert name in files
    for table in ("acts", "records", "score_changes", "sanctions"):
        assert any(f.startswith(f"events/{table}/days-") for f in files)
    info = small_run.run_info
    for key in (
        "credsim_version",
        "seed",
        "threads",
        "wall_seconds",
        "agent_days_per_second",
        "peak_rss_bytes_per_citizen",
        "state_bytes_per_citizen",
        "declared_bytes_per_citizen",
        "backend",
    ):
        assert key in info
    # Every declared column, plus the peak of pending-event calendars.
    from credsim.runner import build_simulation

    declared = build_simulation(credsim.load_scenario("default", population=10)).state
    assert info["state_bytes_per_citizen"] == declared.bytes_per_citizen()
    assert declared.bytes_per_citizen() <= 32  # the default's budget (README, "State is columns")
    assert info["declared_bytes_per_citizen"] >= info["state_bytes_per_citizen"]
    # The measured peak: at least the state (and twin) it held, above the process before it.
    assert info["peak_rss_bytes_per_citizen"] >= info["state_bytes_per_citizen"]
    assert info["peak_rss_bytes"] > 0
    # What the report shows: the peak before it (a peak meter can be reset by another one in the
    # same process, so the two are not ordered).
    assert info["peak_rss_bytes_per_citizen_before_report"] >= info["state_bytes_per_citizen"]


def test_every_record_links_to_its_act_or_is_marked_as_having_none(small_run):
    acts = small_run.events("acts").set_index("act_id")
    records = small_run.events("records")
    linked = records[records["act_id"].notna()]
    assert len(linked) > 0
    assert linked["act_id"].isin(acts.index).all()
    assert (acts.loc[linked["act_id"], "actor"].to_numpy() == linked["true_actor"].to_numpy()).all()
    assert (acts.loc[linked["act_id"], "day"].to_numpy() <= linked["day"].to_numpy()).all()
    fabricated = records[records["act_id"].isna()]  # null: no act behind the record
    assert len(fabricated) > 0 and fabricated["true_actor"].isna().all()
    assert small_run.summary["records_fabricated"] == len(fabricated)
    wrong = linked[linked["attributed_to"] != linked["true_actor"]]
    assert small_run.summary["records_misattributed"] == len(wrong) > 0


def test_summary_agrees_with_the_event_log_and_the_citizens(small_run):
    s = small_run.summary
    acts, records = small_run.events("acts"), small_run.events("records")
    sanctions, citizens = small_run.events("sanctions"), small_run.citizens
    assert s["acts_total"] == len(acts) and s["records_total"] == len(records)
    kinds = records.set_index("record_id").loc[sanctions["record_id"], "kind"].astype(str)
    refused = sanctions["action"].astype(str).to_numpy() == "refused"
    assert s["blocked_flights"] == int((kinds[refused] == "flight_purchase").sum())
    assert s["blocked_trains"] == int((kinds[refused] == "train_purchase").sum())
    assert s["sanctioned"] == int(citizens["listed"].sum()) > 0
    assert s["sanctioned_wrongful"] == int(citizens["wrongful"].sum()) > 0
    adults = citizens[citizens["age"] >= 18]  # the scheme scores adults only
    assert s["score_mean"] == pytest.approx(adults["score.rongcheng"].mean())


def test_listed_citizens_who_never_defaulted_are_counted_wrongful(small_run):
    acts, citizens = small_run.events("acts"), small_run.citizens
    judged_acts = acts["kind"].astype(str).isin(["loan_default", "contract_breach"])
    defaulters = set(acts[judged_acts]["actor"])
    listed = citizens[citizens["listed"]]
    innocent = listed[~listed["citizen"].isin(defaulters)]
    assert len(innocent) > 0
    assert innocent["wrongful"].all()
    records = small_run.events("records")
    judged_wrongly = records[
        records["kind"].astype(str).isin(["court_judgment", "lender_report"])
        & records["true_actor"].ne(records["attributed_to"]).fillna(True)  # null: fabricated
    ]
    assert citizens[citizens["wrongful"]]["citizen"].isin(judged_wrongly["attributed_to"]).all()


def test_score_changes_carry_record_and_rule_and_add_up(small_run):
    changes, records = small_run.events("score_changes"), small_run.events("records")
    by_record = changes[changes["record_id"].notna()]
    assert by_record["record_id"].isin(records["record_id"]).all()
    # Changes without a record are the friends' term, named as such.
    assert set(changes[changes["record_id"].isna()]["rule"].astype(str)) <= {"sesame:network"}
    changes = changes[changes["policy"].astype(str) == "rongcheng"]
    kinds = records.set_index("record_id").loc[changes["record_id"], "kind"].astype(str)
    assert (changes["rule"].astype(str).to_numpy() == ("rongcheng:" + kinds).to_numpy()).all()
    final = 1000 + changes.groupby("citizen")["delta"].sum()
    citizens = small_run.citizens.set_index("citizen")
    assert (citizens.loc[final.index, "score.rongcheng"] == final).all()


def test_timeseries_flows_add_up_to_the_summary_and_groups_partition(small_run):
    ts, s = small_run.timeseries, small_run.summary
    everyone = ts[ts["dimension"] == "all"]
    assert everyone["acts"].sum() == s["acts_total"]
    assert everyone["blocked_trains"].sum() == s["blocked_trains"]
    for by in ("sex", "age_band", "urban", "group"):
        part = ts[ts["dimension"] == by].groupby("day")[["acts", "sanctioned", "records"]].sum()
        whole = everyone.set_index("day")[["acts", "sanctioned", "records"]]
        pd.testing.assert_frame_equal(part, whole, check_dtype=False, check_index_type=False)
    last = everyone.iloc[-1]
    assert last["sanctioned"] == s["sanctioned"]
    assert last["sanctioned_wrongful"] == s["sanctioned_wrongful"]
    grades = [c for c in ts.columns if c.startswith("grade_share.rongcheng.")]
    assert np.allclose(everyone[grades].sum(axis=1), 1.0)


def test_people_per_agent_scales_every_count(tmp_path):
    one = credsim.run("default", out=tmp_path / "a", population=5_000, days=60, overrides=QUIET)
    ten = credsim.run(
        "default",
        out=tmp_path / "b",
        population=5_000,
        days=60,
        overrides=[*QUIET, "population.people_per_agent=10"],
    )
    for key in ("citizens", "acts_total", "records_total", "blocked_trains", "sanctioned"):
        assert ten.summary[key] == 10 * one.summary[key]
    assert ten.summary["score_mean"] == one.summary["score_mean"]


def test_a_failed_run_leaves_nothing_behind(tmp_path, monkeypatch):
    from credsim.metrics.core import CoreMetrics

    def explode(self, day):
        if day.day == 5:
            raise RuntimeError("boom")

    monkeypatch.setattr(CoreMetrics, "measure", explode)
    with pytest.raises(RuntimeError, match="boom"):
        credsim.run("default", out=tmp_path / "r", population=1_000, days=10)
    assert list(tmp_path.iterdir()) == []


def test_rerunning_into_a_run_directory_needs_force_and_other_directories_are_refused(tmp_path):
    out = tmp_path / "r"
    credsim.run("default", out=out, population=1_000, days=5, overrides=QUIET)
    first = (out / "summary.json").read_text()
    with pytest.raises(UserError, match=f"{out}: holds an earlier credsim run; add --force"):
        credsim.run("default", out=out, population=1_000, days=5, seed=2, overrides=QUIET)
    assert (out / "summary.json").read_text() == first  # untouched
    credsim.run("default", out=out, population=1_000, days=5, seed=2, force=True, overrides=QUIET)
    assert json.loads((out / "summary.json").read_text())["seed"] == 2 != json.loads(first)["seed"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me")
    for force in (False, True):  # never a directory credsim did not write, even with force
        with pytest.raises(UserError, match="not empty"):
            credsim.run(
                "default", out=other, population=1_000, days=5, force=force, overrides=QUIET
            )
    assert (other / "mine.txt").read_text() == "keep me"


def test_event_sampling_and_no_events(tmp_path):
    sampled = credsim.run(
        "default",
        out=tmp_path / "s",
        population=20_000,
        days=30,
        overrides=[*QUIET, "output.events='sample'", "output.sample_share=0.1"],
    )
    full = credsim.run("default", out=tmp_path / "f", population=20_000, days=30, overrides=QUIET)
    ratio = len(sampled.events("acts")) / len(full.events("acts"))
    assert 0.05 < ratio < 0.15
    assert sampled.summary == full.summary
    none = credsim.run(
        "default",
        out=tmp_path / "n",
        population=2_000,
        days=5,
        overrides=["output.events='none'", "output.report=false"],
    )
    assert not any(f.startswith("events/") for f in none.files)
    assert "report.html" not in none.files


def test_dossier_collects_one_citizens_story(small_run):
    citizens = small_run.citizens
    wronged = int(citizens[citizens["wrongful"]]["citizen"].iloc[0])
    dossier = small_run.dossier(wronged)
    assert (dossier["records"]["attributed_to"] == wronged).all()
    # Someone else's act, or none (null: a fabricated record).
    assert dossier["records"]["true_actor"].ne(wronged).fillna(True).any()
    assert (dossier["sanctions"]["action"].astype(str) == "listed").any()
