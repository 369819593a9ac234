"""Firms and what they do: breach contracts, leave wages unpaid, withhold deposits, settle those
debts later or never, tender for public contracts and apply for loans.

The firm register (credsim.population.firms) is built once before the first day, from two rounds
of whole-population sums (`Plugin.sum_rounds`): the owner weight of every citizen, which sets each
one's chance of owning a firm, then the count of firms, which numbers a shard's firms after those
of the shards before it. A firm acts through its owner: every act names the owner as its actor,
who is also the registered legal representative unless the firm registered a relative in that
role (a nominal representative). Acts are events: each day, for each kind, the firms that act are
drawn by geometric skipping over the whole run's firm numbers (a shard walks only the blocks of
its own firms: cost grows with acts, not with firms) and thinned by size class and sector.
Whether and when a debt is settled is drawn when it arises and put on a calendar. Every draw is
keyed by the firm's number, so a shard draws exactly what a single process draws for its firms.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field, field_validator, model_validator

from credsim.engine import Behavior, Day, PluginParams, World
from credsim.engine.checks import Days, Multiplier, MultiplierTable, Probability, check_shares
from credsim.population.firms import (
    ENTERPRISES_2018,
    PEOPLE_2020,
    SECTORS,
    SIZE_CLASSES,
    FirmTable,
    build_firms,
    owner_weights,
)

__all__ = ["FIRM_ACTS", "FIRM_DEBTS", "FirmBehavior"]

FIRM_DEBTS = ("firm_contract_breach", "firm_wage_arrears", "firm_deposit_withheld")
"""Firm acts that leave a debt (to a counterparty, to workers, to a tenant or customer)."""
FIRM_ACTS = (*FIRM_DEBTS, "firm_bid", "firm_loan_application")
"""Act kinds a firm does at a daily rate (the settlement of a debt, `firm_debt_settled`, follows
from the debt)."""


def _labels(table: dict[str, float], labels: tuple[str, ...], what: str) -> dict[str, float]:
    for label in table:
        if label not in labels:
            raise ValueError(f"{what}: unknown label {label!r}; labels are {', '.join(labels)}")
    return table


class FirmAct(PluginParams):
    rate: Probability = Field(0.0, description="chance per micro firm per day (before factors)")
    by_size: dict[str, Multiplier] = Field(
        default_factory=dict, description="size class -> rate multiplier (micro = 1 unless set)"
    )
    by_sector: dict[str, Multiplier] = Field(
        default_factory=dict, description="sector -> rate multiplier (1 unless set)"
    )

    @field_validator("by_size")
    @classmethod
    def _sizes(cls, v: dict[str, float]) -> dict[str, float]:
        return _labels(v, SIZE_CLASSES, "by_size")

    @field_validator("by_sector")
    @classmethod
    def _sectors(cls, v: dict[str, float]) -> dict[str, float]:
        return _labels(v, SECTORS, "by_sector")

    @model_validator(mode="after")
    def _within_one(self) -> FirmAct:
        if self.rate * self.top() > 1:
            raise ValueError(
                f"rate {self.rate} times the largest size and sector multipliers "
                f"({self.top():g}) exceeds 1 a day"
            )
        return self

    def factors(self) -> tuple[np.ndarray, np.ndarray]:
        """Multipliers by size class code and by sector code."""
        size = np.array([self.by_size.get(s, 1.0) for s in SIZE_CLASSES])
        sector = np.array([self.by_sector.get(s, 1.0) for s in SECTORS])
        return size, sector

    def top(self) -> float:
        size, sector = self.factors()
        return float(max(size.max(), 1.0) * max(sector.max(), 1.0))


class Settlement(PluginParams):
    share: Probability = Field(
        0.5,
        description="share of firm debts ever settled (assumption, range 0.3-0.8; 3.51M of "
        "13.49M listed debtors had paid up by 2018-19, facts)",
    )
    mean_days: Days = Field(180.0, description="mean days from debt to settlement (assumption)")


def _default_acts() -> dict[str, FirmAct]:
    # Assumptions (no published rate per firm, nor a count of firms on the lists, was found): a
    # micro firm is sued to judgment for a breach at 0.7% a year (a large one eight times as
    # often), found owing wages at 0.2% a year (construction five times, manufacturing twice as
    # often) and found withholding a deposit at 0.4% a year (other services twice as often);
    # with half the debts settled this keeps a few percent of firms on the list. Tenders about
    # once a year and loan applications once in two years for a micro firm, more for larger ones.
    return {
        "firm_contract_breach": FirmAct(rate=2e-5, by_size={"small": 2, "medium": 4, "large": 8}),
        "firm_wage_arrears": FirmAct(rate=5e-6, by_sector={"construction": 5, "manufacturing": 2}),
        "firm_deposit_withheld": FirmAct(rate=1e-5, by_sector={"other": 2, "trade": 1.5}),
        "firm_bid": FirmAct(rate=2.7e-3, by_size={"small": 3, "medium": 10, "large": 20}),
        "firm_loan_application": FirmAct(
            rate=1.4e-3, by_size={"small": 2, "medium": 4, "large": 8}
        ),
    }


class FirmParams(PluginParams):
    firms_per_person: float = Field(
        ENTERPRISES_2018 / PEOPLE_2020,
        ge=0,
        le=1,
        description="firms per person: 18.57M corporate enterprises at the end of 2018 (Fourth "
        "National Economic Census, NBS) over the 2020 census population",
    )
    owner_ages: tuple[int, int] = Field(
        (22, 69), description="ages of citizens who may own a firm (assumption)"
    )
    owner_by_trait: MultiplierTable = Field(
        default_factory=dict,
        description="trait -> label -> chance multiplier of owning a firm (e.g. income = "
        "{ q5 = 2.5 }); none by default",
    )
    size_shares: dict[str, float] = Field(
        default_factory=lambda: {
            "micro": 0.853,
            "small": 0.132,
            "medium": 0.013,
            "large": 0.002,
        },
        description="shares of firms by size class: small and medium-sized firms (SMEs) are 99.8% "
        "of sized enterprises (Fourth Economic Census, via Workers' Daily 2022-09-01), about "
        "2.4M small and 15.6M micro (census, secondary); medium and large split the rest "
        "(assumption)",
    )
    sector_shares: dict[str, float] = Field(
        default_factory=lambda: {
            "trade": 0.298,
            "manufacturing": 0.150,
            "business_services": 0.117,
            "construction": 0.06,
            "other": 0.375,
        },
        description="shares by sector: wholesale and retail 29.8%, manufacturing 15.0%, leasing "
        "and business services 11.7% of legal entities (census Communique No. 2); construction "
        "6% is an assumption (range 4-8%); the rest is other",
    )
    nominal_share: Probability = Field(
        0.1,
        description="firms whose registered legal representative is a relative of the owner, "
        "not the owner (a nominal representative; assumption, range 0-0.3)",
    )
    adult_age: int = Field(18, ge=0, le=100, description="a nominal representative is an adult")
    acts: dict[str, FirmAct] = Field(default_factory=_default_acts)
    settlement: Settlement = Field(default_factory=Settlement)
    history_days: int = Field(
        0,
        ge=0,
        le=36500,
        description="debts of the years before the run, dated in the past, so that the lists "
        "start with their stock",
    )

    @field_validator("acts")
    @classmethod
    def _kinds(cls, v: dict[str, FirmAct]) -> dict[str, FirmAct]:
        for kind in v:
            if kind not in FIRM_ACTS:
                raise ValueError(f"acts: unknown firm act {kind!r}; firm acts are {FIRM_ACTS}")
        return v

    @field_validator("size_shares")
    @classmethod
    def _sizes(cls, v: dict[str, float]) -> dict[str, float]:
        check_shares(_labels(v, SIZE_CLASSES, "size_shares"), "size_shares")
        return v

    @field_validator("sector_shares")
    @classmethod
    def _sectors(cls, v: dict[str, float]) -> dict[str, float]:
        check_shares(_labels(v, SECTORS, "sector_shares"), "sector_shares")
        return v

    @field_validator("owner_ages")
    @classmethod
    def _ages(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not 0 <= v[0] <= v[1] <= 150:
            raise ValueError(f"owner_ages must be [youngest, oldest] within 0-150, got {list(v)}")
        return v


class FirmBehavior(Behavior):
    """Firms breach contracts, leave wages unpaid, withhold deposits, settle, bid and borrow."""

    Params = FirmParams
    params: FirmParams
    singleton = True  # it offers the firm register under a fixed name
    live: ClassVar[tuple[str, ...]] = ("acts.*.rate",)
    sum_rounds: ClassVar[int] = 2  # the owners' weight, then the count of firms

    def init(self, world: World) -> None:
        self.world = world
        self.owner_weight = int(self._weights().sum())
        """The owner weight of this process's citizens (whole units, credsim.population.firms)."""
        empty = np.empty(0, np.int64)
        self.table = FirmTable(empty, empty, empty)
        """The register: offered now, filled in place once the whole population's owner weight
        is known (`whole_sums`)."""
        self.owners = np.empty(0, np.int32)
        self.owed = np.zeros(0, np.uint8)
        """Debts each firm really has not settled (truth)."""
        self.built = False
        """Whether the firms are drawn (the first round of sums is in)."""
        self.first = 0
        """The firms of the shards before this one (the second round)."""
        self.code = {k: world.codes.code("act_kind", k) for k in (*FIRM_ACTS, "firm_debt_settled")}
        self.streams = {
            kind: (
                world.stream(f"behavior.{self.name}.{kind}"),
                world.stream(f"behavior.{self.name}.{kind}.thin"),
            )
            for kind in FIRM_ACTS
        }
        self.settle_streams = (
            world.stream(f"behavior.{self.name}.settle"),
            world.stream(f"behavior.{self.name}.settle.wait"),
        )
        self.settlements = world.calendar({"firm": "int32"})
        world.offer("firms", self.table)
        world.offer("firm_owners", self)
        self.configure()

    def configure(self) -> None:
        self.rates = {
            kind: (act, *act.factors(), act.top()) for kind, act in self.params.acts.items()
        }

    def _weights(self) -> np.ndarray:
        """The owner weight of each of this process's citizens."""
        w, p = self.world, self.params
        return owner_weights(
            w.state,
            w.traits,
            w.own(),
            owner_ages=p.owner_ages,
            owner_by_trait=p.owner_by_trait,
            alive=w.alive,
            where=f"behavior.{self.name}",
        )

    def partial_sums(self) -> dict[str, int]:
        """First round: the owner weight of this process's citizens; second: its firms."""
        if not self.built:
            return {"owner_weight": self.owner_weight}
        return {"firms": self.table.n}

    def earlier_sums(self, sums: dict[str, int]) -> None:
        """Second round: the firms of the shards before this one, after which its own are
        numbered."""
        if self.built:
            self.first = sums["firms"]

    def whole_sums(self, sums: dict[str, int]) -> None:
        """First round: draw this process's firms from the whole population's owner weight;
        second: number them, of every firm of the run."""
        if self.built:
            self.table.number(self.first, sums["firms"])
            return
        w, p = self.world, self.params
        table, self.owners = build_firms(
            w.state,
            w.own(),
            self._weights(),
            sums["owner_weight"],
            w.n,
            w.seed,
            firms_per_person=p.firms_per_person,
            size_shares=p.size_shares,
            sector_shares=p.sector_shares,
            nominal_share=p.nominal_share,
            adult_age=p.adult_age,
            alive=w.alive,
        )
        self.table.fill(table.size_class, table.sector, table.legal_rep)
        self.owed = np.zeros(table.n, np.uint8)
        self.built = True

    @property
    def nbytes(self) -> int:
        """Resident bytes of the firm register and of what the firms' owners keep."""
        return self.table.nbytes + self.owners.nbytes + self.owed.nbytes

    def firm_of_owner(self, citizens: np.ndarray) -> np.ndarray:
        """The number of the firm each citizen owns, -1 for none (owners are in citizen order)."""
        c = np.asarray(citizens, np.int64)
        if self.owners.shape[0] == 0:
            return np.full(c.shape[0], -1, np.int64)
        at = np.minimum(np.searchsorted(self.owners, c), self.owners.shape[0] - 1)
        return np.where(self.owners[at] == c, at + self.table.first, -1).astype(np.int64)

    def owner_of(self, firms: np.ndarray) -> np.ndarray:
        """The owner of each firm given by number (this process's firms)."""
        return self.owners[self.table.local(firms)]

    def merge(self, parts: list[FirmBehavior]) -> None:
        """The whole run's register, owners and debts: the other shards' firms follow this
        one's, as their numbers do."""
        self.table.extend([p.table for p in parts])
        self.owners = np.concatenate([self.owners, *(p.owners for p in parts)])
        self.owed = np.concatenate([self.owed, *(p.owed for p in parts)])

    def act(self, day: Day) -> None:
        if day.day == 0 and self.params.history_days > 0:
            self._history(day)
        due = self.settlements.pop(day.day)["firm"].astype(np.int64)
        if due.shape[0]:
            firm, count = np.unique(self.table.local(due), return_counts=True)
            self.owed[firm] = np.maximum(self.owed[firm].astype(np.int16) - count, 0)
            day.acts.add(day=day.day, actor=self.owner_of(due), kind=self.code["firm_debt_settled"])
        for kind in self.rates:
            firms = self._draw(day.day, kind, 1.0)
            if firms.shape[0] == 0:
                continue
            day.acts.add(day=day.day, actor=self.owner_of(firms), kind=self.code[kind])
            if kind in FIRM_DEBTS:
                self._owe(day.day, firms)

    def _draw(self, day: int, kind: str, scale: float) -> np.ndarray:
        """The numbers of this process's firms that do `kind` on `day` (each at its rate times
        `scale`, capped at 1): the whole run's sweep over firm numbers, restricted to its own."""
        act, size, sector, top = self.rates[kind]
        hits_stream, thin_stream = self.streams[kind]
        chance = min(-np.expm1(scale * np.log1p(-min(act.rate * top, 1.0))), 1.0)
        t = self.table
        firms = hits_stream.hits(day, t.total, chance, t.first, t.first + t.n)
        if firms.shape[0] == 0:
            return firms
        at = t.local(firms)
        weight = size[t.size_class[at]] * sector[t.sector[at]] / top
        keep = thin_stream.uniform(day, firms) < weight
        return firms[keep]

    def _owe(self, day: int, firms: np.ndarray) -> None:
        """New debts; whether and when each is settled is drawn now."""
        pays, wait = self._settlement(day, firms)
        self._add_debt(firms)
        self.settlements.push(day + wait[pays], firm=firms[pays])

    def _add_debt(self, firms: np.ndarray) -> None:
        """One more debt owed by each firm given by number (at most 255)."""
        at = self.table.local(firms)
        self.owed[at] = np.minimum(self.owed[at].astype(np.int16) + 1, 255)

    def _settlement(self, day: int, firms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each new debt will be settled, and after how many days."""
        decide, wait = self.settle_streams
        s = self.params.settlement
        return decide.uniform(day, firms) < s.share, wait.geometric(day, firms, s.mean_days)

    def _history(self, day: Day) -> None:
        """Debts of the years before the run still unsettled on day 0, dated in the past, so
        that the run starts with the records and listings they lead to."""
        horizon = self.params.history_days
        for kind in [k for k in self.rates if k in FIRM_DEBTS]:
            firms = self._draw(-1, kind, float(horizon))
            if firms.shape[0] == 0:
                continue
            stream = self.world.stream(f"behavior.{self.name}.{kind}.history")
            dated = -1 - stream.integers(0, firms, horizon)
            pays, wait = self._settlement(-1, firms)
            open_ = ~pays | (dated + wait >= 0)  # a debt settled before the run left nothing
            firms, dated, pays, wait = firms[open_], dated[open_], pays[open_], wait[open_]
            day.acts.add(day=dated, actor=self.owner_of(firms), kind=self.code[kind])
            self._add_debt(firms)
            self.settlements.push((dated + wait)[pays], firm=firms[pays])
