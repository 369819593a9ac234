"""The reference model in credsim: the bundled `reference` scenario, nothing else.

credsim needs no model code for it: the scenario file names existing plug-ins (baseline acts, a
recorder source, a rules policy with a weekly friends' term, joint punishment reading a grade list)
and gives their numbers. This module only runs it and reads its summary as an `Outcome`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from reference_spec import TRAVEL_RECORD, Outcome, ReferenceParams

import credsim

__all__ = ["LoopClock", "run_credsim"]

QUIET_OUTPUT = ["output.events='none'", "output.citizens='none'", "output.report=false"]


class LoopClock:
    """CPU time of the day loop, read at the end of each day through `credsim.run(on_day=...)`:
    days 1.. are timed and scaled up by D / (D - 1) (day 0 ends before the first reading)."""

    def __init__(self, days: int) -> None:
        self.days = days
        self.first = self.last = 0.0

    def __call__(self, day: int) -> None:
        now = time.process_time()
        if day == 0:
            self.first = now
        self.last = now

    @property
    def seconds(self) -> float:
        if self.days < 2:
            return 0.0
        return (self.last - self.first) * self.days / (self.days - 1)


def run_credsim(params: ReferenceParams, out: Path | None = None) -> Outcome:
    """Run the reference scenario at the parameters' size and seed."""
    clock = LoopClock(params.days)
    with tempfile.TemporaryDirectory(prefix="credsim-reference-") as tmp:
        results = credsim.run(
            "reference",
            out=out or Path(tmp) / "run",
            on_day=clock,
            population=params.citizens,
            days=params.days,
            seed=params.seed,
            overrides=QUIET_OUTPUT,
        )
        summary, info = results.summary, results.run_info
    records = summary["records_by_kind"]
    return Outcome(
        framework="credsim",
        citizens=params.citizens,
        days=params.days,
        seed=params.seed,
        acts=dict(summary["acts_by_kind"]),
        records=sum(n for kind, n in records.items() if kind != TRAVEL_RECORD),
        misattributed=summary["records_misattributed"],
        listed=summary["sanctioned"],
        refused=summary["blocked_flights"],
        score_mean=summary["score_mean"],
        loop_seconds=info["loop_seconds"],
        loop_cpu_seconds=clock.seconds,
        build_seconds=info["wall_seconds"] - info["loop_seconds"],
    )
