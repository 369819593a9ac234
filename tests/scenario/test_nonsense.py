"""Nothing accepted that is nonsense: every case an adversarial user found (a traceback instead of
exit 2, or nonsense run with exit 0) now ends in exit 2 with one paragraph that names the key,
and nothing written. The numbers' checks live in the parameter models (credsim.engine.checks),
so every verb inherits them."""

from __future__ import annotations

import json
import math
import typing

import pytest
from fuzz_cases import SMALL, TINY_RUN, check_message, invoke
from pydantic import BaseModel, ValidationError

import credsim
from credsim.engine import PluginParams
from credsim.errors import ScenarioError
from credsim.plugins import builtin_registry
from credsim.scenario import load_scenario
from credsim.scenario.schema import SECTIONS

COURT = "sources.courts.records.court_judgment"
ACTS = "behavior.citizens.acts"


def _refused(args: list[str], needle: str) -> str:
    outcome = invoke(args)
    check_message(outcome)
    assert not outcome.problems, str(outcome)
    assert outcome.code == 2, str(outcome)
    assert needle in outcome.err, outcome.err
    return outcome.err


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        # Tracebacks before
        ("population.group_shares={g0=0, g1=0}", "group_shares must sum to 1"),
        (f"{COURT}.details={{}}", "details must name at least one share"),
        (
            "sources.online.records.post_flagged.detail_shares=[" + ",".join(["0.5"] * 257) + "]",
            "at most 256 items",
        ),
        ("behavior.twin.plugin='baseline'", "second instance"),
        ("behavior.twin.plugin='deterrence'", "second instance"),
        ("metrics.twin.plugin='core'", "second instance"),
        ("population.people_per_agent=9223372036854775808", "people_per_agent"),
        ("population.people_per_agent=18446744073709551616", "people_per_agent"),
        ("v=" + "[" * 5000 + "]" * 5000, "nested more than 32 deep"),
        ("a=" + "{b=" * 600 + "1" + "}" * 600, "nested more than 32 deep"),
        # Nonsense accepted before
        ("behavior.strangers.help_by_grade.A=7", "help_by_grade.A"),
        ("behavior.strangers.help_by_grade.A=nan", "finite"),
        ("sources.cameras.records.jaywalking.coverage.urban.urban=7", "coverage.urban.urban"),
        ("sources.cameras.records.jaywalking.coverage.urban.urban=nan", "finite"),
        ("population.group_shares={g0=6, g1=6}", "sum 12"),
        (f"{COURT}.details.refusing_to_perform=7", "details must sum to 1"),
        (f"{COURT}.details.refusing_to_perform=-0.5", "greater than or equal to 0"),
        (f"{COURT}.details.refusing_to_perform=-inf", "finite"),
        (f"{ACTS}.jaywalking.urban_factor=inf", "urban_factor"),
        (f"{ACTS}.traffic_violation.by_trait.sex.male=-2", "by_trait.sex.male"),
        (f"{ACTS}.traffic_violation.by_trait.sex.male=inf", "finite"),
        ("sources.identity.false_non_match_multipliers.group.g1=1000", "a chance of 21.5"),
        (f"{ACTS}.jaywalking.ages=[15, 6]", "[youngest, oldest]"),
        ("behavior.citizens.repayment.mean_days=inf", "finite"),
        ("population.people_per_agent=4611686018427387904", "people_per_agent"),
        ("population.people_per_agent=1000000", "at most 1e+10"),
        ("name='../../../escaped'", "must not be a path"),
        ("name='a/b'", "must not be a path"),
        ("name='.hidden'", "must not be a path"),
    ],
)
def test_nonsense_set_exits_2_naming_the_key(tmp_path, monkeypatch, setting, needle):
    monkeypatch.chdir(tmp_path)
    _refused(["run", "--set", setting, "--plan"], needle)
    assert list(tmp_path.iterdir()) == []


def test_people_per_agent_keeps_the_citizens_sane():
    """The most people a run may stand for is 1e10 (agents x people_per_agent)."""
    scenario = load_scenario(
        "default", population=1000, overrides=["population.people_per_agent=10000000"]
    )
    assert scenario.population[2].people_per_agent == 10**7


