"""The memory a scenario's run will need at its peak, from the measured model in
credsim.engine.memory: fixed bytes plus bytes per agent for the engine, each plug-in, the but-for
twin, the event log's buffered days and the files written at the end."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from credsim.engine.memory import Footprint, MemoryModel, available_bytes, check_fits
from credsim.scenario.load import Scenario

__all__ = [
    "act_rate",
    "agents",
    "alongside_footprint",
    "check_compare_fits",
    "check_replicates_fit",
    "check_run_fits",
    "check_shards_fit",
    "compare_footprint",
    "declared_bytes",
    "fits_alongside",
    "plugin_keys",
    "run_footprint",
    "run_state_bytes",
    "shards_footprint",
    "twin_bytes",
]

PHASES = ("loop", "output")
BESIDE_PER_TWIN_BYTE = {"loop": 1.458, "output": 1.249}
"""Bytes per agent per byte of the twin's declared state when the twin is held beside the run (a
run with its counterfactual alongside, in a second process; credsim.engine.but_for_alongside):
fitted on 2026-12-06 to the default with and without its twin at 4 and 10 million agents, when
every run stepped it beside. A run that steps it first (checkpointed or not, in one process or
in shards) holds one at a time: the model's own `per_twin_byte`."""


def agents(scenario: Scenario) -> int:
    """The agents a scenario's population has (its size, or its preset's default size)."""
    name, cls, params = scenario.population
    return int(cls(name, params).size())


def plugin_keys(scenario: Scenario) -> list[tuple[str, str]]:
    """(`section.plugin`, instance name) of every plug-in instance of a scenario, in run order."""
    out = []
    for section, items in scenario.plugins.items():
        for name, _, _ in items:
            spec = getattr(scenario.model, section)[name.split("@")[0]]
            out.append((f"{section}.{spec.plugin}", name))
    return out


def _columns_bytes(plugin: Any) -> int:
    return sum(np.dtype(c.dtype).itemsize for c in plugin.columns())


def declared_bytes(scenario: Scenario) -> list[int]:
    """Declared state bytes per agent of each plug-in instance (in `plugin_keys` order)."""
    return [
        _columns_bytes(cls(name, params))
        for items in scenario.plugins.values()
        for name, cls, params in items
    ]


def twin_bytes(scenario: Scenario) -> int:
    """Declared state bytes per agent of the but-for twin (its population and plug-ins)."""
    twin = scenario.without_errors()
    name, cls, params = twin.population
    return _columns_bytes(cls(name, params)) + sum(declared_bytes(twin))


def _rates(table: Any) -> float:
    """The sum of every `rate` in resolved parameters (acts a citizen may do a day)."""
    if isinstance(table, dict):
        total = 0.0
        for key, value in table.items():
            if key == "rate" and isinstance(value, int | float) and not isinstance(value, bool):
                total += max(float(value), 0.0) if not math.isnan(value) else math.inf
            else:
                total += _rates(value)
        return total
    if isinstance(table, list):
        return sum(_rates(v) for v in table)
    return 0.0


def act_rate(scenario: Scenario) -> float:
    """Acts a citizen may do a day: the sum of the behaviours' and adversaries' `rate`s."""
    resolved = scenario.to_dict()
    return _rates(resolved.get("behavior", {})) + _rates(resolved.get("adversaries", {}))


def _history_days(scenario: Scenario) -> int:
    resolved = scenario.to_dict()
    days = [
        table.get("history_days", 0)
        for table in resolved.get("behavior", {}).values()
        if isinstance(table, dict)
    ]
    return max([d for d in days if isinstance(d, int)], default=0)


def run_state_bytes(scenario: Scenario) -> int:
    """Declared state bytes per agent of a run: its population's columns and its plug-ins'."""
    name, cls, params = scenario.population
    return _columns_bytes(cls(name, params)) + sum(declared_bytes(scenario))


def run_footprint(
    scenario: Scenario, model: MemoryModel | None = None, *, beside: bool = False
) -> Footprint:
    """Peak memory of one run of `scenario` in this process (credsim run, credsim.run); with
    `beside`, a run that holds its but-for twin beside it (a run with it alongside holds as much,
    in two processes: `alongside_footprint`).

    Per phase (stepping the days; writing the results), bytes per agent are a base for the
    engine, population and graph, plus a factor times the state every plug-in declares (so each
    plug-in costs its own columns' bytes times that factor) and the but-for twin's, plus what
    grows with the days (pending events of the history arriving, levelling off after the
    warm-up); the event log holds at most a row group per table; citizens.parquet and the report
    add their own share."""
    c = (model or MemoryModel()).c
    days = scenario.model.days
    state = run_state_bytes(scenario)
    twin = twin_bytes(scenario) if scenario.model.but_for else 0
    history = min(_history_days(scenario) / 3650, 1.0)
    warm = min(max(days - 10, 0) / c["warm_days"], 1.0)
    per_agent, fixed = {}, {}
    for phase in PHASES:
        k = c["bytes_per_agent"][phase]
        per_agent[phase] = (
            k["base"]
            + k["per_state_byte"] * state
            + (BESIDE_PER_TWIN_BYTE[phase] if beside else k["per_twin_byte"]) * twin
            + (k["days"] + k["history"] * history) * warm
        )
        fixed[phase] = c["fixed_bytes"][phase] + k["days_fixed"] * max(days - 10, 0)
    output = scenario.model.output
    events = 0.0  # the event log's rows held until a row group's worth has come, per agent
    if output.events != "none":
        buffered = min(days, output.flush_days)
        events = c["event_bytes_per_rate_day"] * act_rate(scenario) * buffered
        events += c["event_bytes_history"] * history
        events *= output.sample_share if output.events == "sample" else 1.0
    cap = c["event_buffer_cap_bytes"]
    loop = (fixed["loop"], per_agent["loop"], events, cap)
    if output.citizens == "all" and output.report:
        out = (fixed["output"], per_agent["output"])
    elif output.citizens == "all" or output.report:
        out = (fixed["output"], per_agent["output"] * c["output_share_without_report"])
    else:
        out = (c["fixed_bytes_without_files"], per_agent["loop"] * c["output_share_without_files"])
    # Part of what the event log held stays with the process while the results are written.
    retained = c["event_share_retained"]
    return Footprint((loop, (*out, events * retained, cap * retained)))


