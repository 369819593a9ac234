"""Check a sweep against its scenario before any run: the base scenario loads, every swept and
constant key exists and takes its values, every design point loads, and every outcome names a
number in a run's summary (found by one tiny probe run)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credsim.errors import ScenarioError, did_you_mean
from credsim.experiments.design import Design, check_design_size, design_size
from credsim.experiments.outcomes import find_outcome_problem
from credsim.experiments.sweep_file import Sweep, load_sweep
from credsim.experiments.sweep_task import scenario_with
from credsim.scenario import SECTIONS, ScenarioModel, load_scenario

__all__ = ["PROBE_DAYS", "PROBE_POPULATION", "PreparedSweep", "prepare_sweep", "quiet_output"]

PROBE_POPULATION = 2000
PROBE_DAYS = 5


@dataclass
class PreparedSweep:
    """A sweep checked against its scenario: the resolved base scenario and the design."""

    sweep: Sweep
    base: dict[str, Any]
    design: Design

    @property
    def runs(self) -> int:
        return len(self.design) * self.sweep.model.replicates


def quiet_output(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario with no event log, citizens table or report (a sweep keeps only summaries)."""
    return scenario_with(
        data, {"output.events": "none", "output.citizens": "none", "output.report": False}
    )


def _scenario_source(sweep: Sweep) -> str:
    src = sweep.model.scenario
    is_path = src.endswith(".toml") or "/" in src or "\\" in src
    if is_path and sweep.folder is not None and not Path(src).is_absolute():
        return str(sweep.folder / src)
    return src


def _plain_message(err: ScenarioError) -> str:
    return str(err).removeprefix("scenario: ")


def _key_problem(base: dict[str, Any], key: str) -> str | None:
    """Unknown top-level keys and plug-in instances, with the nearest; deeper keys are left to
    the scenario loader (it knows parameters that default to nothing)."""
    parts = key.split(".")
    node: Any = base
    for depth, part in enumerate(parts):
        if not isinstance(node, dict):
            held = ".".join(parts[:depth])
            return f"{held!r} is a value in the scenario, not a table, so it has no {part!r}."
        if part in node:
            node = node[part]
            continue
        if depth == 0 and part in ScenarioModel.model_fields:
            return None  # a top-level setting left unset (e.g. warmup_days): the loader checks it
        if depth == 0:
            did = did_you_mean(part, list(node), sentence=True)
            return f"the scenario has no top-level key {part!r}.{did} Keys: {', '.join(node)}."
        if depth == 1 and parts[0] in SECTIONS:
            names = [n for n in node if n != "errors"]
            did = did_you_mean(part, names, sentence=True)
            return (
                f"the scenario has no {parts[0]} entry named {part!r}.{did} "
                f"Its {parts[0]}: {', '.join(names) or 'none'}."
            )
        return None
    return None


def _load(data: dict[str, Any], place: str, what: str) -> None:
    try:
        load_scenario(data)
    except ScenarioError as err:
        raise ScenarioError(f"{place}: {what}: {_plain_message(err)}") from None


def _check_keys(sweep: Sweep, base: dict[str, Any]) -> dict[str, Any]:
    """Check constants and parameters; return the base with the constants applied."""
    for key, value in sweep.model.constants.items():
        place, what = sweep.where(("constants", key)), f"constants.{key}"
        problem = _key_problem(base, key)
        if problem:
            raise ScenarioError(f"{place}: {what}: {problem}")
        _load(scenario_with(base, {key: value}), place, f"{what} = {value!r}")
    base = scenario_with(base, sweep.model.constants)
    for p in sweep.parameters:
        table = "uncertainties" if p.role == "uncertainty" else "levers"
        place, what = sweep.where((table, p.name)), f"{table}.{p.name} ({p.key})"
        problem = _key_problem(base, p.key)
        if problem:
            raise ScenarioError(f"{place}: {what}: {problem}")
        ends = list(p.values) if p.kind == "categorical" else [p.low, p.high]
        if p.kind == "integer":
            ends = [int(v) for v in ends]  # type: ignore[arg-type]
        for value in ends:
            _load(scenario_with(base, {p.key: value}), place, f"{what} = {value!r}")
    return base


def _check_points(sweep: Sweep, base: dict[str, Any], design: Design) -> None:
    keys = {p.name: p.key for p in sweep.parameters}
    for index, point in enumerate(design.points):
        settings = {keys[name]: value for name, value in point.items()}
        shown = ", ".join(f"{name}={value!r}" for name, value in point.items())
        _load(scenario_with(base, settings), sweep.where(("design",)), f"point {index} ({shown})")


def _probe_outcomes(sweep: Sweep, base: dict[str, Any], design: Design) -> None:
    """One tiny run of the first point: does every outcome name a number in its summary?"""
    import numba

    from credsim.runner import run

    keys = {p.name: p.key for p in sweep.parameters}
    data = quiet_output(scenario_with(base, {keys[n]: v for n, v in design.points[0].items()}))
    population = min(int(data["population"].get("size", PROBE_POPULATION)), PROBE_POPULATION)
    scenario = load_scenario(data, population=population, days=min(data["days"], PROBE_DAYS))
    scratch = Path(tempfile.mkdtemp(prefix="credsim-probe-"))
    threads = numba.get_num_threads()
    numba.set_num_threads(1)  # a tiny run: Numba's threads would only wait for each other
    try:
        summary = run(scenario, out=scratch / "probe").summary
    finally:
        numba.set_num_threads(threads)
        shutil.rmtree(scratch, ignore_errors=True)
    for index, outcome in enumerate(sweep.outcomes):
        problem = find_outcome_problem(summary, outcome.key)
        if problem:
            place = sweep.where(("outcomes", index))
            raise ScenarioError(f"{place}: outcomes: {outcome.key!r}: {problem}")


def prepare_sweep(
    sweep: Sweep | str | Path | dict[str, Any],
    *,
    probe_outcomes: bool = True,
    check_points: bool = True,
) -> PreparedSweep:
    """Load (if needed) and check a sweep; raises ScenarioError before any run.

    `check_points=False` checks each parameter's ends but not every design point (for callers
    that sample their own points, like the EMA Workbench adapter)."""
    if not isinstance(sweep, Sweep):
        sweep = load_sweep(sweep)
    model = sweep.model
    spec = model.design  # refused before any scenario is loaded when it will not fit
    size = design_size(
        spec.kind,
        sweep.parameters,
        levels=spec.levels,
        n=spec.n,
        n_base=spec.N,
        calc_second_order=spec.calc_second_order,
    )
    check_design_size(size, len(sweep.parameters), model.replicates)
    try:
        scenario = load_scenario(
            _scenario_source(sweep), population=model.population, days=model.days
        )
    except ScenarioError as err:
        raise ScenarioError(
            f"{sweep.where(('scenario',))}: scenario {model.scenario!r}: {_plain_message(err)}"
        ) from None
    base = _check_keys(sweep, scenario.to_dict())
    design = sweep.design()
    if check_points:
        _check_points(sweep, base, design)
    if probe_outcomes:
        _probe_outcomes(sweep, base, design)
    return PreparedSweep(sweep, base, design)
