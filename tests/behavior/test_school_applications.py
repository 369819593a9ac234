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
    assert set(age.reindex(applied).to_numpy().tolist()) == {6, 12}
    # A chance of 0.10 in the year a child is 6 and 0.18 at 12 (MOE 2019 private intake, with
    # more applicants than places): over 90 days, about a quarter of that.
    six, twelve = int((age == 6).sum()), int((age == 12).sum())
    expected = (0.10 * six + 0.18 * twelve) * 90 / 365
    assert abs(len(applied) - expected) < 4 * np.sqrt(expected)
