"""Every province at a glance: a tile-grid map of China's 31 provinces (no boundary data).

Each province is one square placed roughly where it lies (west to east, north to south); the
layout is credsim's own. A panel colours the tiles by a figure per 100,000 people.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .style import GREY, figure

__all__ = ["TILES", "province_tiles"]

TILES: dict[str, tuple[int, int]] = {
    "Heilongjiang": (8, 0),
    "Inner Mongolia": (5, 1), "Jilin": (8, 1),
    "Xinjiang": (1, 2), "Ningxia": (4, 2), "Beijing": (6, 2), "Tianjin": (7, 2),
    "Liaoning": (8, 2),
    "Qinghai": (2, 3), "Gansu": (3, 3), "Shaanxi": (4, 3), "Shanxi": (5, 3), "Hebei": (6, 3),
    "Shandong": (7, 3),
    "Tibet": (1, 4), "Sichuan": (3, 4), "Chongqing": (4, 4), "Henan": (5, 4), "Anhui": (6, 4),
    "Jiangsu": (7, 4), "Shanghai": (8, 4),
    "Yunnan": (3, 5), "Guizhou": (4, 5), "Hubei": (5, 5), "Jiangxi": (6, 5), "Zhejiang": (7, 5),
    "Guangxi": (4, 6), "Hunan": (5, 6), "Guangdong": (6, 6), "Fujian": (7, 6),
    "Hainan": (5, 7),
}  # fmt: skip
"""Province -> (column west to east, row north to south)."""
SHORT = {
    "Inner Mongolia": "Inner\nMongolia",
    "Heilongjiang": "Heilong-\njiang",
    "Chongqing": "Chong-\nqing",
    "Guangdong": "Guang-\ndong",
}


def province_tiles(by_province: dict, panels: list[tuple[str, str]]) -> Figure:
    """One tile map per (field, title): `field` per 100,000 citizens of each province, from the
    summary's `by_group.province`. Provinces the run does not have are drawn empty."""
    fig = figure(height=3.3)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (field, title) in zip(axes, panels, strict=True):
        rates = {
            name: 1e5 * row[field] / row["citizens"]
            for name, row in by_province.items()
            if isinstance(row, dict)
            and row.get("citizens")
            and isinstance(row.get(field), int | float)
        }
        values = np.array(list(rates.values()) or [0.0])
        norm = Normalize(0.0, max(float(values.max()), 1e-9))
        cmap = colormaps["viridis_r"]
        for name, (col, row) in TILES.items():
            rate = rates.get(name)
            face = "#f2f2f2" if rate is None else cmap(0.1 + 0.8 * norm(rate))
            ax.add_patch(_square(col, -row, face))
            text = SHORT.get(name, name)
            label = f"{text}\n{rate:,.0f}" if rate is not None else text
            dark = rate is not None and norm(rate) > 0.45
            ax.text(
                col + 0.5, -row + 0.5, label, ha="center", va="center", fontsize=4.8,
                color="white" if dark else "black",
            )  # fmt: skip
        ax.set_xlim(0.8, 9.1)
        ax.set_ylim(-7.1, 1.1)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(title, loc="left", fontweight="bold", fontsize=9)
    fig.text(0.01, 0.01, "Per 100,000 people; grey: province not in the run.", color=GREY,
             fontsize=7)  # fmt: skip
    return fig


def _square(x: float, y: float, face) -> Rectangle:
    return Rectangle((x + 0.03, y + 0.03), 0.94, 0.94, facecolor=face, edgecolor="white")
