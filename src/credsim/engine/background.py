"""Work done on a thread of its own while the caller goes on: one call at a time, in order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["Background"]


class Background:
    """Calls made one after another, in the order given, on a thread of their own (the event
    log's row groups: Arrow lets go of the interpreter's lock while it encodes, compresses and
    writes). What waits for the thread is bounded: a call that would take the bytes waiting
    past `budget` first waits for the oldest calls (with a budget of 1 byte, for all of them:
    one call runs while the caller prepares the next). An exception in a call is raised to
    the caller at a later `submit` or at `close`."""

    def __init__(self, budget: int = 1) -> None:
        self.budget = budget
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="credsim-background")
        self._waiting: deque[tuple[Future, int]] = deque()
        self._bytes = 0

    def submit(self, call: Callable[..., Any], *args: Any, nbytes: int = 0, **kwargs: Any) -> None:
        """Run `call(*args, **kwargs)` after the calls before it; `nbytes` is what it holds."""
        while self._waiting and (self._waiting[0][0].done() or self._bytes + nbytes > self.budget):
            self._oldest()
        self._waiting.append((self._pool.submit(call, *args, **kwargs), nbytes))
        self._bytes += nbytes

    def close(self) -> None:
        """Wait for every call (raising what one raised) and end the thread."""
        try:
            while self._waiting:
                self._oldest()
        finally:
            self._pool.shutdown(wait=True)

    def _oldest(self) -> None:
        future, nbytes = self._waiting.popleft()
        self._bytes -= nbytes
        future.result()
