"""Deterrence: after a penalty or a warning, a citizen is less likely to do it again.

A citizen learns of a penalty only through the notices they received (credsim.engine.notices): a
deduction for a record under a policy whose opacity is `score` or `itemised`, a drop of the grade
they are shown (`grade`), or a warning, a listing on a list that tells them, or a refusal at a
counter. A silent listing deters nobody. Each penalty remembered (up to `memory`) multiplies the
citizen's propensity for the deterred acts by `factor`. Feedback arrives the next day.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator

from credsim.engine import Behavior, Column, Day, PluginParams, World
from credsim.vocab import ACT_KINDS, check_kind

__all__ = ["Deterrence"]


def _adverse() -> list[str]:
    return [
        "loan_default",
        "card_arrears",
        "traffic_violation",
        "jaywalking",
        "utility_theft",
        "train_smoking",
        "wrong_ticket",
    ]


class DeterrenceParams(PluginParams):
    factor: float = Field(0.7, ge=0, le=1, description="propensity multiplier per penalty")
    memory: int = Field(3, ge=1, le=255, description="penalties a citizen remembers at most")
    acts: list[str] = Field(default_factory=_adverse, description="act kinds deterred")
    from_sanctions: bool = Field(True, description="warnings, listings and refusals deter too")

    @field_validator("acts")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        return [check_kind(k, ACT_KINDS, "act kind") for k in v]


class Deterrence(Behavior):
    """Penalties a citizen has been shown lower their propensity to offend again."""

    Params = DeterrenceParams
    params: DeterrenceParams

    def columns(self) -> list[Column]:
        return [
            Column(
                "deterred",
                "uint8",
                owner=self.name,
                truth=True,
                doc="penalties this citizen remembers being shown",
            )
        ]

    def init(self, world: World) -> None:
        self.world = world
        self.deterred = world.state["deterred"]
        self.kinds = set(self.params.acts)
        world.offer("deterrence", self)

    def act(self, day: Day) -> None:
        notices = self.world.notices
        told = notices.yesterday if notices is not None else {}
        if not told or not told["citizen"].shape[0]:
            return
        kind, code, from_record = told["notice"], notices.code, told["record_id"] >= 0
        penalty = (kind == code["points"]) & (told["value"] < 0) & from_record
        penalty |= (kind == code["grade_down"]) & from_record
        if self.params.from_sanctions:
            penalty |= np.isin(kind, [code["warned"], code["listed"], code["refused"]])
        # One lesson per citizen per day, however many penalties arrived together.
        who = np.unique(told["citizen"][penalty])
        if who.shape[0]:
            self.deterred[who] = np.minimum(self.deterred[who] + 1, self.params.memory)

    def factor(self, kind: str, citizens: np.ndarray) -> np.ndarray:
        """Propensity multiplier of each citizen for acts of `kind`."""
        if kind not in self.kinds:
            return np.ones(citizens.shape[0])
        return self.params.factor ** self.deterred[citizens].astype(np.float64)
