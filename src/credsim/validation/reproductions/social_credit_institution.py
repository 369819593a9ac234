"""Beyond the papers: the institution of Radzvilavicius et al. (2021) run as a social credit system.

The institution (5 judges, verdict good above half, Stern Judging) no longer sees acts directly: it
reads records, and with chance `record_error` a donor's record this generation is someone else's
(misattribution, shared by all judges since they read one record system). Its verdict comes from a
score in which a share `buyable_share` can be bought: each person buys in proportion to their payoff
rank (the better-off buy more). How much cooperation survives each flaw?

This is an experiment within credsim's indirect-reciprocity module; no published figure exists to
compare with, so its rows are findings, not pass/fail checks. With `Settings.from_run` (the CLI's
`--from-run RUN_DIR [--policy NAME]`) the two flaws are not free parameters: they are measured from
a credsim run (`credsim.validation.from_run`), and the institution is run at that point too.
"""

from __future__ import annotations

from typing import Any

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
    measured = None
    if settings.from_run is not None:
        from credsim.validation.from_run import measure_run

        measured = measure_run(settings.from_run, settings.policy)  # bad input fails before work
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
    details: dict[str, Any] = {
        "sweeps": sweeps,
        "replicates": reps,
        "judges": JUDGES,
        "strictness": STRICTNESS,
    }
    notes = [
        "Experiment, not a reproduction: no published figure. Runs inside credsim's "
        "indirect-reciprocity module; without --from-run its two flaws are free parameters.",
        "N=50, b=5, c=1, errors 0.02, mutation 0.025, Fermi w=1, 10,000 generations.",
    ]
    if measured is not None:
        from credsim.validation.from_run.report import run_point

        found = run_point(measured, reps, settings.seed)
        details["run"] = found["details"]
        checks.extend(found["checks"])
        notes.extend(found["notes"])
    outcome = Outcome(
        name="social-credit-institution",
        title="Beyond the papers: an institution fed by records with errors and bought points",
        source=SOURCE,
        mode=settings.mode,
        checks=checks,
        details=details,
        notes=notes,
    )
    if settings.figures_dir is not None:
        outcome.figures = _figure(sweeps, settings, details.get("run"))
    return outcome


def _figure(sweeps: dict, settings: Settings, from_run: dict | None = None) -> list[str]:
    from matplotlib.figure import Figure

    from credsim.validation.figures import COLORS, save, style

    labels = {
        "record_error": "record error\n(misattribution rate)",
        "buyable_share": "share of the score\nthat can be bought",
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
            if from_run is not None:
                x = from_run["model"][knob]
                y = from_run["result"]["cooperation"]
                policy = from_run["measured"]["policy"]
                star = {"ls": "none", "marker": "*", "ms": 13, "mec": "black", "mew": 0.6}
                label = f"this run ({policy}): both flaws at once"
                ax.plot([x], [y], color=COLORS[1], label=label, zorder=5, **star)
                ax.annotate(f"{x:.2g}", (x, y), xytext=(6, -14), textcoords="offset points")
            ax.set_xlabel(labels[knob])
            ax.set_ylim(0, 1)
        axes[0].set_ylabel("share")
        axes[1].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
        slug = "social-credit-institution" + ("-from-run" if from_run is not None else "")
        return save(fig, settings.figures_dir, slug)


REPRODUCTION = Reproduction(
    "social-credit-institution",
    "Beyond the papers: record errors and bought points in the institution",
    run,
    experiment=True,
)
