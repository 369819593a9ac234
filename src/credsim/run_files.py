"""What a finished run writes besides its event log: summary.json, timeseries.parquet,
citizens.parquet, run.json and the report (`credsim.runner` runs it; a checkpointed, sharded or
dashboard run calls it too)."""

from __future__ import annotations

import contextlib
import platform
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numba
import numpy as np
import pyarrow as pa
import tomli_w

from credsim.engine import EventLog, Plugin, Simulation
from credsim.engine.memory import PeakMeter
from credsim.engine.release import give_back_memory
from credsim.results import RunDirectory
from credsim.results.by_year import by_year, whole_flows
from credsim.results.citizens import citizens_table
from credsim.results.citizens_writer import ROW_GROUP, write_citizens
from credsim.results.findings import key_findings
from credsim.results.timeseries import DIMENSION, GROUP_NAME, timeseries_table
from credsim.results.warmup import warmup_figures
from credsim.results.writer import join_parquet
from credsim.scenario import Scenario
from credsim.scenario.warmup import warmup_days
from credsim.version import __version__

if TYPE_CHECKING:
    from credsim.report.helper import ReportHelper

__all__ = ["write_citizens_of", "write_report_and_peak", "write_results"]


def write_results(
    rundir: RunDirectory,
    scenario: Scenario,
    sim: Simulation,
    log: EventLog,
    started: float,
    loop_seconds: float,
    extra_info: dict | None = None,
    meter: PeakMeter | None = None,
    report: bool = True,
    citizen_parts: list[Path] | None = None,
) -> dict:
    """Everything a finished simulation writes besides its event log (into `rundir`); `meter`
    measures the run's peak memory (default: the process's since credsim was imported). With
    `report=False` the caller writes the report (`write_report_and_peak`) with the run.json
    returned. `citizen_parts`: the citizens table in parts written by a sharded run's shards,
    joined here a row group at a time (the head holds no citizen's state)."""
    meter = meter or PeakMeter.since_import()
    # what the day loop freed, before the tallies and tables take more
    give_back_memory(held=sim.state.nbytes)
    if not sim.tallied:  # a sharded run's shards tallied before they were merged
        sim.tally_end()
    model = scenario.model
    output = model.output
    summary = {"scenario": scenario.name, "seed": model.seed}
    summary |= {"start": model.start.isoformat(), "end": model.end.isoformat()}
    frames = []
    stocks: tuple[str, ...] = ()
    daily: dict[str, np.ndarray] = {}
    for metric in sim.metrics:
        summary.update(metric.summary())
        stocks += metric.stock_columns
        daily |= metric.daily_totals()
        frame = metric.timeseries()
        if frame is not None:
            frames.append(frame)
    joined = None
    if frames:
        keys = ["day", DIMENSION, GROUP_NAME]
        joined = frames[0].join([f.drop(columns=keys) for f in frames[1:]])
        summary["by_year"] = by_year(joined, model.start, stocks, daily)
    flows = whole_flows(joined, sim.days, stocks, daily)
    for metric in sim.metrics:
        summary.update(metric.review(summary, flows))
    resolved = scenario.to_dict()
    summary |= warmup_figures(joined, sim.days, warmup_days(resolved), stocks, daily)
    summary["key_findings"] = key_findings(summary)
    rundir.write_text("scenario.toml", tomli_w.dumps(resolved))
    rundir.write_json("summary.json", summary)
    if joined is not None:
        table = timeseries_table(joined, np.datetime64(model.start, "D"))
        rundir.write_parquet("timeseries.parquet", table)
    if output.citizens == "all" and citizen_parts is not None:
        join_parquet(citizen_parts, rundir.path / "citizens.parquet")
    elif output.citizens == "all":
        write_citizens_of(sim, rundir.path / "citizens.parquet")
    info = {**_run_info(scenario, sim, started, loop_seconds, log), **(extra_info or {})}
    info |= {"peak_rss_bytes_per_citizen_before_report": _per_citizen(meter, sim.state.n)}
    rundir.write_json("run.json", info | _peak(meter, sim.state.n))
    if report and output.report:
        write_report_and_peak(rundir, info, meter, sim.state.n)
    return info


