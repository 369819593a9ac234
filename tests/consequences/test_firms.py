"""Firms (behavior.firms, sources.firm_records, consequences.corporate_list, metrics.firms):
switched off they change no figure and count nothing; switched on, firms are listed for unsettled
debts, their tenders and loans are refused, the listing reaches the legal representative's
travel, and the dossier says so."""

from __future__ import annotations

import pytest

import credsim

SIZE = {"population": 10_000, "days": 90, "seed": 5}
QUIET = ["output.events='none'", "output.report=false", "output.citizens='none'"]
FIRMS = """
[behavior.firms]
plugin = "firms"
history_days = 3650
owner_by_trait = { sex = { female = 0.45 }, income = { q1 = 0.3, q5 = 2.5 } }
# Ten times the everything scenario's rates, so that a small run lists firms.
acts.firm_contract_breach = { rate = 5.5e-4, by_size = { small = 2, medium = 4, large = 8 } }
acts.firm_wage_arrears = { rate = 1.4e-4, by_sector = { construction = 5, manufacturing = 2 } }
acts.firm_deposit_withheld = { rate = 2.7e-4 }
acts.firm_bid = { rate = 1e-2, by_size = { small = 3, medium = 10, large = 20 } }
acts.firm_loan_application = { rate = 5e-3 }

[sources.firm_records]
plugin = "firm_records"

[consequences.joint_punishment]
lists = ["court_blacklist", "corporate_list"]
agencies.procurement = { restricts = ["firm_bid"], lists = ["corporate_list"] }
[consequences.joint_punishment.agencies.firm_lenders]
restricts = ["firm_loan_application"]
coverage = 0.9
lists = ["corporate_list"]

[consequences.corporate_list]
plugin = "corporate_list"

[metrics.firms]
plugin = "firms"
"""
OFF = """
base = "default"
name = "firms-off"

[[timeline]]
# Built (the register exists, nothing acts) but switched on only after the run has ended.
date = 2030-01-01
enable = ["behavior.firms", "sources.firm_records", "consequences.corporate_list"]
""" + FIRMS.replace(
    'plugin = "firms"\nhistory', 'plugin = "firms"\nenabled = false\nhistory'
).replace('plugin = "firm_records"', 'plugin = "firm_records"\nenabled = false').replace(
    'plugin = "corporate_list"', 'plugin = "corporate_list"\nenabled = false'
)
ON = 'base = "default"\nname = "firms-on"\nbut_for = false\n' + FIRMS
REGISTER = ("firms_total", "firms_by_size", "firms_nominal_reps")
"""The firm register: it exists whenever firms are built, on or off."""


