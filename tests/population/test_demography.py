"""Demography: ages advance, deaths follow the life table, births the fertility inputs, in a
fixed number of slots; the dead leave every list and stop acting."""

from __future__ import annotations

import numpy as np
import pytest

import credsim

QUIET = {"report": False, "events": "none", "citizens": "none"}


def _people_only(days: int, size: int, start: str = "2011-01-01") -> dict:
    """A population with births and deaths and nothing else (the demography metric)."""
    return {
        "name": "people",
        "start": start,
        "days": days,
        "but_for": False,
        "population": {"plugin": "census", "size": size, "demography": {"enabled": True}},
        "metrics": {"demography": {"plugin": "demography"}},
        "output": QUIET,
    }


@pytest.fixture(scope="module")
def decade(tmp_path_factory):
    """Ten years (2011-2020) of a million citizens, and 1 January 2021: ten birthdays."""
    out = tmp_path_factory.mktemp("decade") / "run"
    return credsim.run(_people_only(3654, 1_000_000), out=out).summary["demography"]


def test_deaths_and_births_each_year_are_what_the_inputs_imply(decade):
    years = decade["by_year"]
    assert [int(y) for y in years] == list(range(2011, 2022)) and years["2021"]["days"] == 1
    for year, row in list(years.items())[:10]:
        assert row["deaths"] == pytest.approx(row["deaths_expected"], rel=0.05), year
        assert row["births"] == pytest.approx(row["births_expected"], rel=0.05), year
    # The year's total fertility rate is an input: 2020 (1.3) has fewer births than 2019 (1.69).
    assert years["2020"]["births"] < 0.85 * years["2019"]["births"]
    assert decade["births_without_a_free_slot"] == 0


def test_the_age_pyramid_moves(decade):
    start, end = (np.add(decade["pyramid"][w]["female"], decade["pyramid"][w]["male"])
                  for w in ("start", "end"))  # fmt: skip
    # A cohort ten years on: those aged 0-4 at the start are 10-14 at the end, less the few
    # who died (about 0.5% in a decade at these ages), within sampling error.
    assert end[2] == pytest.approx(start[0], rel=0.03)
    assert end[2] < start[0]
    # Births below replacement and ageing: the population grows older.
    old = [p[12:].sum() / p.sum() for p in (start, end)]
    assert old[1] > old[0] + 0.03


def test_the_dead_leave_every_list_and_stop_acting(tmp_path):
    overrides = [
        "population.demography.enabled=true",
        "population.demography.quarantine_days=365",
        "output.report=false",
        "but_for=false",
    ]
    run = credsim.run("default", out=tmp_path / "r", population=30_000, days=200, seed=5,
                      overrides=overrides)  # fmt: skip
    sanctions = run.events("sanctions")
    died = sanctions[sanctions["action"].astype(str) == "died"]
    assert len(died) > 0
    acts = run.events("acts")
    late = acts.merge(died[["citizen", "day"]].rename(columns={"citizen": "actor", "day": "died"}))
    assert (late["day"] < late["died"]).all()  # nothing after death (slots wait a year)
    # Nobody is on a list after dying, and the stock of listed people counts the living.
    after = sanctions.merge(died[["citizen", "day"]].rename(columns={"day": "died"}))
    assert not ((after["day"] > after["died"]) & (after["action"].astype(str) == "listed")).any()
    assert run.summary["citizens"] < 30_000 * run.summary["people_per_agent"]
    citizens = run.citizens
    assert len(citizens) * run.summary["people_per_agent"] == run.summary["citizens"]
    assert citizens["age"].max() <= 100


def test_stocks_by_group_follow_ageing_deaths_and_births(tmp_path):
    """What the metrics keep by group, moved as people age, die and are born, is what a recount
    of the living at the end gives."""
    overrides = [
        "population.demography.enabled=true",
        "population.demography.quarantine_days=30",
        "start=2019-07-01",
        "output.report=false",
        "but_for=false",
    ]
    run = credsim.run("default", out=tmp_path / "r", population=20_000, days=400, seed=8,
                      overrides=overrides)  # fmt: skip
    k = run.summary["people_per_agent"]
    people = run.citizens
    by_band = run.summary["by_group"]["age_band"]
    band = np.select([people["age"] < 15, people["age"] < 60], ["0-14", "15-59"], "60+")
    for label, row in by_band.items():
        mine = people[band == label]
        assert row["citizens"] == len(mine) * k
        assert row["sanctioned"] == int(mine["listed"].sum()) * k
        scored = mine[mine["age"] >= 18]["score.rongcheng"]
        if len(scored):
            assert row["score_mean"] == pytest.approx(scored.mean(), rel=1e-9)
        else:
            assert row["score_mean"] is None  # children have no score


def test_unknown_demography_tables_name_the_nearest(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "never"
    done = subprocess.run(
        [sys.executable, "-c", "from credsim.cli import main; main()", "run", "default",
         "--days", "3", "--out", str(out), "--set", "population.demography.enabled=true",
         "--set", "population.demography.tables=china-demografy"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "did you mean 'china-demography'" in done.stderr
    assert not out.exists()
