"""One dashboard run in its own process: load the scenario, run it, report progress on a pipe.

A run gets a fresh process so a crash or a large run's memory never touches the server, and so
a cancelled run can be stopped at once. Messages are tuples: ("started",), ("day", d, days),
("done",) or ("failed", message).
"""

from __future__ import annotations

import signal
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

__all__ = ["execute"]


def _stop(_signum: int, _frame: object) -> None:
    # SystemExit unwinds through RunDirectory, which removes the half-written directory.
    sys.exit(143)


def execute(scenario: str, overrides: list[str], out: str, conn: Connection) -> None:
    """Run `scenario` with `overrides` into `out`, sending progress messages on `conn`."""
    signal.signal(signal.SIGTERM, _stop)
    try:
        conn.send(("started",))
        from credsim.errors import UserError
        from credsim.runner import run
        from credsim.scenario import load_scenario

        loaded = load_scenario(scenario, overrides=overrides)
        days = loaded.model.days
        try:
            run(loaded, out=Path(out), on_day=lambda day: conn.send(("day", day + 1, days)))
        except UserError as err:
            conn.send(("failed", str(err)))
            return
        conn.send(("done",))
    except Exception as err:  # a bug: keep its traceback for the server log
        conn.send(("failed", f"{type(err).__name__}: {err}\n{traceback.format_exc()}"))
    finally:
        conn.close()
