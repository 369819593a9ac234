"""The dashboard's runs: a bounded queue, at most `max_runs` worker processes at once, live
progress, and each run held to its limits of events, memory and wall time.

Each run is a fresh process (see `worker.py`) writing into `runs_dir/<id>`; finished runs already
in `runs_dir` (from the dashboard or from `credsim run`) are listed when the manager starts, unless
they lie outside it (a symbolic link out of `runs_dir` is never listed nor served).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import secrets
import shutil
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from credsim.web.limits import RunLimits, format_bytes, rss_bytes
from credsim.web.worker import execute

__all__ = ["ACTIVE", "FINISHED", "MAX_QUEUED", "QueueFull", "RunManager", "RunRecord"]

ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")
MAX_QUEUED = 20
"""Runs that may wait for a worker by default; one more is refused (429)."""
_TICK = 0.1


class QueueFull(Exception):
    """The queue holds as many waiting runs as it may."""


@dataclass
class RunRecord:
    """What the dashboard knows about one run."""

    id: str
    scenario: str
    overrides: list[str]
    path: Path
    status: str = "queued"
    day: int = 0
    days: int = 0
    but_for_day: int = 0
    """Days of the counterfactual without erroneous records stepped, before the run's own."""
    events: int = 0
    error: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    cancel_requested: bool = False

    def public(self) -> dict[str, Any]:
        """The JSON the API returns (no server paths)."""
        elapsed = None
        if self.started is not None:
            elapsed = round((self.finished or time.time()) - self.started, 2)
        phase = {"queued": "waiting for a free worker", "running": "starting"}.get(self.status, "")
        if self.status == "running" and self.day:
            phase = "writing results" if self.day >= self.days else f"day {self.day} of {self.days}"
        elif self.status == "running" and self.but_for_day:
            phase = f"counterfactual: day {self.but_for_day} of {self.days}"
        # A run with a counterfactual steps its days first, each as long as one of the run's.
        steps = 2 * self.days if self.but_for_day else self.days
        done = (self.but_for_day + self.day) / steps if steps else 0.0
        return {
            "id": self.id,
            "scenario": self.scenario,
            "overrides": self.overrides,
            "status": self.status,
            "phase": phase,
            "day": self.day,
            "days": self.days,
            "but_for_day": self.but_for_day,
            "progress": round(done, 4),
            "events": self.events,
            "error": self.error,
            "created": self.created,
            "elapsed_seconds": elapsed,
        }


@dataclass
class _Active:
    process: BaseProcess
    conn: Connection


