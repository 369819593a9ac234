"""Scores that read lists: a listing on a named list (the court's, the lenders') takes points, or
drops the score into a grade, and its removal gives back exactly the points it took.

The articles' student whose Sesame score fell to 350 when a court named her is this rule: Sesame
reads the court's list. A policy scores before the lists respond, so it reads a day's listings
and removals on the next day (the list reaches the scorer overnight); the day's sanctions batch it
keeps for that is its only state besides one int16 column per list read (the points held).
Every move is a logged score change naming the list (`<policy>:listed.<list>` and
`<policy>:delisted.<list>`) and the record the listing rests on. Under `state` the move is made
on the overall score, outside the four categories.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, model_validator

from credsim.engine import Column, PluginParams, PublicDay, RecordWorld
from credsim.errors import UserError, did_you_mean

if TYPE_CHECKING:
    from credsim.engine.batch import Batch
    from credsim.policies.scoring import ScoringPolicy

__all__ = ["ListPoints", "ListReader"]


class ListPoints(PluginParams):
    """What a listing on one list does to the score (both may be given; 0/None: nothing)."""

    points: int = Field(
        0, ge=-10_000, le=0, description="points taken while listed (negative, or 0)"
    )
    to_grade: str | None = Field(
        None,
        description="while listed, the score falls at least to the top of this grade "
        '(e.g. Sesame\'s "poor", 350-549), if it stands above it',
    )

    @model_validator(mode="after")
    def _something(self) -> ListPoints:
        if self.points == 0 and self.to_grade is None:
            raise ValueError("give `points` (negative) or `to_grade`, or leave the list out")
        return self


class ListReader:
    """The lists one scoring policy reads, and the points each listing holds."""

    def __init__(self, policy: ScoringPolicy) -> None:
        self.policy = policy
        self.pending: Batch | None = None
        """Yesterday's sanctions, read at today's scoring (lists respond after policies)."""

    def columns(self) -> list[Column]:
        p = self.policy
        return [
            Column(
                self.held_column(name),
                "int16",
                owner=p.name,
                doc=f"points {p.name} holds back while the citizen is on {name}",
            )
            for name in p.params.lists
        ]

    def held_column(self, name: str) -> str:
        return f"list_points.{self.policy.name}.{name}"

    def init(self, world: RecordWorld) -> None:
        p = self.policy
        codes = world.codes
        grades = dict(p.params.grades)
        names = list(grades)
        self.lists = []
        for name, rule in p.params.lists.items():
            if name not in world.sanctions:
                raise UserError(
                    f"policies.{p.name}.lists: no list named {name!r}"
                    + did_you_mean(name, world.sanctions)
                    + f"; lists in this scenario: {', '.join(world.sanctions) or 'none'}"
                )
            cap = p.params.ceiling
            if rule.to_grade is not None:
                if rule.to_grade not in grades:
                    raise UserError(
                        f"policies.{p.name}.lists.{name}.to_grade: {rule.to_grade!r} is not a "
                        f"grade of {p.name}"
                        + did_you_mean(rule.to_grade, names)
                        + f"; grades are {', '.join(names) or 'none'}"
                    )
                better = names.index(rule.to_grade) - 1
                # The top of a grade is one below the lower bound of the grade above it.
                cap = grades[names[better]] - 1 if better >= 0 else p.params.ceiling
            self.lists.append(
                (
                    codes.code("consequence", name),
                    rule.points,
                    cap,
                    world.state[self.held_column(name)],
                    codes.code("rule", f"{p.name}:listed.{name}"),
                    codes.code("rule", f"{p.name}:delisted.{name}"),
                )
            )
        self.listed = codes.code("action", "listed")
        self.delisted = codes.code("action", "delisted")

    def score(self, day: PublicDay) -> None:
        """Apply yesterday's listings and removals; keep today's sanctions for tomorrow."""
        sanctions, self.pending = self.pending, day.sanctions
        if sanctions is None or not self.lists or len(sanctions) == 0:
            return
        p = self.policy
        action = sanctions["action"]
        moves = (action == self.listed) | (action == self.delisted)
        for code, points, cap, held, listed_rule, delisted_rule in self.lists:
            mine = moves & (sanctions["consequence"] == code)
            if not mine.any():
                continue
            # A citizen's last move of the day on this list decides (listed and lifted at once:
            # nothing held).
            who = sanctions["citizen"][mine][::-1]
            citizens, last = np.unique(who, return_index=True)
            on = action[mine][::-1][last] == self.listed
            record_ids = sanctions["record_id"][mine][::-1][last]
            scored = p.in_scope(citizens)
            if p.params.min_age > 0:
                scored &= p.of_age(citizens)
            holding = held[citizens] > 0
            take = on & ~holding & scored
            give = ~on & holding
            if take.any():
                who_take = citizens[take]
                score = p.scores[who_take].astype(np.int64)
                target = np.minimum(score + points, cap)
                want = np.minimum(target - score, 0).astype(np.int32)
                rules = np.full(who_take.shape[0], listed_rule, np.int32)
                delta = p.apply_change(day, who_take, want, record_ids[take], rules)
                held[who_take] = np.minimum(-delta, 32767)
            if give.any():
                who_give = citizens[give]
                back = held[who_give].astype(np.int32)
                rules = np.full(who_give.shape[0], delisted_rule, np.int32)
                p.apply_change(day, who_give, back, record_ids[give], rules)
                held[who_give] = 0
