"""Run a scenario end to end: build the simulation, step through the days, write the results."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numba
import numpy as np

from credsim.engine import Codebook, EventLog, Plugin, Population, Simulation
from credsim.engine.but_for_ahead import Ahead, step_ahead
from credsim.engine.but_for_alongside import start_alongside
from credsim.engine.memory import PeakMeter
from credsim.engine.phases import Part
from credsim.engine.release import give_back_memory
from credsim.engine.scope import Scope
from credsim.engine.threads import wait_passively
from credsim.results import Results, RunDirectory
from credsim.run_files import write_report_and_peak, write_results
from credsim.scenario import SECTIONS, Scenario, load_scenario
from credsim.scenario.footprint import agents, check_run_fits
from credsim.scenario.twin_choice import twin_alongside
from credsim.scenario.warmup import warmup_days
from credsim.vocab import ACT_KINDS, RECORD_KINDS, SANCTION_ACTIONS

__all__ = [
    "build_simulation",
    "event_log",
    "out_dir",
    "population_of",
    "run",
    "scenario_of",
]


def population_of(scenario: Scenario) -> Population:
    """The scenario's population plug-in, not yet built (its size and provinces are known)."""
    name, cls, params = scenario.population
    return cls(name, params)


def build_simulation(
    scenario: Scenario,
    part: Part | None = None,
    *,
    ahead: bool = False,
    alongside: bool = False,
    on_but_for_day: Callable[[int], None] | None = None,
    stepped: Ahead | None = None,
) -> Simulation:
    """The simulation a scenario describes (population built lazily on first step); with
    `part`, only the shard of citizens it names (see credsim.experiments.sharding). Unless the
    scenario says `but_for = false`, it steps its counterfactual without erroneous records beside
    it (a shard, the counterfactual of its own citizens); with `ahead`, the counterfactual is
    stepped through every day (each told to `on_but_for_day`) and let go before this simulation
    is built, keeping only what its metrics ask (credsim.engine.but_for_ahead); with
    `alongside`, it steps in a second process while this simulation steps
    (credsim.engine.but_for_alongside); `stepped` is a counterfactual already stepped ahead (a
    shard's, whose sums needed the other shards': credsim.experiments.sharding)."""
    wait_passively()
    model = scenario.model
    counterfactual: Simulation | Ahead | None = None
    if model.but_for and stepped is not None:
        counterfactual = stepped
    elif model.but_for and alongside:
        counterfactual = start_alongside(scenario.without_errors(), on_but_for_day)
    elif model.but_for:
        counterfactual = build_simulation(scenario.without_errors(), part)
        if ahead:
            counterfactual = step_ahead(counterfactual, on_but_for_day)
            # its pages, before this simulation's state takes them
            give_back_memory(held=counterfactual.twin_bytes)
    codes = Codebook()
    for kind in ACT_KINDS:
        codes.code("act_kind", kind)
    for kind in RECORD_KINDS:
        codes.code("record_kind", kind)
    for action in SANCTION_ACTIONS:
        codes.code("action", action)
    plugins = [
        cls(name, params) for section in SECTIONS for name, cls, params in scenario.plugins[section]
    ]
    population = population_of(scenario)
    _scopes(scenario, population, plugins)
    sim = Simulation(model.seed, model.days, population, plugins, codes, part, model.start)
    sim.world.source_errors = scenario.source_errors
    sim.world.warmup_days = int(warmup_days(scenario.to_dict())["days"])
    _timeline(scenario, sim, plugins)
    if counterfactual is not None:
        sim.compare_with(counterfactual)
    return sim


def scenario_of(scenario: Scenario | str | Path, load_options: dict) -> Scenario:
    """A scenario object from an object, bundled name or path (with `load_scenario` options)."""
    if not isinstance(scenario, Scenario):
        return load_scenario(scenario, **load_options)
    if load_options:
        raise TypeError("pass population/days/seed/overrides to load_scenario, not with a Scenario")
    return scenario


def out_dir(scenario: Scenario, out: str | Path | None) -> Path:
    """The run directory: `out`, or a new temporary one."""
    if out is None:
        return Path(tempfile.mkdtemp(prefix="credsim-run-")) / scenario.name
    return Path(out)


def _by_key(scenario: Scenario, plugins: list) -> dict[str, Plugin]:
    names = [(section, name) for section in SECTIONS for name, _, _ in scenario.plugins[section]]
    return {f"{s}.{n}": plugin for (s, n), plugin in zip(names, plugins, strict=True)}


def _scopes(scenario: Scenario, population: Population, plugins: list) -> None:
    """Limit plug-ins to their regions (credsim.engine.scope)."""
    starts = population.regions()
    by_key = _by_key(scenario, plugins)
    for key, (territory, on) in scenario.scopes.items():
        if key in by_key:
            assert starts is not None
            by_key[key].scope = Scope(starts, territory, on)


