"""The five phases of a day, in their fixed order, and the part of the citizens a shard runs."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PHASES", "Part", "Phase"]


@dataclass(frozen=True)
class Part:
    """The citizens [lo, hi) that shard `index` of a run simulates."""

    index: int
    lo: int
    hi: int


@dataclass(frozen=True)
class Phase:
    """One phase of a day: its name, the plug-in kinds that run in it, and what it produces."""

    name: str
    kinds: tuple[str, ...]
    produces: str
    meaning: str


PHASES = (
    Phase("act", ("behavior", "adversary"), "acts", "citizens and adversaries do things"),
    Phase("observe", ("source",), "records", "data sources see some acts, with errors"),
    Phase("score", ("policy",), "score_changes", "policies turn records into score changes"),
    Phase("respond", ("consequence",), "sanctions", "listings, refusals, rewards, repair"),
    Phase("measure", ("metric",), "results", "metrics compare truth, records and status"),
)
