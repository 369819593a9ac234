"""The second process of a run whose counterfactual steps alongside it
(credsim.engine.but_for_alongside): it builds the counterfactual from the scenario it is sent,
steps it a day at a time and sends what is kept of each day, then its end."""

from __future__ import annotations

import pickle
import signal
import time
from multiprocessing.connection import Connection

from credsim.engine.but_for_ahead import AheadSteps
from credsim.engine.memory import PeakMeter
from credsim.runner import build_simulation

__all__ = ["serve"]


def serve(fd: int) -> None:
    """Build and step the counterfactual, talking over the connection on file descriptor `fd`:
    receive the scenario; send ("begin", (codes, first citizen, listed at the start)), one
    ("day", kept) a day, then ("end", (perks, seconds, bytes held, peak bytes)), or
    ("error", exception)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle: it ends us
    conn = Connection(fd)
    meter = PeakMeter()
    try:
        scenario = pickle.loads(conn.recv_bytes())
        steps = AheadSteps(build_simulation(scenario))
        conn.send(("begin", (steps.codes, steps.lo, steps.start)))
        started = time.perf_counter()
        for day in range(steps.twin.days):
            conn.send(("day", steps.day(day)))
        perks, held = steps.end()
        seconds = time.perf_counter() - started
        conn.send(("end", (perks, seconds, held, meter.above_start())))
    except (BrokenPipeError, ConnectionResetError, EOFError):
        return  # the run stopped: nobody is listening
    except Exception as err:  # handed to the run, which raises it
        conn.send(("error", err))