def _timeline(scenario: Scenario, sim: Simulation, plugins: list) -> None:
    """Hand the scenario's timeline to the simulation: plug-ins off at the start (built only
    because an entry switches them on later) and each day's switches. Entries naming plug-ins
    this build does not have (the counterfactual has no adversaries) are skipped."""
    model = scenario.model
    by_key = _by_key(scenario, plugins)
    scoped = set(scenario.scopes)  # switched through their scope, not on and off as a whole
    off = [
        plugin
        for key, plugin in by_key.items()
        if key not in scoped and not getattr(model, key.split(".")[0])[key.split(".", 1)[1]].enabled
    ]  # (every instance of a plug-in split by region is scoped)
    switches: dict[int, list] = {}
    for entry in model.timeline:
        day = (entry.date - model.start).days
        changes = [(key, True) for key in entry.enable] + [(key, False) for key in entry.disable]
        for key, on in changes:
            if key in by_key and key not in scoped:
                switches.setdefault(day, []).append((by_key[key], on))
    retunes = {
        day: [(by_key[key], params) for key, params in changes if key in by_key]
        for day, changes in scenario.retunes.items()
    }
    region_switches = {
        day: [(by_key[key], mask, on) for key, mask, on in changes if key in by_key]
        for day, changes in scenario.region_switches.items()
    }
    sim.schedule(off, switches, retunes, region_switches)


def run(
    scenario: Scenario | str | Path = "default",
    *,
    out: str | Path | None = None,
    on_day: Callable[[int], None] | None = None,
    force: bool = False,
    on_but_for_day: Callable[[int], None] | None = None,
    alongside: bool | None = None,
    **load_options,
) -> Results:
    """Run a scenario (object, bundled name or path) in this process and return its results
    (`credsim.run` adds checkpoints). An earlier run in `out` is replaced only with `force`.
    The run's counterfactual without erroneous records, if it has one, is stepped through its
    days first, or in a second process while the run steps (`alongside`; None: when
    `twin_alongside` says so), each of its days told to `on_but_for_day`; the run's days are
    told to `on_day`.
    Keyword options (`population`, `days`, `seed`, `overrides`) go to `load_scenario`."""
    scenario = scenario_of(scenario, load_options)
    if alongside is None:
        alongside = twin_alongside(scenario)
    alongside = alongside and scenario.model.but_for
    check_run_fits(scenario, alongside=alongside)  # before anything is written
    out = out_dir(scenario, out)
    started = time.perf_counter()
    meter = PeakMeter()
    with RunDirectory(out, force=force) as rundir:  # checked and made before any work
        # The counterfactual in a process of its own, on a second core; or first, alone here:
        # the two are then never in memory together.
        sim = build_simulation(
            scenario, ahead=True, alongside=alongside, on_but_for_day=on_but_for_day
        )
        try:
            ahead = sim.phase_seconds.get("but_for", 0.0)  # its days count in the day loop
            sim.initialise()
            log = event_log(scenario, sim, rundir.path, alongside=alongside)
            loop_started = time.perf_counter()
            sim.run(log, on_day)
            loop_seconds = time.perf_counter() - loop_started + ahead
            meter.helpers = sim.finish_twin()
        except BaseException:
            sim.stop_twin()
            raise
        # Half of the report's figures are drawn by a second process, which loads its
        # libraries while the results are written.
        helper = None
        if scenario.model.output.report:
            from credsim.report.helper import start_helper

            helper = start_helper(sim.state.n)
        try:
            info = write_results(
                rundir, scenario, sim, log, started, loop_seconds, meter=meter, report=False
            )
            n, held = sim.state.n, sim.state.nbytes
            del sim, log  # the report reads the files: the simulation's memory goes first
            give_back_memory(held=held)
            if scenario.model.output.report:
                write_report_and_peak(rundir, info, meter, n, helper)
        finally:
            if helper is not None:
                helper.close(stop=True)  # let go already, unless the results failed
    return Results(out)


BACKGROUND_BYTES_PER_AGENT = 8
"""Bytes of event row groups per agent that may wait to be written on the log's own thread in
a run with its counterfactual alongside: more than a day's events of the default (about 1.5
million rows a day at 1e7 agents, 4.5 bytes per agent), so that the writing of one day runs
beside the next."""


def event_log(
    scenario: Scenario, sim: Simulation, root: Path, prefix: str = "", alongside: bool = False
) -> EventLog:
    """The event log a scenario asks for, under `root/events` (file names start with
    `prefix`: a shard's). It writes its row groups on a thread of its own when the run may use
    more than one (the same files): one group at a time, or, with the counterfactual
    `alongside` (memory then allows), up to `BACKGROUND_BYTES_PER_AGENT` waiting for it."""
    output = scenario.model.output
    background = 0
    if numba.get_num_threads() > 1:
        background = BACKGROUND_BYTES_PER_AGENT * agents(scenario) if alongside else 1
    return EventLog(
        root / "events",
        sim.event_labels(),
        keep=output.events,
        sample_share=output.sample_share,
        flush_days=output.flush_days,
        prefix=prefix,
        start=np.datetime64(scenario.model.start, "D"),
        background=background,
    )
