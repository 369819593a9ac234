"""Fines and public naming (consequences.fines, consequences.naming): switched off they change no
figure and count nothing; switched on they fine, collect, send unpaid fines to the court's list,
name people in public and show who saw it, and the dossier says when a naming was for someone
else's act (a camera's false match)."""

from __future__ import annotations

import pytest

import credsim

SIZE = {"population": 10_000, "days": 120, "seed": 5}
QUIET = ["output.events='none'", "output.report=false", "output.citizens='none'"]
METRICS = """
[metrics.fines]
plugin = "fines"

[metrics.naming]
plugin = "naming"
"""
OFF = (
    """
base = "default"
name = "penalties-off"

[consequences.fines]
plugin = "fines"
enabled = false
amounts = { jaywalking = 20, traffic_violation = 200 }

[consequences.naming]
plugin = "naming"
enabled = false
records.jaywalking = { share = 0.5, source = "cameras" }

[behavior.exclusion]
named_share = 0.5

[[timeline]]
# Built (initialised, drawing nothing) but switched on only after the run has ended.
date = 2030-01-01
enable = ["consequences.fines", "consequences.naming"]
"""
    + METRICS
)
ON = (
    """
base = "default"
name = "penalties-on"

[sources.cameras.face]
fmr = 2.5e-9   # ten times the NIST median, so that false matches reach the screens

[behavior.exclusion]
named_share = 0.5

[consequences.fines]
plugin = "fines"
amounts = { jaywalking = 20, traffic_violation = 200 }
due_days = 5
pay_share = 0.6
enforce_after_days = 10

[consequences.naming]
plugin = "naming"
records.jaywalking = { source = "cameras", by = "crossing_screen" }
"""
    + METRICS
)
NEW = ("fines_", "named_", "naming_")
"""Prefixes of the figures the two metrics add."""


def _write(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def _without_new(value):
    """A summary (or part of one) without the figures of the fines and naming metrics."""
    if isinstance(value, dict):
        return {k: _without_new(v) for k, v in value.items() if not k.startswith(NEW)}
    return value


def _numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield value


@pytest.fixture(scope="module")
def on_run(tmp_path_factory) -> credsim.Results:
    """Both plug-ins on, 10,000 citizens for 120 days, with the event log and the report."""
    tmp = tmp_path_factory.mktemp("penalties")
    return credsim.run(_write(tmp, "on", ON), out=tmp / "on", **SIZE)


def test_switched_off_they_change_no_figure_and_count_nothing(tmp_path):
    absent = credsim.run("default", out=tmp_path / "absent", overrides=QUIET, **SIZE).summary
    off = credsim.run(
        _write(tmp_path, "off", OFF), out=tmp_path / "off", overrides=QUIET, **SIZE
    ).summary
    new = {k: v for k, v in off.items() if k.startswith(NEW)}
    assert {"fines_total", "fines_yuan", "named_total", "naming_exposures"} <= set(new)
    assert all(n == 0 for n in _numbers(new))
    assert off.pop("scenario") == "penalties-off" and absent.pop("scenario") == "default"
    assert _without_new(off) == _without_new(absent)


def test_switched_on_they_fine_collect_and_name(on_run):
    s = on_run.summary
    for figure in ("fines_total", "fines_yuan", "fines_yuan_paid", "fines_yuan_surcharge",
                   "fines_yuan_in_arrears", "fines_sent_to_court", "fines_listed",
                   "named_total", "named_wrongly", "naming_exposures"):  # fmt: skip
        assert s[figure] > 0, figure
    assert (
        s["fines_yuan"]
        == 20 * s["fines_by_kind"]["jaywalking"]["fines"]
        + 200 * (s["fines_by_kind"]["traffic_violation"]["fines"])
    )
    income = s["fines_by_group"]["income"]
    assert sum(row["fines"] for row in income.values()) == s["fines_total"]
    assert all(v > 0 for v in s["naming_exposures_by_layer"].values())
    assert sum(s["naming_exposures_by_layer"].values()) == s["naming_exposures"]
    assert (
        s["named_by_display"]["jaywalking"]["named"]
        == s["named_total"] - (s["named_by_display"]["court_blacklist"]["named"])
    )
    # Friends who saw a citizen named cut ties (behavior.exclusion.named_share).
    assert s["ties_cut_by_reason"]["named_in_public"] > 0
    page = (on_run.path / "report.html").read_text()
    for element in ('id="sec-fines"', 'id="sec-naming"', 'id="fig-fines-by-group"',
                    'id="fig-naming-audience"'):  # fmt: skip
        assert element in page


def test_unpaid_fines_reach_the_court_list(on_run):
    sanctions = on_run.events("sanctions")
    records = on_run.events("records").set_index("record_id")
    listed = sanctions[
        (sanctions["action"].astype(str) == "listed")
        & (sanctions["consequence"].astype(str) == "court_blacklist")
    ]
    kinds = records.loc[listed["record_id"], "kind"].astype(str)
    assert (kinds.isin(["jaywalking", "traffic_violation"])).sum() == on_run.summary["fines_listed"]
    citizen = int(listed["citizen"][kinds.isin(["jaywalking"]).to_numpy()].iloc[0])
    texts = [e.get("text", "") for e in on_run.statement(citizen)["sanctions"]]
    assert any(t.startswith("fined 20 yuan on day ") for t in texts), texts
    assert any("sent to court for enforcement" in t for t in texts), texts


def test_a_camera_false_match_is_named_for_another_citizens_act(on_run):
    sanctions = on_run.events("sanctions")
    records = on_run.events("records").set_index("record_id")
    named = sanctions[sanctions["action"].astype(str) == "named"]
    named = named.join(records[["kind", "true_actor"]], on="record_id")
    wrong = named[(named["true_actor"] >= 0) & (named["true_actor"] != named["citizen"])]
    assert len(wrong) == on_run.summary["named_wrongly_by_reason"]["misattributed"]
    camera = wrong[wrong["agency"].astype(str) == "crossing_screen"]
    assert len(camera) == on_run.summary["named_by_display"]["jaywalking"]["named_wrongly"] > 0
    row = camera.iloc[0]
    citizen, day, actor = int(row["citizen"]), int(row["day"]), int(row["true_actor"])
    texts = [e.get("text", "") for e in on_run.statement(citizen, truth=True)["sanctions"]]
    assert any(t.startswith(f"named on day {day} for an act of citizen {actor}") for t in texts)
    # Without the truth the dossier names only the record, as the citizen would see it.
    plain = [e.get("text", "") for e in on_run.statement(citizen)["sanctions"]]
    assert not any("an act of citizen" in t for t in plain)
    assert any(t.startswith(f"named on day {day} for record ") for t in plain)


def test_every_fine_is_served_as_a_notice_naming_the_kind_fined(on_run):
    """A fined citizen is told (a ticket is served): one `fined` notice per `fined` event, on
    the same day, for the same record, so that deterrence can learn which conduct was priced."""
    sanctions = on_run.events("sanctions")
    fined = sanctions[sanctions["action"].astype(str) == "fined"]
    notices = on_run.events("notices")
    served = notices[notices["notice"].astype(str) == "fined"]
    assert len(fined) > 0
    key = ["day", "citizen", "record_id"]
    assert sorted(map(tuple, served[key].to_numpy().tolist())) == sorted(
        map(tuple, fined[key].to_numpy().tolist())
    )
