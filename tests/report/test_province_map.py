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