def _write(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def _without_firms(value):
    """A summary (or part of one) without the firms metric's figures and the corporate list's
    own entries in the core figures (`wrong record under corporate_list`)."""
    if isinstance(value, dict):
        return {
            k: _without_firms(v)
            for k, v in value.items()
            if not k.startswith("firm") and "corporate_list" not in k
        }
    return value


def _numbers(value):
    if isinstance(value, dict):
        for key, v in value.items():
            if key != "firms":  # the register's count per size class
                yield from _numbers(v)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield value


@pytest.fixture(scope="module")
def on_run(tmp_path_factory) -> credsim.Results:
    tmp = tmp_path_factory.mktemp("firms")
    return credsim.run(_write(tmp, "on", ON), out=tmp / "on", **SIZE)


def test_switched_off_firms_change_no_figure_and_count_nothing(tmp_path):
    absent = credsim.run("default", out=tmp_path / "absent", overrides=QUIET, **SIZE).summary
    off = credsim.run(
        _write(tmp_path, "off", OFF), out=tmp_path / "off", overrides=QUIET, **SIZE
    ).summary
    new = {k: v for k, v in off.items() if k.startswith("firm")}
    assert {"firms_listed", "firm_bids_refused", "firm_reps_refused_travel"} <= set(new)
    assert off["firms_total"] > 0  # built: the register is there
    assert all(n == 0 for k, v in new.items() if k not in REGISTER for n in _numbers(v))
    assert off["sanctioned_wrongful_reasons"]["wrong record under corporate_list"] == 0
    assert off.pop("scenario") == "firms-off" and absent.pop("scenario") == "default"
    off, absent = _without_firms(off), _without_firms(absent)
    changed = sorted(k for k in off.keys() | absent.keys() if off.get(k) != absent.get(k))
    assert changed == [], changed


def test_switched_on_firms_are_listed_and_refused(on_run):
    s = on_run.summary
    for figure in ("firms_listed", "firms_on_list", "firm_bids", "firm_bids_refused",
                   "firm_loans_refused", "firm_reps_listed",
                   "firm_reps_refused_travel"):  # fmt: skip
        assert s[figure] > 0, figure
    # Of the firms per person of the census (18.57M enterprises, 1.41 billion people).
    assert 0.01 < s["firms_total"] / s["citizens"] < 0.017
    detail = s["firms_by_size_detail"]
    assert sum(row["bids_refused"] for row in detail.values()) == s["firm_bids_refused"]
    assert s["firm_refusals_by_agency"] == {
        "firm_lenders": s["firm_loans_refused"],
        "procurement": s["firm_bids_refused"],
    }
    # Every listing reached the legal representative, counted by group.
    by_sex = s["firm_reps_by_group"]["sex"]
    assert sum(row["listed"] for row in by_sex.values()) == s["firm_reps_listed"]
    assert s["firm_reps_listed"] == s["firms_listed"]
    page = (on_run.path / "report.html").read_text()
    assert 'id="sec-firms"' in page and 'id="fig-firms-by-size"' in page


def test_a_tender_is_refused_only_while_the_firm_is_listed(on_run):
    sanctions = on_run.events("sanctions")
    records = on_run.events("records").set_index("record_id")
    action = sanctions["action"].astype(str)
    on_list = sanctions["consequence"].astype(str) == "corporate_list"
    listed = sanctions[on_list & (action == "listed")]
    first_listed = listed.groupby("citizen")["day"].min()
    refused = sanctions[(action == "refused") & (sanctions["agency"].astype(str) == "procurement")]
    assert len(refused) == on_run.summary["firm_bids_refused"] > 0
    bids = records.loc[refused["record_id"]]
    assert (bids["kind"].astype(str) == "firm_bid").all()
    # The refused tender was signed by a representative whose firm's listing reached them before.
    assert (refused["citizen"].to_numpy() == bids["attributed_to"].to_numpy()).all()
    assert (first_listed.reindex(refused["citizen"]).to_numpy() < refused["day"].to_numpy()).all()


def test_the_dossier_shows_a_corporate_listing_reaching_the_representatives_travel(on_run):
    sanctions = on_run.events("sanctions")
    records = on_run.events("records").set_index("record_id")
    action, agency = sanctions["action"].astype(str), sanctions["agency"].astype(str)
    listed = sanctions[(sanctions["consequence"].astype(str) == "corporate_list")
                       & (action == "listed")]  # fmt: skip
    travel = sanctions[(action == "refused") & agency.isin(["railways", "airlines"])]
    travel = travel[travel["citizen"].isin(listed["citizen"])]
    court = sanctions[(sanctions["consequence"].astype(str) == "court_blacklist")]
    travel = travel[~travel["citizen"].isin(court["citizen"])]  # on no other list
    assert len(travel) > 0
    row = travel.iloc[0]
    citizen, day = int(row["citizen"]), int(row["day"])
    listing = listed[listed["citizen"] == citizen].iloc[0]
    firm = int(records.loc[listing["record_id"], "firm"])
    words = {"wages_unpaid": "unpaid wages", "firm_judgment": "a judgment for breach of contract",
             "deposit_withheld": "a withheld deposit"}  # fmt: skip
    why = words[str(records.loc[listing["record_id"], "kind"])]
    what = "rail" if row["agency"] == "railways" else "a flight"
    texts = [e.get("text", "") for e in on_run.statement(citizen)["sanctions"]]
    expected = (
        f"refused {what} on day {day} by {row['agency']}: legal representative of firm {firm}, "
        f"listed for {why} since day {int(listing['day'])}"
    )
    assert expected in texts, texts
    assert any(t.startswith(f"listed on corporate_list on day {int(listing['day'])} as legal "
                            f"representative of firm {firm}") for t in texts)  # fmt: skip


def test_a_nominal_representative_is_listed_for_the_owners_act(on_run):
    s = on_run.summary
    assert 0 < s["firm_reps_listed_nominal"] < s["firm_reps_listed"]
    sanctions = on_run.events("sanctions")
    records = on_run.events("records").set_index("record_id")
    listed = sanctions[(sanctions["consequence"].astype(str) == "corporate_list")
                       & (sanctions["action"].astype(str) == "listed")]  # fmt: skip
    actor = records.loc[listed["record_id"], "true_actor"].to_numpy()
    nominal = listed[actor != listed["citizen"].to_numpy()]
    assert len(nominal) == s["firm_reps_listed_nominal"]
    citizen = int(nominal["citizen"].iloc[0])
    owner = int(records.loc[nominal["record_id"].iloc[0], "true_actor"])
    texts = [e.get("text", "") for e in on_run.statement(citizen, truth=True)["sanctions"]]
    assert any(t.endswith(f"the act was its owner's, citizen {owner}") for t in texts), texts
