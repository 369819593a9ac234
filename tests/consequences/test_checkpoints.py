"""Checkpoints (sources.checkpoints, consequences.checkpoints): switched off they change no figure
and count nothing; switched on, travellers' faces are searched against the watch list, innocent
travellers are stopped more often in the groups the error model matches falsely more often, the
hours they lose are counted, perfect data stops nobody innocent, and the report shows it."""

from __future__ import annotations

import credsim
from credsim.report import applicable_sections
from credsim.report.run import RunData
from credsim.report.section import render_section

SIZE = {"population": 20_000, "days": 60, "seed": 6}
QUIET = ["output.events='none'", "output.report=false", "output.citizens='none'", "but_for=false"]
PLUGINS = """
[sources.checkpoints]
plugin = "checkpoints"
{enabled}
face.gallery = 1.0e7
face.false_match_multipliers = {{ sex = {{ female = 2.9 }}, group = {{ g1 = 10.0 }} }}

[consequences.checkpoints]
plugin = "checkpoints"
{enabled}
stop_hours = 1.5

[metrics.checkpoints]
plugin = "checkpoints"
"""
OFF = """
base = "default"
name = "checkpoints-off"

[[timeline]]
# Built (searching nothing) but switched on only after the run has ended.
date = 2030-01-01
enable = ["sources.checkpoints", "consequences.checkpoints"]
""" + PLUGINS.format(enabled="enabled = false")
ON = 'base = "default"\nname = "checkpoints-on"\n' + PLUGINS.format(enabled="")
KEYS = ("checkpoint_checks", "checkpoint_alerts", "checkpoint_stops", "checkpoint_stops_innocent",
        "checkpoint_hours_lost")  # fmt: skip


def _run(tmp_path, name: str, text: str | None, *sets):
    scenario = "default"
    if text is not None:
        scenario = tmp_path / f"{name}.toml"
        scenario.write_text(text)
    return credsim.run(scenario, out=tmp_path / name, overrides=[*QUIET, *sets], **SIZE)


def _changed(plain, other, path="") -> list[str]:
    """Figures of `plain` that differ in `other` (figures only `other` has are new, not changed)."""
    if isinstance(plain, dict) and isinstance(other, dict):
        return [
            c
            for k in plain
            if path or k != "scenario"
            for c in _changed(plain[k], other.get(k), f"{path}.{k}")
        ]
    return [] if plain == other else [path]


def test_switched_off_they_change_no_figure_and_count_nothing(tmp_path):
    plain = _run(tmp_path, "plain", None).summary
    off = _run(tmp_path, "off", OFF).summary
    assert all(off[k] == 0 for k in KEYS)
    assert _changed(plain, off) == []


def test_switched_on_innocent_travellers_are_stopped_unevenly_by_group(tmp_path):
    run = _run(tmp_path, "on", ON, "output.report=false")
    s = run.summary
    assert all(s[k] > 0 for k in KEYS)
    assert s["checkpoint_stops"] == s["checkpoint_alerts"]
    assert s["checkpoint_hours_lost"] == 1.5 * s["checkpoint_stops_innocent"]
    # Most alerts are false (the base rate), and they fall on the groups the error model
    # matches falsely more often: g1 (x10) and women (x2.9).
    assert 0.3 < s["checkpoint_false_alert_share"] < 1
    by = s["checkpoint_by_group"]
    rate = "checkpoint_stops_innocent_per_10000_checks"
    assert by["group"]["g1"][rate] > 4 * by["group"]["g0"][rate]
    assert by["sex"]["female"][rate] > 1.5 * by["sex"]["male"][rate]
    # Travel comes from the travel acts: every check is of someone who tried to travel.
    trips = s["acts_by_kind"]["flight_attempt"] + s["acts_by_kind"]["train_attempt"]
    assert 0.3 * trips < s["checkpoint_checks"] <= trips
    data = RunData(run.path)
    section = next(x for x in applicable_sections(data) if x.id == "checkpoints")
    html = render_section(section, data, None)
    assert 'id="fig-checkpoints-by-group"' in html and "Not drawn" not in html


def test_perfect_data_stops_no_innocent_traveller(tmp_path):
    s = _run(tmp_path, "perfect", ON, "sources.errors=false").summary
    assert s["checkpoint_stops_innocent"] == 0
    assert s["checkpoint_alerts"] > 0  # the listed and the wanted are still found
