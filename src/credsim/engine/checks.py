"""What a number in a scenario may be: the checked types and checks every plug-in's parameters
use, so that the command line, the dashboard, sweeps and calibration refuse the same nonsense.

Every float of a `PluginParams` is finite (the base model refuses NaN and infinities); the types
here add the range that makes sense (a probability, a multiplier, a score on the int16 scale) and
the helpers check tables as a whole (shares that sum to 1, names used once, a rate times its
largest multiplier still a probability).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Annotated

from pydantic import Field

__all__ = [
    "INT16",
    "MAX_LABELS",
    "MAX_MULTIPLIER",
    "MAX_PEOPLE",
    "MAX_WAIT_DAYS",
    "SHARE_TOLERANCE",
    "Days",
    "Money",
    "Multiplier",
    "MultiplierTable",
    "NonNegative",
    "Points",
    "Positive",
    "Probability",
    "ProbabilityTable",
    "Score",
    "check_shares",
    "check_unique",
    "rate_within_one",
    "times_within_one",
]

INT16 = (-32768, 32767)
"""Scores and day stamps are int16 columns."""
MAX_PEOPLE = 10**10
"""The most people a run may stand for (agents x people_per_agent): seven times the world."""
MAX_MULTIPLIER = 1e6
"""The largest multiplier of a rate: beyond it a product of multipliers loses all meaning."""
MAX_WAIT_DAYS = 36500.0
"""Longest mean wait in days (a hundred years): draws of it stay within day stamps."""
MAX_LABELS = 255
"""Details and grades are stored as uint8 codes."""
SHARE_TOLERANCE = 1e-3
"""How far from 1 the sum of a table of shares may fall (hand-typed shares are rounded)."""

Probability = Annotated[float, Field(ge=0, le=1)]
"""A chance or a share: 0 to 1 (NaN fails both bounds)."""
Multiplier = Annotated[float, Field(ge=0, le=MAX_MULTIPLIER)]
"""A factor applied to a rate: not negative, at most a million."""
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Money = Annotated[float, Field(ge=0, le=1e12)]
"""Yuan: a price, an income or a saving."""
Days = Annotated[float, Field(ge=1, le=MAX_WAIT_DAYS)]
"""A mean wait, in days."""
Score = Annotated[float, Field(ge=INT16[0], le=INT16[1])]
"""A score or threshold on a policy's int16 scale."""
Points = Annotated[float, Field(ge=-10_000, le=10_000)]
"""Points a record or a purchase is worth."""
MultiplierTable = dict[str, dict[str, Multiplier]]
"""trait -> label -> multiplier."""
ProbabilityTable = dict[str, dict[str, Probability]]
"""trait -> label -> chance."""


def check_shares(shares: Mapping[str, float] | Iterable[float], what: str) -> None:
    """Shares of a whole: at least one, none negative or infinite, summing to 1 (within
    SHARE_TOLERANCE). Raises ValueError (pydantic reports it as the key's problem)."""
    values = list(shares.values()) if isinstance(shares, Mapping) else list(shares)
    if not values:
        raise ValueError(f"{what} must name at least one share")
    if any(not math.isfinite(v) or v < 0 for v in values):
        raise ValueError(f"{what} must be shares from 0 to 1, got {_shown(shares)}")
    total = math.fsum(values)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"{what} must sum to 1, got {_shown(shares)} (sum {total:g})")


def check_unique(names: Iterable[str], what: str) -> None:
    """Each name at most once."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{what} names {name!r} twice")
        seen.add(name)


def times_within_one(rate: float, multiplier: float, what: str) -> None:
    """A chance times its multiplier must still be a chance (at most 1)."""
    if rate * multiplier > 1 + 1e-12:
        raise ValueError(
            f"{what} = {multiplier:g} makes a chance of {rate * multiplier:g} from {rate:g}; "
            "a chance is at most 1"
        )


def rate_within_one(rate: float, tables: Mapping[str, Mapping[str, float]], what: str) -> None:
    """A chance times any one multiplier of its table (trait -> label -> multiplier) must still
    be a chance."""
    for trait, labels in tables.items():
        for label, multiplier in labels.items():
            times_within_one(rate, multiplier, f"{what}.{trait}.{label}")


def _shown(shares: Mapping[str, float] | Iterable[float]) -> str:
    text = str(dict(shares) if isinstance(shares, Mapping) else list(shares))
    return text if len(text) <= 120 else text[:117] + "..."
