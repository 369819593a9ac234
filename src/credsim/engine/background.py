"""Work done on a thread of its own while the caller goes on: one call at a time, in order."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["Background"]


class Background:
    """Calls made one after another on a thread of their own (the event log's row groups: Arrow
    lets go of the interpreter's lock while it encodes, compresses and writes). A call waits for
    the one before it, so at most one is running while the caller prepares the next; an
    exception in one is raised to the caller at the next call or at `close`."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="credsim-background")
        self._last: Future | None = None

    def submit(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run `call(*args, **kwargs)` once the call before it has ended."""
        self._wait()
        self._last = self._pool.submit(call, *args, **kwargs)

    def close(self) -> None:
        """Wait for the last call (raising what it raised) and end the thread."""
        try:
            self._wait()
        finally:
            self._pool.shutdown(wait=True)

    def _wait(self) -> None:
        last, self._last = self._last, None
        if last is not None:
            last.result()
