"""The Backend protocol every execution backend follows, and the factory the CLI uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar, runtime_checkable

from credsim.errors import UserError, did_you_mean

__all__ = ["BACKENDS", "Backend", "BackendUnavailable", "make_backend"]

T = TypeVar("T")
R = TypeVar("R")

BACKENDS = ("local", "ray")


class BackendUnavailable(UserError):
    """A backend that cannot start here: its package is missing, or its cluster cannot be
    started or reached."""


@runtime_checkable
class Backend(Protocol):
    """Runs a function over items somewhere; a context manager that owns its workers.

    `map_unordered(fn, items)` yields `(item, fn(item))` pairs as they finish, in any order; an
    exception raised by `fn` is raised again from the iterator. `fn` must be a picklable,
    module-level function, and it and its items must not depend on the backend.
    """

    name: str

    def __enter__(self) -> Backend: ...

    def __exit__(self, exc_type, exc, tb) -> None: ...

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]: ...

    def describe(self) -> dict[str, Any]: ...


def make_backend(
    name: str,
    *,
    workers: int | None = None,
    address: str | None = None,
    threads: int | None = None,
    timeout: float | None = None,
) -> Backend:
    """The backend a user named (`--backend`, `--workers`, `--address`, `--threads`,
    `--connect-timeout`)."""
    if workers is not None and workers < 1:
        raise UserError(f"--workers {workers}: give at least 1 worker.")
    if threads is not None and threads < 1:
        raise UserError(f"--threads {threads}: give at least 1 thread per run.")
    if name == "local":
        if address is not None:
            raise UserError(
                f"--address {address}: only the ray backend joins a cluster; add --backend ray."
            )
        from credsim.experiments.backends.local import LocalBackend

        return LocalBackend(workers=workers, threads=threads)
    if name == "ray":
        from credsim.experiments.backends.ray import RayBackend

        return RayBackend(address=address, workers=workers, threads=threads, timeout=timeout)
    did = did_you_mean(name, BACKENDS, sentence=True)
    raise UserError(f"--backend {name}: unknown backend.{did} Backends: {', '.join(BACKENDS)}.")
