"""The day loop: five phases in a fixed order, written once, and the plan that prints it.

`Simulation`, in the order a run uses it:

- set-up: `__init__` (the plug-ins sorted by phase), `schedule` (a scenario's timeline),
  `compare_with` (the but-for counterfactual: beside, ahead or alongside), `poison_truth`;
- `initialise`: the population built, each plug-in given its world (policies and consequences a
  sealed one), then whole-population sums; a shard's go through `partial_sums` and
  `whole_sums`, added up across shards by credsim.experiments.sharding;
- the days: `step` (act, observe, score, respond, measure; the counterfactual's day first when
  it is stepped beside) and `run` (every day, each logged);
- after the last day: `finish_twin` or `stop_twin`, `tally_end`, `let_go_of_twin`, and what
  run.json reports (`but_for_info`, `resident_bytes`, `event_labels`, `columns`)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from credsim.engine import stop
from credsim.engine.but_for import Beside, ButFor
from credsim.engine.but_for_ahead import Ahead
from credsim.engine.but_for_alongside import Alongside
from credsim.engine.day import Day
from credsim.engine.events import EventLog
from credsim.engine.notices import Notices
from credsim.engine.phases import PHASES, Part, Phase
from credsim.engine.plugin import (
    Adversary,
    Behavior,
    Consequence,
    Metric,
    Plugin,
    PluginParams,
    Policy,
    Population,
    Source,
)
from credsim.engine.poison import TruthPoison
from credsim.engine.regions import one_region
from credsim.engine.restraint import Restraints
from credsim.engine.scope import ScopedDay
from credsim.engine.sealed import RecordWorld
from credsim.engine.state import State
from credsim.engine.vital import apply_vital_events
from credsim.engine.world import Codebook, World

__all__ = ["ID_SHIFT", "PHASES", "Part", "Phase", "Simulation"]

ID_SHIFT = 40
"""Shard k numbers its acts and records from k << ID_SHIFT."""
TWIN = "twin:"
"""Prefix of the counterfactual's partial sums among a simulation's (`partial_sums`)."""


class Simulation:
    """A population and its plug-ins, run day by day."""

    def __init__(
        self,
        seed: int,
        days: int,
        population: Population,
        plugins: list[Plugin],
        codes: Codebook,
        part: Part | None = None,
        start: dt.date = dt.date(2020, 1, 1),
    ) -> None:
        """`part` makes this a shard that simulates only citizens [lo, hi) of the population."""
        self.seed, self.days, self.population, self.codes = seed, days, population, codes
        self.behaviors = [p for p in plugins if isinstance(p, Behavior | Adversary)]
        self.sources = [p for p in plugins if isinstance(p, Source)]
        self.policies = [p for p in plugins if isinstance(p, Policy)]
        self.consequences = [p for p in plugins if isinstance(p, Consequence)]
        self.metrics = [p for p in plugins if isinstance(p, Metric)]
        self.plugins = [population, *plugins]
        n = population.size()
        part = part if part is not None else Part(0, 0, n)
        self.part = part
        self.state = State(n, part.lo, part.hi)
        localities = population.localities()
        for plugin in self.plugins:
            self.state.declare(plugin.columns())
        scores = {}
        for p in self.policies:
            info = p.score_info()
            if p.scope is not None:
                info = replace(info, territory=tuple(p.scope.ranges()))
            if info.min_age > 0:
                info = replace(info, ages=self.state["age"])
            scores[p.name] = info
        self.world = World(
            seed=seed,
            days=days,
            n=self.state.n,
            people_per_agent=population.people_per_agent(),
            state=self.state,
            codes=codes,
            scores=scores,
            sanctions={
                c.name: info for c in self.consequences if (info := c.sanction_info()) is not None
            },
            lo=part.lo,
            hi=part.hi,
            start=start,
            localities=one_region(n) if localities is None else np.asarray(localities, np.int64),
        )
        self.world.restraints = self._restraints()
        # A shard numbers its events from its own base, so event ids stay unique across shards.
        self._next_act = self._next_record = part.index << ID_SHIFT
        self.sealed: list[RecordWorld] = []
        """The sealed worlds given to policies and consequences (their calendars count too)."""
        self.sealed_of: dict[str, RecordWorld] = {}
        """Each policy's and consequence's sealed world, by name."""
        self.phase_seconds = {phase.name: 0.0 for phase in PHASES}
        self._last = time.perf_counter()
        self._initialised = False
        self._sum_round = 0
        self._poison: TruthPoison | None = None
        self.twin: Simulation | None = None
        """The counterfactual without erroneous records, if the run computes it."""
        self.tallied = False
        """Whether the plug-ins have taken their end-of-run tallies (`tally_end`)."""
        self.switches: dict[int, list[tuple[Plugin, bool]]] = {}
        """Day -> plug-ins switched on (True) or off at its start (a scenario's timeline)."""
        self.retunes: dict[int, list[tuple[Plugin, PluginParams]]] = {}
        """Day -> plug-ins and the parameters they take at its start."""
        self.region_switches: dict[int, list[tuple[Plugin, np.ndarray, bool]]] = {}
        """Day -> plug-ins switched on (True) or off in some regions (a boolean array)."""
        self._but_for: ButFor | None = None

    def _restraints(self) -> Restraints | None:
        """The columns of citizens consequences hold (None when none does)."""
        columns = []
        for consequence in self.consequences:
            for restraint in consequence.restraints():
                kinds = None
                if restraint.acts:
                    kinds = np.zeros(256, bool)
                    kinds[[self.codes.code("act_kind", k) for k in restraint.acts]] = True
                columns.append((self.state[restraint.column], kinds))
        return Restraints(columns) if columns else None

    def compare_with(self, twin: Simulation | Ahead) -> None:
        """Count who is sanctioned here and not in `twin`, the same run without erroneous records
        (credsim.engine.but_for): a simulation the engine steps beside this one each day, or one
        already stepped through every day (credsim.engine.but_for_ahead.step_ahead)."""
        if isinstance(twin, Ahead):
            if self._initialised:
                raise RuntimeError("compare with a counterfactual before the run is initialised")
            self._but_for = twin
            self.phase_seconds["but_for"] = twin.seconds
            return
        self.twin = twin
        self.phase_seconds["but_for"] = 0.0

    @property
    def but_for(self) -> bool:
        """Whether the run computes its counterfactual (beside it or ahead of it)."""
        return self.twin is not None or self._but_for is not None

    def stepped_ahead(self) -> Ahead | None:
        """The answers of a counterfactual stepped through every day before this run, if any."""
        return self._but_for if isinstance(self._but_for, Ahead) else None

    def schedule(
        self,
        off: list[Plugin],
        switches: dict[int, list[tuple[Plugin, bool]]],
        retunes: dict[int, list[tuple[Plugin, PluginParams]]] | None = None,
        region_switches: dict[int, list[tuple[Plugin, np.ndarray, bool]]] | None = None,
    ) -> None:
        """Plug-ins off from day 0, the days on which plug-ins are switched on or off (everywhere,
        or in some regions), and the days on which plug-ins take new parameters (a scenario's
        timeline)."""
        for plugin in off:
            plugin.active = False
        self.switches = switches
        self.retunes = retunes or {}
        self.region_switches = region_switches or {}

    def poison_truth(self, seed: int) -> None:
        """Overwrite the truth with noise while policies and consequences run (a check that they
        read records only: see credsim.engine.poison)."""
        self._poison = TruthPoison(seed)

    def plan(self) -> list[tuple[Phase, list[Plugin]]]:
        """Each phase with the plug-ins that run in it, in order."""
        by_phase = {
            "act": self.behaviors,
            "observe": self.sources,
            "score": self.policies,
            "respond": self.consequences,
            "measure": self.metrics,
        }
        return [(phase, list(by_phase[phase.name])) for phase in PHASES]

    def initialise(self, reduce: bool = True) -> None:
        """Build the population, then give every plug-in its view of the world, then hand the
        plug-ins their whole-population sums, in as many rounds as they take. A shard passes
        `reduce=False` and has its partial sums combined with the other shards' (`whole_sums`)."""
        if self._initialised:
            return
        self.population.build(self.world)
        self.world.alive = self.population.alive(self.world)
        self.world.traits = self.population.traits(self.world)
        self.world.graph = self.population.graph()
        for plugin in self.plugins[1:]:
            if isinstance(plugin, Policy | Consequence):
                sealed = RecordWorld.sealed_for(self.world, plugin.name, plugin.needs())
                plugin.init(sealed)
                self.sealed.append(sealed)
                self.sealed_of[plugin.name] = sealed
                self.world.services.update(sealed.offered)
            else:
                plugin.init(self.world)
        self.world.notices = Notices(self.world)
        if self.twin is not None:
            self.twin.initialise(reduce=False)  # its sums travel with this simulation's
            self._but_for = Beside(self.twin.world)
        if self._but_for is not None:
            for metric in self.metrics:
                metric.compare_with(self._but_for)
        self._initialised = True
        if reduce:
            while self.whole_sums([self.partial_sums()]):
                pass

    def _summing(self) -> list[Plugin]:
        """The plug-ins that take sums in this round."""
        return [p for p in self.plugins if p.sum_rounds > self._sum_round]

    def partial_sums(self) -> dict[str, dict[str, int]]:
        """Each plug-in's sums over this process's citizens, for this round of sums, by kind and
        name (a behaviour and a metric may share a name); the counterfactual's under `TWIN`."""
        out = {f"{p.kind}.{p.name}": p.partial_sums() for p in self._summing()}
        if self.twin is not None and self.twin._summing():
            out |= {TWIN + key: sums for key, sums in self.twin.partial_sums().items()}
        return out

    def whole_sums(self, parts: list[dict[str, dict[str, int]]]) -> bool:
        """Add up every shard's partial sums of this round (in shard order) and hand them to the
        plug-ins, with the sums of the shards before this one; True if another round follows
        (`Plugin.sum_rounds`: call `partial_sums` again and hand every shard's back here)."""
        for plugin in self._summing():
            sums: dict[str, int] = {}
            earlier: dict[str, int] = {}
            for index, part in enumerate(parts):
                for key, value in part[f"{plugin.kind}.{plugin.name}"].items():
                    sums[key] = sums.get(key, 0) + value
                    earlier[key] = earlier.get(key, 0) + (value if index < self.part.index else 0)
            plugin.earlier_sums(earlier)
            plugin.whole_sums(sums)
        self._sum_round += 1
        more = any(p.sum_rounds > self._sum_round for p in self.plugins)
        if self.twin is not None and self.twin._summing():
            twins = [
                {k[len(TWIN) :]: v for k, v in part.items() if k.startswith(TWIN)} for part in parts
            ]
            more |= self.twin.whole_sums(twins)
        return more

    def step(self, day: int) -> Day:
        """One day: act -> observe -> score -> respond -> measure."""
        clock = self._clock
        self._last = time.perf_counter()  # what came between two days is no phase's
        if isinstance(self._but_for, Beside) and self.twin is not None:
            # Metrics read the counterfactual's sanctions and the records they name, nothing else.
            self._but_for.day = self.twin.step(day).kept("sanctions", "records")
            assert self.twin.world.notices is not None
            self.twin.world.notices.settle()  # nothing reads the counterfactual's notices table
            clock("but_for")
        elif isinstance(self._but_for, Ahead):
            self._but_for.advance(day)
            clock("but_for")  # (alongside: the time waited for it)
        for plugin, on in self.switches.get(day, ()):
            plugin.active = on
        for plugin, params in self.retunes.get(day, ()):
            plugin.retune(params)
        for plugin, regions, on in self.region_switches.get(day, ()):
            assert plugin.scope is not None
            plugin.scope.switch(regions, on)
        d = Day(day)
        if self.world.alive is not None:
            apply_vital_events(self, d)
        for b in self.behaviors:
            if b.active:
                b.act(d)
        if self.world.alive is not None:
            d.acts.keep(self.world.alive(d.acts.open_column("actor")))
        self._next_act = d.acts.assign_ids("act_id", self._next_act)
        clock("act")
        for s in self.sources:
            if s.active:
                s.observe(d if s.scope is None else ScopedDay(d, s.scope))
        self._next_record = d.records.assign_ids("record_id", self._next_record)
        clock("observe")
        public = d.public()
        if self._poison is not None:
            self._poison.hide(self.state, d)
        for p in self.policies:
            if p.active:
                p.score(public if p.scope is None else public.within(p.scope))
        d.score_changes.freeze()
        clock("score")
        for c in self.consequences:
            if c.active:
                c.respond(public if c.scope is None else public.within(c.scope))
        d.sanctions.freeze()
        if self._poison is not None:
            self._poison.restore()
        notices = self.world.notices
        assert notices is not None
        pending = d.notices = notices.pending(d)  # built when first read
        clock("respond")
        for m in self.metrics:
            m.measure(d)
        clock("measure")
        notices.close(pending)
        records = d.records
        self.world.yesterday_records = {
            "record_id": records["record_id"],
            "attributed_to": records["attributed_to"],
            "kind": records["kind"],
        }
        self.world.records_written += d.records["record_id"].shape[0]
        return d

    def _clock(self, phase: str) -> None:
        """Charge the time since the last call to `phase` (for run.json's phase_seconds)."""
        now = time.perf_counter()
        self.phase_seconds[phase] += now - self._last
        self._last = now

    def run(
        self,
        log: EventLog | None = None,
        on_day: Callable[[int], None] | None = None,
        start: int = 0,
    ) -> None:
        """Days `start`.. of the run (all by default), each logged and reported to `on_day`.

        A resumed run (see credsim.experiments.checkpoint) starts after its checkpoint's day."""
        self.initialise()
        if log is not None:
            self.phase_seconds.setdefault("events", 0.0)
        for day in range(start, self.days):
            d = self.step(day)
            stop.honour()
            if log is not None:
                log.add_day(day, d.batches())
                self._clock("events")  # writing the event log
            if on_day is not None:
                on_day(day)
            del d  # yesterday's tables are not held through today
        if log is not None:
            log.flush(self.days - 1)

    def but_for_info(self) -> dict | None:
        """How the counterfactual was stepped (run.json): beside the run, ahead of it, or
        alongside it in a second process, and the seconds its own days took (beside: within
        the run's)."""
        if isinstance(self._but_for, Alongside):
            return {"stepped": "alongside", "seconds": round(self._but_for.seconds, 3)}
        if isinstance(self._but_for, Ahead):
            return {"stepped": "ahead", "seconds": round(self._but_for.seconds, 3)}
        if self.twin is not None:
            return {"stepped": "beside", "seconds": round(self.phase_seconds["but_for"], 3)}
        return None

    def finish_twin(self) -> int:
        """After the last day: let a counterfactual stepping in a second process end; the
        bytes its process took at its peak (0 for one stepped here)."""
        if isinstance(self._but_for, Alongside):
            self._but_for.finish()
            return self._but_for.twin_peak_bytes
        return 0

    def stop_twin(self) -> None:
        """End a counterfactual's second process at once (the run stopped before its end)."""
        if isinstance(self._but_for, Alongside):
            self._but_for.close(stop=True)

    def tally_end(self) -> None:
        """After the last day: every plug-in computes from this process's citizens what its
        summary reads at the end (`Plugin.tally_end`), so that the head of a sharded run needs
        no citizen's state."""
        for plugin in self.plugins:
            plugin.tally_end()
        self.tallied = True

    def let_go_of_twin(self) -> None:
        """After `tally_end`, drop the counterfactual (a shard, before it hands its simulation to
        the head): the metrics keep their tallies and that it was computed, nothing of its state."""
        if self._but_for is not None:
            self._but_for.let_go()
        self.twin = None

    def columns(self) -> dict[str, np.ndarray]:
        """Every state column by name, the counterfactual's under `TWIN` (a shard's checkpoint
        saves and names them all)."""
        out = {name: self.state[name] for name in self.state}
        if self.twin is not None:
            out |= {TWIN + name: self.twin.state[name] for name in self.twin.state}
        return out

    def resident_bytes(self) -> int:
        """State columns plus the peak of every calendar, with the counterfactual's beside it;
        stepped ahead, the larger of the two and what is kept of the counterfactual."""
        calendars = [*self.world.calendars, *(c for w in self.sealed for c in w.calendars)]
        own = self.state.nbytes + sum(c.peak_bytes for c in calendars)
        if isinstance(self._but_for, Alongside):  # held together, in two processes
            return own + self._but_for.twin_bytes + self._but_for.nbytes()
        if isinstance(self._but_for, Ahead):  # the two were not held together
            return max(own, self._but_for.twin_bytes) + self._but_for.nbytes()
        return own + (self.twin.resident_bytes() if self.twin is not None else 0)

    def event_labels(self) -> dict[tuple[str, str], list[str]]:
        """Names of the codes written in each event table."""
        c = self.codes
        return {
            ("acts", "kind"): c.names("act_kind"),
            ("records", "kind"): c.names("record_kind"),
            ("records", "source"): c.names("source"),
            ("score_changes", "policy"): c.names("policy"),
            ("score_changes", "rule"): c.names("rule"),
            ("sanctions", "consequence"): c.names("consequence"),
            ("sanctions", "action"): c.names("action"),
            ("sanctions", "agency"): c.names("agency"),
            ("notices", "notice"): c.names("notice"),
            ("notices", "about"): c.names("notice_about"),
        }
