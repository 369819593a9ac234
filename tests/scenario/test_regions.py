"""Place: provinces with their own census figures, cities carved out of them, and plug-ins
limited to regions (a pilot city's scheme scores only its residents)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import credsim
from credsim.errors import ScenarioError
from credsim.population.describe import build_population
from credsim.population.preset import load_preset
from credsim.population.regional import CitySpec
from credsim.scenario import load_scenario

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]
CITY = 'population.cities={Rongcheng={province="Shandong", people=700000}}'
PILOT = [
    "population.preset='china-2020'",
    "population.people_per_agent=14000",
    CITY,
    'policies.rongcheng.regions=["Rongcheng"]',
    "output.report=false",
    "but_for=false",
    "output.events='all'",
]


def test_a_city_is_carved_out_of_its_province_with_its_own_size():
    tables = load_preset(
        "china-2020", None, {"Rongcheng": CitySpec(province="Shandong", people=700000)}
    ).regions
    r, s = tables.names.index("Rongcheng"), tables.names.index("Shandong")
    people = 1411778724
    assert tables.shares[r] * people == pytest.approx(700000, rel=1e-9)
    # Shares of the preset's provinces (which sum to 1,409.78 million, without the military).
    provinces = load_preset("china-2020").data.provinces
    shandong = provinces["Shandong"] / sum(provinces.values()) * people
    assert (tables.shares[r] + tables.shares[s]) * people == pytest.approx(shandong, rel=1e-9)
    assert tables.province[r] == tables.province[s]


def test_provinces_have_their_own_census_figures():
    population, world, _ = build_population("china-2020", 400_000, seed=1)
    region = world.traits["province"].all_codes(world.n)
    names = population.labels()["province"]
    age, urban = world.state["age"], world.traits["urban"].all_codes(world.n)
    income = world.traits["income"].all_codes(world.n)

    def share(mask, name):
        return float(mask[region == names.index(name)].mean())

    # Published figures (china-2020-provinces.toml): Tibet 35.73% urban, Beijing 87.55%.
    assert share(urban == 1, "Tibet") == pytest.approx(0.3573, abs=0.02)
    assert share(urban == 1, "Beijing") == pytest.approx(0.8755, abs=0.01)
    # Guangdong 12.35% aged 60+, Liaoning far older; the nation 18.70%.
    assert share(age >= 60, "Guangdong") == pytest.approx(0.1235, abs=0.01)
    assert share(age >= 60, "Liaoning") > 0.22
    # Shanghai's mean income is 2.2 times the nation's: twice the national share of its people
    # are in the top quintile; Tibet (no published income here, but mostly rural) has fewer.
    assert share(income == 4, "Shanghai") > 0.4
    assert share(income == 4, "Tibet") < 0.2
    assert np.bincount(income, minlength=5) / world.n == pytest.approx([0.2] * 5, abs=0.02)


def test_a_pilot_city_scheme_scores_only_its_residents(tmp_path):
    run = credsim.run(
        "default", out=tmp_path / "pilot", overrides=PILOT, days=60, seed=2, population=100_000
    )
    changes = run.events("score_changes")
    rongcheng = changes[changes["policy"].astype(str) == "rongcheng"]
    regions = run.summary["by_group"]["region"]
    citizens = np.sort(rongcheng["citizen"].unique())
    assert citizens.size > 0
    # Rongcheng comes right after the rest of Shandong, the second province.
    first = (regions["Guangdong"]["citizens"] + regions["Shandong"]["citizens"]) // 14000
    size = regions["Rongcheng"]["citizens"] // 14000
    assert citizens.min() >= first and citizens.max() < first + size
    provinces = run.summary["by_group"]["province"]
    scored = {name: row.get("scored.rongcheng") for name, row in provinces.items()}
    # Rongcheng's adults (the scheme scores from 18), and nobody in the rest of Shandong.
    assert 0 < regions["Rongcheng"]["scored.rongcheng"] < regions["Rongcheng"]["citizens"]
    assert scored["Shandong"] == regions["Rongcheng"]["scored.rongcheng"]
    assert regions["Shandong"]["scored.rongcheng"] == 0
    assert all(v == 0 for name, v in scored.items() if name != "Shandong")
    # Sesame, everywhere, scores every province.
    sesame = changes[changes["policy"].astype(str) == "sesame"]
    assert sesame["citizen"].max() > first + size


def test_a_timeline_entry_switches_a_plugin_on_in_one_region_only(tmp_path):
    overrides = [
        *PILOT[:3],
        "policies.rongcheng.enabled=false",
        'timeline=[{date=2020-01-31, enable=["policies.rongcheng"], regions=["Rongcheng"]}]',
        *PILOT[4:],
    ]
    run = credsim.run(
        "default", out=tmp_path / "t", overrides=overrides, days=60, seed=2, population=100_000
    )
    changes = run.events("score_changes")
    rongcheng = changes[changes["policy"].astype(str) == "rongcheng"]
    assert len(rongcheng) > 0 and rongcheng["day"].min() >= 30


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ('policies.rongcheng.regions=["Rongchen"]', "Did you mean 'Rongcheng'?"),
        ('behavior.citizens.regions=["Shandong"]', "only sources, policies, consequences"),
        (
            'timeline=[{date=2020-01-05, enable=["policies.rongcheng"], regions=["Shandon"]}]',
            "Did you mean 'Shandong'?",
        ),
        (
            'population.cities={Rongcheng={province="Shandog", people=700000}}',
            "Did you mean 'Shandong'?",
        ),
    ],
)
def test_unknown_regions_name_the_nearest_and_exit_2(tmp_path, override, message):
    overrides = [*PILOT[:3], override]
    with pytest.raises(ScenarioError, match=message):
        load_scenario("default", overrides=overrides)
    out = tmp_path / "never"
    args = [*CLI, "run", "default", "--out", str(out), "--days", "5"]
    args += [a for o in overrides for a in ("--set", o)]
    done = subprocess.run(args, capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and message.split("'")[0] in done.stderr
    assert not out.exists()


def test_a_parameter_can_differ_in_one_region_and_change_there_by_date(tmp_path):
    # Cameras record no jaywalking anywhere, except in Rongcheng, where they see every case
    # from the start, and every traffic violation from 2020-01-31 on.
    overrides = [
        *PILOT[:3],
        "sources.cameras.records.jaywalking.share=0.0",
        "sources.cameras.records.traffic_violation.share=0.0",
        "sources.cameras.by_region.Rongcheng={records={jaywalking={share=1.0, "
        "coverage={urban={urban=1.0, rural=1.0}}}, traffic_violation={"
        "coverage={urban={urban=1.0, rural=1.0}}}}}",
        # Rongcheng holds about 50 agents here: make the acts common enough to see.
        "behavior.citizens.acts.jaywalking.rate=0.05",
        "behavior.citizens.acts.traffic_violation.rate=0.05",
        'timeline=[{date=2020-01-31, regions=["Rongcheng"], '
        'set={"sources.cameras.records.traffic_violation.share"=1.0}}]',
        *PILOT[4:],
    ]
    run = credsim.run("default", out=tmp_path / "r", overrides=overrides, days=60, seed=2,
                      population=100_000)  # fmt: skip
    records = run.events("records")
    regions = run.summary["by_group"]["region"]
    first = (regions["Guangdong"]["citizens"] + regions["Shandong"]["citizens"]) // 14000
    size = regions["Rongcheng"]["citizens"] // 14000
    for kind, from_day in (("jaywalking", 0), ("traffic_violation", 30)):
        mine = records[(records["kind"].astype(str) == kind) & (records["true_actor"] >= 0)]
        assert len(mine) > 0  # (fabricated records, with no true actor, come from anywhere)
        assert set(mine["source"].astype(str)) == {"cameras@Rongcheng"}
        assert mine["true_actor"].between(first, first + size - 1).all()
        assert mine["day"].min() >= from_day
    plan = subprocess.run(
        [*CLI, "run", "default", "--plan", *[a for o in overrides for a in ("--set", o)]],
        capture_output=True,
        text=True,
    )
    assert plan.returncode == 0 and "cameras@Rongcheng" in plan.stdout


def test_a_plugin_that_keeps_columns_cannot_be_split_by_region():
    overrides = [*PILOT[:3], "policies.sesame.by_region.Rongcheng={network_weight=0.1}"]
    with pytest.raises(ScenarioError, match="keeps per-citizen columns"):
        load_scenario("default", overrides=overrides)
