"""Half of a report's sections drawn in a second process, on a second core.

Drawing the figures (matplotlib: layout, then SVG) is most of a report's time, and each section
reads what it needs from the run directory alone, so two processes can draw the sections at
once: this one and a helper (a fresh interpreter, credsim.engine.helper_process). Each takes the
next section not yet taken, in page order, and the page puts every section in its place: the
same bytes as one process draws. The helper is started early (`start_helper`), so that it
imports matplotlib while the run writes its results, and is told the run directory once they
are written. If it fails or dies, this process draws what it had not sent back.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path

from credsim.engine.helper_process import end_helper, spawn_helper, two_cores
from credsim.engine.memory import MemoryModel, available_bytes

__all__ = [
    "HELPER_FROM",
    "REPORT_BYTES_PER_CITIZEN",
    "ReportHelper",
    "render_sections",
    "serve",
    "start_helper",
]

HELPER_FROM = 50_000
"""Citizens from which a report is drawn on two cores: below, the helper's start (about a
second of imports) is most of what it would save."""
REPORT_BYTES_PER_CITIZEN = 64
"""What one process drawing a report may hold per citizen: the default at 1e7 × 365 took 38
bytes per citizen above its start in the run's process and 28 in the helper (2026-12-07), taken
at 64. A helper is started only where two such processes and a process's fixed bytes fit in
the memory available (with the run's simulation still held, when a run starts it)."""

CHILD = "from credsim.report.helper import serve; serve({fd})"


class ReportHelper:
    """A second process drawing the report sections it is asked for."""

    def __init__(self) -> None:
        self.conn, self.proc = spawn_helper(CHILD)
        self.closed = False
        self.peak_bytes = 0
        """The helper's peak resident bytes above its start (known once it has ended)."""

    def begin(self, run_dir: Path, figures_dir: Path | None) -> None:
        self.conn.send(("run", (str(run_dir), None if figures_dir is None else str(figures_dir))))

    def draw(self, section_id: str) -> str | None:
        """The section's HTML, drawn by the helper; None if it failed (or is gone)."""
        try:
            self.conn.send(("section", section_id))
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            return None
        return payload if kind == "html" else None

    def __enter__(self) -> ReportHelper:
        return self

    def __exit__(self, kind, error, trace) -> None:
        """Let the helper end: gracefully (keeping its peak) after a report was written, at once
        after a failure."""
        self.close(stop=kind is not None)

    def close(self, stop: bool = False) -> None:
        """Let the helper end (at once with `stop`), keeping its peak memory if it says it."""
        if self.closed:
            return
        self.closed = True
        if not stop:
            try:
                self.conn.send(("end", None))
                kind, payload = self.conn.recv()
                if kind == "peak":
                    self.peak_bytes = int(payload)
            except (EOFError, OSError):
                pass
        end_helper(self.conn, self.proc, stop)


def start_helper(citizens: int) -> ReportHelper | None:
    """A helper for the report of a run of `citizens`, when two cores are free to it, the run
    is large enough for it to pay (`HELPER_FROM`) and memory allows
    (`REPORT_BYTES_PER_CITIZEN`)."""
    if citizens < HELPER_FROM or not two_cores():
        return None
    need = 2 * REPORT_BYTES_PER_CITIZEN * citizens + MemoryModel().c["process_bytes"]
    if need > available_bytes():
        return None  # memory is for the run: one process draws it all
    try:
        return ReportHelper()
    except OSError:
        return None  # no process to be had: one draws it all


def render_sections(
    ids: Sequence[str],
    draw: Callable[[int], str],
    helper: ReportHelper | None,
    begin: Callable[[ReportHelper], None],
) -> list[str]:
    """Every section's HTML in order: `draw(i)` draws section i here; the helper (told to
    `begin` first, on its own thread here) draws the ones it takes, by id."""
    bodies: list[str | None] = [None] * len(ids)
    lock = threading.Lock()
    taken = iter(range(len(ids)))

    def take() -> int | None:
        with lock:
            return next(taken, None)

    def helping() -> None:
        try:
            begin(helper)
        except OSError:
            return  # gone before it began: everything is drawn here
        while (i := take()) is not None:
            bodies[i] = helper.draw(ids[i])
            if bodies[i] is None:
                return  # failed or gone: what it took is drawn here after

    thread = None
    if helper is not None:
        thread = threading.Thread(target=helping, name="credsim-report-helper", daemon=True)
        thread.start()
    while (i := take()) is not None:
        bodies[i] = draw(i)
    if thread is not None:
        thread.join()
    return [body if body is not None else draw(i) for i, body in enumerate(bodies)]


def serve(fd: int) -> None:
    """Draw sections for the process at the other end of the connection on file descriptor `fd`:
    receive ("run", (run directory, figures directory)), then ("section", id) for each section
    to draw, answered ("html", page fragment) or ("error", message); ("end", None) is answered
    ("peak", peak bytes above the start) before the helper ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle: it ends us
    from credsim.engine.memory import PeakMeter

    conn = Connection(fd)
    from credsim.report.html import SECTIONS  # matplotlib's import, while the run writes
    from credsim.report.run import RunData
    from credsim.report.section import render_section

    meter = PeakMeter()  # above the loaded libraries, as the run's own peak is counted
    by_id = {section.id: section for section in SECTIONS}
    run, figures_dir = None, None
    try:
        while True:
            kind, payload = conn.recv()
            if kind == "run":
                run, figures_dir = RunData(Path(payload[0])), payload[1]
                figures_dir = None if figures_dir is None else Path(figures_dir)
            elif kind == "section" and run is not None:
                try:
                    html = render_section(by_id[payload], run, figures_dir)
                except Exception as err:  # this section is drawn by the run's process instead
                    conn.send(("error", f"{type(err).__name__}: {err}"))
                    continue
                finally:
                    run.forget_citizens()
                conn.send(("html", html))
            elif kind == "end":
                conn.send(("peak", meter.above_start()))
                return
    except (BrokenPipeError, ConnectionResetError, EOFError):
        return  # the run's process is gone or let us go
