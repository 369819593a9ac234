"""The EMA Workbench adapter: a credsim scenario as an ema_workbench model that
perform_experiments samples and PRIM analyses."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ema_workbench")
pytestmark = [
    pytest.mark.filterwarnings("ignore::UserWarning"),  # ema_workbench: no ipyparallel
    pytest.mark.filterwarnings("ignore:The inplace keyword"),  # ema_workbench PRIM on pandas 3
]

from ema_workbench import SequentialEvaluator, perform_experiments  # noqa: E402
from ema_workbench.analysis import prim  # noqa: E402

from credsim.errors import ScenarioError  # noqa: E402
from credsim.experiments.ema import credsim_model  # noqa: E402

POST = "behavior.citizens.acts.post.rate"
DELAY = "consequences.court_blacklist.listing_delay_days"


def _model(**changes):
    options = {
        "uncertainties": {"posts": {"key": POST, "low": 0.005, "high": 0.05}},
        "levers": {"delay": {"key": DELAY, "low": 0, "high": 90}},
        "outcomes": ["acts_total", {"key": "sanctioned", "goal": "minimize"}],
        "population": 2000,
        "days": 5,
    }
    options.update(changes)
    return credsim_model("default", **options)


def test_model_carries_the_sweep_vocabulary():
    import ema_workbench as ema

    model = _model(replicates=2)
    assert isinstance(model, ema.ReplicatorModel)
    assert [u.name for u in model.uncertainties] == ["posts"]
    assert isinstance(model.levers["delay"], ema.IntegerParameter)
    assert model.outcomes["sanctioned"].kind == ema.ScalarOutcome.MINIMIZE
    assert len(model.replications) == 2
    assert isinstance(_model(), ema.Model)


def test_perform_experiments_and_prim_on_a_credsim_model():
    model = _model(replicates=2)
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(
            model, scenarios=4, policies=1, evaluator=evaluator
        )
    assert len(experiments) == 4 and {"posts", "delay"} <= set(experiments.columns)
    acts = outcomes["acts_total"]
    assert acts.shape == (4,) and np.isfinite(acts).all()
    # More posting, more acts: the outcomes follow the sampled uncertainty. The sample is not
    # seeded, so two neighbours may lie within the runs' noise; the extremes of a Latin
    # hypercube of four lie in its first and last quarters, far apart.
    posts = experiments["posts"].to_numpy()
    assert acts[np.argmax(posts)] > acts[np.argmin(posts)]
    assert np.corrcoef(posts, acts)[0, 1] > 0.5
    box = prim.Prim(experiments[["posts"]], acts > np.median(acts), threshold=0.5).find_box()
    assert len(box.peeling_trajectory) >= 1
    assert box.box_lims[-1]["posts"][0] > experiments["posts"].min()


def test_bad_key_is_refused_before_any_run():
    with pytest.raises(ScenarioError, match="misattribution_rate"):
        _model(
            uncertainties={
                "x": {
                    "key": "sources.courts.records.court_judgment.misattribution_rat",
                    "low": 0.0,
                    "high": 0.1,
                }
            }
        )
