"""Helping strangers: a donation game between strangers, in which a citizen decides whether to
help by the other's visible grade.

Each day a share `rate` of citizens asks a stranger (a citizen drawn at random) for help. Where
the policy named by `policy` shows strangers a grade (a published score or grade, as on dating
and rental apps and municipal notice boards), the stranger helps with the chance given for that
grade in `help_by_grade`; where no grade is visible, or switched off (`policy` unset), with
`base_help` (trust in strangers). Helping costs the helper `cost` and gives the asker `benefit`
(the donation game's c and b). Helping is an act (`help_stranger`, detail = the grade seen + 1,
or 0 when none was seen); the requests of the day are kept for the metrics.

With a `game` table the strangers play the evolving donation game of indirect reciprocity instead
(credsim.behavior.game): every member of a community meets every other each day, discriminators
help those they hold good, by private views or by the grade `policy` shows, and strategies spread
by imitation. The day's figures per community are kept for the `reciprocity` metric.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from credsim.behavior.game import Game, GameParams
from credsim.engine import Behavior, Column, Day, PluginParams, World
from credsim.engine.checks import Probability
from credsim.engine.regions import other_in_region
from credsim.errors import UserError

__all__ = ["ADHERES_COLUMN", "STRATEGY_COLUMN", "Strangers", "grade_index"]

STRATEGY_COLUMN = "strategy"
ADHERES_COLUMN = "adheres"


def grade_index(scores: np.ndarray, grades: tuple[tuple[str, int], ...]) -> np.ndarray:
    """Index of each score's grade (0 is the best), given grades best first with lower bounds."""
    bounds = np.array([low for _, low in grades], np.int32)
    index = (bounds[None, :] > scores.astype(np.int32)[:, None]).sum(axis=1)
    return np.minimum(index, bounds.shape[0] - 1)


class StrangersParams(PluginParams):
    rate: float = Field(0.01, ge=0, le=1, description="daily chance a citizen asks a stranger")
    policy: str | None = Field(
        None, description="policy whose grade strangers see (none: no grade)"
    )
    help_by_grade: dict[str, Probability] = Field(
        default_factory=dict, description="grade -> chance a stranger helps someone of that grade"
    )
    base_help: float = Field(0.5, ge=0, le=1, description="chance of helping when no grade is seen")
    benefit: float = Field(5.0, ge=0, le=1e6, description="what help gives the asker (b)")
    cost: float = Field(1.0, ge=0, le=1e6, description="what helping costs the helper (c)")
    game: GameParams | None = Field(
        None, description="play the evolving donation game (behavior.game) instead of `rate` asks"
    )


class Strangers(Behavior):
    """Strangers help each other by the grade they can see, or by trust when they see none."""

    singleton = True  # the strangers service
    Params = StrangersParams
    params: StrangersParams

    def columns(self) -> list[Column]:
        if self.params.game is None:
            return []
        doc = "strategy in the donation game: 0 ALLC, 1 ALLD, 2 DISC"
        adheres = "1 if the citizen acts on the institution's grade (the game's policy)"
        return [
            Column(STRATEGY_COLUMN, "uint8", owner=self.name, truth=True, doc=doc),
            Column(ADHERES_COLUMN, "int8", owner=self.name, truth=True, doc=adheres),
        ]

    def init(self, world: World) -> None:
        p = self.params
        self.world = world
        self.info = None
        if p.policy is not None:
            if p.policy not in world.scores:
                raise UserError(
                    f"behavior.{self.name}.policy: no policy named {p.policy!r} in this scenario "
                    f"(policies: {', '.join(world.scores) or 'none'})."
                )
            self.info = world.scores[p.policy]
            names = [g for g, _ in self.info.grades]
            unknown = [g for g in p.help_by_grade if g not in names]
            if not names or unknown:
                raise UserError(
                    f"behavior.{self.name}.help_by_grade: grades of {p.policy!r} are "
                    f"{', '.join(names) or 'none'}; got {', '.join(unknown) or 'no grades'}."
                )
            self.chance = np.array([p.help_by_grade.get(g, p.base_help) for g in names])
        self.code = world.codes.code("act_kind", "help_stranger")
        self.game = None
        if p.game is not None:
            state = world.state
            public = self.info is not None
            self.game = Game(
                self.name, p.game, world, state[STRATEGY_COLUMN], state[ADHERES_COLUMN], public
            )
            self.refuse_code = world.codes.code("act_kind", "refuse_stranger")
            self.floats = p.game.floats(p.benefit, p.cost)
        self.ask = world.stream(f"behavior.{self.name}.ask")
        self.whom = world.stream(f"behavior.{self.name}.whom")
        self.decide = world.stream(f"behavior.{self.name}.decide")
        self.today = -1
        self.askers = self.helpers = np.empty(0, np.int32)
        self.helped = np.empty(0, bool)
        world.offer("strangers", self)

    def act(self, day: Day) -> None:
        if self.game is not None:
            self._play(day)
            return
        askers = self.world.hits(self.ask, day.day, self.params.rate)
        askers = self.world.acting(askers, day.day, self.code)
        self.today = day.day
        if askers.shape[0] == 0:
            self.askers = self.helpers = np.empty(0, np.int32)
            self.helped = np.empty(0, bool)
            return
        # The stranger asked lives in the asker's province.
        helpers = other_in_region(self.whom, day.day, askers, askers, self.world.localities)
        if self.world.alive is not None:  # an empty slot (unborn, or dead) is nobody to ask
            real = self.world.alive(helpers.astype(np.int64))
            askers, helpers = askers[real], helpers[real]
        seen = np.zeros(askers.shape[0], np.uint8)
        chance = np.full(askers.shape[0], self.params.base_help)
        if self.info is not None and self.info.opacity != "nothing":
            grade = self.world.notices.known_grade(self.params.policy, askers)
            chance = self.chance[grade]
            seen = (grade + 1).astype(np.uint8)
        helped = self.decide.uniform(day.day, askers) < chance
        helped &= self.world.free(helpers, day.day, self.code)  # a stranger held helps nobody
        self.askers, self.helpers, self.helped = askers.astype(np.int32), helpers, helped
        if helped.any():
            day.acts.add(day=day.day, actor=helpers[helped], kind=self.code, detail=seen[helped])

    def _play(self, day: Day) -> None:
        """A day of the donation game; the witnessed encounters become acts."""
        game, world = self.game, self.world
        self.today = day.day
        public = np.zeros(0, np.int8)
        shown = self.info is not None and self.info.opacity != "nothing"
        if shown:
            grade = world.notices.known_grade(self.params.policy, np.arange(world.n))
            public = np.where(grade < 0, 1, grade == 0).astype(np.int8)  # unknown: held good
        elif self.info is not None:
            public = np.ones(world.n, np.int8)  # nothing is shown: everyone is given the benefit
        game.play(day.day, public, self.floats)
        if game.params.witnessed == 0:
            return
        actor, helped, recipient = game.seen(day.day)
        detail = np.zeros(actor.shape[0], np.uint8)
        if shown:
            detail = (grade[recipient] + 1).astype(np.uint8)
        kind = np.where(helped == 1, self.code, self.refuse_code).astype(np.uint8)
        day.acts.add(day=day.day, actor=actor, kind=kind, detail=detail)
