"""Radzvilavicius, Kessinger & Plotkin (2021, Nat Commun 12:3567): cooperation under private
assessment (egocentric and empathetic) for four norms, and its rise under an institution.

Published figures for private assessment are the means of the authors' own simulation runs as
released with their code (github.com/tkessinger/institutions, output/paper_empathy_noRDisc.csv,
the dashed lines of their Fig. 3), estimated from a sample of their 1,000 runs per setting: credsim
read 66-69 runs per setting from the middle of each block of that file. For Scoring the donor's
view of the recipient never enters a judgement, so empathy cannot matter and the two blocks are
pooled (138 runs). The institutions' own run outputs are not in the repository; for them the
paper's claim is checked: an institution raises cooperation under all four norms.
"""

from __future__ import annotations

import math

from credsim.validation.outcome import Check, Outcome, Settings, claim, within
from credsim.validation.registry import Reproduction
from credsim.validation.reputation import GameParams, simulate

__all__ = ["PUBLISHED", "REPRODUCTION", "run"]

SOURCE = (
    "Radzvilavicius, Kessinger & Plotkin (2021) Adherence to public institutions that foster "
    "cooperation. Nat Commun 12:3567, doi:10.1038/s41467-021-23783-9"
)
NORM_TITLES = {
    "stern_judging": "Stern Judging",
    "simple_standing": "Simple Standing",
    "scoring": "Scoring",
    "shunning": "Shunning",
}
PUBLISHED: dict[tuple[str, float], tuple[float, float, int]] = {
    # (norm, empathy) -> (mean cooperation, standard error, runs sampled) from the authors' runs
    ("stern_judging", 0.0): (0.0280, 0.0009, 67),
    ("stern_judging", 1.0): (0.9040, 0.0105, 66),
    ("scoring", 0.0): (0.6438, 0.0230, 138),
    ("scoring", 1.0): (0.6438, 0.0230, 138),
    ("shunning", 0.0): (0.0159, 0.0009, 69),
    ("shunning", 1.0): (0.1671, 0.0098, 69),
    ("simple_standing", 0.0): (0.4970, 0.0466, 66),
    ("simple_standing", 1.0): (0.8735, 0.0240, 66),
}
FLOOR = 0.03
"""Smallest tolerance on a cooperation rate: allows for model details the paper leaves open."""

SHORT_INSTITUTIONS = {
    # the best setting of each norm on the paper's grid that needs no 50-member institution
    "stern_judging": (1, 0.5),
    "scoring": (2, 0.3),
    "shunning": (2, 0.3),
    "simple_standing": (2, 0.5),
}
GRID_Q = (1, 2, 50)
GRID_STRICTNESS = (0.1, 0.3, 0.5, 0.7, 0.9)


def _tolerance(norm: float, empathy: float, replicates: int) -> float:
    """Three combined standard errors: the published mean's, and credsim's predicted from the
    authors' run-to-run spread and the number of credsim replicates; at least FLOOR."""
    _, se, n = PUBLISHED[(norm, empathy)]
    spread = se * math.sqrt(n)
    return max(FLOOR, 3.0 * math.sqrt(se**2 + spread**2 / replicates))


def _institution_settings(long: bool) -> dict[str, list[tuple[int, float]]]:
    if not long:
        return {norm: [qq] for norm, qq in SHORT_INSTITUTIONS.items()}
    grid = [(1, 0.5)] + [(q, s) for q in GRID_Q[1:] for s in GRID_STRICTNESS]
    return {norm: list(grid) for norm in NORM_TITLES}