def write_report_and_peak(
    rundir: RunDirectory, info: dict, meter: PeakMeter, n: int, helper: ReportHelper | None = None
) -> None:
    """Write report.html (half of its sections drawn by `helper`, which is let go), then
    run.json again with the peak memory the report reached (the report shows the peak before
    it, so that writing it again gives the same bytes). The report is a phase of its own: its
    helper's peak is added to this process's peak during the report, not to the day loop's."""
    from credsim.report import write_report

    meter.new_phase()
    with helper or contextlib.nullcontext():
        write_report(rundir.path, helper=helper)
    if helper is not None:
        meter.helpers += helper.peak_bytes
    rundir.write_json("run.json", info | _peak(meter, n))


def write_citizens_of(sim: Simulation, path: Path, row_group: int = ROW_GROUP) -> None:
    """Write the citizens table of this process's citizens (a shard's own, or everyone) to
    `path`, a row group at a time, after handing what the day loop freed back to the system (so
    that the groups do not come on top of freed pages the C allocator kept)."""
    give_back_memory(held=sim.state.nbytes)
    specs = {spec.name: spec for spec in sim.state.specs}

    def table_of(start: int, end: int) -> pa.Table:
        state = {name: sim.state[name][start:end] for name in sim.state}
        bases = {p.name: _base_scores(p, start, end) for p in sim.policies}
        return citizens_table(sim.world, state, bases, sim.but_for, specs, lo=start)

    write_citizens(path, sim.state.lo, sim.state.hi, table_of, row_group)


def _base_scores(policy: Plugin, lo: int, hi: int, chunk: int = 1 << 20) -> np.ndarray:
    """The score of citizens lo..hi-1 before any record, as citizens.parquet stores it (int16),
    a chunk of citizens at a time (a policy's own arithmetic can take tens of bytes a
    citizen)."""
    out = np.empty(hi - lo, np.int16)
    for start in range(lo, hi, chunk):
        who = np.arange(start, min(start + chunk, hi))
        out[start - lo : start - lo + chunk] = policy.base_scores(policy.world, who).astype(
            np.int16
        )
    return out


def _peak(meter: PeakMeter, n: int) -> dict:
    """The measured peak: of the process, and per citizen above the process before the run."""
    return {
        "peak_rss_bytes": meter.peak(),
        "peak_rss_bytes_per_citizen": _per_citizen(meter, n),
    }


def _per_citizen(meter: PeakMeter, n: int) -> float:
    return round(meter.above_start() / n, 1)


def _run_info(scenario, sim: Simulation, started: float, loop_seconds: float, log) -> dict:
    n, days = sim.state.n, sim.days
    return {
        "credsim_version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "pyarrow": pa.__version__,
        "platform": platform.platform(),
        "scenario": scenario.name,
        "origin": scenario.origin,
        "overrides": scenario.overrides,
        "seed": scenario.model.seed,
        "backend": "local",
        "threads": numba.get_num_threads(),
        "citizens": n,
        "days": days,
        "wall_seconds": round(time.perf_counter() - started, 3),
        "loop_seconds": round(loop_seconds, 3),
        "agent_days_per_second": round(n * days / max(loop_seconds, 1e-9)),
        "phase_seconds": {k: round(v, 3) for k, v in sim.phase_seconds.items()},
        "but_for": sim.but_for_info(),
        "state_bytes_per_citizen": sim.state.bytes_per_citizen(),
        "declared_bytes_per_citizen": round(sim.resident_bytes() / n, 2),
        "event_rows_written": log.rows_written,
        "argv": sys.argv,
    }
