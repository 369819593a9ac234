"""Speech enforcement (consequences.speech_enforcement): switched off it changes no figure and
counts nothing; switched on it warns, closes accounts and detains over flagged posts, the detained
do nothing while held, and the report shows it; self-censorship follows enforcement up and down."""

from __future__ import annotations

import numpy as np
import pandas as pd

import credsim
from credsim.report import applicable_sections
from credsim.report.run import RunData
from credsim.report.section import render_section

QUIET = ["output.events='none'", "output.report=false", "output.citizens='none'", "but_for=false"]
METRIC = """
[metrics.speech_enforcement]
plugin = "speech_enforcement"
"""
OFF = (
    """
base = "default"
name = "speech-off"

[consequences.speech_enforcement]
plugin = "speech_enforcement"
enabled = false
warning_chance = 0.5

[[timeline]]
# Built (its columns and restraints in place) but switched on only after the run has ended.
date = 2030-01-01
enable = ["consequences.speech_enforcement"]
"""
    + METRIC
)
# Fear that fades in 20 days, word of mouth to half of one's friends, and more sensitive posts
# than the default, so that a 30-day window holds enough of them to compare.
ON = (
    """
base = "default"
name = "speech-on"

[behavior.citizens.acts.post]
rate = 0.02
detail_share = 0.1

[behavior.self_censorship]
background_fear = 0.2
hear_share = 0.5
memory_days = 20

[consequences.speech_enforcement]
plugin = "speech_enforcement"
warning_chance = 0.5
closure = { chance = 0.05, days = [20, 40] }
detention = { chance = 0.02, days = [5, 10] }
"""
    + METRIC
)
NONE = ["consequences.speech_enforcement.warning_chance=0",
        "consequences.speech_enforcement.closure.chance=0",
        "consequences.speech_enforcement.detention.chance=0"]  # fmt: skip
KEYS = ("speech_warnings", "speech_accounts_closed", "speech_detentions", "speech_detention_days")


def _write(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def _run(tmp_path, scenario, name: str, *sets, population=30_000, days=120):
    return credsim.run(
        scenario,
        out=tmp_path / name,
        population=population,
        days=days,
        seed=4,
        overrides=[*QUIET, *sets],
    )


def test_switched_off_it_changes_no_figure_and_counts_nothing(tmp_path):
    size = {"population": 10_000, "days": 90}
    plain = _run(tmp_path, "default", "plain", **size).summary
    off = _run(tmp_path, _write(tmp_path, "off", OFF), "off", **size).summary
    ours = {k for k in off if k.startswith("speech_") and k not in plain}
    assert set(KEYS) <= ours
    assert all(off[k] == 0 for k in KEYS)
    assert "speech_enforcement_by_day" not in off  # no report section
    assert _changed(plain, off) == []


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


def test_switched_on_it_punishes_and_the_detained_stop_acting(tmp_path):
    on = _write(tmp_path, "on", ON)
    run = _run(tmp_path, on, "on", *QUIET[1:], "output.events='all'", population=10_000, days=90)
    s = run.summary
    assert all(s[k] > 0 for k in KEYS)
    # Punished on records: some posts were not sensitive, or not the citizen's own.
    assert 0 < s["speech_sanctions_wrongful"] < s["speech_warnings"] + s["speech_detentions"]
    by_sex = s["speech_enforcement_by_group"]["sex"]
    assert sum(v["speech_detentions"] for v in by_sex.values()) == s["speech_detentions"]
    sanctions = run.events("sanctions")
    sanctions = sanctions[sanctions["consequence"].astype(str) == "speech_enforcement"]
    acts = run.events("acts")[["day", "actor", "kind"]]
    for action, kinds in (("detained", None), ("account_closed", {"post"})):
        held = sanctions[sanctions["action"].astype(str) == action]
        assert len(held) > 0
        # The first few days after each measure: nobody held acts (drawn acts only: a debt
        # repaid on its date is not drawn that day).
        during = held[["citizen", "day"]].merge(acts, left_on="citizen", right_on="actor")
        during = during[
            (during["day_y"] > during["day_x"]) & (during["day_y"] <= during["day_x"] + 5)
        ]
        drawn = ~during["kind"].astype(str).isin(["debt_repaid", "appeal"])
        if kinds is not None:
            drawn &= during["kind"].astype(str).isin(kinds)
        assert not drawn.any(), during[drawn].head()
    # Citizens are told, and the report has the section with its figures.
    notices = run.events("notices")
    told = set(notices["notice"].astype(str))
    assert {"warned", "account_closed", "detained"} <= told
    data = RunData(run.path)
    section = next(s for s in applicable_sections(data) if s.id == "speech-enforcement")
    html = render_section(section, data, None)
    for element in ('id="fig-speech-enforcement"', 'id="fig-speech-enforcement-by-group"'):
        assert element in html
    assert "Not drawn" not in html


def _held_share(summary: dict, first: int, last: int) -> float:
    """Share of intended sensitive posts held back on days [first, last)."""
    by_day = summary["speech_enforcement_by_day"]
    meant = np.sum(by_day["sensitive_meant"][first:last])
    return float(np.sum(by_day["sensitive_held"][first:last]) / meant)


def test_self_censorship_follows_enforcement_up_and_down(tmp_path):
    on = _write(tmp_path, "on", ON)
    switched = _write(
        tmp_path,
        "switched",
        ON.replace('name = "speech-on"', 'name = "speech-switched"')
        + """
[[timeline]]
date = 2020-03-01
disable = ["consequences.speech_enforcement"]
""",
    )
    none = _run(tmp_path, on, "none", *NONE).summary
    low = _run(tmp_path, on, "low", "consequences.speech_enforcement.warning_chance=0.1").summary
    high = _run(tmp_path, on, "high").summary
    # Up: the same intended posts (common random numbers), held back more as enforcement grows.
    shares = [_held_share(s, 30, 120) for s in (none, low, high)]
    assert shares[0] < shares[1] < shares[2]
    assert shares[2] > shares[0] + 0.05
    assert none["speech_warnings"] == 0 < low["speech_warnings"] < high["speech_warnings"]
    # Down: enforcement stops on 1 March (day 60); a month later fear has faded, below the run
    # that kept enforcing and below its own level while it enforced.
    down = _run(tmp_path, switched, "down").summary
    late, before = _held_share(down, 90, 120), _held_share(down, 30, 60)
    assert late < _held_share(high, 90, 120) - 0.03
    assert late < before - 0.03
    assert abs(late - _held_share(none, 90, 120)) < 0.03
    by_day = pd.DataFrame(down["speech_enforcement_by_day"])
    assert by_day.loc[60:, ["warned", "account_closed", "detained"]].to_numpy().sum() == 0
