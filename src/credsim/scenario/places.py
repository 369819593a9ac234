"""Places in a scenario: the regions a plug-in or a timeline entry names, checked against the
population's regions (provinces, and the cities carved out of them).

A province's name means the whole province, the cities carved out of it included; a city's name
means the city only. Sources, policies and consequences can be limited to regions; behaviour and
adversaries act everywhere and metrics measure everyone.
"""

from __future__ import annotations

import numpy as np
from pydantic import ValidationError

from credsim.engine import Population
from credsim.errors import ScenarioError, did_you_mean

__all__ = ["SCOPED_SECTIONS", "Places", "instance_name", "region_splits", "scope_plan"]

SECTION_NAMES = ("behavior", "adversaries", "sources", "policies", "consequences", "metrics")

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


def scope_plan(
    model, places: Places, where, groups: dict[str, list[tuple[str, ...]]] | None = None
) -> tuple[dict, dict]:
    """Each scoped plug-in instance's (territory, regions on at the start), and the timeline's
    switches of scoped instances by day; raises ScenarioError for a region or section that
    cannot be. `groups` are the region groups of plug-ins split by region (`region_splits`)."""
    groups = groups or {}
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
    instances: dict[str, list[str]] = {}
    for section in SECTION_NAMES:
        for name, spec in getattr(model, section).items():
            key = f"{section}.{name}"
            if spec.regions is None and key not in regional and key not in groups:
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
            rest = territory.copy()
            instances[key] = [key]
            for group in groups.get(key, []):
                mine = places.mask(list(group), at)
                if (mine & ~rest).any():
                    raise ScenarioError(
                        f"{where((section, name, 'by_region'))}: {key}: the regions "
                        f"{', '.join(group)} are outside its regions or overlap another group "
                        "with parameters of its own."
                    )
                rest &= ~mine
                split = f"{section}.{instance_name(name, group)}"
                instances[key].append(split)
                scopes[split] = (mine, mine.copy() if spec.enabled else np.zeros_like(mine))
            on = rest.copy() if spec.enabled else np.zeros_like(rest)
            scopes[key] = (rest, on)
    switches: dict[int, list[tuple[str, np.ndarray, bool]]] = {}
    for entry in sorted(model.timeline, key=lambda e: e.date):  # stable: file order within a day
        mask = places.mask(entry.regions, "") if entry.regions else places.everywhere()
        day = (entry.date - model.start).days
        for key, on in [(k, True) for k in entry.enable] + [(k, False) for k in entry.disable]:
            for each in instances.get(key, []):
                switches.setdefault(day, []).append((each, mask, on))
    return scopes, switches


def instance_name(name: str, group: tuple[str, ...]) -> str:
    """The name of a plug-in's instance for a group of regions: `cameras@Rongcheng`."""
    return f"{name}@{'+'.join(group)}"


def region_splits(model, plugins: dict, places: Places, where) -> dict[str, list[tuple[str, ...]]]:
    """Split every plug-in that has parameters of its own in some regions (`by_region`, or a
    timeline `set` or `ramp` with `regions`) into one instance per region group and one for the
    rest: the instances are inserted after the plug-in in `plugins` (section -> [(name, class,
    params)]). Returns `section.name` -> its region groups."""
    groups: dict[str, list[tuple[str, ...]]] = {}
    for section in SECTION_NAMES:
        for name, spec in getattr(model, section).items():
            for region in spec.by_region:
                groups.setdefault(f"{section}.{name}", []).append((region,))
    for entry in model.timeline:
        if entry.regions and (entry.set or entry.ramp):
            for path in [*entry.set, *entry.ramp]:
                key = ".".join(path.split(".")[:2])
                wanted = groups.setdefault(key, [])
                if tuple(entry.regions) not in wanted:
                    wanted.append(tuple(entry.regions))
    for key, wanted in groups.items():
        section, name = key.split(".", 1)
        at = where((section, name, "by_region"))
        if section not in SCOPED_SECTIONS:
            raise ScenarioError(
                f"{at}: {key} cannot have parameters of its own in some regions: only "
                f"{', '.join(SCOPED_SECTIONS)} can (behaviour happens everywhere)."
            )
        table = plugins.get(section, [])
        index = next((i for i, (n, _, _) in enumerate(table) if n == name), None)
        if index is None:  # not built (switched off): nothing to split
            continue
        _, cls, params = table[index]
        kept = [c.name for c in cls(name, params).columns()]
        if kept:
            raise ScenarioError(
                f"{at}: {key} keeps per-citizen columns ({', '.join(kept)}), so it cannot run as "
                "one instance per region; give a second instance of it, limited to those "
                "regions (regions = [...]), instead."
            )
        spec = getattr(model, section)[name]
        for group in wanted:
            places.mask(list(group), at)
        instances = []
        for group in wanted:
            data = params.model_dump()
            override = spec.by_region.get(group[0], {}) if len(group) == 1 else {}
            _merge_into(data, override)
            try:
                own = cls.Params.model_validate(data)
            except ValidationError as err:
                problem = "; ".join(
                    f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in err.errors()
                )
                raise ScenarioError(
                    f"{at}: {key}.by_region.{'+'.join(group)}: {problem}."
                ) from None
            instances.append((instance_name(name, group), cls, own))
        table[index + 1 : index + 1] = instances
    return groups


def _merge_into(base: dict, override: dict) -> None:
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            _merge_into(base[k], v)
        else:
            base[k] = v
