"""What a reproduction reports: checks (credsim's figure beside the published one, with the
tolerance) and the outcome of a whole reproduction."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Check", "Outcome", "Settings", "claim", "within"]


@dataclass(frozen=True)
class Settings:
    """How to run: short (CI) or long (full), the seed, where data and figures live; `from_run`
    (a credsim run directory) and `policy` feed the social-credit institution from a real run."""

    long: bool = False
    seed: int = 1
    fico_dir: Path | None = None
    figures_dir: Path | None = None
    from_run: Path | None = None
    policy: str | None = None

    @property
    def mode(self) -> str:
        return "long" if self.long else "short"


@dataclass(frozen=True)
class Check:
    """One comparison. `passed` is None for a reported finding that has no published figure."""

    figure: str
    credsim: float
    published: str
    tolerance: str
    passed: bool | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        value = None if math.isnan(self.credsim) else self.credsim
        return {
            "figure": self.figure,
            "credsim": value,
            "published": self.published,
            "tolerance": self.tolerance,
            "passed": self.passed,
            "note": self.note,
        }


def within(
    figure: str,
    measured: float,
    published: float,
    tolerance: float,
    *,
    digits: int = 3,
    source: str = "",
    note: str = "",
) -> Check:
    """A numeric comparison: pass when |measured - published| <= tolerance."""
    shown = f"{published:.{digits}f}" + (f" ({source})" if source else "")
    return Check(
        figure,
        measured,
        shown,
        f"±{tolerance:.{digits}f}",
        bool(abs(measured - published) <= tolerance),
        note,
    )


def claim(
    figure: str, measured: float, published: str, rule: str, passed: bool, note: str = ""
) -> Check:
    """A published qualitative claim checked by a stated rule (e.g. '< 0')."""
    return Check(figure, measured, published, rule, bool(passed), note)


@dataclass
class Outcome:
    """Everything one reproduction measured."""

    name: str
    title: str
    source: str
    mode: str
    checks: list[Check]
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)
    figures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed is not False for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "source": self.source,
            "mode": self.mode,
            "passed": self.passed,
            "seconds": round(self.seconds, 2),
            "checks": [c.to_dict() for c in self.checks],
            "details": self.details,
            "figures": self.figures,
            "notes": self.notes,
        }
