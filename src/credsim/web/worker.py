"""One dashboard run in its own process: load the scenario, run it, report progress on a pipe.

A run gets a fresh process so a crash or a large run's memory never touches the server, and so
a cancelled run, or one over its wall time or memory, can be stopped at once. The worker stops
itself when the run's events pass `max_events`. Messages are tuples: ("started",),
("but_for_day", d, days) for each day of the counterfactual without erroneous records (stepped
first, alone), ("day", d, days, events), ("done",) or ("failed", message).
"""

from __future__ import annotations

import signal
import sys
import time
import traceback
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from credsim.errors import UserError

__all__ = ["EventLimitReached", "execute"]


class EventLimitReached(UserError):
    """The run wrote more events than a dashboard run may."""


class _CountedLog:
    """An event log that counts the rows of every day it is given (and stops the run past
    `limit`); everything else is the wrapped log's."""

    def __init__(self, log: Any, limit: int, days: int) -> None:
        self.log, self.limit, self.days = log, limit, days
        self.events = 0

    def add_day(self, day: int, batches: Mapping[str, Any]) -> None:
        self.events += sum(len(batch) for batch in batches.values())
        if self.events > self.limit:
            raise EventLimitReached(
                f"stopped on day {day + 1} of {self.days}: the run made {self.events:,} events "
                f"(acts, records, score changes, sanctions, notices), more than the "
                f"{self.limit:,} a dashboard run may make (credsim serve --max-run-events). "
                "Use fewer citizens or days or lower rates, or run it with credsim run."
            )
        self.log.add_day(day, batches)

    def flush(self, last_day: int) -> None:
        self.log.flush(last_day)


_stopping = False
"""Set once the server has asked this worker to stop (SIGTERM)."""


def _stop(_signum: int, _frame: object) -> None:
    # SystemExit unwinds through RunDirectory, which removes the half-written directory. Raised
    # inside compiled code, it can come out as another exception (a SystemError from Numba's
    # dispatcher): `_stopping` tells `execute` that the run was stopped, not that it failed.
    global _stopping
    _stopping = True
    sys.exit(143)


def _run(scenario: str, overrides: list[str], out: Path, conn: Connection, max_events: int) -> None:
    """credsim.runner.run, with every day's events counted against `max_events`."""
    from credsim.results import RunDirectory
    from credsim.run_files import write_results
    from credsim.runner import build_simulation, event_log
    from credsim.scenario import load_scenario

    loaded = load_scenario(scenario, overrides=overrides)
    days = loaded.model.days
    started = time.perf_counter()

    def on_but_for_day(day: int) -> None:
        conn.send(("but_for_day", day + 1, days))

    with RunDirectory(out) as rundir:
        # The counterfactual first, alone, as `credsim run` steps it on one core: the two
        # simulations are never in memory together.
        sim = build_simulation(loaded, ahead=True, on_but_for_day=on_but_for_day)
        ahead = sim.phase_seconds.get("but_for", 0.0)  # its days count in the day loop
        sim.initialise()
        log = _CountedLog(event_log(loaded, sim, rundir.path), max_events, days)
        loop_started = time.perf_counter()

        def on_day(day: int) -> None:
            conn.send(("day", day + 1, days, log.events))

        sim.run(log, on_day)  # type: ignore[arg-type]  # a stand-in for EventLog
        loop_seconds = time.perf_counter() - loop_started + ahead
        write_results(rundir, loaded, sim, log.log, started, loop_seconds)


def execute(
    scenario: str, overrides: list[str], out: str, conn: Connection, max_events: int = 2**62
) -> None:
    """Run `scenario` with `overrides` into `out`, sending progress messages on `conn`."""
    signal.signal(signal.SIGTERM, _stop)
    try:
        conn.send(("started",))
        try:
            _run(scenario, overrides, Path(out), conn, max_events)
        except UserError as err:
            conn.send(("failed", str(err)))
            return
        conn.send(("done",))
    except Exception as err:  # a bug: keep its traceback for the server log
        if _stopping:  # stopped by the server while inside compiled code: not a failure
            raise SystemExit(143) from None
        conn.send(("failed", f"{type(err).__name__}: {err}\n{traceback.format_exc()}"))
    finally:
        conn.close()
