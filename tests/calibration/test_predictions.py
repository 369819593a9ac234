"""Predictions: figures a calibration is not fitted to, computed over the accepted points' runs,
with a published figure held out of the fit when there is one. They never change the fit."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest
from synthetic import calibration_text, synthetic_targets

from credsim.calibration import calibrate, load_calibration, prepare_calibration
from credsim.errors import ScenarioError
from credsim.experiments.ensemble import load_ensemble

PREDICTIONS = """
[predictions.listed_january]
metric = "listed_new"
kind = "cumulative"
start = 2018-01-01
end = 2018-01-31
published = {held_out}
source = "credsim debts.toml at the true values, held out of the fit"

[predictions.on_list_february]
metric = "sanctioned"
kind = "stock"
date = 2018-02-01
"""


def _text(seed: int, predictions: str = "") -> str:
    targets = synthetic_targets(100)
    return calibration_text(targets, 100, seed=seed, trials=6, refine=6, waves=1) + predictions


def test_predictions_come_from_the_accepted_runs_and_leave_the_fit_alone(tmp_path, local_pool):
    plain = _text(3)
    ahead = _text(3, PREDICTIONS.format(held_out=1000))
    results = {}
    for name, text in (("plain", plain), ("ahead", ahead)):
        prepared = prepare_calibration(load_calibration(tomllib.loads(text)))
        results[name] = calibrate(prepared, tmp_path / name, local_pool)
    without, with_ = results["plain"].summary, results["ahead"].summary
    # The same points, figures and accepted set: predictions are computed, never fitted.
    assert with_["parameters"] == without["parameters"]
    assert with_["fit"] == without["fit"]
    assert without["predictions"] == []
    table = pd.read_parquet(tmp_path / "ahead" / "predictions.parquet")
    assert list(table["prediction"]) == ["listed_january", "on_list_february"]
    accepted = with_["accepted"] or 1  # with none accepted, the best point is shown
    assert (table["runs"] == 2 * accepted).all()
    assert (table["model_p05"] <= table["model_median"]).all()
    assert (table["model_median"] <= table["model_p95"]).all()
    january = table.set_index("prediction").loc["listed_january"]
    assert january["held_out"] == 1000
    assert january["held_out_inside_90"] == (january["model_p05"] <= 1000 <= january["model_p95"])
    # A month's listings are part of the two months' listings the fit matched.
    fitted = {row["target"]: row["model_median"] for row in with_["fit"]}
    assert 0 < january["model_median"] < fitted["listed"]
    assert pd.isna(table.set_index("prediction").loc["on_list_february", "held_out"])
    if with_["accepted"]:  # what `credsim run --ensemble` reads from a real calibration
        ensemble = load_ensemble(tmp_path / "ahead")
        assert len(ensemble.settings) == with_["accepted"]
        assert set(ensemble.settings[0]) == {p["key"] for p in with_["parameters"]}


@pytest.mark.parametrize(
    ("predictions", "needles"),
    [
        (PREDICTIONS.format(held_out=5).replace("2018-01-31", "2018-04-30"),
         ["predictions.listed_january.end = 2018-04-30", "outside the run"]),
        (PREDICTIONS.format(held_out=5).replace('"sanctioned"', '"sanctionned"'),
         ["predictions.on_list_february.metric", "Did you mean 'sanctioned'"]),
        (PREDICTIONS.format(held_out=5).replace("listed_january", "listed"),
         ["listed is both a target and a prediction"]),
        (PREDICTIONS.format(held_out=5).replace('source = "credsim', 'sourc = "credsim'),
         ["Did you mean 'predictions.listed_january.source'"]),
        (PREDICTIONS.format(held_out=5).replace('source = "credsim', '# source = "credsim'),
         ["predictions.listed_january", "needs its source"]),
    ],
)  # fmt: skip
def test_bad_predictions_name_the_key(tmp_path, predictions, needles):
    path = tmp_path / "bad.toml"
    path.write_text(calibration_text({"listed": 1, "removed": 1, "on_list": 1}, 1) + predictions)
    with pytest.raises(ScenarioError) as err:
        prepare_calibration(load_calibration(path))
    message = str(err.value)
    assert message.startswith(f"{path}, line "), message
    for needle in needles:
        assert needle in message, message
