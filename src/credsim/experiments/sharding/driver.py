"""Running shards in lockstep: in this process (`local`) or as long-lived Ray actors (`ray`).

Each day every shard steps its own provinces; what crosses shards is only the whole run's count of
records so far (which a data breach copies). Friendship, work and family ties never cross a
province, so no boundary state of the graph needs to travel. Before the first day the shards'
partial sums (a score's population mean) are added up once; after the last, the shards'
simulations are merged (credsim.experiments.sharding.merge) and written like any run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from credsim.engine.regions import one_region
from credsim.errors import UserError, did_you_mean
from credsim.experiments.backends.base import BackendUnavailable
from credsim.experiments.sharding.merge import gather_columns, merge_shards
from credsim.experiments.sharding.shard import Shard, load_shard
from credsim.experiments.sharding.split import split
from credsim.results import Results, RunDirectory
from credsim.scenario import Scenario

__all__ = ["SHARD_BACKENDS", "run_sharded"]

SHARD_BACKENDS = ("local", "ray")


class _Merged:
    """What `write_results` reads of an event log: the rows every shard wrote."""

    def __init__(self, rows: list[dict[str, int]]) -> None:
        self.rows_written: dict[str, int] = {}
        for part in rows:
            for table, count in part.items():
                self.rows_written[table] = self.rows_written.get(table, 0) + count


class _Local:
    """Shards as objects in this process, called one after another."""

    def __init__(self, shards: list[Shard]) -> None:
        self.shards = shards

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        return [getattr(s, method)(*a) for s, a in zip(self.shards, args, strict=True)]

    def call_one(self, index: int, method: str) -> Any:
        return getattr(self.shards[index], method)()

    def close(self) -> None:
        pass


class _Ray:
    """Shards as Ray actors (one CPU each), called together; `close` shuts Ray down."""

    def __init__(self, inits: list[tuple], address: str | None, threads: int) -> None:
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
            ray.init(address=address or "local", **options)
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
        self.actors = [actor.remote(*init) for init in inits]

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        refs = [getattr(a, method).remote(*x) for a, x in zip(self.actors, args, strict=True)]
        return self.ray.get(refs)

    def call_one(self, index: int, method: str) -> Any:
        return self.ray.get(getattr(self.actors[index], method).remote())

    def close(self) -> None:
        self.ray.shutdown()


def run_sharded(
    scenario: Scenario,
    out: Path,
    shards: int,
    backend: str = "local",
    address: str | None = None,
    threads: int = 1,
    on_day: Callable[[int], None] | None = None,
) -> Results:
    """Run `scenario` split by province into `shards` shards; the run directory holds the same
    summary as a single-process run's (events are written per shard, ids numbered per shard)."""
    from credsim.runner import write_results

    if backend not in SHARD_BACKENDS:
        did = did_you_mean(backend, SHARD_BACKENDS, sentence=True)
        raise UserError(
            f"--backend {backend}: unknown backend.{did} Shards run on "
            f"{' or '.join(SHARD_BACKENDS)}."
        )
    if address is not None and backend != "ray":
        raise UserError(f"--address {address}: only the ray backend joins a cluster.")
    started = time.perf_counter()
    pop_name, pop_cls, pop_params = scenario.population
    population = pop_cls(pop_name, pop_params)  # its provinces, without building anyone
    regions = population.regions()
    parts = split(one_region(population.size()) if regions is None else regions, shards)
    with RunDirectory(Path(out)) as rundir:
        root = str(rundir.path) if scenario.model.output.events != "none" else None
        inits = [(scenario, part, root, threads) for part in parts]
        group = (
            _Ray(inits, address, threads)
            if backend == "ray"
            else _Local([Shard(*init) for init in inits])
        )
        try:
            partials = group.call("initialise", [()] * len(parts))
            group.call("whole_sums", [(partials,)] * len(parts))
            loop_started = time.perf_counter()
            written = 0
            for day in range(scenario.model.days):
                written += sum(group.call("step", [(day, written)] * len(parts)))
                if on_day is not None:
                    on_day(day)
            loop_seconds = time.perf_counter() - loop_started
            stats = group.call("stats", [()] * len(parts))
            merging = time.perf_counter()
            columns: dict[str, np.ndarray] = {}
            finished = []
            for part in parts:  # one at a time: only one shard's range is ever in flight
                own, blob = group.call_one(part.index, "finish")
                gather_columns(columns, parts[-1].hi, part.lo, own)
                del own
                finished.append(load_shard(blob, columns))
        finally:
            group.close()
        sim = merge_shards([f[0] for f in finished], written)
        merge_seconds = time.perf_counter() - merging
        extra = {
            "backend": backend,
            "address": address,
            "shards": [
                {"index": p.index, "lo": p.lo, "hi": p.hi, **stat}
                for p, stat in zip(parts, stats, strict=True)
            ],
            "threads_per_shard": threads,
            "merge_seconds": round(merge_seconds, 3),
        }
        log = _Merged([f[1] for f in finished])
        write_results(rundir, scenario, sim, log, started, loop_seconds, extra)
    return Results(out)
