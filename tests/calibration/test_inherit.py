"""A calibration file built on another (`base`, `drop`): the bundled alternative reading of
"13.49M listed" is rollout-blacklist with one target swapped, and bad bases or drops are refused
with the file and the nearest choice."""

from __future__ import annotations

import pytest

from credsim.calibration import load_calibration, prepare_calibration
from credsim.calibration.file import resolve_calibration_source
from credsim.errors import ScenarioError, UserError


def _load(name: str):
    return load_calibration(resolve_calibration_source(name))


def test_the_stock_reading_is_the_cumulative_fit_with_one_target_swapped():
    base, stock = _load("rollout-blacklist").model, _load("rollout-blacklist-stock")
    m = stock.model
    assert stock.name == "rollout-blacklist-stock" and m.description != base.description
    assert m.parameters == base.parameters and m.predictions == base.predictions
    assert (m.scenario, m.population, m.set, m.trials) == (
        base.scenario, base.population, base.set, base.trials
    )  # fmt: skip
    assert set(m.targets) == set(base.targets) - {"listed_2019"} | {"on_list_2019"}
    on_list = m.targets["on_list_2019"]
    assert (on_list.metric, on_list.kind, on_list.published) == (
        "sanctioned.court_blacklist", "stock", 13_490_000
    )  # fmt: skip
    prepared = prepare_calibration(stock)  # the list's stock is a column the run writes
    assert {w.kind for w in prepared.windows} == {"cumulative", "stock"}


def _file(tmp_path, text: str, name: str = "mine.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_local_base_is_read_relative_to_the_file_and_its_entries_replaced(tmp_path):
    base = resolve_calibration_source("rollout-blacklist").read_text()
    _file(tmp_path, base, "first.toml")
    path = _file(
        tmp_path,
        'base = "first.toml"\ntrials = 7\n'
        "[parameters]\n"
        'repaid_share = { key = "behavior.citizens.repayment.share", low = 0.2, high = 0.3 }\n',
    )
    m = load_calibration(path).model
    assert m.trials == 7 and m.parameters["repaid_share"].low == 0.2
    assert set(m.parameters) == set(_load("rollout-blacklist").model.parameters)
    assert load_calibration(path).name == "mine"  # the name is not inherited


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('base = "rollout-blacklst"', "Did you mean 'rollout-blacklist'"),
        ('base = "rollout-blacklist"\ndrop = ["targets.listed_209"]', "'targets.listed_2019'"),
        ('drop = ["targets.listed_2019"]\nscenario = "rollout"', "drop needs a base"),
        ('base = "mine.toml"', "a cycle"),
    ],
)
def test_bad_bases_and_drops_name_the_file_and_the_nearest_choice(tmp_path, text, needle):
    path = _file(tmp_path, text)
    with pytest.raises((ScenarioError, UserError)) as err:
        load_calibration(path)
    assert needle in str(err.value)
