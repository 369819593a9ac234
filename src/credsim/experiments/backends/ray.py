"""The Ray backend: runs as Ray tasks, on a local cluster it starts or on one it joins.

Ray is an optional extra (`pip install 'credsim[ray]'`), imported only here and only when used.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from credsim.experiments.backends.base import BackendUnavailable

__all__ = ["RayBackend"]

T = TypeVar("T")
R = TypeVar("R")

# Plasma store of a cluster started here: sweeps pass small tasks and results, not arrays.
_OBJECT_STORE_BYTES = 256 * 1024**2


def _call(fn: Callable[[T], R], threads: int, item: T) -> R:
    """Runs inside a Ray worker: cap Numba's threads to the task's CPUs, then call `fn`."""
    import numba

    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    return fn(item)


class RayBackend:
    """Without `address`, `ray.init()` starts a local cluster of this machine's cores; with one
    (e.g. `ray://head:10001`, `head:6379` or `auto`), it joins that cluster.

    Each task asks for `threads` CPUs and runs Numba with as many threads (default 1); at most
    `workers` tasks run at once (default: the cluster's CPUs / threads). A local cluster gets
    workers x threads CPUs.
    """

    name = "ray"

    def __init__(
        self, address: str | None = None, workers: int | None = None, threads: int | None = None
    ) -> None:
        self.address = address
        self.workers = workers
        self.threads = threads
        self._ray: Any = None

    def __enter__(self) -> RayBackend:
        try:
            import ray
        except ImportError:
            raise BackendUnavailable(
                "--backend ray needs Ray, an optional extra: pip install 'credsim[ray]' "
                "(or use --backend local)."
            ) from None
        options: dict[str, Any] = {"log_to_driver": False, "logging_level": "ERROR"}
        self.threads = self.threads or 1
        if self.address is None:
            self.workers = self.workers or max(1, (os.cpu_count() or 1) // self.threads)
            options |= {
                "num_cpus": self.workers * self.threads,
                "object_store_memory": _OBJECT_STORE_BYTES,
                "include_dashboard": False,
            }
        try:
            # "local" always starts a new cluster, even if one is already running here.
            ray.init(address=self.address or "local", **options)
        except (ConnectionError, RuntimeError, ValueError, OSError) as err:
            if self.address is None:
                raise BackendUnavailable(f"could not start a local Ray cluster: {err}") from None
            raise BackendUnavailable(
                f"--address {self.address}: could not join a Ray cluster ({err}). Start one with "
                "`ray start --head` and pass the address it prints."
            ) from None
        if self.address is not None:
            cluster_cpus = int(ray.cluster_resources().get("CPU", 1))
            self.workers = self.workers or max(1, cluster_cpus // self.threads)
        self._ray = ray
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._ray is not None:
            self._ray.shutdown()
            self._ray = None

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        """Keep `workers` tasks in flight; yield results as they finish."""
        ray = self._ray
        if ray is None:
            raise RuntimeError("use the backend as a context manager: `with RayBackend() as b:`")
        remote = ray.remote(num_cpus=self.threads, max_retries=0)(_call)
        fn_ref = ray.put(fn)
        queue = iter(items)
        pending: dict[Any, T] = {}
        limit = self.workers or 1

        def submit() -> bool:
            item = next(queue, _END)
            if item is _END:
                return False
            pending[remote.remote(fn_ref, self.threads, item)] = item
            return True

        try:
            while len(pending) < limit and submit():
                pass
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                item = pending.pop(done[0])
                result = ray.get(done[0])
                submit()
                yield item, result
        finally:
            for ref in pending:
                ray.cancel(ref, force=True)

    def describe(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "address": self.address,
            "workers": self.workers,
            "threads_per_run": self.threads,
        }


_END: Any = object()
