"""The shards of a run as one group to call: objects in this process, processes of this
machine (credsim.experiments.sharding.processes), or Ray actors."""

from __future__ import annotations

from typing import Any

from credsim.errors import UserError
from credsim.experiments.backends.base import BackendUnavailable
from credsim.experiments.sharding.shard import Shard

__all__ = ["LocalShards", "RayShards", "ShardGroup", "open_group"]


class ShardGroup:
    """Calls a method on every shard (`call`, in shard order) or on one (`call_one`)."""

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        raise NotImplementedError

    def call_one(self, index: int, method: str, *args: Any) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        """Let the shards go (and disconnect from Ray)."""


class LocalShards(ShardGroup):
    """Shards as objects in this process, called one after another, with `threads` Numba
    threads while they run (the process's own setting comes back on `close`)."""

    def __init__(self, inits: list[tuple], threads: int) -> None:
        import numba

        self._threads = numba.get_num_threads()
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        self.shards = [Shard(*init) for init in inits]

    def close(self) -> None:
        import numba

        numba.set_num_threads(self._threads)

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        return [getattr(s, method)(*a) for s, a in zip(self.shards, args, strict=True)]

    def call_one(self, index: int, method: str, *args: Any) -> Any:
        return getattr(self.shards[index], method)(*args)


class RayShards(ShardGroup):
    """Shards as long-lived Ray actors, spread over the cluster's nodes, called together."""

    def __init__(
        self, inits: list[tuple], address: str | None, threads: int, timeout: float | None = None
    ) -> None:
        from credsim.experiments.backends.ray import init_ray

        try:
            import ray
        except ImportError:
            raise BackendUnavailable(
                "--backend ray needs Ray, an optional extra: pip install 'credsim[ray]' "
                "(or use --backend local)."
            ) from None
        options: dict[str, Any] = {"log_to_driver": False, "logging_level": "ERROR"}
        if address is None:
            options |= {"num_cpus": len(inits) * threads, "include_dashboard": False}
        try:
            init_ray(ray, address, options, timeout)
        except BackendUnavailable:
            raise
        except (ConnectionError, RuntimeError, ValueError, OSError) as err:
            raise BackendUnavailable(f"could not start or join a Ray cluster: {err}") from None
        self.ray = ray
        cpus = int(ray.cluster_resources().get("CPU", 0))
        if cpus < len(inits) * threads:
            ray.shutdown()
            raise UserError(
                f"--shards {len(inits)}: the Ray cluster has {cpus} CPUs and each shard needs "
                f"{threads}; give at most {cpus // threads} shards or add nodes."
            )
        # SPREAD puts the actors on as many nodes as the cluster has: one province set each.
        actor = ray.remote(num_cpus=threads, max_restarts=0, scheduling_strategy="SPREAD")(Shard)
        self.actors = [actor.remote(*init, threads) for init in inits]

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        refs = [getattr(a, method).remote(*x) for a, x in zip(self.actors, args, strict=True)]
        return self.ray.get(refs)

    def call_one(self, index: int, method: str, *args: Any) -> Any:
        return self.ray.get(getattr(self.actors[index], method).remote(*args))

    def close(self) -> None:
        self.ray.shutdown()


def open_group(
    backend: str,
    inits: list[tuple],
    address: str | None,
    threads: int,
    timeout: float | None = None,
) -> ShardGroup:
    """The shards `inits` describe ((scenario, part, root) each), on `backend` ("local",
    "processes" or "ray"), with `threads` Numba threads each; `timeout` bounds joining a Ray
    cluster."""
    if backend == "ray":
        return RayShards(inits, address, threads, timeout)
    if backend == "processes":
        from credsim.experiments.sharding.processes import ProcessShards

        return ProcessShards(inits, threads)
    return LocalShards(inits, threads)
