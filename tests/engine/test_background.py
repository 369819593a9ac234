"""Work on a thread of its own: in order, within its byte budget, errors raised to the caller."""

from __future__ import annotations

import threading
import time

import pytest

from credsim.engine.background import Background


def test_calls_run_in_order_and_what_waits_stays_within_the_budget():
    done: list[int] = []
    most = [0]
    gate = threading.Event()
    work = Background(budget=300)

    def call(k: int) -> None:
        gate.wait()
        time.sleep(0.001)
        done.append(k)

    for k in range(40):
        work.submit(call, k, nbytes=100)
        most[0] = max(most[0], work._bytes)
        gate.set()
    work.close()
    assert done == list(range(40))
    assert most[0] <= 300 and work._bytes == 0


def test_a_budget_of_one_byte_lets_one_call_wait():
    work = Background(budget=1)
    for k in range(5):
        work.submit(time.sleep, 0.001, nbytes=1000)
        assert len(work._waiting) == 1, k
    work.close()


def test_an_error_on_the_thread_is_raised_to_the_caller():
    work = Background(budget=1 << 20)

    def fail() -> None:
        raise OSError(28, "No space left on device")

    work.submit(fail, nbytes=10)
    with pytest.raises(OSError, match="No space left"):
        for _ in range(100):  # raised at a later call once it has failed, or at close
            work.submit(time.sleep, 0.001, nbytes=10)
        work.close()
