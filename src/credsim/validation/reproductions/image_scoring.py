"""Nowak & Sigmund (1998, Nature 393:573): image scoring sustains cooperation only when the chance q
of knowing a recipient's image exceeds the cost-to-benefit ratio c/b.

credsim's indirect-reciprocity module with the Scoring norm and public images (one public observer),
a donor who knows the recipient's image with chance q and helps when it does not know, and the two
strategies of the paper's analysis (discriminators against defectors). The population starts as
discriminators in good standing; errors are off, as in the paper's basic model. Cooperation
collapses well below the threshold (q = c/b / 2) and persists well above it (q = 2 c/b), for two
cost-to-benefit ratios. In a population of 50 under strong selection the switch sits between
c/b and 2 c/b rather than exactly at c/b (see docs/validation/image-scoring.md).
"""

from __future__ import annotations

from credsim.validation.outcome import Check, Outcome, Settings, claim
from credsim.validation.registry import Reproduction
from credsim.validation.reputation import GameParams, simulate

__all__ = ["REPRODUCTION", "params_for", "run"]

SOURCE = "Nowak & Sigmund (1998) Evolution of indirect reciprocity by image scoring. Nature 393:573"
BENEFITS = (5.0, 10.0)  # with c = 1: c/b = 0.2 and 0.1
COLLAPSED = 0.1
PERSISTS = 0.8
SWEEP = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.8, 0.95)


def params_for(benefit: float, knowledge: float) -> GameParams:
    """The image-scoring setting at one benefit (cost 1) and one chance of knowing an image."""
    return GameParams(
        benefit=benefit,
        cost=1.0,
        norm="scoring",
        monitoring="institution",
        judges=1,
        knowledge=knowledge,
        strategies=("ALLD", "DISC"),
        initial="DISC",
        initial_standing="good",
        execution_error=0.0,
        assessment_error=0.0,
    )


def run(settings: Settings) -> Outcome:
    reps = 40 if settings.long else 8
    checks: list[Check] = []
    sweeps: dict[str, dict[str, float]] = {}
    for b in BENEFITS:
        ratio = 1.0 / b
        below = simulate(params_for(b, ratio / 2), reps, settings.seed, label="image").summary()
        above = simulate(params_for(b, ratio * 2), reps, settings.seed, label="image").summary()
        checks.append(
            claim(
                f"cooperation at q = c/b / 2 = {ratio / 2:.2f} (b/c = {b:g})",
                below["cooperation"],
                "collapses (q < c/b)",
                f"< {COLLAPSED}",
                below["cooperation"] < COLLAPSED,
            )
        )
        checks.append(
            claim(
                f"cooperation at q = 2 c/b = {ratio * 2:.2f} (b/c = {b:g})",
                above["cooperation"],
                "persists (q > c/b)",
                f"> {PERSISTS}",
                above["cooperation"] > PERSISTS,
            )
        )
        if settings.long:
            sweeps[f"b/c={b:g}"] = {
                f"{q:g}": simulate(params_for(b, q), reps, settings.seed, label="image").summary()[
                    "cooperation"
                ]
                for q in SWEEP
            }
    outcome = Outcome(
        name="image-scoring",
        title="Image scoring: cooperation needs q > c/b",
        source=SOURCE,
        mode=settings.mode,
        checks=checks,
        details={"sweeps": sweeps, "replicates": reps},
        notes=[
            "N=50, cost 1, Fermi w=1, mutation 0.025, 10,000 generations (second half averaged), "
            "no execution or assessment errors, strategies ALLD and DISC, start all DISC in good "
            "standing.",
        ],
    )
    if settings.figures_dir is not None and sweeps:
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
            ax.plot(
                [float(q) for q in rows], list(rows.values()), color=color, marker="o", label=label
            )
            ax.axvline(1.0 / b, color=color, ls=":", lw=1.0)
        ax.set_xlabel("chance q that a donor knows the recipient's image (dotted: c/b)")
        ax.set_ylabel("cooperation")
        ax.set_ylim(0, 1)
        ax.legend(loc="lower right")
        return save(fig, settings.figures_dir, "image-scoring")


REPRODUCTION = Reproduction("image-scoring", "Nowak & Sigmund 1998: the q > c/b threshold", run)
