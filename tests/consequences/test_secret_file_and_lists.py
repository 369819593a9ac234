"""The secret file and three ways on and off a list (issue 21): `credsim dossier --as state`
shows records the citizen view does not and its counts match summary.json's `secret_file`
figures; a ban from trains for conduct on a train (refused rail only, shown in the dossier);
insiders who delete a listed citizen's records for a bribe (only those who can afford it); a
removal held until an apology or pledge. Switched off, each counts nothing and changes no other
figure; switched on, each counts something."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import credsim
from credsim.cli import app
from credsim.errors import UserError
from credsim.report.run import RunData
from credsim.report.section import render_section
from credsim.report.sections_file import FILE_SECTIONS
from credsim.results.secret_file import file_counts, secret_file
from credsim.web.dossier import dossier_json

SIZE = {"population": 5_000, "days": 90, "seed": 5}
QUIET = ["output.events='none'", "output.report=false", "output.citizens='none'", "but_for=false"]
METRICS = """
[metrics.secret_file]
plugin = "secret_file"

[metrics.rail_bans]
plugin = "rail_bans"
lists = ["rail_list", "fare_list"]

[metrics.pledges]
plugin = "pledges"
"""
LISTS = """
[consequences.rail_list]
plugin = "blacklist"
judgment = "train_smoking"
payment = ""
listing_delay_days = 5
expires_days = 30
refuses = []

[consequences.fare_list]
plugin = "blacklist"
judgment = "wrong_ticket"
payment = ""
listing_delay_days = 5
expires_days = 7
refuses = []

[consequences.joint_punishment.agencies.railways]
restricts = ["train_purchase"]
lists = ["court_blacklist", "rail_list", "fare_list"]
"""
OFF = (
    """
base = "default"
name = "file-off"

[consequences.court_blacklist]
erasure = "record_deleted"

[adversaries.insiders]
deletion = { rate = 0.0, price_yuan = 20000, budget_months = 6 }
"""
    + LISTS.replace("refuses = []", "refuses = []\nenabled = false")
    + """
[[timeline]]
# Built (initialised, drawing nothing) but switched on only after the run has ended.
date = 2030-01-01
enable = ["consequences.rail_list", "consequences.fare_list"]
"""
    + METRICS
)
ON = (
    """
base = "default"
name = "file-on"
but_for = false

[behavior.citizens]
history_days = 0
acts.train_smoking = { rate = 1.0e-3 }
acts.wrong_ticket = { rate = 3.0e-4 }
acts.train_attempt = { rate = 0.02, listed_factor = 1.0 }
acts.loan_default = { rate = 3.0e-4 }
repayment = { share = 0.9, mean_days = 15 }

[sources.courts.records.court_judgment]
act = "loan_default"
share = 0.6
delay_days = 3
delay_extra_mean = 3

[consequences.court_blacklist]
listing_delay_days = 3
pledge = { daily_chance = 0.1, refuse_share = 0.3, processing_days = 2 }
erasure = "record_deleted"

[adversaries.insiders]
deletion = { rate = 0.05, price_yuan = 20000, budget_months = 6 }

[policies.rongcheng.points]
record_deleted = 30
"""
    + LISTS
    + METRICS
)
NEW = ("secret_file_", "rail_", "pledge", "insider_deletion")
"""Prefixes of the figures the four mechanisms add."""
NEW_LISTS = (".rail_list", ".fare_list")
"""Their lists' own listings and removals (`listed_new.rail_list`, ...), zero when off."""


def _without_new(value):
    if isinstance(value, dict):
        return {
            k: _without_new(v)
            for k, v in value.items()
            if not k.startswith(NEW) and not k.endswith(NEW_LISTS)
        }
    return value


def _numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield value


@pytest.fixture(scope="module")
def on_run(tmp_path_factory) -> credsim.Results:
    tmp = tmp_path_factory.mktemp("file")
    (tmp / "on.toml").write_text(ON)
    return credsim.run(tmp / "on.toml", out=tmp / "on", overrides=["output.report=false"], **SIZE)


