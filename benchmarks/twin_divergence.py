"""How much of the but-for twin differs from the run: the share of citizens whose value in each
state column differs between the run and its counterfactual without the wrong records, on the
days asked for (docs/memory.md, "The but-for twin: how little of it differs from the run").

    python benchmarks/twin_divergence.py                           # default, 1e6 x 365
    python benchmarks/twin_divergence.py --scenario everything --population 1e5 --at 30 364

Prints, per day, the share differing in any column and in each column that differs at all.
"""

from __future__ import annotations

import argparse

import numpy as np

from credsim.runner import build_simulation, scenario_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--population", type=float, default=1e6)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--at", type=int, nargs="+", default=[30, 90, 180, 364])
    args = parser.parse_args()
    options = {"population": int(args.population), "days": args.days}
    if args.seed is not None:
        options["seed"] = args.seed
    scenario = scenario_of(args.scenario, {**options, "overrides": ["output.events='none'"]})
    if not scenario.model.but_for:
        parser.error(f"scenario {args.scenario!r} has no but-for twin (but_for = false)")
    sim = build_simulation(scenario)
    sim.initialise()
    assert sim.twin is not None
    at = set(args.at)
    for day in range(args.days):
        sim.step(day)
        if day not in at:
            continue
        differs = np.zeros(sim.state.n, bool)
        shares = {}
        for name in sim.twin.state:
            column = sim.state[name] != sim.twin.state[name]
            shares[name] = float(column.mean())
            differs |= column
        named = sorted(((v, k) for k, v in shares.items() if v > 0), reverse=True)
        detail = "  ".join(f"{k} {100 * v:.2f}%" for v, k in named)
        print(f"day {day}: any column {100 * differs.mean():.2f}%  {detail}", flush=True)


if __name__ == "__main__":
    main()
