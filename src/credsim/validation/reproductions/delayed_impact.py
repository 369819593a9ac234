"""Liu, Dean, Rolf, Simchowitz & Hardt (2018, ICML): the delayed impact of fair lending on the
FICO/TransRisk data. Under demographic parity the disadvantaged group's mean score can fall
(active harm) where maximum-profit lending leaves it improving; equal opportunity sits between."""

from __future__ import annotations

import numpy as np

from credsim.validation.lending import LendingModel, load_fico
from credsim.validation.outcome import Check, Outcome, Settings, claim, within
from credsim.validation.registry import Reproduction

__all__ = ["REPRODUCTION", "run"]

SOURCE = (
    "Liu, Dean, Rolf, Simchowitz & Hardt (2018) Delayed Impact of Fair Machine Learning. "
    "ICML, PMLR 80:3150-3158"
)
RATIOS = (-4.0, -10.0)
GROUP_SHARES = {"Black": 0.121, "White": 0.879}  # the paper's two groups (facts.md)
POLICY_TITLES = {
    "max_profit": "max profit",
    "demographic_parity": "demographic parity",
    "equal_opportunity": "equal opportunity",
}


def run(settings: Settings) -> Outcome:
    data = load_fico(settings.fico_dir)
    checks: list[Check] = []
    betas = np.round(np.linspace(0.0, 1.0, 101), 2)
    details: dict = {
        "data": str(data.source),
        "mean_score": {g: data.mean_score(g) for g in ("Black", "White")},
        "ratios": {},
    }
    base = LendingModel(data)
    for group, share in GROUP_SHARES.items():
        checks.append(
            within(
                f"population share, {group}", base.weights[group], share, 0.001, source="Liu et al."
            )
        )
    for ratio in RATIOS:
        model = LendingModel(data, utility_default=ratio)
        outcomes = model.policies()
        black = {k: o.delta_mu["Black"] for k, o in outcomes.items()}
        rate = {k: o.selection_rate["Black"] for k, o in outcomes.items()}
        tag = f"loss/profit {ratio:g}"
        if ratio == -4.0:
            checks += [
                claim(
                    f"Black mean score change, demographic parity ({tag})",
                    black["demographic_parity"],
                    "falls (active harm)",
                    "< 0",
                    black["demographic_parity"] < 0,
                ),
                claim(
                    f"Black mean score change, max profit ({tag})",
                    black["max_profit"],
                    "improves",
                    "> 0",
                    black["max_profit"] > 0,
                ),
                claim(
                    f"Black mean score change, equal opportunity ({tag})",
                    black["equal_opportunity"],
                    "between demographic parity and max profit",
                    f"in ({black['demographic_parity']:.1f}, {black['max_profit']:.1f})",
                    black["demographic_parity"] < black["equal_opportunity"] < black["max_profit"],
                ),
            ]
        else:
            checks += [
                Check(
                    f"Black mean score change, {POLICY_TITLES[k]} ({tag})",
                    v,
                    "reported, not compared",
                    "-",
                    None,
                )
                for k, v in black.items()
            ]
        checks.append(
            claim(
                f"Black selection rate, equal opportunity ({tag})",
                rate["equal_opportunity"],
                "between max profit and demographic parity",
                f"in ({rate['max_profit']:.3f}, {rate['demographic_parity']:.3f})",
                rate["max_profit"] < rate["equal_opportunity"] < rate["demographic_parity"],
            )
        )
        details["ratios"][f"{ratio:g}"] = {
            "policies": {k: o.to_dict() for k, o in outcomes.items()},
            "outcome_curve": {
                "selection_rate": betas.tolist(),
                **{g: model.outcome_curve(g, betas).round(3).tolist() for g in ("Black", "White")},
            },
        }
    outcome = Outcome(
        name="delayed-impact",
        title="Delayed impact of fair lending (FICO/TransRisk)",
        source=SOURCE,
        mode=settings.mode,
        checks=checks,
        details=details,
        notes=[
            "Repaid loan +75, default -150 points, expected new score kept in 300-850; bank "
            "utility +1 per repaid loan, -4 or -10 per default; groups Black and White.",
            "Exact computation on the data (no randomness): short and long runs are the same.",
        ],
    )
    if settings.figures_dir is not None:
        outcome.figures = _figure(details, settings)
    return outcome


def _figure(details: dict, settings: Settings) -> list[str]:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from credsim.validation.figures import COLORS, save, style

    markers = {"max_profit": "o", "demographic_parity": "s", "equal_opportunity": "^"}
    groups = ("Black", "White")
    with style():
        fig = Figure(figsize=(7.2, 3.2), layout="constrained")
        axes = fig.subplots(1, len(details["ratios"]), sharey=True)
        for ax, (ratio, block) in zip(axes, details["ratios"].items(), strict=True):
            curve = block["outcome_curve"]
            for color, group in zip(COLORS, groups, strict=False):
                ax.plot(curve["selection_rate"], curve[group], color=color)
                for policy, row in block["policies"].items():
                    ax.scatter(
                        row["selection_rate"][group],
                        row["delta_mu"][group],
                        color=color,
                        marker=markers[policy],
                        edgecolor="black",
                        zorder=3,
                    )
            ax.axhline(0.0, color="black", lw=0.8)
            ax.set_title(f"loss/profit {ratio}")
        fig.supxlabel("selection rate (share of the group lent to)", fontsize=9)
        axes[0].set_ylabel("expected change of mean score")
        handles = [Line2D([], [], color=c, label=g) for c, g in zip(COLORS, groups, strict=False)]
        handles += [
            Line2D(
                [],
                [],
                ls="",
                marker=m,
                color="white",
                markeredgecolor="black",
                label=POLICY_TITLES[p],
            )
            for p, m in markers.items()
        ]
        axes[-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        return save(fig, settings.figures_dir, "delayed-impact-outcome-curve")


REPRODUCTION = Reproduction(
    "delayed-impact", "Liu et al. 2018: delayed impact of fair lending", run
)
