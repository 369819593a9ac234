"""Base classes for plug-ins, one per kind, each with a small set of named hooks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from credsim.engine.restraint import Restraint
from credsim.engine.scope import Scope
from credsim.engine.state import Column

if TYPE_CHECKING:
    from credsim.engine.but_for import ButFor
    from credsim.engine.day import Day, PublicDay
    from credsim.engine.traits import Trait
    from credsim.engine.world import SanctionInfo, ScoreInfo, World

_NONE = np.empty(0, np.int64)

__all__ = [
    "Adversary",
    "Behavior",
    "Consequence",
    "Metric",
    "Plugin",
    "PluginParams",
    "Policy",
    "Population",
    "Source",
]


class PluginParams(BaseModel):
    """A plug-in's parameters: frozen, typed, strict about unknown keys, every float finite
    (ranges and tables are checked with credsim.engine.checks)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Plugin:
    """Common hooks: declare columns, initialise with the world, finish the run."""

    kind: ClassVar[str] = ""
    Params: ClassVar[type[PluginParams]] = PluginParams
    singleton: ClassVar[bool] = False
    """At most one instance in a scenario: it keeps per-citizen columns, a service or figures
    under names of its own, which a second instance would collide with."""

    def __init__(self, name: str, params: PluginParams) -> None:
        self.name = name
        self.params = params
        self.active = True
        """Whether its daily hook runs: a scenario's timeline switches it (engine/loop.py)."""
        self.scope: Scope | None = None
        """The regions it works in (credsim.engine.scope); None: everywhere."""

    def in_scope(self, citizens: np.ndarray) -> np.ndarray:
        """Whether each citizen lives where this plug-in works today (all, unless limited)."""
        if self.scope is None:
            return np.ones(np.shape(citizens)[0], bool)
        return self.scope.contains(citizens)

    def columns(self) -> list[Column]:
        """Per-citizen columns this plug-in owns (the engine allocates them)."""
        return []

    def init(self, world: World) -> None:
        """Called once after every column is allocated and the population is built. Policies and
        consequences are given a sealed `RecordWorld` instead (credsim.engine.sealed)."""

    live: ClassVar[tuple[str, ...]] = ()
    """Parameters a scenario's timeline may change during a run: dotted paths, `*` standing for
    any one name (`records.*.share`). `configure` re-reads them."""

    def configure(self) -> None:
        """Re-derive what the plug-in keeps from its `live` parameters; called by `retune`."""

    def retune(self, params: PluginParams) -> None:
        """Take new parameters mid-run (a timeline's `set` or `ramp`): only `live` ones differ."""
        self.params = params
        self.configure()

    def needs(self) -> list[str]:
        """Services this plug-in reads (names other plug-ins `offer`). A policy or consequence is
        given only these, and only if each is public; `credsim run --plan` lists them."""
        return []

    sum_rounds: ClassVar[int] = 1
    """Rounds of `partial_sums` and `whole_sums` the plug-in takes before the first day. A round's
    partial sums may rest on the whole sums of the round before: the firms' register draws its
    owners from the whole population's owner weight, then numbers its firms after those of the
    shards before it (credsim.behavior.firms)."""

    def partial_sums(self) -> dict[str, int]:
        """Whole-number sums over this process's citizens that the plug-in needs over the whole
        population; they are added up (across shards, if any) and handed to `whole_sums` before the
        first day, once a round (`sum_rounds`). Whole numbers, so that the sum is the same for any
        shard layout and order of addition."""
        return {}

    def earlier_sums(self, sums: dict[str, int]) -> None:
        """The `partial_sums` of this round added up over the shards before this one (every key
        zero in a single process or the first shard): where a numbering that runs over the whole
        population starts in this shard. Called just before `whole_sums`."""

    def whole_sums(self, sums: dict[str, int]) -> None:
        """The `partial_sums` summed over every citizen of the run. Plug-ins are handed their sums
        in the order they are initialised, so a consequence's come after those of the behaviour
        whose service it reads."""

    def merge(self, parts: list[Plugin]) -> None:
        """Fold the same plug-in of the other shards of a sharded run into this one, so that its
        summary covers every citizen: a plug-in that keeps tallies of its own adds them here
        (those of `tally_end` included). Called on shard 0's plug-in with the others in shard
        order, on a head that holds no citizen's state."""

    def tally_end(self) -> None:
        """After the last day, in each process that holds citizens (a shard: its own,
        `world.lo`..`world.hi`): compute from the state what the summary reads at the end, as
        tallies `merge` adds up (whole numbers, so that any shard layout gives the same
        figures). `summary` must not read a state column itself."""

    def describe(self) -> str:
        """One line for `credsim run --plan`."""
        return (type(self).__doc__ or "").strip().splitlines()[0] if type(self).__doc__ else ""


