"""A second process that works for this one on a second core: a fresh interpreter talking over
a socket pair.

Not a fork (this process may hold Numba's thread pool, and a fork of a threaded process is not
safe) nor a `multiprocessing` spawn (which would run the user's own script again in it): the
child runs one line of Python, `program` with the socket's file descriptor filled in, and ends
when this process lets it go or is gone. Used for a run's counterfactual
(credsim.engine.but_for_alongside) and for drawing half of a report (credsim.report.helper)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from multiprocessing.connection import Connection

import numba

__all__ = ["cores_free", "end_helper", "search_path", "spawn_helper", "two_cores"]


def cores_free() -> int:
    """How many cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def two_cores() -> bool:
    """Whether this process may use a second core: Numba may use two threads (`--threads 1` or
    NUMBA_NUM_THREADS=1 keeps a run to one) and two cores are free to it."""
    return numba.get_num_threads() >= 2 and cores_free() >= 2


def spawn_helper(program: str, threads: int = 1) -> tuple[Connection, subprocess.Popen]:
    """Start `python -c program` (`{fd}` in it: the child's end of the socket pair) with
    NUMBA_NUM_THREADS=`threads`; return this process's end of the connection and the child.
    The child searches this process's `sys.path` for modules, in its order: what this process
    imports from a folder a notebook or script added (credsim itself, a scenario's plug-ins),
    the child imports too."""
    mine, theirs = socket.socketpair()
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), PYTHONPATH=search_path())
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", program.format(fd=theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env=env,
        )
    except BaseException:
        mine.close()
        raise
    finally:
        theirs.close()
    return Connection(mine.detach()), proc


def search_path() -> str:
    """This process's `sys.path` as a PYTHONPATH (folders as absolute paths; the current folder,
    which a `python -c` child searches first anyway, left out)."""
    return os.pathsep.join(os.path.abspath(p) for p in sys.path if p)


def end_helper(conn: Connection, proc: subprocess.Popen, stop: bool = False) -> int | None:
    """Close the connection and wait for the child to end (killed at once with `stop`, or after
    30 s); its exit code."""
    conn.close()
    if stop and proc.poll() is None:
        proc.kill()
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()
