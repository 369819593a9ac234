"""An institution that grades people good or bad by a norm of indirect reciprocity, from records of
what they were seen doing to strangers (Radzvilavicius, Kessinger & Plotkin 2021).

Each record of a citizen helping or refusing a stranger (`helped_stranger`, `refused_stranger`,
detail = the stranger's grade + 1 as the witness saw it, 0 if none was shown) is one judge's
observation. A judge applies the norm to the act and the stranger's standing (an unknown standing
counts as good) and errs with chance `assessment_error` (the verdict flipped). At the end of the
day a citizen with records is graded good when more than `strictness` of the day's verdicts are
good, else bad; a citizen with no record keeps the grade. The grade is a score of 1 (good) or 0
(bad) and is shown as a grade, so discriminators can read it (behavior.strangers with a game).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from credsim.engine import PublicDay, RecordWorld
from credsim.engine.checks import Probability
from credsim.engine.sets import groups
from credsim.norms import norm_table
from credsim.policies.scoring import Opacity, ScoringParams, ScoringPolicy

__all__ = ["InstitutionParams", "InstitutionPolicy"]

HELPED, REFUSED = "helped_stranger", "refused_stranger"


class InstitutionParams(ScoringParams):
    floor: int = Field(0, ge=0, le=0, description="bad")
    ceiling: int = Field(1, ge=1, le=1, description="good")
    grades: dict[str, int] = Field(
        default_factory=lambda: {"good": 1, "bad": 0}, description="good (1) and bad (0)"
    )
    opacity: Opacity = Field("grade", description="what a citizen and others are shown")
    norm: Literal["stern_judging", "simple_standing", "scoring", "shunning"] = Field(
        "stern_judging", description="how a judge grades an act towards a stranger"
    )
    strictness: float = Field(
        0.5, ge=0, lt=1, description="q: good when more than this share of verdicts are good"
    )
    assessment_error: Probability = Field(0.02, description="chance a judge's verdict is flipped")
    start_good: Probability = Field(0.5, description="chance a citizen starts graded good")


class InstitutionPolicy(ScoringPolicy):
    """Grades good or bad from witnessed acts towards strangers, by a norm and a majority."""

    Params = InstitutionParams
    params: InstitutionParams

    def points(self) -> dict[str, tuple[str, float]]:
        return {}

    def base_scores(self, world: RecordWorld, citizens: np.ndarray) -> np.ndarray:
        draw = world.stream(f"policy.{self.name}.start").uniform(0, citizens)
        return (draw < self.params.start_good).astype(np.int64)

    def init(self, world: RecordWorld) -> None:
        super().init(world)
        codes = world.codes
        self.helped = codes.code("record_kind", HELPED)
        self.refused = codes.code("record_kind", REFUSED)
        self.norm = norm_table(self.params.norm)
        self.errors = world.stream(f"policy.{self.name}.assessment")
        self.verdict_rule = codes.code("rule", f"{self.name}:verdict")

    def score(self, day: PublicDay) -> None:
        records = day.records
        kind = records["kind"]
        seen = (kind == self.helped) | (kind == self.refused)
        if not seen.any():
            return
        act = (kind[seen] == self.helped).astype(np.int64)
        standing = (records["detail"][seen] != 2).astype(np.int64)  # 1 good, 2 bad, 0 unknown
        ids = records["record_id"][seen]
        verdict = self.norm[act, standing].astype(np.int64)
        p = self.params
        if p.assessment_error > 0:
            flip = self.errors.uniform(day.day, ids) < p.assessment_error
            verdict = np.where(flip, 1 - verdict, verdict)
        citizen, slot = groups(records["attributed_to"][seen])
        votes = np.bincount(slot, weights=verdict, minlength=citizen.shape[0])
        count = np.bincount(slot, minlength=citizen.shape[0])
        good = (votes > p.strictness * count).astype(np.int32)
        delta = good - self.scores[citizen].astype(np.int32)
        moved = delta != 0
        if not moved.any():
            return
        first = np.full(citizen.shape[0], np.iinfo(np.int64).max, np.int64)
        np.minimum.at(first, slot, ids)
        rules = np.full(int(moved.sum()), self.verdict_rule, np.int32)
        self._change(
            day, citizen[moved].astype(np.int32), delta[moved], first[moved], rules, False, cap=0
        )
