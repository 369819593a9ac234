"""The Ray backend: runs as Ray tasks, on a local cluster it starts or on one it joins.

Ray is an optional extra (`pip install 'credsim[ray]'`), imported only here and only when used.
Joining a cluster (`--address`) is bounded: the address must answer a TCP connection, and Ray must
connect, within `--connect-timeout` seconds (default 30, or `CREDSIM_RAY_TIMEOUT`), or the command
stops with a message (`ray.init` itself would retry for ever).
"""

from __future__ import annotations

import math
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from credsim.errors import UserError
from credsim.experiments.backends.base import BackendUnavailable

__all__ = ["DEFAULT_TIMEOUT", "TIMEOUT_ENV", "RayBackend", "connect_timeout", "init_ray"]

DEFAULT_TIMEOUT = 30.0
TIMEOUT_ENV = "CREDSIM_RAY_TIMEOUT"


def connect_timeout(given: float | None = None) -> float:
    """Seconds to wait for a Ray cluster: `given`, else $CREDSIM_RAY_TIMEOUT, else 30."""
    flag = "--connect-timeout"
    if given is None and os.environ.get(TIMEOUT_ENV):
        flag, text = TIMEOUT_ENV, os.environ[TIMEOUT_ENV]
        try:
            given = float(text)
        except ValueError:
            raise UserError(f"{TIMEOUT_ENV}={text}: give seconds, e.g. 30.") from None
    if given is None:
        return DEFAULT_TIMEOUT
    if not (math.isfinite(given) and given > 0):
        raise UserError(f"{flag} {given:g}: give a number of seconds above 0 (default 30).")
    return float(given)


def _unreachable(address: str, why: str) -> BackendUnavailable:
    return BackendUnavailable(
        f"--address {address}: {why}. Start a cluster with `ray start --head` and pass the address "
        "it prints, or drop --address to start one here."
    )


def _probe(address: str, timeout: float) -> None:
    """Refuse at once an address where nothing listens (Ray would retry for ever)."""
    target = address.split("://", 1)[-1]
    if target in ("auto", "local") or ":" not in target:
        return
    host, _, port_text = target.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        raise _unreachable(address, "expected HOST:PORT") from None
    try:
        with socket.create_connection((host.strip("[]"), port), timeout=timeout):
            pass
    except TimeoutError:
        raise _unreachable(address, f"no answer within {timeout:g} s") from None
    except OSError as err:
        raise _unreachable(address, f"cannot connect ({err.strerror or err})") from None


def init_ray(ray: Any, address: str | None, options: dict[str, Any], timeout: float | None) -> None:
    """`ray.init`: start a local cluster (address None), or join `address` within `timeout`
    seconds (connect_timeout) and raise BackendUnavailable when it does not answer in time."""
    if address is None:
        # "local" always starts a new cluster, even if one is already running here.
        ray.init(address="local", **options)
        return
    limit = connect_timeout(timeout)
    started = time.monotonic()
    _probe(address, limit)
    outcome: dict[str, BaseException] = {}

    def connect() -> None:
        try:
            ray.init(address=address, **options)
        except BaseException as err:  # handed to the caller's thread
            outcome["error"] = err

    # Ray's own wait cannot be bounded: it waits in a thread that is left behind when time is up.
    thread = threading.Thread(target=connect, name="credsim-ray-connect", daemon=True)
    thread.start()
    thread.join(max(0.0, limit - (time.monotonic() - started)))
    if thread.is_alive():
        raise _unreachable(
            address,
            f"no Ray cluster answered within {limit:g} s (wait longer with --connect-timeout "
            f"SECONDS or {TIMEOUT_ENV})",
        )
    if "error" in outcome:
        raise outcome["error"]


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
        self,
        address: str | None = None,
        workers: int | None = None,
        threads: int | None = None,
        timeout: float | None = None,
    ) -> None:
        self.address = address
        self.workers = workers
        self.threads = threads
        self.timeout = connect_timeout(timeout)
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
            init_ray(ray, self.address, options, self.timeout)
        except BackendUnavailable:
            raise
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
