"""Check a calibration against its scenario before any run: the scenario loads, every parameter
key exists and takes both ends of its range, every target's dates fall within the run, and every
target's metric is a column of the run's time series (found by one tiny probe run) of the right
kind (a stock for `stock`, a flow for the counts)."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from credsim.calibration.file import Calibration
from credsim.calibration.history import observation_sd
from credsim.calibration.targets import Window
from credsim.errors import ScenarioError, did_you_mean
from credsim.experiments.sweep_check import quiet_output
from credsim.experiments.sweep_task import scenario_with
from credsim.scenario import SECTIONS, Scenario, load_scenario

__all__ = ["PreparedCalibration", "prepare_calibration"]

PROBE_POPULATION = 2000


@dataclass
class PreparedCalibration:
    """A calibration checked against its scenario."""

    calibration: Calibration
    scenario: Scenario
    base: dict[str, Any]
    """The resolved scenario every run starts from (no event log, citizens table or report)."""
    keys: dict[str, str]
    """Parameter name -> dotted scenario key."""
    windows: tuple[Window, ...]
    """The targets' windows."""
    prediction_windows: tuple[Window, ...] = ()
    """The predictions' windows: computed in every run, never fitted."""

    @property
    def published(self) -> dict[str, float]:
        return {name: t.published for name, t in self.calibration.model.targets.items()}

    @property
    def obs_sd(self) -> dict[str, float]:
        """Each target's observation sd: its `sd`, else its (or the file's) tolerance x figure."""
        m = self.calibration.model
        return {
            name: observation_sd(t.published, t.tolerance or m.tolerance, t.sd)
            for name, t in m.targets.items()
        }

    def settings(self, params: dict[str, float]) -> dict[str, Any]:
        """{scenario key: value} of a point's search values (a date range's as a date)."""
        specs = self.calibration.model.parameters
        return {self.keys[name]: specs[name].value(value) for name, value in params.items()}

    def scenario_point(self) -> dict[str, float]:
        """The values the scenario carries for the fitted keys, as the search holds them (a
        date as its day number), clipped into each range; keys the scenario leaves unset are
        left out."""
        point: dict[str, float] = {}
        for name, spec in self.calibration.model.parameters.items():
            node: Any = self.base
            for part in self.keys[name].split("."):
                node = node.get(part) if isinstance(node, dict) else None
            if node is None or isinstance(node, bool):
                continue
            low, high = spec.bounds
            value = min(max(spec.number(node), low), high)
            point[name] = round(value) if spec.whole else value
        return point

    @property
    def world_share(self) -> float:
        """The published figures' run-to-run variance as a share of a run's: the published
        world's people per independent actor (`published_scale`, 1 for real counts) over the
        people each agent of a run stands for."""
        k = float(self.base["population"].get("people_per_agent", 1))
        return self.calibration.model.published_scale / k

    def digest(self, trials: int) -> str:
        """What fixes the sequence of trials and their figures, with `trials` search points: a
        resumed calibration must match it (only the name and the description may change)."""
        model = self.calibration.model.model_dump(mode="json", exclude={"name", "description"})
        model["trials"] = trials
        text = json.dumps({"model": model, "base": self.base}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def _plain(err: ScenarioError) -> str:
    return str(err).removeprefix("scenario: ")


def _top_level_problem(base: dict[str, Any], key: str) -> str | None:
    """An unknown top-level key or plug-in instance, with the nearest; deeper keys are left to
    the scenario loader, which names the nearest valid one."""
    parts = key.split(".")
    if parts[0] not in base:
        did = did_you_mean(parts[0], list(base), sentence=True)
        return f"the scenario has no top-level key {parts[0]!r}.{did}"
    if len(parts) > 1 and parts[0] in SECTIONS and parts[1] not in base[parts[0]]:
        names = [n for n in base[parts[0]] if n != "errors"]
        did = did_you_mean(parts[1], names, sentence=True)
        return (
            f"the scenario has no {parts[0]} entry named {parts[1]!r}.{did} "
            f"Its {parts[0]}: {', '.join(names) or 'none'}."
        )
    return None


def _check_parameters(cal: Calibration, base: dict[str, Any]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for name, spec in cal.model.parameters.items():
        key = cal.key_of(name)
        place = cal.where(("parameters", name))
        if key in keys.values():
            raise ScenarioError(f"{place}: parameters.{name}: key {key!r} is fitted twice.")
        problem = _top_level_problem(base, key)
        if problem:
            raise ScenarioError(f"{place}: parameters.{name} ({key}): {problem}")
        for value in (spec.low, spec.high):
            try:
                load_scenario(scenario_with(base, {key: value}))
            except ScenarioError as err:
                raise ScenarioError(
                    f"{place}: parameters.{name} = {value!r} ({key}): {_plain(err)}"
                ) from None
        keys[name] = key
    return keys


def _figures(cal: Calibration):
    """(section, name, spec) of every target and prediction."""
    for section in ("targets", "predictions"):
        for name, spec in getattr(cal.model, section).items():
            yield section, name, spec


def _check_dates(cal: Calibration, scenario: Scenario) -> None:
    start, end = scenario.model.start, scenario.model.end
    for section, name, spec in _figures(cal):
        for field in ("date", "start", "end"):
            day = getattr(spec, field)
            if day is not None and not start <= day <= end:
                raise ScenarioError(
                    f"{cal.where((section, name, field))}: {section}.{name}.{field} = {day} falls "
                    f"outside the run, which simulates {start} to {end} (scenario "
                    f"{scenario.name!r}); give a date within it, or change the scenario's start "
                    'or end (e.g. set = ["end=..."]).'
                )


def _probe_columns(base: dict[str, Any]) -> list[str]:
    """The time series' columns, from one day of a small run of the base scenario."""
    import numba

    from credsim.runner import run

    size = int(base["population"].get("size", PROBE_POPULATION))
    # A copy: the loader sets --population in the dict's own population table.
    probe = copy.deepcopy(base)
    scenario = load_scenario(probe, population=min(size, PROBE_POPULATION), days=1)
    scratch = Path(tempfile.mkdtemp(prefix="credsim-probe-"))
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        path = run(scenario, out=scratch / "probe").path / "timeseries.parquet"
        import pyarrow.parquet as pq

        columns = pq.read_schema(path).names if path.is_file() else []
    finally:
        numba.set_num_threads(threads)
        shutil.rmtree(scratch, ignore_errors=True)
    return [c for c in columns if c not in ("day", "date", "dimension", "group_name")]


def _check_metrics(cal: Calibration, scenario: Scenario, columns: list[str]) -> None:
    stocks = tuple(p for _, cls, _ in scenario.plugins["metrics"] for p in cls.stock_columns)
    for section, name, spec in _figures(cal):
        place = cal.where((section, name, "metric"))
        if spec.metric not in columns:
            did = did_you_mean(spec.metric, columns, sentence=True)
            raise ScenarioError(
                f"{place}: {section}.{name}.metric: {spec.metric!r} is not a column of the run's "
                f"timeseries.parquet.{did} Columns: {', '.join(columns) or 'none'}."
            )
        is_stock = spec.metric.startswith(stocks) if stocks else False
        if is_stock != (spec.kind == "stock"):
            held = "a stock (a level on a day)" if is_stock else "a flow (a count per day)"
            want = 'kind = "stock"' if is_stock else 'kind = "cumulative" or "flow"'
            raise ScenarioError(
                f"{place}: {section}.{name}: {spec.metric!r} is {held}, so a {spec.kind} figure "
                f"cannot read it; use {want}."
            )


def prepare_calibration(cal: Calibration) -> PreparedCalibration:
    """Check `cal` against its scenario. Raises ScenarioError (exit code 2)."""
    m = cal.model
    try:
        scenario = load_scenario(cal.scenario_source(), overrides=m.set, population=m.population)
    except ScenarioError as err:
        place = cal.where(("scenario",))
        raise ScenarioError(f"{place}: scenario {m.scenario!r}: {_plain(err)}") from None
    base = quiet_output(scenario.to_dict())
    keys = _check_parameters(cal, base)
    _check_dates(cal, scenario)
    _check_metrics(cal, scenario, _probe_columns(base))
    start = scenario.model.start
    windows = tuple(Window.of(name, spec, start) for name, spec in m.targets.items())
    ahead = tuple(Window.of(name, spec, start) for name, spec in m.predictions.items())
    return PreparedCalibration(cal, scenario, base, keys, windows, ahead)