class Population(Plugin):
    """Builds the synthetic citizens: trait columns and the labels of each trait."""

    kind = "population"

    def size(self) -> int:
        raise NotImplementedError

    def people_per_agent(self) -> int:
        return 1

    def build(self, world: World) -> None:
        """Fill the population's columns (called once, before any plug-in's `init`)."""
        raise NotImplementedError

    def traits(self, world: World) -> dict[str, Trait]:
        """Trait name -> decoder; metrics report every figure by each trait."""
        raise NotImplementedError

    def graph(self) -> object | None:
        """The social graph, if this population has one."""
        return None

    def regions(self) -> np.ndarray | None:
        """Starts of the named regions (provinces, cities), [0, ..., n], known before `build`;
        None for a single region. Plug-ins limited to regions read these."""
        return None

    def localities(self) -> np.ndarray | None:
        """Starts of the localities, [0, ..., n], known before `build`: the regions, or parts of
        them. The population must be built so that nothing ties citizens of two localities; every
        choice of another citizen stays inside one, and a sharded run cuts between them."""
        return self.regions()

    # Births and deaths (credsim.engine.vital); a population without them keeps these defaults.

    def alive(self, world: World) -> Callable[[np.ndarray], np.ndarray] | None:
        """Whether each citizen given is alive; None if every slot always holds one."""
        return None

    def movers(self, world: World, day: int) -> np.ndarray:
        """Citizens whose traits change at the start of `day` (before the change)."""
        return _NONE

    def dying(self, world: World, day: int) -> np.ndarray:
        """Who dies at the start of `day` (still alive when returned)."""
        return _NONE

    def bury(self, world: World, day: int, dead: np.ndarray) -> None:
        """Empty the slots of the dead."""

    def births(self, world: World, day: int) -> np.ndarray:
        """Slots that hold a newborn from `day` on (the population's columns already set)."""
        return _NONE


class Behavior(Plugin):
    """Phase 1: citizens do things (ground truth)."""

    kind = "behavior"

    def act(self, day: Day) -> None:
        raise NotImplementedError


class Adversary(Plugin):
    """Phase 1: institutional actors do things (score farms, lenders, brokers)."""

    kind = "adversary"

    def act(self, day: Day) -> None:
        raise NotImplementedError


class Source(Plugin):
    """Phase 2: sees some acts and writes records, with errors."""

    kind = "source"

    def observe(self, day: Day) -> None:
        raise NotImplementedError


class Policy(Plugin):
    """Phase 3: turns records into score changes, each with its record and rule."""

    kind = "policy"

    def score_info(self) -> ScoreInfo:
        """The score column this policy keeps, its bounds and grades."""
        raise NotImplementedError

    def base_scores(self, world: World, citizens: np.ndarray) -> np.ndarray:
        """Each citizen's score before any record."""
        raise NotImplementedError

    def score(self, day: PublicDay) -> None:
        raise NotImplementedError


class Consequence(Plugin):
    """Phase 4: listings, refusals, perks, appeals - from records and scores only."""

    kind = "consequence"

    def sanction_info(self) -> SanctionInfo | None:
        """The status column of a listing this consequence keeps, if it keeps one."""
        return None

    def restraints(self) -> list[Restraint]:
        """Columns of citizens this consequence holds, who do not act meanwhile (detention, a
        closed account: credsim.engine.restraint)."""
        return []

    def respond(self, day: PublicDay) -> None:
        raise NotImplementedError


class Metric(Plugin):
    """Phase 5: compares truth, records and status; never changes state."""

    kind = "metric"
    singleton = True  # its figures have fixed names in summary.json and the time series
    stock_columns: ClassVar[tuple[str, ...]] = ()
    """Prefixes of the time-series columns that are stocks (levels on a day, such as people on a
    list) rather than flows (counts per day): `by_year` takes a stock at the year's end."""

    def measure(self, day: Day) -> None:
        raise NotImplementedError

    def leave(self, citizens: np.ndarray) -> None:
        """These citizens are about to change group (ageing) or die: take them out of any
        per-group stock (credsim.engine.vital)."""

    def join(self, citizens: np.ndarray) -> None:
        """These citizens have changed group or were just born: put them into the stocks."""

    def compare_with(self, but_for: ButFor) -> None:
        """The run's counterfactual without erroneous records (credsim.engine.but_for), given
        after `init` when the run computes it; its `day` is today's by the time of `measure`."""

    def summary(self) -> dict:
        return {}

    def daily_totals(self) -> dict[str, np.ndarray]:
        """Headline flows not in the time series, as people per day over the whole population
        (one value per day of the run): `by_year` sums them by calendar year."""
        return {}

    def timeseries(self):  # -> pandas.DataFrame | None
        return None

    def review(self, summary: dict, flows: dict[str, np.ndarray]) -> dict:
        """Figures read off the whole run's headline figures, once every metric's `summary` and
        `by_year` are in: `flows` holds each whole-population flow per day of the run (people),
        from the time series and `daily_totals`. Merged into summary.json like `summary`."""
        return {}
