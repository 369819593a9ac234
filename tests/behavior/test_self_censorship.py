"""Self-censorship: posts held back rise with real-name attribution; off means none held back."""

from __future__ import annotations

import credsim


def _speech(tmp_path, name, *sets):
    run = credsim.run(
        "default",
        out=tmp_path / name,
        population=30_000,
        days=60,
        overrides=["output.events='none'", "output.report=false", *sets],
    )
    return run.summary["speech_acts"], run.summary["speech_suppressed"]


def test_suppression_rises_with_real_name_attribution_and_vanishes_when_off(tmp_path):
    low = _speech(tmp_path, "low", "sources.identity.registered_share=0.1")
    high = _speech(tmp_path, "high", "sources.identity.registered_share=0.95")
    off = _speech(tmp_path, "off", "behavior.self_censorship.enabled=false")
    assert off[1] == 0
    assert 0 < low[1] < high[1]
    # What is held back is missing from what is said: intended posts are the same draws.
    assert high[0] + high[1] == off[0]
    assert low[0] + low[1] == off[0]
