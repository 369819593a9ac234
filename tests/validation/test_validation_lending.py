"""The FICO loader and the delayed-impact lending model (Liu et al. 2018)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from credsim.errors import UserError
from credsim.validation.lending import LendingModel, default_fico_dir, load_fico
from credsim.validation.lending.fico import ENV_VAR, FILES, to_fico_scale

pytestmark = pytest.mark.skipif(
    not default_fico_dir().is_dir(), reason="FICO/TransRisk data not available"
)


@pytest.fixture(scope="module")
def data():
    return load_fico()


def test_loader_gives_each_group_a_distribution_on_the_300_850_scale(data):
    assert set(data.groups) == {"White", "Black", "Hispanic", "Asian"}
    for group in data.groups:
        assert data.pmf[group].sum() == pytest.approx(1.0)
        assert ((data.repay[group] >= 0) & (data.repay[group] <= 1)).all()
    assert data.score[0] == pytest.approx(300.0)
    assert data.score[-1] == pytest.approx(850.0)
    assert (np.diff(data.score) > 0).all()
    assert data.mean_score("Black") < data.mean_score("White")
    assert data.totals["Black"] == 18274


def test_percentiles_map_linearly_inside_national_score_bands():
    assert to_fico_scale(np.array([0.0, 2.1, 100.0])).tolist() == [300.0, 350.0, 850.0]
    assert to_fico_scale(np.array([1.05]))[0] == pytest.approx(325.0)


def test_missing_folder_or_file_is_a_user_error_naming_it(tmp_path):
    with pytest.raises(UserError, match=ENV_VAR):
        load_fico(tmp_path / "nowhere")
    for name in FILES.values():
        shutil.copy(default_fico_dir() / name, tmp_path / name)
    (tmp_path / FILES["totals"]).rename(tmp_path / "total.csv")
    with pytest.raises(UserError, match=r"totals\.csv"):
        load_fico(tmp_path)


def test_the_environment_variable_points_the_loader_at_a_copy(tmp_path, monkeypatch):
    for name in FILES.values():
        shutil.copy(default_fico_dir() / name, tmp_path / name)
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert load_fico().source == tmp_path


def test_demographic_parity_harms_the_black_group_where_max_profit_helps(data):
    policies = LendingModel(data, utility_default=-4.0).policies()
    black = {name: p.delta_mu["Black"] for name, p in policies.items()}
    assert black["demographic_parity"] < 0 < black["max_profit"]
    assert black["demographic_parity"] < black["equal_opportunity"] < black["max_profit"]


def test_policies_meet_their_fairness_constraints(data):
    model = LendingModel(data, utility_default=-10.0)
    parity = model.demographic_parity()
    assert parity.selection_rate["Black"] == parity.selection_rate["White"]
    opportunity = model.equal_opportunity()
    tpr = opportunity.true_positive_rate
    assert tpr["Black"] == pytest.approx(tpr["White"], abs=1e-3)
    assert model.max_profit().profit >= max(parity.profit, opportunity.profit)


def test_outcome_curve_starts_at_zero_and_passes_through_each_policy(data):
    model = LendingModel(data)
    assert model.outcome_curve("Black", np.array([0.0]))[0] == 0.0
    for outcome in model.policies().values():
        beta = outcome.selection_rate["Black"]
        curve = model.outcome_curve("Black", np.array([beta]))[0]
        assert curve == pytest.approx(outcome.delta_mu["Black"])
