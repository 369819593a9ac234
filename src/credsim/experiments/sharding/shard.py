"""One shard of a sharded run: the simulation of a range of whole localities and its event log."""

from __future__ import annotations

import io
import pickle
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np

from credsim.engine import EventLog, Simulation
from credsim.engine.but_for_ahead import Ahead, AheadSteps, step_ahead
from credsim.engine.phases import Part
from credsim.engine.release import give_back_memory
from credsim.engine.state import State
from credsim.experiments.sharding.merge import gather_columns
from credsim.experiments.sharding.shard_files import sees, write_own
from credsim.scenario import Scenario

__all__ = ["CITIZEN_PARTS", "Shard", "load_shard"]

CITIZEN_PARTS = "citizens.parts"
"""The folder of the run directory where shards write their parts of the citizens table (joined
into citizens.parquet, then removed, by the head)."""
ROW_GROUP = 1 << 17
"""Rows per row group of a part: what the head holds at a time while joining them."""


class Shard:
    """Builds and steps the simulation of `part`, writing its events under `root/events` with
    file names that start `shard-K-`. Long-lived: a Ray actor holds one for the whole run."""

    def __init__(self, scenario: Scenario, part: Part, root: str | None, threads: int = 0) -> None:
        self.base_rss_bytes = _rss_now()
        if threads:
            import numba

            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        self.part, self.scenario, self.root = part, scenario, root
        self.sim: Simulation
        self.log: EventLog | None = None
        self.step_seconds = 0.0
        self.twin: Simulation | None = None
        self.ahead: Ahead | None = None
        self.steps: AheadSteps | None = None
        """The counterfactual stepping a span of days at a time (a checkpointed run's)."""
        self.kept: list = []
        self.twin_step_seconds = 0.0

    def initialise_twin(self) -> dict[str, dict[str, int]]:
        """Build the counterfactual of the shard's citizens alone, to be stepped through every
        day before the shard's own simulation is built (`step_twin`); return its first round
        of partial sums (its sums are the whole run's counterfactual's, as the shard's own
        are the whole run's)."""
        from credsim.runner import build_simulation

        self.twin = build_simulation(self.scenario.without_errors(), self.part)
        self.twin.initialise(reduce=False)
        return self.twin.partial_sums()

    def twin_sums(self, parts: list[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]] | None:
        """`whole_sums` for the counterfactual built by `initialise_twin`."""
        assert self.twin is not None
        return self.twin.partial_sums() if self.twin.whole_sums(parts) else None

    def step_twin(self) -> float:
        """Step the counterfactual through every day, keep what the metrics ask of it, and let
        go of its state before the shard's own is made (credsim.engine.but_for_ahead): the two
        are never in memory together. Its seconds."""
        assert self.twin is not None
        self.ahead = step_ahead(self.twin)
        self.twin = None
        give_back_memory(held=self.ahead.twin_bytes)
        return self.ahead.seconds

    def start_twin_steps(self) -> None:
        """Step the counterfactual built by `initialise_twin` a span of days at a time instead
        (`step_twin_days`): a checkpointed run saves it between spans (`checkpoint_twin`)."""
        assert self.twin is not None
        self.steps, self.kept, self.twin = AheadSteps(self.twin), [], None

    def step_twin_days(self, first: int, stop: int) -> None:
        """Step the counterfactual through days first..stop-1, keeping what the metrics ask."""
        assert self.steps is not None
        started = time.perf_counter()
        for day in range(first, stop):
            self.kept.append(self.steps.day(day))
        self.twin_step_seconds += time.perf_counter() - started

    def checkpoint_twin(self, day: int) -> tuple[dict[str, np.ndarray], bytes, dict]:
        """`checkpoint` for the counterfactual stepping first, after its day `day`: its own
        range of every state column, and the rest (what was kept of its days) encoded."""
        assert self.steps is not None
        return self._pack(self.steps.twin, (self.steps, self.kept, self.twin_step_seconds))

    def restore_twin(self, own: dict[str, np.ndarray], text: bytes, arrays: dict) -> None:
        """Take up the counterfactual where `checkpoint_twin` left it."""
        self.steps, self.kept, self.twin_step_seconds = self._unpack(own, text, arrays)

    def end_twin(self) -> None:
        """After the counterfactual's last day: keep its answers, let go of its state before
        the shard's own is made (`initialise`)."""
        assert self.steps is not None
        perks, held = self.steps.end()
        s = self.steps
        self.ahead = Ahead(s.codes, s.lo, s.start, self.kept, perks, self.twin_step_seconds, held)
        self.steps, self.kept = None, []
        give_back_memory(held=held)

    def initialise(self) -> dict[str, dict[str, int]]:
        """Build the shard's citizens and plug-ins (with the answers of the counterfactual
        `step_twin` or `end_twin` kept, if any); return the first round's partial sums."""
        from credsim.runner import build_simulation, event_log

        self.sim = build_simulation(self.scenario, self.part, stepped=self.ahead)
        self.sim.initialise(reduce=False)
        events = self.scenario.model.output.events != "none"
        if self.root is not None and events:  # after the plug-ins have named their event codes
            prefix = f"shard-{self.part.index}-"
            self.log = event_log(self.scenario, self.sim, Path(self.root), prefix=prefix)
        return self.sim.partial_sums()

    def whole_sums(
        self, parts: list[dict[str, dict[str, int]]]
    ) -> dict[str, dict[str, int]] | None:
        """Every shard's partial sums, in shard order; return the next round's partial sums, or
        None when the plug-ins need no more (`Plugin.sum_rounds`)."""
        return self.sim.partial_sums() if self.sim.whole_sums(parts) else None

    def step(self, day: int, records_written: int) -> int:
        """One day; `records_written` is the whole run's count so far. Returns today's records."""
        started = time.perf_counter()
        self.sim.world.records_written = records_written
        d = self.sim.step(day)
        if self.log is not None:
            self.log.add_day(day, d.batches())
        self.step_seconds += time.perf_counter() - started
        return int(d.records["record_id"].shape[0])

    def stats(self) -> dict[str, float]:
        """What this shard cost: its citizens, seconds stepping, state bytes, and the memory of
        its process when the shard was created and at its peak (a Ray actor's own; shared by
        every shard of a `local` run). State bytes count the counterfactual's columns too (stepped
        beside) or what is kept of it (stepped first: `twin_seconds`)."""
        twin = self.sim.twin
        kept = self.ahead.nbytes() if self.ahead is not None else 0
        return {
            "citizens": self.part.hi - self.part.lo,
            "step_seconds": round(self.step_seconds, 3),
            "twin_seconds": round(self.ahead.seconds, 3) if self.ahead is not None else None,
            "state_bytes": self.sim.state.nbytes + (twin.state.nbytes if twin else 0) + kept,
            "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "base_rss_bytes": self.base_rss_bytes,
        }

    def finish(self) -> tuple[dict[str, str], bytes, str | None]:
        """Flush the event log, take the plug-ins' end-of-run tallies (`Plugin.tally_end`) and
        write this shard's part of the citizens table into the run directory; hand back the
        dtype of every state column, the simulation and rows written pickled with the columns
        left out (see `load_shard`), and the path of the part (None: no citizens table). No
        citizen's state travels: the head merges tallies only."""
        rows: dict[str, int] = {}
        if self.log is not None:
            self.log.flush(self.sim.days - 1)
            rows = self.log.rows_written
        self.sim.tally_end()
        part = None
        if self.root is not None and self.scenario.model.output.citizens == "all":
            from credsim.run_files import write_citizens_of

            folder = Path(self.root) / CITIZEN_PARTS
            folder.mkdir(exist_ok=True)
            path = folder / f"shard-{self.part.index}.parquet"
            temporary = path.with_name(f".{path.name}.tmp")
            write_citizens_of(self.sim, temporary, ROW_GROUP)
            temporary.replace(path)
            part = str(path)
        self.sim.let_go_of_twin()  # its harms are tallied; none of its state travels
        state = self.sim.state
        dtypes = {name: state[name].dtype.str for name in state}
        buffer = io.BytesIO()
        _ColumnPickler(buffer, state).dump((self.sim, rows))
        return dtypes, buffer.getvalue(), part

    def checkpoint(self, day: int) -> tuple[dict[str, np.ndarray], bytes, dict[str, np.ndarray]]:
        """Flush the event log up to `day`; hand back what `restore` needs to go on after it:
        the own range of every state column, and the rest encoded as checkpoint data (JSON and
        arrays, no pickle) with the columns named, not copied (the answers of a counterfactual
        stepped first travel in it)."""
        if self.log is not None:
            self.log.flush(day)
        return self._pack(self.sim, (self.sim, self.log, self.step_seconds))

    def save_checkpoint(
        self, day: int, twin: bool, file: str, token: tuple[str, str]
    ) -> dict[str, Any] | None:
        """Write this shard's checkpoint file (`checkpoint_twin`'s, or `checkpoint`'s, at
        `day`) itself, if its process sees the folder of `file` as the driver does (`token`);
        its manifest entry, or None (the driver then takes the state and writes the file)."""
        target = Path(file)
        if not sees(target.parent, token):
            return None
        own, text, arrays = (self.checkpoint_twin if twin else self.checkpoint)(day)
        return write_own(target, text, own, arrays)

    def restore(self, own: dict[str, np.ndarray], text: bytes, arrays: dict) -> None:
        """Take up the shard where `checkpoint` left it (instead of `initialise`)."""
        self.sim, self.log, self.step_seconds = self._unpack(own, text, arrays)
        self.ahead = self.sim.stepped_ahead()
        if self.log is not None and self.root is not None:
            self.log.root = Path(self.root) / "events"

    def _pack(self, sim: Simulation, what: tuple) -> tuple[dict[str, np.ndarray], bytes, dict]:
        """`sim`'s own range of every state column, and `what` encoded with them named."""
        from credsim.experiments.checkpoint_format import encode

        columns, lo, hi = sim.columns(), self.part.lo, self.part.hi
        own = {name: np.ascontiguousarray(column[lo:hi]) for name, column in columns.items()}
        names = {id(column): name for name, column in columns.items()}
        text, arrays = encode(what, names)
        return own, text, arrays

    def _unpack(self, own: dict[str, np.ndarray], text: bytes, arrays: dict) -> Any:
        """What `_pack` encoded, on columns that span every citizen of the run (zero pages
        outside the shard's own range)."""
        from credsim.experiments.checkpoint_format import decode
        from credsim.runner import population_of

        columns: dict[str, np.ndarray] = {}
        n = population_of(self.scenario).size()
        gather_columns(columns, n, self.part.lo, own)
        return decode(text, arrays, columns)


def _rss_now() -> int:
    """Resident memory of this process now (Linux; 0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    except OSError:
        return 0


class _ColumnPickler(pickle.Pickler):
    """Pickles a shard's simulation with each state column replaced by its name, so the columns
    (which span every citizen) never travel; shared references to them stay shared."""

    def __init__(self, file: io.BytesIO, state: State) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.names = {id(state[name]): name for name in state}

    def persistent_id(self, obj: object) -> str | None:
        if isinstance(obj, np.ndarray):
            return self.names.get(id(obj))
        return None


class _ColumnUnpickler(pickle.Unpickler):
    """Loads what `_ColumnPickler` wrote, with every column name resolved to `columns`."""

    def __init__(self, file: io.BytesIO, columns: dict[str, np.ndarray]) -> None:
        super().__init__(file)
        self.columns = columns

    def persistent_load(self, pid: object) -> np.ndarray:
        return self.columns[str(pid)]


def load_shard(blob: bytes, columns: dict[str, np.ndarray]) -> Any:
    """What a shard packed (`finish`: its simulation and rows written), its state columns being
    `columns` (at the merge, the whole run's, shared by every shard loaded)."""
    return _ColumnUnpickler(io.BytesIO(blob), columns).load()
