"""Nowak & Sigmund (1998, Nature 393:573): image scoring sustains cooperation only when the chance q
of knowing a recipient's image exceeds the cost-to-benefit ratio c/b.

Run through credsim's day loop (credsim.validation.reciprocity): the strangers' game with the
Scoring norm as the `institution` policy (one witnessed encounter of each donor a day, graded
good for helping and bad for refusing), donors who know the recipient's grade with chance q (and
help when they do not), the paper's two strategies (discriminators against defectors), starting
as discriminators in good standing, errors off as in the paper's basic model.

The threshold itself is tested: q is swept across c/b for two ratios, and the q at which
cooperation crosses one half (interpolated) must lie between c/b and 2 c/b; cooperation must have
collapsed at q = c/b and persist at q = 2 c/b. In a population of 50 under strong selection the
switch sits above c/b rather than at it (see docs/validation/image-scoring.md).
"""

from __future__ import annotations

import itertools
import math

from credsim.validation.outcome import Check, Outcome, Settings, claim
from credsim.validation.reciprocity import GameRun, game_scenario, run_game
from credsim.validation.registry import Reproduction

__all__ = ["REPRODUCTION", "crossing", "image_scenario", "run"]

SOURCE = "Nowak & Sigmund (1998) Evolution of indirect reciprocity by image scoring. Nature 393:573"
BENEFITS = (5.0, 10.0)  # with c = 1: c/b = 0.2 and 0.1
COLLAPSED = 0.1
PERSISTS = 0.8
SHORT = (1.0, 1.5, 2.0)
LONG = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 3.0)
"""q as multiples of c/b."""


def image_scenario(benefit: float, knowledge: float, communities: int, seed: int):
    """The image-scoring setting at one benefit (cost 1) and one chance of knowing an image."""
    return game_scenario(
        communities=communities,
        seed=seed,
        norm="scoring",
        institution=(1, 0.5),
        benefit=benefit,
        game={
            "knowledge": knowledge,
            "strategies": ["ALLD", "DISC"],
            "initial": "DISC",
            "initial_standing": "good",
            "execution_error": 0.0,
            "assessment_error": 0.0,
        },
        policy={"assessment_error": 0.0, "start_good": 1.0},
    )


def crossing(points: list[tuple[float, float]], level: float = 0.5) -> float:
    """The first q at which cooperation rises through `level`, linearly interpolated between the
    sweep's points (q ascending); nan if it never does."""
    for (q0, c0), (q1, c1) in itertools.pairwise(points):
        if c0 < level <= c1:
            return q0 + (level - c0) * (q1 - q0) / (c1 - c0)
    return math.nan


def run(settings: Settings) -> Outcome:
    size = 40 if settings.long else 16
    multiples = LONG if settings.long else SHORT
    checks: list[Check] = []
    sweeps: dict[str, dict[str, dict]] = {}
    for b in BENEFITS:
        ratio = 1.0 / b
        rows: dict[float, GameRun] = {
            m: run_game(image_scenario(b, m * ratio, size, settings.seed)) for m in multiples
        }
        sweeps[f"b/c={b:g}"] = {f"{m * ratio:g}": r.to_dict() for m, r in rows.items()}
        at, above = rows[1.0].cooperation, rows[2.0].cooperation
        q_star = crossing([(m * ratio, r.cooperation) for m, r in rows.items()])
        checks += [
            claim(
                f"cooperation at q = c/b = {ratio:.2f} (b/c = {b:g})",
                at,
                "collapses (q must exceed c/b)",
                f"< {COLLAPSED}",
                at < COLLAPSED,
            ),
            claim(
                f"cooperation at q = 2 c/b = {2 * ratio:.2f} (b/c = {b:g})",
                above,
                "persists (q > c/b)",
                f"> {PERSISTS}",
                above > PERSISTS,
            ),
            claim(
                f"q where cooperation crosses 1/2, in units of c/b (b/c = {b:g})",
                q_star / ratio,
                "the threshold is c/b (1); a population of 50 shifts it up",
                "in (1, 2]",
                1.0 < q_star / ratio <= 2.0,
                note=f"sweep over q = {', '.join(f'{m:g}' for m in multiples)} x c/b",
            ),
        ]
    outcome = Outcome(
        name="image-scoring",
        title="Image scoring: cooperation needs q > c/b",
        source=SOURCE,
        mode=settings.mode,
        checks=checks,
        details={"sweeps": sweeps, "communities": size},
        notes=[
            "Through the engine: communities of 50, cost 1, Fermi w=1, mutation 0.025, 10,000 "
            "days (one generation a day, the second half averaged), no execution or assessment "
            "errors, strategies ALLD and DISC, start all DISC in good standing.",
        ],
    )
    if settings.figures_dir is not None:
        outcome.figures = _figure(sweeps, settings)
    return outcome


def _figure(sweeps: dict, settings: Settings) -> list[str]:
    from matplotlib.figure import Figure

    from credsim.validation.figures import COLORS, save, style

    with style():
        fig = Figure(figsize=(6.4, 3.2), layout="constrained")
        ax = fig.add_subplot()
        pairs = zip(BENEFITS, sweeps.items(), strict=True)
        for color, (b, (label, rows)) in zip(COLORS, pairs, strict=False):
            qs = [float(q) for q in rows]
            coop = [r["game_cooperation"] for r in rows.values()]
            ax.plot(qs, coop, color=color, marker="o", label=label)
            ax.axvline(1.0 / b, color=color, ls=":", lw=1.0)
        ax.set_xlabel("chance q that a donor knows the recipient's image (dotted: c/b)")
        ax.set_ylabel("cooperation")
        ax.set_ylim(0, 1)
        ax.legend(loc="lower right")
        return save(fig, settings.figures_dir, "image-scoring")


REPRODUCTION = Reproduction("image-scoring", "Nowak & Sigmund 1998: the q > c/b threshold", run)
