"""The strangers' donation game (behavior.game): cooperation, the share held good and the
strategies, per community averaged over the days after a burn-in, and their daily means.

A community's figure is the mean over the averaged days of its daily share of encounters in which
the donor helped (cooperation), of good views or grades (good share), and of its members playing
each strategy; the run's figure is the mean over communities, with its standard error from their
spread (communities are independent replicates: they share no one).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pydantic import Field

from credsim.engine import Day, Metric, PluginParams, World
from credsim.norms import STRATEGIES

__all__ = ["ReciprocityMetrics"]

FIGURES = ("cooperation", "good_share", *(s.lower() for s in STRATEGIES), "adherents")


class ReciprocityParams(PluginParams):
    burn_in: float = Field(
        0.5, ge=0, lt=1, description="share of the run's first days left out of the averages"
    )


class ReciprocityMetrics(Metric):
    """`game_cooperation` (mean over communities, with `game_cooperation_stderr`),
    `game_good_share`, `game_strategy_shares`, `game_adherent_share`, per community and as daily
    means; `game_adherence_fixed` and `_lost`: communities that end the run all adherents, or
    none."""

    stock_columns = ("game_",)
    Params = ReciprocityParams
    params: ReciprocityParams

    def init(self, world: World) -> None:
        self.world = world
        self.first = math.ceil(self.params.burn_in * world.days)
        self.daily = np.full((world.days, len(FIGURES)), np.nan)
        self.sums: np.ndarray | None = None
        self.last: np.ndarray | None = None
        self.averaged = 0

    def _game(self):
        strangers = self.world.services.get("strangers")
        return None if strangers is None else getattr(strangers, "game", None)

    def measure(self, day: Day) -> None:
        game = self._game()
        if game is None or self.world.services["strangers"].today != day.day:
            return
        self.last = game.stats.copy()
        self._count(day.day, self.last)

    def repeat_last(self, days: range) -> None:
        """Count `days` as measured with the last day's figures: what `measure` gives on days when
        no community of the game plays (all settled), day by day, so the sums are the same."""
        if self.last is not None:
            for day in days:
                self._count(day, self.last)

    def _count(self, day: int, stats: np.ndarray) -> None:
        """One day's figures into the daily means and, after the burn-in, the sums."""
        self.daily[day] = stats.mean(axis=0) if stats.shape[0] else np.nan
        if day >= self.first:
            self.sums = stats.copy() if self.sums is None else self.sums + stats
            self.averaged += 1

    def merge(self, parts: list) -> None:
        sums = [m.sums for m in [self, *parts] if m.sums is not None]
        self.sums = np.concatenate(sums) if sums else None
        last = [m.last for m in [self, *parts] if m.last is not None]
        self.last = np.concatenate(last) if last else None

    def per_community(self) -> np.ndarray:
        """(communities, figures): each community's averages over the averaged days."""
        if self.sums is None or self.averaged == 0:
            return np.zeros((0, len(FIGURES)))
        return self.sums / self.averaged

    def summary(self) -> dict:
        if self._game() is None:
            return {}
        each = self.per_community()
        count = each.shape[0]
        mean = each.mean(axis=0) if count else np.full(len(FIGURES), np.nan)
        spread = each[:, 0].std(ddof=1) / math.sqrt(count) if count > 1 else math.nan
        end = self.last[:, 5] if self.last is not None else np.zeros(0)  # adherents on the last day
        return {
            "game_communities": count,
            "game_days_averaged": self.averaged,
            "game_cooperation": round(float(mean[0]), 6),
            "game_cooperation_stderr": round(float(spread), 6),
            "game_good_share": round(float(mean[1]), 6),
            "game_strategy_shares": {
                s: round(float(mean[2 + i]), 6) for i, s in enumerate(STRATEGIES)
            },
            "game_adherent_share": round(float(mean[5]), 6),
            "game_adherence_fixed": int((end == 1.0).sum()),
            "game_adherence_lost": int((end == 0.0).sum()),
            "game_cooperation_by_community": [round(float(v), 6) for v in each[:, 0]],
        }

    def timeseries(self) -> pd.DataFrame | None:
        if self._game() is None:
            return None
        days = self.world.days
        frame = {
            "day": np.arange(days, dtype=np.int32),
            "dimension": np.full(days, "group"),
            "group_name": np.full(days, "all"),
        }
        for i, name in enumerate(FIGURES):
            frame[f"game_{name}"] = self.daily[:, i]
        return pd.DataFrame(frame)
