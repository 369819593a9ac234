"""School applications: only children at a school-entry age apply, about as many as the published
private-school intake implies."""

from __future__ import annotations

import numpy as np

import credsim


def test_only_children_at_school_entry_apply_to_private_schools(tmp_path):
    run = credsim.run(
        "default",
        out=tmp_path / "r",
        population=20_000,
        days=90,
        seed=3,
        overrides=["output.events='all'", "output.report=false", "but_for=false"],
    )
    age = run.citizens.set_index("citizen")["age"]
    acts = run.events("acts")
    applied = acts[acts["kind"].astype(str) == "school_application"]["actor"]
    assert len(applied) > 0
    assert set(age.reindex(applied).to_numpy().tolist()) == {6}
    # 0.28 applications per child a year over both entries (MOE 2019 private intake, with
    # more applicants than places), all made at 6 for now: about 0.28 x 90/365 per 6-year-old.
    six = int((age == 6).sum())
    expected = 0.28 * 90 / 365 * six
    assert abs(len(applied) - expected) < 4 * np.sqrt(expected)
