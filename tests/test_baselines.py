"""A stored baseline guards against silent changes in results.

When a change is meant to alter results, regenerate the baseline and say why in the commit:
    CREDSIM_UPDATE_BASELINES=1 python -m pytest tests/test_baselines.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import credsim

BASELINE = Path(__file__).parent / "baselines" / "default-20k-120d-seed3.json"


def test_default_scenario_matches_its_stored_baseline(tmp_path):
    results = credsim.run(
        "default",
        out=tmp_path / "r",
        population=20_000,
        days=120,
        seed=3,
        overrides=["output.report=false"],  # the summary is what is compared
    )
    summary = results.summary
    if os.environ.get("CREDSIM_UPDATE_BASELINES"):
        BASELINE.write_text(json.dumps(summary, indent=2) + "\n")
    stored = json.loads(BASELINE.read_text())
    changed = sorted(k for k in stored.keys() | summary.keys() if stored.get(k) != summary.get(k))
    assert changed == [], f"results changed in: {changed}"