class RunManager:
    """Queue runs, start up to `max_runs` worker processes, follow their progress."""

    def __init__(
        self,
        runs_dir: Path,
        max_runs: int = 1,
        limits: RunLimits | None = None,
        max_queued: int = MAX_QUEUED,
    ) -> None:
        if max_runs < 1 or max_queued < 0:
            raise ValueError("max_runs must be at least 1 and max_queued at least 0")
        self.runs_dir = Path(runs_dir)
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.root = self.runs_dir.resolve()
        self.max_runs = max_runs
        self.max_queued = max_queued
        self.limits = limits or RunLimits()
        self._runs: dict[str, RunRecord] = {}
        self._pending: deque[str] = deque()
        self._active: dict[str, _Active] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._context = mp.get_context("spawn")
        self._restore()
        self._thread = threading.Thread(target=self._loop, name="credsim-runs", daemon=True)
        self._thread.start()

    # -- public -------------------------------------------------------------------------------

    def submit(self, scenario: str, overrides: list[str], days: int) -> RunRecord:
        """Queue a validated run; it starts when a worker is free. Raises QueueFull when
        `max_runs` are running and `max_queued` are waiting."""
        run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{scenario}-{secrets.token_hex(2)}"
        record = RunRecord(run_id, scenario, list(overrides), self.runs_dir / run_id, days=days)
        with self._lock:
            if len(self._pending) + len(self._active) >= self.max_runs + self.max_queued:
                raise QueueFull(
                    f"the queue is full: {len(self._active)} run(s) running and "
                    f"{len(self._pending)} waiting, the most this dashboard takes "
                    "(credsim serve --max-runs, --max-queued); try again when one has finished."
                )
            self._runs[run_id] = record
            self._pending.append(run_id)
        self._wake.set()
        return record

    def get(self, run_id: str) -> RunRecord | None:
        with self._lock:
            return self._runs.get(run_id)

    def inside(self, record: RunRecord) -> bool:
        """Whether the run's directory, links resolved, lies inside the runs folder (a directory
        replaced by a link out of it after the server started is refused too)."""
        try:
            resolved = record.path.resolve()
        except (OSError, RuntimeError):
            return False
        return resolved != self.root and resolved.is_relative_to(self.root)

    def records(self) -> list[RunRecord]:
        """Every run, newest first."""
        with self._lock:
            return sorted(self._runs.values(), key=lambda r: r.created, reverse=True)

    def cancel(self, run_id: str) -> RunRecord | None:
        """Drop a queued run or stop a running one; finished runs are left as they are."""
        with self._lock:
            record = self._runs.get(run_id)
            if record is None or record.status in FINISHED:
                return record
            if run_id in self._pending:
                self._pending.remove(run_id)
                self._finish(record, "cancelled")
                return record
            record.cancel_requested = True
            active = self._active.get(run_id)
        if active is not None:
            active.process.terminate()
            active.process.join(10)
            if active.process.is_alive():
                active.process.kill()
                active.process.join(5)
            with self._lock:
                self._reap(run_id)
        return record

    def counts(self) -> dict[str, int]:
        with self._lock:
            statuses = [r.status for r in self._runs.values()]
        return {s: statuses.count(s) for s in (*ACTIVE, *FINISHED)}

    def close(self) -> None:
        """Stop the scheduler and every worker (their partial directories are removed)."""
        self._closing.set()
        self._wake.set()
        self._thread.join(5)
        with self._lock:
            active = list(self._active)
        for run_id in active:
            self.cancel(run_id)

    # -- the scheduler thread -----------------------------------------------------------------

    def _loop(self) -> None:
        while not self._closing.is_set():
            with self._lock:
                self._start_pending()
                self._follow()
            self._wake.wait(_TICK)
            self._wake.clear()

    def _start_pending(self) -> None:
        while self._pending and len(self._active) < self.max_runs:
            run_id = self._pending.popleft()
            record = self._runs[run_id]
            receiver, sender = self._context.Pipe(duplex=False)
            process = self._context.Process(
                target=execute,
                args=(record.scenario, record.overrides, str(record.path), sender),
                kwargs={"max_events": self.limits.events},
                name=f"credsim-run-{run_id}",
                daemon=True,
            )
            record.status, record.started = "running", time.time()
            process.start()
            sender.close()  # the child holds its own copy; EOF reaches us when it exits
            self._active[run_id] = _Active(process, receiver)

    def _follow(self) -> None:
        for run_id in list(self._active):
            active = self._active[run_id]
            self._read(run_id, active.conn)
            if active.process.is_alive():
                self._hold_to_limits(self._runs[run_id], active.process)
            else:
                self._reap(run_id)

    def _hold_to_limits(self, record: RunRecord, process: BaseProcess) -> None:
        """Stop a run that has used up its wall time or memory (the worker stops itself at its
        event limit); its half-written directory is removed when it is reaped."""
        limits = self.limits
        elapsed = time.time() - (record.started or time.time())
        used = rss_bytes(process.pid) if process.pid is not None else None
        if elapsed > limits.seconds:
            why = (
                f"ran for more than {limits.seconds:,.0f} s, the most a dashboard run may take "
                "(credsim serve --max-run-seconds)"
            )
        elif used is not None and used > limits.memory_bytes:
            why = (
                f"used {format_bytes(used)} of memory, more than the "
                f"{format_bytes(limits.memory_bytes)} a dashboard run may use "
                "(credsim serve --max-run-memory)"
            )
        else:
            return
        where = f" on day {record.day} of {record.days}" if record.day else ""
        record.error = (
            f"stopped{where}: the run {why}. Use fewer citizens or days or lower rates, "
            "or run it with credsim run."
        )
        process.kill()  # at once: memory may still be growing

    def _read(self, run_id: str, conn: Connection) -> None:
        record = self._runs[run_id]
        try:
            while conn.poll():
                message = conn.recv()
                if message[0] == "day":
                    record.day, record.days, record.events = message[1:4]
                elif message[0] == "but_for_day":
                    record.but_for_day, record.days = message[1:3]
                elif message[0] == "done":
                    self._finish(record, "done")
                elif message[0] == "failed" and record.cancel_requested:
                    self._finish(record, "cancelled")  # whatever a stopping worker last said
                elif message[0] == "failed":
                    record.error = message[1]
                    self._finish(record, "failed")
        except (EOFError, OSError):
            pass

    def _reap(self, run_id: str) -> None:
        active = self._active.pop(run_id, None)
        if active is None:
            return
        record = self._runs[run_id]
        active.process.join(1)
        self._read(run_id, active.conn)  # whatever the child sent before it ended
        active.conn.close()
        if record.cancel_requested and record.status not in FINISHED:
            self._finish(record, "cancelled")
        elif record.status not in FINISHED and record.error is not None:
            self._finish(record, "failed")  # stopped at a limit
        elif record.status not in FINISHED:
            code = active.process.exitcode
            record.error = f"the worker process ended without a result (exit code {code})"
            self._finish(record, "failed")
        for partial in self.runs_dir.glob(f".{run_id}.partial-*"):
            shutil.rmtree(partial, ignore_errors=True)

    @staticmethod
    def _finish(record: RunRecord, status: str) -> None:
        record.status, record.finished = status, time.time()

    # -- runs already on disk ---------------------------------------------------------------------

    def _restore(self) -> None:
        """List finished runs found in runs_dir (a summary.json and a run.json)."""
        for path in sorted(self.runs_dir.iterdir()):
            if path.name.startswith(".") or not (path / "summary.json").is_file():
                continue
            if not self.inside(RunRecord(path.name, "", [], path)):
                continue
            try:
                info = json.loads((path / "run.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            stamp = (path / "summary.json").stat().st_mtime
            record = RunRecord(
                path.name,
                str(info.get("scenario", "?")),
                [str(o) for o in info.get("overrides", [])],
                path,
                status="done",
                day=int(info.get("days", 0)),
                days=int(info.get("days", 0)),
                created=stamp,
                started=stamp - float(info.get("wall_seconds", 0.0)),
                finished=stamp,
            )
            self._runs[record.id] = record
