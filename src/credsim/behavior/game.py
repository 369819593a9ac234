"""The strangers' donation game with evolving strategies (`behavior.strangers.game`).

Each community (a region of the population) plays the indirect-reciprocity game of
Radzvilavicius, Kessinger & Plotkin (2021) once a day: members are unconditional cooperators
(ALLC), defectors (ALLD) or discriminators (DISC, who help only those they hold good); strategies
spread by imitation (the Fermi rule) with mutation. What a discriminator holds of a recipient is
either its own private view, formed by watching one encounter of each donor a day and judging it
by a norm (egocentric: by its own view of the recipient; empathetic: by the donor's), or, when the
strangers service names a policy, the grade that policy shows (an institution). Kernels:
credsim.behavior.game_kernels.

The encounters happen unseen except `witnessed` a day of each donor, drawn at random: those are
acts (`help_stranger` or `refuse_stranger`, detail = the recipient's shown grade + 1, or 0 when no
grade is shown), which sources may record and a policy judge.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, field_validator

from credsim.behavior import game_kernels as k
from credsim.engine import PluginParams, World
from credsim.engine.checks import Probability
from credsim.errors import UserError
from credsim.norms import STRATEGIES, norm_table

__all__ = ["Game", "GameParams"]

Norm = Literal["stern_judging", "simple_standing", "scoring", "shunning"]
Strategy = Literal["ALLC", "ALLD", "DISC"]
MAX_COMMUNITY = 2000
"""Largest community: private views take one byte per ordered pair of its members."""
MAX_PAIRS = 400_000_000
"""Largest number of ordered pairs over all communities (bytes of views, and of the day's acts)."""


class GameParams(PluginParams):
    norm: Norm = Field("stern_judging", description="how private observers judge a donor")
    strategies: list[Strategy] = Field(
        default_factory=lambda: list(STRATEGIES), min_length=1, description="strategies in play"
    )
    initial: Literal[
        "random", "ALLC", "ALLD", "DISC", "equal", "mostly_ALLC", "mostly_ALLD", "mostly_DISC"
    ] = Field(
        "random",
        description="first strategies: uniform over `strategies` (random), everyone one "
        "strategy, thirds (equal), or all but four one strategy and two each of the others "
        "(mostly_*), by place in the community",
    )
    initial_standing: Literal["random", "good"] = Field(
        "random", description="private views at the start"
    )
    empathy: Probability = Field(
        0.0, description="chance an observer judges by the donor's view of the recipient"
    )
    execution_error: Probability = Field(0.02, description="chance an intended help fails")
    assessment_error: Probability = Field(0.02, description="chance a private verdict is flipped")
    mutation: Probability = Field(0.025, description="chance a day that one member mutates")
    selection: float = Field(1.0, ge=0, le=1000, description="strength w of the Fermi rule")
    knowledge: Probability = Field(
        1.0, description="chance a donor knows the recipient's standing (else helps)"
    )
    witnessed: int = Field(
        0, ge=0, le=64, description="encounters a day of each donor that are acts (seen)"
    )
    adherents: Literal["all", "none", "one"] = Field(
        "all",
        description="with a policy, who reads its grade: everyone, no one (private views only), "
        "or one discriminator a community from `settle_days` on (adherence then spreads, or "
        "dies out, by imitation)",
    )
    settle_days: int = Field(
        0, ge=0, le=100_000, description="days reputations settle before strategies evolve"
    )
    stop_when_settled: bool = Field(
        False,
        description="with adherents = 'one': a community stops playing once everyone or no one "
        "adheres (a fixation experiment; its figures stay those of its last day played)",
    )

    @field_validator("strategies")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError(f"strategies repeat a name: {value}")
        return value

    def floats(self, benefit: float, cost: float) -> np.ndarray:
        """The kernel's packed floats (game_kernels.play_day)."""
        return np.array(
            [
                benefit,
                cost,
                self.selection,
                self.mutation,
                self.execution_error,
                self.assessment_error,
                self.empathy,
                self.knowledge,
            ]
        )


class Game:
    """The game's state over the communities this process holds, and its daily step."""

    def __init__(
        self,
        name: str,
        params: GameParams,
        world: World,
        strategy: np.ndarray,
        follower: np.ndarray,
        public: bool,
    ) -> None:
        p = params
        if p.initial in STRATEGIES and p.initial not in p.strategies:
            raise UserError(
                f"behavior.{name}.game.initial: {p.initial!r} is not among the strategies in play "
                f"({', '.join(p.strategies)})."
            )
        if p.adherents != "all" and not public:
            raise UserError(
                f"behavior.{name}.game.adherents = {p.adherents!r} needs an institution to adhere "
                f"to: set behavior.{name}.policy to the policy whose grade adherents read."
            )
        if p.stop_when_settled and p.adherents != "one":
            raise UserError(
                f"behavior.{name}.game.stop_when_settled stops a community once adherence to the "
                f"institution is settled; it needs adherents = 'one' (got {p.adherents!r})."
            )
        regions = world.localities
        inside = regions[(regions >= world.lo) & (regions <= world.hi)]
        self.starts = np.asarray(inside, np.int64)
        sizes = np.diff(self.starts)
        if sizes.size and sizes.max() > MAX_COMMUNITY:
            raise UserError(
                f"behavior.{name}.game: a community (region) of {int(sizes.max()):,} people; the "
                f"game keeps every member's view of every other, so at most {MAX_COMMUNITY:,} "
                "(use population plugin 'communities')."
            )
        self.offsets = np.concatenate([[0], np.cumsum(sizes * sizes)]).astype(np.int64)
        if self.offsets[-1] > MAX_PAIRS:
            raise UserError(
                f"behavior.{name}.game: {int(self.offsets[-1]):,} ordered pairs of community "
                f"members; at most {MAX_PAIRS:,}."
            )
        self.params, self.public = p, public
        self.follower = follower
        self.judge_private = not public or p.adherents != "all"
        self.keys = np.array(
            [world.stream(f"behavior.{name}.game.{i}").key for i in range(k.N_KEYS)], np.uint64
        )
        self.permitted = np.array([s in p.strategies for s in STRATEGIES], np.bool_)
        self.norm = norm_table(p.norm)
        pairs = int(self.offsets[-1])
        self.strategy = strategy
        self.views = np.zeros(pairs, np.int8)
        self.judged = np.zeros(pairs if self.judge_private else 0, np.int8)
        self.acts = np.zeros(pairs, np.int8)
        self.fitness = np.zeros(world.n, np.float64)
        self.stats = np.zeros((sizes.shape[0], k.N_STATS), np.float64)
        start = STRATEGIES.index(p.initial) if p.initial in STRATEGIES else -1
        k.initial_state(
            self.keys[k.K_INIT], self.starts, self.offsets, self.permitted, start,
            p.initial_standing == "good", self.strategy, self.views,
        )  # fmt: skip
        if p.initial == "equal" or p.initial.startswith("mostly_"):
            if set(p.strategies) != set(STRATEGIES):
                raise UserError(
                    f"behavior.{name}.game.initial = {p.initial!r} places all three strategies; "
                    f"the game has only {', '.join(p.strategies)}."
                )
            self._place(p.initial)
        if public and p.adherents == "all":
            self.follower[self.starts[0] : self.starts[-1]] = 1

    def _place(self, initial: str) -> None:
        """Strategies by place in each community, as the authors' fixation runs set them."""
        for lo, hi in zip(self.starts[:-1], self.starts[1:], strict=True):
            n = int(hi - lo)
            if initial == "equal":
                counts = [n // 3, 2 * n // 3 - n // 3, n - 2 * n // 3]
            else:
                counts = [2, 2, 2]
                counts[STRATEGIES.index(initial.removeprefix("mostly_"))] = n - 4
            self.strategy[lo:hi] = np.repeat(np.arange(3, dtype=np.uint8), counts)

    @property
    def communities(self) -> int:
        return int(self.stats.shape[0])

    def play(self, day: int, public_good: np.ndarray, floats: np.ndarray) -> None:
        """One generation of every community; `public_good` (int8 per citizen) is read when
        standing comes from a policy's grade."""
        p = self.params
        if self.public and p.adherents == "one" and day == p.settle_days:
            k.adopt_one(self.keys[k.K_ADOPT], day, self.starts, self.strategy, self.follower)
        if public_good.shape[0] == 0:
            public_good = np.zeros(self.strategy.shape[0], np.int8)
        k.play_day(
            self.keys, day, self.starts, self.offsets, self.strategy, self.follower, self.views,
            self.judged, public_good, self.judge_private, day >= p.settle_days, self.permitted,
            floats, self.norm, self.acts, self.fitness, self.stats,
            p.stop_when_settled and day > p.settle_days,
        )  # fmt: skip

    def settled(self, day: int) -> bool:
        """Whether no community plays on `day` or after: the game stops each community once
        everyone or no one in it adheres (`stop_when_settled`), and all have."""
        p = self.params
        if not (p.stop_when_settled and day > p.settle_days) or self.stats.shape[0] == 0:
            return False
        adherents = self.stats[:, 5]
        return bool(np.all((adherents == 0.0) | (adherents == 1.0)))

    def seen(self, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The day's witnessed encounters: (donor, helped, recipient)."""
        per = self.params.witnessed
        rows = int(self.starts[-1] - self.starts[0]) * per if self.starts.size else 0
        actor = np.empty(rows, np.int32)
        helped = np.empty(rows, np.int8)
        recipient = np.empty(rows, np.int32)
        if rows:
            p = self.params
            freeze = p.stop_when_settled and day > p.settle_days
            k.witnessed(
                self.keys[k.K_WITNESS], day, self.starts, self.offsets, self.acts, per,
                self.follower, freeze, actor, helped, recipient,
            )  # fmt: skip
            if freeze:
                kept = actor >= 0
                actor, helped, recipient = actor[kept], helped[kept], recipient[kept]
        return actor, helped, recipient