def test_switched_off_they_count_nothing_and_change_no_other_figure(tmp_path):
    absent = credsim.run("default", out=tmp_path / "absent", overrides=QUIET, **SIZE).summary
    (tmp_path / "off.toml").write_text(OFF)
    off = credsim.run(tmp_path / "off.toml", out=tmp_path / "off", overrides=QUIET, **SIZE).summary
    mechanisms = {k: v for k, v in off.items() if k.startswith(NEW[1:])}
    assert {"rail_listed", "rail_refused", "pledges_required", "insider_deletions"} <= set(
        mechanisms
    )
    assert all(n == 0 for n in _numbers(mechanisms))
    assert off["secret_file_records"] == off["records_total"] > 0  # a pure output
    assert off.pop("scenario") == "file-off" and absent.pop("scenario") == "default"
    assert _without_new(off) == _without_new(absent)


def test_the_state_view_shows_records_the_citizen_view_does_not_and_counts_match(on_run):
    s = on_run.summary
    counts = file_counts(on_run)
    assert counts["records"] == s["secret_file_records"]
    for key in ("told", "effect_only", "hidden", "unseen"):
        assert counts[key] == s[f"secret_file_{key}"], key
    assert 0 < s["secret_file_unseen"] < s["secret_file_records"]
    assert s["secret_file_by_policy"]["financial"]["unseen"] == 0  # an itemised report
    assert s["secret_file_by_policy"]["sesame"]["unseen_share"] > 0.5  # a score, no items
    assert s["secret_file_by_list"]["lender_blacklist"]["unseen_share"] == 1.0  # never tells
    sesame = s["secret_file_by_group"]["income"]["q1"]["policies"]["sesame"]
    assert sesame["unseen_per_citizen"] > 0
    records = on_run.events("records")
    citizen = int(records["attributed_to"].value_counts().index[0])
    file = secret_file(on_run, citizen, truth=True)
    statement = on_run.statement(citizen, "sesame")
    shown = {i["record_id"] for i in statement["items"] if i.get("record_id") is not None}
    never = [i for i in file["records"] if i["told"] == "never"]
    assert never and not {i["record_id"] for i in never} & shown
    assert len(file["records"]) == int((records["attributed_to"] == citizen).sum())
    assert file["counts"]["unseen"] == sum(i["told"] != "told" for i in file["records"])
    printed = CliRunner().invoke(
        app, ["dossier", str(on_run.path), "--citizen", str(citizen), "--as", "state", "--json"]
    )
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output)["counts"] == file["counts"]
    text = CliRunner().invoke(
        app, ["dossier", str(on_run.path), "--citizen", str(citizen), "--as", "state"]
    )
    assert f"{file['counts']['unseen']} records they cannot see or contest" in " ".join(
        text.output.split()
    )
    assert dossier_json(on_run, citizen)["secret_file"]["counts"] == file["counts"]
    bad = CliRunner().invoke(app, ["dossier", str(on_run.path), "--citizen", "1", "--as", "x"])
    assert isinstance(bad.exception, UserError)  # main() turns it into exit code 2


