"""The province tile map: one tile per province of the census preset, none on top of another."""

from __future__ import annotations

import tomllib
from importlib import resources

from credsim.report.figures_map import TILES, province_tiles


def _provinces() -> list[str]:
    preset = resources.files("credsim.population.presets").joinpath("china-2020.toml")
    return list(tomllib.loads(preset.read_text())["provinces"])


def test_every_province_has_its_own_tile():
    assert sorted(TILES) == sorted(_provinces())
    assert len(set(TILES.values())) == len(TILES)


def test_the_map_draws_every_tile_with_its_rate():
    by_province = {name: {"citizens": 1000, "sanctioned": i} for i, name in enumerate(TILES)}
    fig = province_tiles(by_province, [("sanctioned", "On a list")])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == len(TILES)
    # Guangdong's rate: its index x 100 per 100,000.
    rate = 100 * list(TILES).index("Guangdong")
    assert any(t.endswith(f"{rate:,}") and t.startswith("Guang") for t in texts)


def test_the_province_table_gives_each_rate_its_count_and_interval(tmp_path):
    import json

    from credsim.report.run import RunData
    from credsim.report.sections_wrongful import WRONGFUL_SECTIONS
    from credsim.results.rates import wilson_interval

    by_province = {name: {"citizens": 10_000, "sanctioned": 50} for name in list(TILES)[:3]}
    summary = {"citizens": 30_000, "people_per_agent": 10, "sanctioned": 150}
    summary["by_group"] = {"province": by_province}
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    section = next(s for s in WRONGFUL_SECTIONS if s.id == "provinces")
    _, html = section.render(RunData(tmp_path))
    low, high = wilson_interval(5, 1000)  # 50 of 10,000 people are 5 of 1,000 agents
    assert f"{1e5 * low:,.1f}–{1e5 * high:,.1f}" in html
    assert html.count("<tr>") == 1 + 3
