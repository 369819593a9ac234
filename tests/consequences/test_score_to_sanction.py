"""Where a low score bars travel (the score-to-sanction scenario), camera errors reach sanctions:
but-for wrongful sanctions rise with the camera false-match rate."""

from __future__ import annotations

import itertools

import credsim

# The NIST median (2.5e-10 per comparison: FPIR 0.003 on a 12M gallery) and 100, 300 and 1,000
# times it. Draws are keyed by event (common random numbers), so a higher rate adds false matches
# to the same searches; rates this far apart keep the rise clear of chance at this size.
FALSE_MATCH_RATES = (2.5e-10, 2.5e-8, 7.5e-8, 2.5e-7)


def _run(tmp_path, fmr: float) -> dict:
    return credsim.run(
        "score-to-sanction",
        out=tmp_path / f"fmr-{fmr}",
        population=20_000,
        days=200,
        seed=3,
        overrides=[
            f"sources.cameras.face.fmr={fmr}",
            "output.events='none'",
            "output.citizens='none'",
            "output.report=false",
        ],
    ).summary


def test_wrongful_sanctions_rise_with_the_camera_false_match_rate(tmp_path):
    runs = [_run(tmp_path, fmr) for fmr in FALSE_MATCH_RATES]
    wrongful = [s["sanctioned_wrongful"] for s in runs]
    days = [s["wrongful_sanction_days"] for s in runs]
    wrong_records = [s["records_misattributed"] for s in runs]
    assert all(a < b for a, b in itertools.pairwise(wrong_records))
    assert all(a < b for a, b in itertools.pairwise(wrongful)), wrongful
    assert all(a < b for a, b in itertools.pairwise(days)), days
    # The breakdown by group is there and adds up.
    for s in runs:
        groups = s["by_group"]["group"]
        assert sum(g["sanctioned_wrongful"] for g in groups.values()) == s["sanctioned_wrongful"]


def test_the_default_keeps_the_path_off_and_the_scenario_switches_it_on():
    default = credsim.load_scenario("default").to_dict()
    on = credsim.load_scenario("score-to-sanction").to_dict()
    assert "grade_list" not in default["consequences"]  # switched off: not run at all
    assert not default["policies"]["sesame"].get("lists")
    consequences = on["consequences"]
    assert consequences["grade_list"]["policy"] == "sesame"
    assert consequences["grade_list"]["grades"] == ["poor"]
    agencies = consequences["joint_punishment"]["agencies"]
    for agency in ("airlines", "railways", "banks"):
        lists = agencies[agency].get("lists") or consequences["joint_punishment"]["lists"]
        assert "grade_list" in lists, agency
    assert set(on["policies"]["sesame"]["lists"]) == {"court_blacklist", "lender_blacklist"}


def test_friends_scores_alone_can_push_someone_onto_the_travel_list(tmp_path):
    """'After a couple of close friends miss their student loan repayments, you can't even
    travel': some grade listings follow a move of the friends' term and no record that day."""
    results = credsim.run(
        "score-to-sanction",
        out=tmp_path / "r",
        population=20_000,
        days=120,
        seed=2,
        overrides=["but_for=false", "output.report=false"],
    )
    sanctions = results.events("sanctions")
    listed = sanctions[
        (sanctions["consequence"].astype(str) == "grade_list")
        & (sanctions["action"].astype(str) == "listed")
    ]
    changes = results.events("score_changes")
    network = changes[changes["rule"].astype(str) == "sesame:network"]
    by_friends = listed[listed["record_id"].isna()].merge(network, on=["day", "citizen"])
    assert len(by_friends) > 0
    assert (by_friends["delta"] < 0).all() and (by_friends["score"] < 550).all()
