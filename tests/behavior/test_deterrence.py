"""Deterrence: penalties citizens are shown lower their propensity to repeat; others untouched."""

from __future__ import annotations

import credsim


def _acts(tmp_path, name, *sets):
    run = credsim.run(
        "default",
        out=tmp_path / name,
        population=30_000,
        days=150,
        overrides=["output.events='none'", "output.report=false", *sets],
    )
    return run.summary["acts_by_kind"]


def test_penalties_shown_deter_the_acts_they_punish(tmp_path):
    on = _acts(tmp_path, "on")
    off = _acts(tmp_path, "off", "behavior.deterrence.enabled=false")
    for kind in ("jaywalking", "traffic_violation", "card_arrears"):
        assert on[kind] < off[kind], kind
    assert on["flight_attempt"] == off["flight_attempt"]  # not a deterred act
    weaker = _acts(tmp_path, "weak", "behavior.deterrence.factor=0.95")
    assert on["jaywalking"] < weaker["jaywalking"] < off["jaywalking"]


def test_nothing_is_learned_from_policies_that_show_nothing(tmp_path):
    hidden = [f"policies.{p}.opacity='nothing'" for p in ("rongcheng", "sesame", "financial")]
    shown = _acts(tmp_path, "shown", "behavior.deterrence.from_sanctions=false")
    unseen = _acts(tmp_path, "unseen", "behavior.deterrence.from_sanctions=false", *hidden)
    off = _acts(tmp_path, "off2", "behavior.deterrence.enabled=false")
    assert shown["jaywalking"] < unseen["jaywalking"] == off["jaywalking"]
