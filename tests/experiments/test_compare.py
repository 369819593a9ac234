"""Twin runs: two scenarios on one population with common random numbers, compared per citizen."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest

import credsim
from credsim.errors import UserError
from credsim.experiments import compare
from credsim.experiments.compare import load_twins
from credsim.results.citizens import trait_column
from credsim.scenario import SECTIONS

TWIN_A = """\
base = "default"
name = "errors"
# Raised error and default rates so that a small population shows wrongful listings quickly.
[sources.courts.records.court_judgment]
misattribution_rate = 0.05
delay_days = 20
[behavior.citizens.acts]
loan_default = { rate = 1e-4 }
"""
TWIN_B = 'base = "a.toml"\nname = "no-errors"\nsources.errors = false\n'
"""The three-line twin file: A with every source error model switched off."""
SMALL = {"population": 8_000, "days": 80, "seed": 3, "overrides": ["output.report=false"]}


@pytest.fixture(scope="module")
def twin_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("twin")
    (folder / "a.toml").write_text(TWIN_A)
    (folder / "b.toml").write_text(TWIN_B)
    return folder


@pytest.fixture(scope="module")
def errors_twin(twin_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "errors"
    return compare(twin_files / "a.toml", twin_files / "b.toml", out=out, **SMALL)


def _wrong_or_network(dossier: dict, citizen: int) -> bool:
    """A misattributed or fabricated record names the citizen, or friends' scores cost them."""
    records = dossier["records"]
    wrong = bool(records["true_actor"].ne(citizen).fillna(True).any())  # null: fabricated
    changes = dossier["score_changes"]
    network = bool(((changes["rule"].astype(str) == "P:network") & (changes["delta"] < 0)).any())
    return wrong or network


def test_source_errors_twin_finds_the_wrongly_sanctioned_and_those_who_escaped(errors_twin):
    cmp = errors_twin
    only_a, only_b = cmp.sanctioned_only_a, cmp.sanctioned_only_b
    assert cmp.data["sanctioned_only_a"] == len(only_a) > 0
    assert cmp.data["sanctioned_only_b"] == len(only_b) > 0
    # Everyone sanctioned only when sources err has a wrong record, or a network-term loss, in
    # A's dossier -- with one exception, which is not a wrongful sanction: a citizen whose own
    # act (a jaywalk, say) a face search pinned on someone else under A. Under A they were not
    # penalised, so not deterred, and later really defaulted and were listed; under B the
    # penalty deterred them and the default never happened. A's dossier still shows the
    # misattributed record, among the records of their own acts.
    spared = []
    for citizen in map(int, only_a):
        dossier = cmp.a.dossier(citizen)
        if not _wrong_or_network(dossier, citizen):
            assert len(dossier["records_of_own_acts"]) > 0, citizen
            assert cmp.citizens.loc[citizen, "acts_differ"], citizen
            spared.append(citizen)
    reasons = cmp.data["reasons_only_a"]
    assert reasons["wrong_record"] + reasons["network_loss"] == len(only_a) - len(spared)
    assert reasons["spared_then_acted"] == len(spared) <= len(only_a) // 4
    # Those sanctioned only without errors escaped under A because their own record went to
    # someone else.
    assert cmp.data["reasons_only_b"]["own_record_elsewhere"] == len(only_b)
    for citizen in only_b[:20]:
        assert len(cmp.a.dossier(int(citizen))["records_of_own_acts"]) > 0


def test_twin_output_directory_and_python_api(errors_twin):
    cmp = errors_twin
    names = sorted(p.name for p in cmp.path.iterdir())
    assert names == [
        "a",
        "b",
        "by_group.parquet",
        "compare.html",
        "compare.json",
        "differences.parquet",
    ]
    data = json.loads((cmp.path / "compare.json").read_text())
    assert data["summary_a"] == cmp.a.summary and data["summary_b"] == cmp.b.summary
    assert data["summary_a"]["records_misattributed"] > 0
    assert data["summary_b"]["records_misattributed"] == 0
    # By group: the groups of each trait add up to everyone.
    groups = cmp.by_group
    total = groups.loc[groups["dimension"] == "all", "sanctioned_only_a"].item()
    for trait in ("sex", "age_band", "urban", "group", "income"):
        assert groups.loc[groups["dimension"] == trait, "sanctioned_only_a"].sum() == total
        column = trait_column(trait)  # citizens.parquet's `synthetic_group` for `group`
        assert set(data["by_group"][trait]) == set(cmp.citizens[column].astype(str))
    # by_group.parquet is the same table, and DuckDB reads it without quoting any column.
    on_disk = pd.read_parquet(cmp.path / "by_group.parquet")
    pd.testing.assert_frame_equal(on_disk, groups.reset_index(drop=True))
    file = cmp.path / "by_group.parquet"
    sql = f"select sum(sanctioned_only_a) from '{file}' where dimension = 'sex'"
    assert duckdb.sql(sql).fetchall()[0][0] == total
    # Score change B - A of the primary policy, per citizen and summarised.
    change = cmp.citizens["score_b"].astype(int) - cmp.citizens["score_a"].astype(int)
    assert (change == cmp.citizens["score_change"]).all()
    assert data["score"]["changed"] == int((change != 0).sum()) > 0
    assert data["score"]["mean"] == pytest.approx(change.mean(), abs=1e-4)
    html = (cmp.path / "compare.html").read_text()
    assert html.count("<svg") == 4 and html.count("<figcaption>") == 4
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "<script" not in html


