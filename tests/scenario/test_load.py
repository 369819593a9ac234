"""Scenario files: strict keys, clear messages with file, line and nearest key, inheritance."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credsim import ScenarioError, load_scenario
from credsim.scenario import bundled_scenarios, parse_override
from credsim.scenario.locate import locate


def _write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_unknown_key_names_file_line_and_nearest_key(tmp_path):
    path = _write(tmp_path, 'base = "default"\nname = "x"\n\n[policies.rongcheng]\nstrat = 900\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert str(path) in message and "line 5" in message
    assert "policies.rongcheng.strat" in message and "'policies.rongcheng.start'" in message


def test_wrong_type_and_out_of_range_values_name_their_key(tmp_path):
    with pytest.raises(ScenarioError, match=r"line 2: seed: .*valid integer"):
        load_scenario(_write(tmp_path, 'name = "x"\nseed = "seven"\n'))
    with pytest.raises(ScenarioError, match=r"line 3: days: .*less than or equal"):
        load_scenario(_write(tmp_path, 'name = "x"\n\ndays = 1000000\n'))
    text = 'base = "default"\n[sources.finance.records.loan_default]\nmiss_rate = 1.5\n'
    with pytest.raises(ScenarioError, match=r"line 3: .*miss_rate"):
        load_scenario(_write(tmp_path, text))


def test_unknown_plugin_and_unknown_value_suggest_the_nearest(tmp_path):
    text = 'base = "default"\nname = "x"\n[policies.rongcheng]\nplugin = "rulse"\n'
    with pytest.raises(ScenarioError, match=r"line 4: .*Did you mean 'rules'"):
        load_scenario(_write(tmp_path, text))
    text = 'base = "default"\n[policies.rongcheng.points]\nloan_defualt = -20\n'
    with pytest.raises(ScenarioError, match=r"did you mean 'loan_default'"):
        load_scenario(_write(tmp_path, text))
    with pytest.raises(ScenarioError, match=r"Did you mean 'sample'"):
        load_scenario("default", overrides=["output.events=sampel"])


def test_missing_file_unknown_bundled_name_and_bad_toml(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="Did you mean 'default'"):
        load_scenario("defualt")
    with pytest.raises(ScenarioError, match=r"not valid TOML.*line 2"):
        load_scenario(_write(tmp_path, 'name = "x"\nseed = \n'))


def test_set_errors_name_the_flag():
    with pytest.raises(ScenarioError, match=r"^--set policies.rongcheng.start: .*valid integer"):
        load_scenario("default", overrides=["policies.rongcheng.start=high"])
    with pytest.raises(ScenarioError, match=r"^--population 0: population.size"):
        load_scenario("default", population=0)
    with pytest.raises(ScenarioError, match=r"dotted\.key=value"):
        load_scenario("default", overrides=["seed"])
    school = "behavior.citizens.acts.school_application"
    with pytest.raises(ScenarioError, match=r"school_application.*entry_ages or rate"):
        load_scenario("default", overrides=[f"{school}.rate=0.01"])
    with pytest.raises(ScenarioError, match=r"ages must be \[youngest, oldest\]"):
        load_scenario("default", overrides=["behavior.citizens.acts.post.ages=[15, 6]"])


@pytest.mark.parametrize(
    ("setting", "nearest"),
    [
        ("sources.erors=false", "sources.errors"),
        ("sources.camras.enabled=false", "sources.cameras"),
        ("behavior.gamng.rate=0.1", "behavior.gaming"),
    ],
)
def test_a_misspelt_plugin_name_is_named_with_the_nearest_one(setting, nearest):
    """A key of a plug-in section naming no plug-in of the scenario (and not a whole new one)
    is refused with the nearest plug-in, not read as an incomplete new plug-in."""
    with pytest.raises(ScenarioError, match=rf"^--set {setting.split('=')[0]}: .*{nearest}\?"):
        load_scenario("default", overrides=[setting])


def test_a_misspelt_plugin_in_a_file_names_its_line(tmp_path):
    path = _write(tmp_path, 'base = "default"\n\n[policies.sesme]\nenabled = false\n')
    with pytest.raises(ScenarioError, match=r"line 3: .*'sesme'.*policies\.sesame\?"):
        load_scenario(path)


def test_base_inheritance_keeps_what_is_not_overridden(tmp_path):
    twin = _write(tmp_path, 'base = "default"\nname = "twin"\n[policies.rongcheng]\nstart = 900\n')
    scenario = load_scenario(twin)
    resolved = scenario.to_dict()
    assert scenario.name == "twin"
    assert resolved["policies"]["rongcheng"]["start"] == 900
    assert resolved["policies"]["rongcheng"]["points"]["utility_theft"] == -60
    assert resolved["population"]["size"] == 100_000
    child = _write(tmp_path, f'base = "{twin.name}"\ndays = 10\n', "child.toml")
    assert load_scenario(child).to_dict()["policies"]["rongcheng"]["start"] == 900
    loop = _write(tmp_path, 'base = "loop.toml"\nname = "l"\n', "loop.toml")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(loop)


def test_a_plugin_can_be_switched_off(tmp_path):
    path = _write(tmp_path, 'base = "default"\n[consequences.joint_punishment]\nenabled = false\n')
    names = [name for name, _, _ in load_scenario(path).plugins["consequences"]]
    assert "joint_punishment" not in names and "court_blacklist" in names
    assert "grade_list" not in names  # off in the default scenario


def test_resolved_scenario_reloads_to_the_same_scenario(tmp_path):
    import tomli_w

    scenario = load_scenario("default", overrides=["policies.rongcheng.start=950"])
    path = _write(tmp_path, tomli_w.dumps(scenario.to_dict()), "resolved.toml")
    assert load_scenario(path).to_dict() == scenario.to_dict()


def test_every_bundled_scenario_validates():
    for name in bundled_scenarios():
        assert load_scenario(name).name == name


def test_locate_finds_keys_in_tables_dotted_keys_and_inline_tables():
    text = "a = 1\n[x.y]\nb = 2\nc.d = 3\n[z]\ne = { f = 1 }\n"
    assert locate(text, ("a",)) == 1
    assert locate(text, ("x", "y", "b")) == 3
    assert locate(text, ("x", "y", "c", "d")) == 4
    assert locate(text, ("z", "e", "f")) == 6
    assert locate(text, ("x", "y", "missing")) == 2
    assert locate(text, ("nowhere",)) is None


@given(
    key=st.lists(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=4),
    value=st.one_of(
        st.integers(-(10**9), 10**9),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.text(alphabet="abcxyz", min_size=1, max_size=5),
    ),
)
def test_parse_override_round_trips_toml_values(key, value):
    import tomli_w

    raw = tomli_w.dumps({"v": value})[4:].strip()
    parts, parsed = parse_override(f"{'.'.join(key)}={raw}")
    assert parts == key
    assert parsed == tomllib.loads(f"v = {raw}")["v"]


def test_the_older_behaviors_table_is_read_as_behavior(tmp_path):
    older = tmp_path / "older.toml"
    older.write_text('base = "default"\nname = "older"\n\n[behaviors.exclusion]\nmargin = 9\n')

    def margin(scenario) -> float:
        return next(p.margin for n, _, p in scenario.plugins["behavior"] if n == "exclusion")

    assert margin(load_scenario(older)) == 9
    assert margin(load_scenario(older, overrides=["behaviors.exclusion.margin=7"])) == 7
    assert margin(load_scenario("default", overrides=["behaviors.exclusion.margin=5"])) == 5


def test_a_scenario_given_as_a_dict_is_not_changed_by_loading():
    source = {"base": "default", "population": {"size": 5000}, "days": 10}
    load_scenario(source, population=2000, overrides=["days=20"])
    assert source == {"base": "default", "population": {"size": 5000}, "days": 10}
