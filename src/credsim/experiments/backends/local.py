"""The local backend: a pool of worker processes on this machine (concurrent.futures)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

__all__ = ["LocalBackend"]

T = TypeVar("T")
R = TypeVar("R")


def _init_worker(threads: int) -> None:
    """Runs once in each worker process: cap Numba's threads (results do not depend on them)."""
    import numba

    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))


class LocalBackend:
    """`workers` processes (default: one per core), each running Numba with `threads` threads
    (default 1: a sweep's parallelism is its runs, and Numba's threads slow down badly when
    they compete for cores; see docs/sweeps.md).

    Workers are started with the `spawn` method: the parent may already hold Numba's thread
    pool, which must not be forked.
    """

    name = "local"

    def __init__(self, workers: int | None = None, threads: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.threads = threads or 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalBackend:
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.threads,),
        )
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc_type is not None)
            self._pool = None

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        """Submit every item, then yield results as they finish."""
        if self._pool is None:
            raise RuntimeError("use the backend as a context manager: `with LocalBackend() as b:`")
        futures: dict[Future, T] = {self._pool.submit(fn, item): item for item in items}
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            for future in futures:
                future.cancel()

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "workers": self.workers, "threads_per_run": self.threads}
