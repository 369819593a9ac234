"""Radzvilavicius, Kessinger & Plotkin (2021, Nat Commun 12:3567), Fig. 4: does adherence to an
institution spread? One discriminator in each community starts to act on the institution's grade
instead of its own private views; adherence is copied with the strategy by imitation; the run
ends when everyone or no one adheres. The figure is the share of communities in which adherence
fixes, against the authors' own runs and against neutral drift (1/N).

Run through credsim's day loop (credsim.validation.reciprocity): the strangers' game with
`adherents = "one"`, the institution an independent board (the `institution` policy judging
witnessed encounters by the recipient's grade), 100 days for reputations to settle before anyone
adheres, no mutation, `stop_when_settled`. Published shares are regenerated from every trial of
the authors' file by docs/validation/scripts/adherence_targets.py (reciprocity/fixation.json).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from credsim.validation.outcome import Check, Outcome, Settings, claim, within
from credsim.validation.reciprocity import GameRun, game_scenario, run_game
from credsim.validation.registry import Reproduction

__all__ = ["REPRODUCTION", "Setting", "adherence_scenario", "fixation_check", "published", "run"]

SOURCE = (
    "Radzvilavicius, Kessinger & Plotkin (2021) Adherence to public institutions that foster "
    "cooperation. Nat Commun 12:3567, Fig. 4"
)
PUBLISHED = Path(__file__).parents[1] / "reciprocity" / "fixation.json"
NEUTRAL = 1 / 50
SETTLE_DAYS = 100
HORIZON_DAYS = 29_900
FLOOR = 0.01
"""Smallest tolerance on a fixation share."""


@dataclass(frozen=True)
class Setting:
    """One of the authors' fixation settings."""

    norm: str
    empathy: float
    judges: int
    strictness: float
    start: str
    benefit: float = 5.0

    @property
    def key(self) -> str:
        return (
            f"{self.norm}/E={self.empathy:g}/Q={self.judges}/q={self.strictness:g}/"
            f"{self.start}/b={self.benefit:g}/board=independent"
        )

    @property
    def title(self) -> str:
        view = "empathetic" if self.empathy else "egocentric"
        return (
            f"{self.norm.replace('_', ' ')}, {view} private assessors, Q={self.judges} "
            f"q={self.strictness:g}, start {self.start}"
        )


SHORT: tuple[Setting, ...] = (
    # adherence spreads: a strict two-judge board among mostly unconditional cooperators
    Setting("stern_judging", 0.0, 2, 0.5, "mostly_ALLC"),
    # and among empathetic private assessors, from thirds
    Setting("stern_judging", 0.9, 2, 0.5, "equal"),
    # it dies out: a lenient two-judge board (one good verdict of two suffices)
    Setting("stern_judging", 0.0, 2, 0.3, "equal"),
)
LONG: tuple[Setting, ...] = tuple(
    Setting(norm, empathy, judges, strictness, start)
    for norm in ("stern_judging", "simple_standing", "scoring", "shunning")
    for empathy in (0.0, 0.9)
    for judges, strictness in ((1, 0.5), (2, 0.3), (2, 0.5))
    for start in ("equal", "mostly_ALLD")
)
"""Part of the authors' grid: an independent board of one or two judges (a board of 50 would be
50 witnessed encounters a donor a day), from thirds or from mostly defectors."""


@cache
def published() -> dict[str, dict[str, float]]:
    """Setting key -> runs, runs in which adherence fixed, and their share (fixation.json)."""
    return json.loads(PUBLISHED.read_text(encoding="utf-8"))["settings"]


def adherence_scenario(setting: Setting, communities: int, seed: int, days: int = HORIZON_DAYS):
    """The fixation experiment at one setting: `communities` runs of it."""
    return game_scenario(
        communities=communities,
        seed=seed,
        days=SETTLE_DAYS + days,
        norm=setting.norm,
        empathy=setting.empathy,
        benefit=setting.benefit,
        institution=(setting.judges, setting.strictness),
        game={
            "adherents": "one",
            "settle_days": SETTLE_DAYS,
            "mutation": 0.0,
            "initial": setting.start,
            "stop_when_settled": True,
        },
    )