def test_conduct_on_a_train_bars_from_trains_only_for_its_term(on_run):
    s = on_run.summary
    assert s["rail_listed"] > 0 and s["rail_refused"] > 0 and s["rail_ban_days"] > 0
    assert (
        s["rail_by_list"]["rail_list"]["listed"] + s["rail_by_list"]["fare_list"]["listed"]
        == (s["rail_listed"])
    )
    sanctions, records = on_run.events("sanctions"), on_run.events("records")
    kind = records.set_index("record_id")["kind"].astype(str)
    on = sanctions["consequence"].astype(str)
    action = sanctions["action"].astype(str)
    rail = sanctions[(on == "rail_list") & (action == "listed")]
    assert (kind.loc[rail["record_id"]] == "train_smoking").all()
    lifted = sanctions[(on == "rail_list") & (action == "delisted")]
    since = rail.groupby("citizen")["day"].first()
    assert len(lifted) and ((lifted["day"] - since.loc[lifted["citizen"]].to_numpy()) == 30).all()
    court = set(sanctions.loc[on == "court_blacklist", "citizen"])
    flights = sanctions[(action == "refused") & (sanctions["agency"].astype(str) == "airlines")]
    assert set(flights["citizen"]) <= court  # the rail lists bar trains only
    refused = sanctions[
        (action == "refused")
        & (sanctions["agency"].astype(str) == "railways")
        & sanctions["citizen"].isin(set(rail["citizen"]) - court)
    ]
    citizen = int(refused["citizen"].iloc[0])
    texts = [e.get("text", "") for e in on_run.statement(citizen)["sanctions"]]
    assert any(t.startswith("barred on rail_list on day") for t in texts)
    assert any(t.startswith("refused a rail ticket") and "smoking on a train" in t for t in texts)


def test_insiders_delete_the_records_of_those_who_can_pay(on_run):
    s = on_run.summary
    assert (
        s["insider_deletions"] > 0 and s["insider_deletion_yuan"] == 20000 * s["insider_deletions"]
    )
    by_income = s["insider_deletions_by_group"]["income"]
    assert by_income["q1"]["sought"] > 0 and by_income["q1"]["deleted"] == 0  # cannot pay
    assert by_income["q5"]["deleted"] > 0
    records, sanctions = on_run.events("records"), on_run.events("sanctions")
    deleted = records[records["kind"].astype(str) == "record_deleted"]
    assert len(deleted) == s["insider_deletions"] and deleted["true_actor"].isna().all()
    lifts = sanctions[sanctions["record_id"].isin(deleted["record_id"])]
    assert set(lifts["action"].astype(str)) <= {"delisted"}
    citizen = int(lifts["citizen"].iloc[0])
    texts = [e.get("text", "") for e in on_run.statement(citizen, truth=True)["sanctions"]]
    assert any("the records it rested on were deleted" in t for t in texts)


def test_removal_waits_for_the_pledge_and_some_never_make_it(on_run):
    s = on_run.summary
    for key in ("pledges_required", "pledges_made", "pledges_refused", "pledge_wait_days"):
        assert s[key] > 0, key
    assert s["pledges_made"] + s["pledges_refused"] <= s["pledges_required"]
    by = s["pledges_by_group"]["sex"]
    assert sum(row["required"] for row in by.values()) == s["pledges_required"]
    sanctions = on_run.events("sanctions")
    action = sanctions["action"].astype(str)
    made = sanctions[action == "pledged"].iloc[0]
    later = sanctions[
        (sanctions["citizen"] == made["citizen"])
        & (action == "delisted")
        & (sanctions["day"] >= made["day"])
    ]
    assert int(later["day"].iloc[0]) == int(made["day"]) + 2  # the review
    # Those who refuse stay on the list unless something else lifts it (a deletion, an appeal).
    refusers = set(sanctions.loc[action == "pledge_refused", "citizen"])
    court = sanctions["consequence"].astype(str) == "court_blacklist"
    off = sanctions[sanctions["citizen"].isin(refusers) & court & (action == "delisted")]
    kind = on_run.events("records").set_index("record_id")["kind"].astype(str)
    assert set(kind.loc[off["record_id"]]) <= {"record_deleted", "appeal_upheld"}
    citizen = int(made["citizen"])
    texts = [e.get("text", "") for e in on_run.statement(citizen)["sanctions"]]
    assert any("until a public apology or credit-repair pledge" in t for t in texts)


def test_the_report_has_a_section_for_each(on_run):
    run = RunData(on_run.path)
    for section in FILE_SECTIONS:
        assert section.applies(run), section.id
        html = render_section(section, run, None)
        assert f'id="sec-{section.id}"' in html