def run(settings: Settings) -> Outcome:
    reps_private = 100 if settings.long else 8
    reps_institution = 60 if settings.long else 24
    checks: list[Check] = []
    private: dict[str, dict] = {}
    for norm, title in NORM_TITLES.items():
        for empathy, view in ((0.0, "egocentric"), (1.0, "empathetic")):
            if norm == "scoring" and empathy == 1.0:
                result = private["scoring/egocentric"]  # empathy never enters a Scoring judgement
            else:
                params = GameParams(norm=norm, empathy=empathy)
                result = simulate(params, reps_private, settings.seed, label=norm).summary()
            private[f"{norm}/{view}"] = result
            mean, se, n = PUBLISHED[(norm, empathy)]
            checks.append(
                within(
                    f"cooperation, {title}, private {view}",
                    result["cooperation"],
                    mean,
                    _tolerance(norm, empathy, reps_private),
                    source=f"authors' runs, {n} sampled, s.e. {se:.3f}",
                )
            )
    institutions: dict[str, dict] = {}
    for norm, grid in _institution_settings(settings.long).items():
        rows = {}
        for judges, strictness in grid:
            params = GameParams(
                norm=norm, monitoring="institution", judges=judges, strictness=strictness
            )
            rows[f"Q={judges} q={strictness}"] = simulate(
                params, reps_institution, settings.seed, label=norm
            ).summary()
        best = max(rows, key=lambda k: rows[k]["cooperation"])
        institutions[norm] = {"best": best, "settings": rows}
        inst = rows[best]
        mean, se, _ = PUBLISHED[(norm, 0.0)]
        rise = inst["cooperation"] - mean
        margin = 3.0 * math.sqrt(se**2 + inst["cooperation_stderr"] ** 2)
        checks.append(
            claim(
                f"rise in cooperation, {NORM_TITLES[norm]}, institution ({best}) over private "
                "egocentric",
                rise,
                "> 0 under all four norms (Fig. 3)",
                f"> 3 s.e. ({margin:.3f})",
                rise > margin,
                note=f"institution {inst['cooperation']:.3f} vs published private {mean:.3f}",
            )
        )
    outcome = Outcome(
        name="institutions",
        title="Reputation and cooperation: private assessment vs an institution",
        source=SOURCE,
        mode=settings.mode,
        checks=checks,
        details={
            "private": private,
            "institutions": institutions,
            "replicates": {"private": reps_private, "institution": reps_institution},
            "parameters": GameParams().model_dump(mode="json"),
        },
        notes=[
            "N=50, b=5, c=1, execution and assessment errors 0.02, mutation 0.025, Fermi w=1, "
            "10,000 generations, the second half averaged, strategies ALLC, ALLD, DISC.",
            f"{'Long' if settings.long else 'Short'} run: {reps_private} replicates per private "
            f"setting, {reps_institution} per institution; the paper used 1,000.",
        ],
    )
    if settings.figures_dir is not None:
        outcome.figures = _figure(outcome, settings)
    return outcome


def _figure(outcome: Outcome, settings: Settings) -> list[str]:
    import numpy as np
    from matplotlib.figure import Figure

    from credsim.validation.figures import COLORS, save, style

    private = outcome.details["private"]
    institutions = outcome.details["institutions"]
    norms = list(NORM_TITLES)
    x = np.arange(len(norms))
    with style():
        fig = Figure(figsize=(7.0, 3.4), layout="constrained")
        ax = fig.add_subplot()
        bars = [
            ("egocentric", 0.0, COLORS[0]),
            ("empathetic", 1.0, COLORS[1]),
        ]
        for k, (view, empathy, color) in enumerate(bars):
            ours = [private[f"{n}/{view}"]["cooperation"] for n in norms]
            theirs = [PUBLISHED[(n, empathy)][0] for n in norms]
            ax.bar(x + (k - 1) * 0.27, ours, 0.27, color=color, label=f"credsim, {view}")
            ax.scatter(x + (k - 1) * 0.27, theirs, color="black", marker="_", s=200, zorder=3)
        inst = [institutions[n]["settings"][institutions[n]["best"]]["cooperation"] for n in norms]
        ax.bar(x + 0.27, inst, 0.27, color=COLORS[2], label="credsim, best institution")
        ax.scatter([], [], color="black", marker="_", s=200, label="published (authors' runs)")
        ax.set_xticks(x, [NORM_TITLES[n] for n in norms])
        ax.set_ylim(0, 1)
        ax.set_ylabel("cooperation")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return save(fig, settings.figures_dir, "institutions")


REPRODUCTION = Reproduction(
    "institutions", "Radzvilavicius, Kessinger & Plotkin 2021: institutions and cooperation", run
)
