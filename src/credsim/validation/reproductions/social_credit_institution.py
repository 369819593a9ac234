"""Beyond the papers: the institution of Radzvilavicius et al. (2021) run as a social credit system.

The institution (5 judges, verdict good above half, Stern Judging) no longer sees acts directly: it
reads records, and with chance `record_error` a donor's record this generation is someone else's
(misattribution, shared by all judges since they read one record system). Its verdict comes from a
score in which a share `buyable_share` can be bought: each person buys in proportion to their payoff
rank (the better-off buy more). How much cooperation survives each flaw?

This is an experiment within credsim's indirect-reciprocity module. It is not wired to the full
credsim engine (sources, policies, consequences); no published figure exists to compare with, so
its rows are findings, not pass/fail checks.
"""

from __future__ import annotations

from credsim.validation.outcome import Check, Outcome, Settings
from credsim.validation.registry import Reproduction
from credsim.validation.reputation import GameParams, simulate

__all__ = ["REPRODUCTION", "base_params", "run"]

SOURCE = "credsim experiment built on Radzvilavicius, Kessinger & Plotkin (2021)"
JUDGES, STRICTNESS = 5, 0.5
SHORT = {"record_error": (0.0, 0.25, 0.5), "buyable_share": (0.0, 0.4, 0.6)}
LONG = {
    "record_error": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9),
    "buyable_share": (0.0, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.8),
}


def base_params(**changes: float) -> GameParams:
    """The social-credit institution: Stern Judging, 5 judges, verdict good above half."""
    return GameParams(
        norm="stern_judging",
        monitoring="institution",
        judges=JUDGES,
        strictness=STRICTNESS,
        **changes,
    )


def run(settings: Settings) -> Outcome:
    reps = 32 if settings.long else 6
    grids = LONG if settings.long else SHORT
    sweeps: dict[str, dict[str, dict]] = {}
    checks: list[Check] = []
    for knob, values in grids.items():
        sweeps[knob] = {}
        for value in values:
            result = simulate(base_params(**{knob: value}), reps, settings.seed, label="social")
            sweeps[knob][f"{value:g}"] = result.summary()
            checks.append(
                Check(
                    f"cooperation at {knob.replace('_', ' ')} {value:g}",
                    result.mean_cooperation,
                    "none (beyond the papers)",
                    "-",
                    None,
                    note=f"defectors {result.summary()['strategy_shares']['ALLD']:.2f}",
                )
            )
    outcome = Outcome(
        name="social-credit-institution",
        title="Beyond the papers: an institution fed by records with errors and bought points",
        source=SOURCE,
        mode=settings.mode,
        checks=checks,
        details={"sweeps": sweeps, "replicates": reps, "judges": JUDGES, "strictness": STRICTNESS},
        notes=[
            "Experiment, not a reproduction: no published figure. Runs inside credsim's "
            "indirect-reciprocity module; not yet wired to the full credsim engine.",
            "N=50, b=5, c=1, errors 0.02, mutation 0.025, Fermi w=1, 10,000 generations.",
        ],
    )
    if settings.figures_dir is not None:
        outcome.figures = _figure(sweeps, settings)
    return outcome


def _figure(sweeps: dict, settings: Settings) -> list[str]:
    from matplotlib.figure import Figure

    from credsim.validation.figures import COLORS, save, style

    labels = {
        "record_error": "record error (misattribution rate)",
        "buyable_share": "share of the score that can be bought",
    }
    with style():
        fig = Figure(figsize=(7.2, 3.0), layout="constrained")
        axes = fig.subplots(1, 2, sharey=True)
        for ax, (knob, rows) in zip(axes, sweeps.items(), strict=True):
            xs = [float(k) for k in rows]
            coop = [r["cooperation"] for r in rows.values()]
            err = [2 * r["cooperation_stderr"] for r in rows.values()]
            alld = [r["strategy_shares"]["ALLD"] for r in rows.values()]
            ax.errorbar(xs, coop, yerr=err, color=COLORS[0], marker="o", label="cooperation")
            ax.plot(xs, alld, color=COLORS[3], marker="s", ls="--", label="defectors (ALLD)")
            if knob == "buyable_share":
                ax.axvline(STRICTNESS, color="black", lw=0.8, ls=":", label="strictness q")
            ax.set_xlabel(labels[knob])
            ax.set_ylim(0, 1)
        axes[0].set_ylabel("share")
        axes[1].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return save(fig, settings.figures_dir, "social-credit-institution")


REPRODUCTION = Reproduction(
    "social-credit-institution",
    "Beyond the papers: record errors and bought points in the institution",
    run,
    experiment=True,
)