def test_common_random_numbers_acts_differ_only_through_feedback(errors_twin):
    """With the default scenario's feedback (deterrence, gaming, exclusion, help by grade, ...)
    a few acts differ between the twins; everything else is drawn identically."""
    data = errors_twin.data
    assert data["acts_common"] > 0.99 * data["acts_a"]
    assert data["acts_only_a"] + data["acts_only_b"] > 0
    differ = errors_twin.citizens["acts_differ"]
    assert 0 < differ.sum() < 0.05 * len(differ)


def _without_feedback() -> list[str]:
    """Overrides that switch off every way a citizen responds to records, scores or status:
    every behaviour plug-in but the baseline acts, every adversary, travel that depends on being
    listed, and appeals."""
    scenario = credsim.load_scenario("default")
    tables = scenario.to_dict()
    behavior = next(s for s, kind in SECTIONS.items() if kind == "behavior")
    sets = [f"{behavior}.{name}.enabled=false" for name in tables[behavior] if name != "citizens"]
    sets += [f"adversaries.{name}.enabled=false" for name in tables.get("adversaries", {})]
    acts = f"{behavior}.citizens.acts"
    sets += [f"{acts}.flight_attempt.listed_factor=1", f"{acts}.train_attempt.listed_factor=1"]
    sets += [
        f"{behavior}.citizens.appeals.share=0",
        f"{behavior}.citizens.appeals.innocent_share=0",
    ]
    return [*sets, "output.report=false"]


def test_without_feedback_acts_are_identical_when_sources_or_policies_differ(tmp_path):
    size = {"population": 3_000, "days": 30, "seed": 5, "overrides": _without_feedback()}
    raised = ["sources.courts.records.court_judgment.misattribution_rate=0.05"]
    errors = compare(
        "default",
        "default",
        overrides_a=raised,
        overrides_b=[*raised, "sources.errors=false"],
        out=tmp_path / "errors",
        report=False,
        **size,
    )
    assert errors.data["summary_a"]["records_misattributed"] > 0
    assert errors.data["acts_only_a"] == errors.data["acts_only_b"] == 0
    assert errors.a.events("acts").equals(errors.b.events("acts"))
    policy = compare(
        "default",
        "default",
        overrides_b=["policies.rongcheng.points.jaywalking=-50"],
        out=tmp_path / "policy",
        report=False,
        **size,
    )
    assert policy.data["acts_only_a"] == policy.data["acts_only_b"] == 0
    assert policy.a.events("records").equals(policy.b.events("records"))
    assert policy.data["score"]["changed"] > 0 and policy.data["score"]["down"] > 0
    assert not (tmp_path / "policy" / "compare.html").exists()


def test_twins_must_share_population_days_and_seed(tmp_path):
    (tmp_path / "small.toml").write_text('base = "default"\npopulation.size = 5000\n')
    (tmp_path / "seeded.toml").write_text('base = "default"\nseed = 9\n')
    with pytest.raises(UserError, match=r"population\.size.*--population"):
        load_twins("default", tmp_path / "small.toml")
    with pytest.raises(UserError, match="--seed"):
        load_twins("default", tmp_path / "seeded.toml")
    a, b = load_twins("default", tmp_path / "small.toml", population=3000)
    assert a.to_dict()["population"] == b.to_dict()["population"]


def test_a_failed_twin_run_leaves_nothing(tmp_path):
    def fail_in_b(side: str, day: int) -> None:
        if side == "b" and day == 3:
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        compare("default", "default", population=2000, days=6, out=tmp_path / "x", on_day=fail_in_b)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="--out"):
        compare("default", "default", population=2000, days=6, out=tmp_path / "taken")


def test_cli_json_prints_both_summaries_and_the_one_sided_counts(twin_files, tmp_path):
    cli = [sys.executable, "-c", "from credsim.cli import main; main()"]
    args = ["compare", "a.toml", "b.toml", "--population", "2000", "--days", "20", "--json"]
    args += ["--out", str(tmp_path / "c"), "--set", "output.report=false"]
    done = subprocess.run(
        [*cli, *args], capture_output=True, text=True, cwd=twin_files, env=dict(os.environ)
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    for key in ("sanctioned_only_a", "sanctioned_only_b", "summary_a", "summary_b"):
        assert key in data
    assert data["summary_b"]["records_misattributed"] == 0
    assert data["a"]["scenario"] == "errors" and data["b"]["scenario"] == "no-errors"
    bad = subprocess.run(
        [*cli, "compare", "default", "defualt", "--out", str(tmp_path / "d")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "'default'" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "d").exists()
    assert np.isin(["a", "b"], [p.name for p in (tmp_path / "c").iterdir()]).all()
