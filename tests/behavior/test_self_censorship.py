"""Self-censorship: posts held back rise with real-name attribution; sensitive posts held back and
the chill on ordinary posts are reported apart; fear rises where a flagged post costs something
and citizens are told, and nowhere else; off means none held back."""

from __future__ import annotations

import credsim


def _summary(tmp_path, scenario, name, *sets, population=30_000, days=60) -> dict:
    run = credsim.run(
        scenario,
        out=tmp_path / name,
        population=population,
        days=days,
        overrides=[
            "output.events='none'",
            "output.report=false",
            "output.citizens='none'",
            "but_for=false",
            *sets,
        ],
    )
    return run.summary


def _speech(tmp_path, name, *sets):
    s = _summary(tmp_path, "default", name, *sets)
    return s["speech_acts"], s["speech_suppressed"]


def test_suppression_rises_with_real_name_attribution_and_vanishes_when_off(tmp_path):
    low = _speech(tmp_path, "low", "sources.identity.registered_share=0.1")
    high = _speech(tmp_path, "high", "sources.identity.registered_share=0.95")
    off = _speech(tmp_path, "off", "behavior.self_censorship.enabled=false")
    assert off[1] == 0
    assert 0 < low[1] < high[1]
    # What is held back is missing from what is said: intended posts are the same draws.
    assert high[0] + high[1] == off[0]
    assert low[0] + low[1] == off[0]


def test_sensitive_posts_held_back_and_the_ordinary_chill_are_reported_apart(tmp_path):
    s = _summary(tmp_path, "default", "apart")
    sensitive, ordinary = s["speech_sensitive_held_back"], s["speech_ordinary_held_back"]
    assert sensitive > 0 and ordinary > 0
    assert sensitive + ordinary == s["speech_suppressed"]
    # Sensitive posts are held back far more often than ordinary ones (about a quarter against
    # under 1% in the default scenario), not at one flat rate.
    assert 0.15 < s["speech_sensitive_held_back_share"] < 0.35
    assert s["speech_ordinary_held_back_share"] < 0.02
    # The default prices no flagged post: the credit system adds no fear.
    assert s["speech_held_back_by_credit"] == 0
    assert s["speech_fear_learned"] == 0


def test_fear_rises_where_a_flagged_post_costs_and_is_told_and_not_where_it_is_free(tmp_path):
    # The state scenario takes 10 points for a flagged post; by default it tells nobody.
    untold = _summary(tmp_path, "state", "untold", population=20_000, days=120)
    told = _summary(
        tmp_path, "state", "told", "policies.state.opacity='itemised'", population=20_000, days=120
    )
    free = _summary(
        tmp_path,
        "state",
        "free",
        "policies.state.opacity='itemised'",
        "policies.state.categories.judicial_credibility.points.post_flagged=0",
        population=20_000,
        days=120,
    )
    for s in (untold, free):
        assert s["speech_held_back_by_credit"] == 0
        assert s["speech_fear_learned"] == 0
    assert told["speech_fear_learned"] > 0
    assert told["speech_held_back_by_credit"] > 0
    # The same intended posts: what the learned cost adds is exactly what was held back for it.
    assert told["speech_acts"] + told["speech_suppressed"] == (
        untold["speech_acts"] + untold["speech_suppressed"]
    )
    extra = told["speech_suppressed"] - untold["speech_suppressed"]
    assert extra == told["speech_held_back_by_credit"]
    assert told["speech_sensitive_held_back_share"] > untold["speech_sensitive_held_back_share"]


def test_word_of_mouth_spreads_the_fear(tmp_path):
    sets = ["policies.state.opacity='itemised'"]
    alone = _summary(tmp_path, "state", "alone", *sets, "behavior.self_censorship.hear_share=0")
    heard = _summary(tmp_path, "state", "heard", *sets, "behavior.self_censorship.hear_share=1")
    assert 0 < alone["speech_fear_learned"] < heard["speech_fear_learned"]
