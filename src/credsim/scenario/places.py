"""Places in a scenario: the regions a plug-in or a timeline entry names, checked against the
population's regions (provinces, and the cities carved out of them).

A province's name means the whole province, the cities carved out of it included; a city's name
means the city only. Sources, policies and consequences can be limited to regions; behaviour and
adversaries act everywhere and metrics measure everyone.
"""

from __future__ import annotations

import numpy as np

from credsim.engine import Population
from credsim.errors import ScenarioError, did_you_mean

__all__ = ["SCOPED_SECTIONS", "Places", "scope_plan"]

SCOPED_SECTIONS = ("sources", "policies", "consequences")
"""Sections whose plug-ins may be limited to regions."""


class Places:
    """The regions of a scenario's population, by name."""

    def __init__(self, population: Population) -> None:
        names = getattr(population, "region_names", None)
        provinces = getattr(population, "region_provinces", None)
        self.names: list[str] = names() if names else ["all"]
        self.provinces: list[str] = provinces() if provinces else list(self.names)

    def mask(self, wanted: list[str], at: str) -> np.ndarray:
        """The regions named (boolean over regions); raises ScenarioError naming the nearest."""
        out = np.zeros(len(self.names), bool)
        known = sorted(set(self.names) | set(self.provinces))
        for name in wanted:
            hit = np.array(
                [r == name or p == name for r, p in zip(self.names, self.provinces, strict=True)]
            )
            if not hit.any():
                did = did_you_mean(name, known, sentence=True)
                raise ScenarioError(
                    f"{at}: no region {name!r} in this population.{did} Regions are the "
                    f"provinces ({', '.join(sorted(set(self.provinces))[:6])}, ...) and the cities "
                    "carved out of them (population.cities)."
                )
            out |= hit
        return out

    def everywhere(self) -> np.ndarray:
        return np.ones(len(self.names), bool)


def scope_plan(model, places: Places, where) -> tuple[dict, dict]:
    """Each scoped plug-in's (territory, regions on at the start), and the timeline's switches
    of scoped plug-ins by day; raises ScenarioError for a region or section that cannot be."""
    regional: dict[str, list[tuple[int, np.ndarray, bool]]] = {}
    for i, entry in enumerate(model.timeline):
        if not entry.regions:
            continue
        at = f"{where(('timeline',))}: timeline entry {i + 1} ({entry.date})"
        mask = places.mask(entry.regions, at)
        for key, on in [(k, True) for k in entry.enable] + [(k, False) for k in entry.disable]:
            if key.split(".", 1)[0] not in SCOPED_SECTIONS:
                raise ScenarioError(
                    f"{at}: {key} cannot be switched in some regions only: only "
                    f"{', '.join(SCOPED_SECTIONS)} can (behaviour happens everywhere)."
                )
            regional.setdefault(key, []).append(((entry.date - model.start).days, mask, on))
    scopes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for section in ("behavior", "adversaries", "metrics", *SCOPED_SECTIONS):
        for name, spec in getattr(model, section).items():
            key = f"{section}.{name}"
            if spec.regions is None and key not in regional:
                continue
            at = where((section, name, "regions"))
            if section not in SCOPED_SECTIONS:
                raise ScenarioError(
                    f"{at}: {key}.regions: only {', '.join(SCOPED_SECTIONS)} can be limited to "
                    "regions (behaviour happens everywhere; metrics measure everyone)."
                )
            territory = (
                places.everywhere() if spec.regions is None else places.mask(spec.regions, at)
            )
            for _, mask, _ in regional.get(key, []):
                outside = mask & ~territory
                if outside.any():
                    first = places.names[int(np.flatnonzero(outside)[0])]
                    raise ScenarioError(
                        f"{where(('timeline',))}: a timeline entry switches {key} in {first}, "
                        f"outside the regions it is limited to ({', '.join(spec.regions or [])})."
                    )
            on = territory.copy() if spec.enabled else np.zeros_like(territory)
            scopes[key] = (territory, on)
    switches: dict[int, list[tuple[str, np.ndarray, bool]]] = {}
    for entry in sorted(model.timeline, key=lambda e: e.date):  # stable: file order within a day
        mask = places.mask(entry.regions, "") if entry.regions else places.everywhere()
        day = (entry.date - model.start).days
        for key, on in [(k, True) for k in entry.enable] + [(k, False) for k in entry.disable]:
            if key in scopes:
                switches.setdefault(day, []).append((key, mask, on))
    return scopes, switches