def test_a_bad_set_is_not_dropped_by_a_flag():
    _refused(["run", "--set", "days=abc", "--days", "5", "--plan"], "--set days and --days 5")
    _refused(["run", "--set", "end=abc", "--days", "5", "--plan"], "--set end and --days 5")


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b'base = "default"\nname = "x\xff"\n', "line 2: not UTF-8 text"),
        ('base = "default"\nname = "x"\n'.encode("utf-16"), "UTF-16"),
        ('base = "default"\nname = "x"\n'.encode("utf-16-le"), "not UTF-8 text"),
        (b'base = "default"\nname = "x"\nv = ' + b"[" * 500 + b"]" * 500, "nested"),
        (b'base = "default"\nname = "x"\n[' + b".".join([b"a"] * 500) + b"]\nx = 1\n", "nested"),
    ],
)
def test_damaged_files_exit_2_naming_the_file(tmp_path, data, needle):
    path = tmp_path / "bad.toml"
    path.write_bytes(data)
    message = _refused(["run", str(path), "--plan", *SMALL], needle)
    assert "bad.toml" in message


def test_a_utf8_file_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes('base = "default"\nname = "bom-\u00e9"\n'.encode("utf-8-sig"))
    assert load_scenario(path).name == "bom-\u00e9"


def test_a_long_base_chain_and_a_cycle_exit_2(tmp_path):
    for i in range(2000):
        base = f"c{i + 1}.toml" if i < 1999 else "default"
        (tmp_path / f"c{i}.toml").write_text(f'base = "{base}"\nname = "c{i}"\n')
    _refused(["run", str(tmp_path / "c0.toml"), "--plan", *SMALL], "more than 32 scenario files")
    assert load_scenario(tmp_path / "c1970.toml").name == "c1970"  # 30 files: fine
    (tmp_path / "a.toml").write_text('base = "b.toml"\nname = "a"\n')
    (tmp_path / "b.toml").write_text('base = "a.toml"\nname = "b"\n')
    _refused(["run", str(tmp_path / "a.toml"), "--plan"], "makes a cycle")