def shards_footprint(scenario: Scenario, model: MemoryModel | None = None) -> Footprint:
    """Peak memory of a sharded run whose shards all run in this process (--backend local): every
    shard's state, and the merge, as fitted to runs without the counterfactual. With it (unless
    `but_for = false`) each shard steps its twin through every day first and lets it go before
    its own state is made, as one process does (the model's `per_twin_byte`), checkpointed or
    not."""
    model = model or MemoryModel()
    single = dataclasses.replace(
        scenario, model=scenario.model.model_copy(update={"but_for": False})
    )
    base = run_footprint(single, model)
    c = model.c
    twin = 0.0
    if scenario.model.but_for:
        twin = c["bytes_per_agent"]["loop"]["per_twin_byte"] * twin_bytes(scenario)
    per_agent = base.bytes_per_agent + c["shards_bytes_per_agent"] + twin
    return Footprint(((c["shards_fixed_bytes"], per_agent),))


def compare_footprint(a: Scenario, b: Scenario, model: MemoryModel | None = None) -> Footprint:
    """Peak memory of a twin run (credsim compare): A, then B, then both runs' citizens read back
    side by side."""
    model = model or MemoryModel()
    c = model.c
    most = max(run_footprint(s, model).bytes_per_agent for s in (a, b))
    return Footprint(((c["compare_fixed_bytes"], most + c["compare_bytes_per_agent"]),))


def check_run_fits(scenario: Scenario, *, alongside: bool = False) -> None:
    """Refuse (exit 2) a run that will not fit in the memory available, naming the size that
    would; nothing has been written yet. Its counterfactual steps first (checkpointed or not);
    `alongside`: in a second process at the same time."""
    n = agents(scenario)
    what = f"A run of {scenario.name} with {n:,} agents"
    advice = "--population {most}"
    if alongside:
        footprint = alongside_footprint(scenario)
        what += " and its counterfactual in a second process"
        advice += ", or --but-for-first to step the counterfactual first, alone"
    else:
        footprint = run_footprint(scenario)
    check_fits(footprint, n, what, advice)


def alongside_footprint(scenario: Scenario) -> Footprint:
    """A run whose counterfactual steps in a second process at the same time: both simulations
    held at once (as beside the run, in one process) and a second process's fixed bytes."""
    return run_footprint(scenario, beside=True).plus(fixed=MemoryModel().c["process_bytes"])


def fits_alongside(scenario: Scenario) -> bool:
    """Whether a run and its counterfactual fit in the memory available together."""
    return alongside_footprint(scenario).bytes(agents(scenario)) <= available_bytes()


HEAD_BYTES_PER_AGENT = 8.0
"""What the head of a sharded run holds per agent: the shards' plug-ins with what they keep per
event (cut ties, wrong records, purchases), pickled at 1.75 bytes per citizen-year (default
scenario, 1,000,000 and 4,000,000 citizens × 365 days), taken at 8 bytes (an assumption: their
unpickled form, and runs of a few years)."""


def check_shards_fit(scenario: Scenario, shards: int, backend: str, address: str | None) -> None:
    """Refuse a sharded run whose shards and merge will not fit here: shards in this process
    (--backend local), in processes of this machine (processes: one process's fixed cost more
    per shard) or on a Ray cluster started on this machine (no --address). On a cluster joined
    with --address the shards run elsewhere and only the head runs here: it holds no citizen's
    state (the streaming merge), only the plug-ins' tallies and what they keep per event."""
    n = agents(scenario)
    what = f"A run of {scenario.name} with {n:,} agents in {shards} shards"
    footprint = shards_footprint(scenario)
    if backend == "processes":
        footprint = footprint.plus(fixed=shards * MemoryModel().c["process_bytes"])
    if backend == "ray" and address is not None:
        c = MemoryModel().c
        footprint = Footprint(((c["shards_fixed_bytes"], HEAD_BYTES_PER_AGENT),))
        what += " (the merge on this machine)"
    check_fits(footprint, n, what, "--population {most}")


def check_compare_fits(a: Scenario, b: Scenario) -> None:
    """Refuse a twin run that will not fit in the memory available."""
    n = agents(a)
    what = f"A twin run of {a.name} and {b.name} with {n:,} agents"
    check_fits(compare_footprint(a, b), n, what, "--population {most}")


def check_replicates_fit(scenario: Scenario, workers: int) -> None:
    """Refuse replicates whose `workers` processes at a time will not fit here together (each a
    fresh process running one seed, without its report)."""
    n = agents(scenario)
    quiet = scenario.model.output.model_copy(update={"report": False})
    one = run_footprint(
        dataclasses.replace(scenario, model=scenario.model.model_copy(update={"output": quiet}))
    ).plus(fixed=MemoryModel().c["process_bytes"])
    together = one.times(workers)
    what = f"{workers} replicates of {scenario.name} at a time with {n:,} agents each"
    check_fits(together, n, what, "--population {most}, or fewer --workers")
