"""The reproductions credsim ships, by name (an explicit list; nothing is found by scanning)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from credsim.errors import UserError, did_you_mean
from credsim.validation.outcome import Outcome, Settings

__all__ = ["Reproduction", "get", "register", "registered", "run"]


@dataclass(frozen=True)
class Reproduction:
    """A named reproduction; `experiment` marks work beyond the papers (not run by default)."""

    name: str
    title: str
    run: Callable[[Settings], Outcome]
    experiment: bool = False


_REGISTRY: dict[str, Reproduction] = {}


def register(reproduction: Reproduction) -> None:
    if reproduction.name in _REGISTRY:
        raise ValueError(f"reproduction {reproduction.name!r} is already registered")
    _REGISTRY[reproduction.name] = reproduction


def registered() -> dict[str, Reproduction]:
    """Every reproduction, in registration order."""
    _load()
    return dict(_REGISTRY)


def get(name: str) -> Reproduction:
    known = registered()
    if name not in known:
        raise UserError(
            f"validate: unknown reproduction {name!r}.{did_you_mean(name, known, sentence=True)} "
            f"Known: {', '.join(known)}."
        )
    return known[name]


def run(reproduction: Reproduction, settings: Settings) -> Outcome:
    """Run one reproduction and time it."""
    start = time.perf_counter()
    outcome = reproduction.run(settings)
    outcome.seconds = time.perf_counter() - start
    return outcome


def _load() -> None:
    if _REGISTRY:
        return
    from credsim.validation.reproductions import (
        adherence,
        delayed_impact,
        faceid_base_rates,
        image_scoring,
        institutions,
        social_credit_institution,
    )

    for module in (
        institutions,
        adherence,
        image_scoring,
        delayed_impact,
        faceid_base_rates,
        social_credit_institution,
    ):
        register(module.REPRODUCTION)