def test_a_sweep_file_that_is_not_utf8_exits_2(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_bytes('name = "s"\nscenario = "default"\n'.encode("utf-16"))
    _refused(["sweep", str(path), "--plan"], "UTF-16")


def test_a_scenario_name_never_leaves_runs(tmp_path, monkeypatch):
    """The name is refused before anything is written (it would have named
    runs/../../../escaped-TIME, two levels above the working folder)."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    (work / "s.toml").write_text('base = "default"\nname = "../../../escaped"\n')
    _refused(["run", "s.toml", *TINY_RUN], "must not be a path")
    assert [p.name for p in tmp_path.iterdir()] == ["a"]
    assert [p.name for p in work.iterdir()] == ["s.toml"]


def test_a_calibration_target_naming_a_missing_list_exits_2(tmp_path):
    target = '{measure = "listed", list = "no_such_list", published = 1000}'
    args = ["run", *TINY_RUN, "--out", str(tmp_path / "out")]
    args += ["--set", "metrics.calibration.plugin='calibration'"]
    args += ["--set", f"metrics.calibration.targets.listed={target}"]
    _refused(args, "no list named 'no_such_list'")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("groups", "needle"),
    [
        (["a:5:1"], "a share of probes from 0 to 1"),
        (["a:0.9:1", "b:0.9:1"], "the shares sum to 1.8"),
        (["a:0.1:1", "a:0.1:1"], "a name used once"),
        (["a:0.1:inf"], "a finite multiplier"),
    ],
)
def test_faceid_refuses_bad_groups(groups, needle):
    args = ["faceid"]
    for group in groups:
        args += ["--group", group]
    _refused(args, needle)


@pytest.mark.parametrize(
    "args",
    [
        ["--gallery", "1e308", "--probes-per-day", "1e308", "--prevalence", "0.5"],
        ["--fmr", "5e-324", "--gallery", "1e300", "--group", "a:0.5:1e300"],
        ["--probes-per-day", "1.7e308", "--group", "a:0.5:2", "--group", "b:0.5:3"],
    ],
)
def test_faceid_json_is_always_strict_json(args):
    outcome = invoke(["faceid", "--json", *args])
    check_message(outcome)
    assert not outcome.problems, str(outcome)
    if outcome.code == 0:
        json.loads(outcome.out, parse_constant=lambda token: pytest.fail(f"{token} printed"))


def _params_models() -> list[type[BaseModel]]:
    """Every parameter model of every registered plug-in, nested ones included."""
    found: list[type[BaseModel]] = []

    def walk(annotation) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in found:
                return
            found.append(annotation)
            for f in annotation.model_fields.values():
                walk(f.annotation)
        for arg in typing.get_args(annotation):
            walk(arg)

    registry = builtin_registry()
    for kind in ("population", *SECTIONS.values()):
        for name in registry.names(kind):
            walk(registry.get(kind, name).Params)
    return found


@pytest.mark.parametrize("model", _params_models(), ids=lambda m: m.__name__)
def test_every_float_parameter_refuses_nan_and_infinity(model):
    """What makes the checks hold for plug-ins to come: the base model refuses NaN and
    infinities in every float, in tables too."""
    for name, spec in model.model_fields.items():
        if float not in (spec.annotation, *typing.get_args(spec.annotation)):
            continue
        for bad in (math.nan, math.inf, -math.inf):
            with pytest.raises(ValidationError) as refused:
                model.model_validate({name: bad})
            assert any(e["loc"][:1] == (name,) for e in refused.value.errors()), (name, bad)
    if issubclass(model, PluginParams):
        assert model.model_config.get("allow_inf_nan") is False


def _keeps_a_list(cls, spec: dict) -> bool:
    params = {
        k: v for k, v in spec.items() if k not in ("plugin", "enabled", "regions", "by_region")
    }
    return cls(spec["plugin"], cls.Params.model_validate(params)).sanction_info() is not None


def test_singletons_are_refused_twice_and_the_others_run_twice(tmp_path):
    """A plug-in marked `singleton` cannot be given twice; every other one of the `everything`
    scenario (every plug-in credsim has) runs with a second instance beside it (nothing of theirs
    collides), but lists: a run keeps at most five (test_more_than_five_lists_exit_2)."""
    registry = builtin_registry()
    data = load_scenario("everything").to_dict()
    twins = {}
    for section, kind in SECTIONS.items():
        for name, spec in list(data[section].items()):
            if not isinstance(spec, dict):
                continue
            cls = registry.get(kind, spec["plugin"])
            if cls.singleton:
                with pytest.raises(ScenarioError, match="second instance"):
                    load_scenario({**data, section: {**data[section], "twin": dict(spec)}})
            elif kind != "consequence" or not _keeps_a_list(cls, spec):
                twins.setdefault(section, {})[f"{name}_twin"] = dict(spec)
    assert twins, "no plug-in of the scenario can run twice"
    for section, extra in twins.items():
        data[section] = {**data[section], **extra}
    data["output"] = {"events": "none", "citizens": "none", "report": False}
    results = credsim.run(load_scenario(data, population=500, days=5), out=tmp_path / "twins")
    assert results.summary["citizens"] == 500


def test_more_than_five_lists_run_and_only_the_first_five_are_marked(tmp_path):
    """The core metric keeps a bit per list for each citizen's wrong records: a sixth list runs
    and counts in every stock and flow, but its wrong records are not marked."""
    sets = [f"consequences.extra{i}.plugin='blacklist'" for i in range(4)]
    sets += ["output.events='none'", "output.report=false", "output.citizens='none'"]
    results = credsim.run("default", out=tmp_path / "seven", population=500, days=5, overrides=sets)
    reasons = results.summary["sanctioned_wrongful_reasons"]
    assert len([k for k in reasons if k.startswith("wrong record under")]) == 5