def fixation_check(setting: Setting, communities: int, seed: int) -> tuple[Check, GameRun]:
    """Run one setting and hold its share of fixations against the authors' runs."""
    result = run_game(adherence_scenario(setting, communities, seed))
    fixed, lost = result.summary["game_adherence_fixed"], result.summary["game_adherence_lost"]
    settled = fixed + lost
    ours = fixed / settled if settled else math.nan
    pub = published()[setting.key]
    p = pub["share"]
    spread = p * (1 - p)
    tolerance = max(FLOOR, 3 * math.sqrt(spread / pub["runs"] + spread / max(settled, 1)))
    check = within(
        f"adherence fixes, {setting.title}",
        ours,
        p,
        tolerance,
        source=f"authors' {pub['runs']} runs, {pub['fixed']} fixed",
        note=f"{fixed} of {settled} communities fixed; {communities - settled} unsettled after "
        f"{HORIZON_DAYS:,} days",
    )
    return check, result


def run(settings: Settings) -> Outcome:
    chosen = LONG if settings.long else SHORT
    size = 400 if settings.long else 200
    checks: list[Check] = []
    details: dict[str, dict] = {}
    for setting in chosen:
        check, result = fixation_check(setting, size, settings.seed)
        checks.append(check)
        details[setting.key] = result.to_dict()
        pub = published()[setting.key]
        p = pub["share"]
        if abs(p - NEUTRAL) <= 3 * math.sqrt(p * (1 - p) / pub["runs"]):
            continue  # the authors' share cannot be told from drift: no side to hold credsim to
        side = "above" if p > NEUTRAL else "below"
        ours = check.credsim
        checks.append(
            claim(
                f"adherence {side} neutral drift (1/N), {setting.title}",
                ours,
                f"{p:.3f} ({side} 1/N = {NEUTRAL:.2f} by more than 3 s.e.)",
                f"{side} {NEUTRAL:.2f}",
                ours > NEUTRAL if side == "above" else ours < NEUTRAL,
            )
        )
    outcome = Outcome(
        name="adherence",
        title="Adherence to an institution: does it spread?",
        source=SOURCE,
        mode=settings.mode,
        checks=checks,
        details={"settings": details, "communities": size, "published": published()},
        notes=[
            "Through the engine: communities of 50, b=5, c=1, errors 0.02, no mutation, w=1; "
            f"{SETTLE_DAYS} days for reputations to settle, then one adherent discriminator a "
            f"community; each community runs until adherence fixes or dies out (at most "
            f"{HORIZON_DAYS:,} days).",
        ],
    )
    if settings.figures_dir is not None:
        outcome.figures = _figure(chosen, details, settings)
    return outcome


def _figure(chosen: tuple[Setting, ...], details: dict, settings: Settings) -> list[str]:
    import numpy as np
    from matplotlib.figure import Figure

    from credsim.validation.figures import COLORS, save, style

    def share(summary: dict) -> float:
        settled = summary["game_adherence_fixed"] + summary["game_adherence_lost"]
        return summary["game_adherence_fixed"] / settled if settled else float("nan")

    ours = [share(details[s.key]) for s in chosen]
    theirs = [published()[s.key]["share"] for s in chosen]
    x = np.arange(len(chosen))
    with style():
        fig = Figure(figsize=(max(6.4, 0.5 * len(chosen)), 3.4), layout="constrained")
        ax = fig.add_subplot()
        ax.bar(x, ours, 0.6, color=COLORS[0], label="credsim")
        ax.scatter(x, theirs, color="black", marker="_", s=200, zorder=3, label="authors' runs")
        ax.axhline(NEUTRAL, color="grey", ls=":", lw=1.0, label="neutral drift (1/N)")
        labels = [
            f"{s.norm.split('_')[0][:5]} E={s.empathy:g}\nQ={s.judges} q={s.strictness:g}\n"
            f"{s.start.replace('mostly_', '')}"
            for s in chosen
        ]
        ax.set_xticks(x, labels, fontsize=7)
        ax.set_ylabel("share of runs in which adherence fixes")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return save(fig, settings.figures_dir, "adherence")


REPRODUCTION = Reproduction(
    "adherence", "Radzvilavicius, Kessinger & Plotkin 2021: adherence to institutions", run
)
