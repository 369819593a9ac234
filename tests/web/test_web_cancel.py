"""A cancelled run is reported as cancelled even when the stop reaches the worker inside compiled
code, where Numba's dispatcher turns the SystemExit of the SIGTERM handler into a SystemError."""

from __future__ import annotations

import signal
from multiprocessing import Pipe

import pytest

pytest.importorskip("fastapi")

from credsim.web import worker
from credsim.web.runs import RunManager, RunRecord


def test_a_worker_stopped_inside_compiled_code_does_not_report_a_failure(monkeypatch):
    def stopped_mid_kernel(*_args: object) -> None:
        monkeypatch.setattr(worker, "_stopping", True)  # what the SIGTERM handler sets
        raise SystemError("CPUDispatcher(...) returned a result with an exception set")

    monkeypatch.setattr(worker, "_run", stopped_mid_kernel)
    ours, theirs = Pipe()
    handler = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as stopped:
            worker.execute("default", [], "unused", theirs)
    finally:
        signal.signal(signal.SIGTERM, handler)
    assert stopped.value.code == 143
    messages = []
    while True:
        try:
            messages.append(ours.recv())
        except EOFError:  # the worker closed its end
            break
    assert messages == [("started",)]


def test_a_failure_sent_by_a_worker_being_cancelled_leaves_the_run_cancelled(tmp_path):
    manager = RunManager(tmp_path / "runs")
    try:
        record = RunRecord("r1", "default", [], tmp_path / "runs" / "r1", status="running")
        record.cancel_requested = True
        manager._runs[record.id] = record
        ours, theirs = Pipe()
        theirs.send(("failed", "SystemError: returned a result with an exception set"))
        manager._read(record.id, ours)
        assert record.status == "cancelled"
        assert record.error is None
    finally:
        manager.close()
