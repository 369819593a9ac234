"""Each response and abuse against its main parameter, at a small size, and the whole model's speed.

Usage: python benchmarks/responses.py [--population 30000] [--days 180]

For every mechanism of the issue "How people respond and how the system is gamed": its own metric
switched off, and at three values of its main parameter (the default scenario otherwise). Prints
a table and saves it as JSON under benchmarks/results/responses.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import credsim

QUIET = ["output.events='none'", "output.report=false", "output.citizens='none'"]
LENDERS = ["behavior.citizens.acts.loan_application.rate=0.01"]

CASES = [
    # (mechanism, metric, switch, parameter, values, extra settings)
    (
        "self_censorship",
        "speech_suppressed",
        "behavior.self_censorship.enabled",
        "sources.identity.registered_share",
        [0.1, 0.5, 0.95],
        [],
    ),
    (
        "exclusion",
        "ties_cut",
        "behavior.exclusion.enabled",
        "policies.sesame.network_weight",
        [0.02, 0.05, 0.1],
        [],
    ),
    (
        "gaming",
        "points_bought",
        "behavior.gaming.enabled",
        "behavior.gaming.services.card_swiping.price_yuan",
        [150, 50, 5],
        [],
    ),
    (
        "conformity",
        "conformity_purchases",
        "behavior.conformity.enabled",
        "behavior.conformity.yuan_per_point",
        [10, 60, 200],
        [],
    ),
    (
        "strangers",
        "trust_index",
        "behavior.strangers.enabled",
        "behavior.strangers.base_help",
        [0.2, 0.5, 0.8],
        ["policies.rongcheng.opacity='nothing'"],
    ),
    (
        "lenders",
        "sanctioned_wrongful",
        "adversaries.lenders.enabled",
        "adversaries.lenders.rate",
        [1e-6, 1e-5, 1e-4],
        LENDERS,
    ),
]


def measure(population: int, days: int, sets: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        run = credsim.run(
            "default",
            out=Path(tmp) / "r",
            population=population,
            days=days,
            overrides=[*QUIET, *sets],
        )
        return run.summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=30_000)
    parser.add_argument("--days", type=int, default=180)
    args = parser.parse_args()
    rows = []
    for mechanism, metric, switch, parameter, values, extra in CASES:
        off = measure(args.population, args.days, [*extra, f"{switch}=false"]).get(metric, 0)
        found = []
        for value in values:
            summary = measure(args.population, args.days, [*extra, f"{parameter}={value}"])
            found.append(summary.get(metric))
        rows.append(
            {
                "mechanism": mechanism,
                "metric": metric,
                "off": off,
                "parameter": parameter,
                "values": values,
                "measured": found,
            }
        )
        print(f"{mechanism:<16} {metric:<22} off={off!s:<8} {parameter}: ", end="")
        print(", ".join(f"{v} -> {m}" for v, m in zip(values, found, strict=True)))
    out = Path(__file__).parent / "results" / "responses.json"
    out.parent.mkdir(exist_ok=True)
    payload = {"population": args.population, "days": args.days, "rows": rows}
    out.write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
